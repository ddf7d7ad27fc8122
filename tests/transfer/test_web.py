"""The upload page: check, read the answer, confirm; and the command line."""

import io
import json

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from shanhai.accounts.models import Scope
from shanhai.economy.models import Placement
from shanhai.transfer.models import ImportBatch, ImportRun
from tests.transfer.conftest import HEAD, PAIR

PLACEMENT_HEAD = HEAD + ["年度", "月份", "就业去向", "人数", "新增就业", "就业单位"]


def _csv(rows):
    text = "\r\n".join(",".join(r) for r in rows)
    upload = io.BytesIO(("\ufeff" + text).encode("utf-8"))
    upload.name = "劳务.csv"
    return upload


@pytest.fixture
def clerk(pairing):
    user = User.objects.create_user("clerk", password="pw")
    user.groups.add(Group.objects.get(name="数据填报员"))
    Scope.objects.create(user=user, pairing=pairing)
    return user


def test_upload_check_then_confirm(client, clerk):
    client.force_login(clerk)
    page = client.get("/data/")
    assert page.status_code == 200 and "数据导入与导出" in page.content.decode()
    response = client.post("/data/", {"file": _csv([PLACEMENT_HEAD, PAIR + ["2023", "6", "到东部就业", "5", "是", "甲厂"]])})
    assert response.status_code == 302
    run = ImportRun.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "将新增" in page and "确认导入" in page
    assert Placement.objects.count() == 0
    response = client.post(f"/data/runs/{run.pk}/commit")
    assert response.status_code == 302
    assert Placement.objects.count() == 1
    placement = Placement.objects.get()
    batch = ImportBatch.objects.get()  # the fast path records creations per batch (see fastpath.py)
    assert (batch.user, batch.first_id, batch.last_id, batch.filename) == (clerk, placement.pk, placement.pk, "劳务.csv")
    assert "导入完成" in client.get(response["Location"]).content.decode()
    assert client.post(f"/data/runs/{run.pk}/commit").status_code == 400  # not twice


def test_a_file_with_nothing_to_change_is_finished_not_left_waiting(client, clerk):
    client.force_login(clerk)
    rows = [PLACEMENT_HEAD, PAIR + ["2023", "6", "到东部就业", "5", "是", "甲厂"]]
    client.post(f"/data/runs/{_checked(client, rows).pk}/commit")
    response = client.post("/data/", {"file": _csv(rows)})  # the same file again
    run = ImportRun.objects.order_by("-pk").first()
    assert run.status == "unchanged" and run.finished_at is not None
    page = client.get(response["Location"]).content.decode()
    assert "无需导入" in page and "确认导入" not in page
    assert client.post(f"/data/runs/{run.pk}/commit").status_code == 400


def _checked(client, rows):
    client.post("/data/", {"file": _csv(rows)})
    return ImportRun.objects.order_by("-pk").first()


def test_refused_upload_lists_rows_and_cannot_be_confirmed(client, clerk):
    client.force_login(clerk)
    response = client.post("/data/", {"file": _csv([PLACEMENT_HEAD, PAIR + ["2023", "13", "到东部就业", "5", "是", "甲厂"]])})
    run = ImportRun.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "文件被拒绝" in page and "「月份」应在1到12之间。" in page and "确认导入" not in page
    assert client.post(f"/data/runs/{run.pk}/commit").status_code == 400
    assert Placement.objects.count() == 0


def test_viewer_may_not_import_and_others_runs_are_hidden(client, clerk, pairing):
    viewer = User.objects.create_user("viewer", password="pw")
    viewer.groups.add(Group.objects.get(name="查看员"))
    client.force_login(viewer)
    client.post("/data/", {"file": _csv([PLACEMENT_HEAD, PAIR + ["2023", "6", "到东部就业", "5", "是", "甲厂"]])})
    run = ImportRun.objects.get()
    assert run.status == "refused" and "没有导入" in run.result["file_errors"][0]
    client.force_login(clerk)
    assert client.get(f"/data/runs/{run.pk}/").status_code == 404


def test_templates_download(client, clerk):
    client.force_login(clerk)
    response = client.get("/data/templates/placement.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert client.get("/data/templates/nothing.xlsx").status_code == 404


def test_command_dry_run_then_real(pairing, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("\ufeff" + "\n".join(",".join(r) for r in [PLACEMENT_HEAD, PAIR + ["2023", "6", "到东部就业", "5", "是", "甲厂"]]),
                    encoding="utf-8")
    out = io.StringIO()
    call_command("import", str(path), "--dry-run", stdout=out)
    assert "将新增1条" in out.getvalue() and "试运行" in out.getvalue()
    assert Placement.objects.count() == 0
    out = io.StringIO()
    call_command("import", str(path), "--type", "placement", "--json", stdout=out)
    assert json.loads(out.getvalue())["created"] == 1
    bad = tmp_path / "bad.csv"
    bad.write_text(",".join(PLACEMENT_HEAD) + "\n" + ",".join(PAIR + ["2023", "6", "到东部就业", "0", "是", "乙厂"]),
                   encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError, match="数据库未作任何修改"):
        call_command("import", str(bad), stdout=out)
    assert "第2行" in out.getvalue() and "「人数」至少为1。" in out.getvalue()
