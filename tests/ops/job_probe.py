"""Run by test_jobs_kill.py in subprocesses against a database of its own (a SQLite file or a fresh
PostgreSQL database), with the settings a real worker has (database queue, file cache, file storage).

    python job_probe.py setup ROWS   migrate, load regions, a pairing and an officer; write ROWS placements
                                     to placements.csv; check it as an upload and confirm it (a queued job)
    python job_probe.py again        check the same file again as a new upload; print that run's status
    python job_probe.py submit       the same, and confirm it (another queued job)

Prints one JSON line. Needs DATABASE_URL, SHANHAI_VAR_DIR and DJANGO_SETTINGS_MODULE.
"""

import csv
import json
import os
import sys
from pathlib import Path

HEAD = ["东部地区", "西部地区", "年度", "月份", "就业去向", "人数", "新增就业", "就业单位"]


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from shanhai.transfer.services import import_run_check, import_run_submit

    var = Path(os.environ["SHANHAI_VAR_DIR"])
    path = var / "placements.csv"
    out: dict[str, object] = {}
    if sys.argv[1] == "setup":
        from shanhai.regions.services import regions_load
        from tests.factories import PairingFactory, ProgrammeFactory

        call_command("migrate", verbosity=0)
        regions_load()
        PairingFactory(programme=ProgrammeFactory(name="东西部协作（2021—2025年）"))
        User.objects.create_superuser("officer", password="correct horse battery")
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(HEAD)
            for i in range(int(sys.argv[2])):
                w.writerow(["广州市南沙区", "紫云自治县", "2023", str(i % 12 + 1), "到东部就业", "5", "是", f"电子厂{i}"])
    officer = User.objects.get(username="officer")
    run = import_run_check(user=officer, upload=SimpleUploadedFile(path.name, path.read_bytes()))
    out.update(run=run.pk, run_status=run.status, rows=run.result.get("rows"), created=run.result.get("created"))
    if sys.argv[1] in ("setup", "submit"):
        job = import_run_submit(run=run, user=officer)
        out.update(job=job.pk, job_status=job.status)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
