"""Reading a zip of reports as a background job, skipping the ones already read (issue 16)."""

import io
import zipfile

import pytest
from django.contrib.auth.models import Group, User

from shanhai.accounts.models import Scope
from shanhai.evidence.models import SourceDocument
from shanhai.ops.jobs import job_submit
from tests.factories import PairingFactory

pytestmark = pytest.mark.django_db

# Written for this test: three short county reports, the third the first one again in GB18030.
REPORT = "发布时间：2024-01-15\n2023年，南沙区选派{n}名党政干部到紫云自治县挂职，投入财政帮扶资金{m}万元。\n"


@pytest.fixture
def officer(region):
    pairing = PairingFactory(east_region=region("广州市南沙区"), west_region=region("紫云"))
    user = User.objects.create_user("ziyun", password="pw-ziyun-1", is_staff=True)
    user.groups.add(Group.objects.get(name="数据填报员"))
    Scope.objects.create(user=user, region=region("紫云"))
    return user, pairing


def make_zip(path, members: dict[str, bytes]) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    path.write_bytes(buf.getvalue())


def test_zip_of_reports_is_read_once(officer, tmp_path) -> None:
    user, pairing = officer
    archive = tmp_path / "reports.zip"
    make_zip(archive, {
        "a.txt": REPORT.format(n=5, m=300).encode(),
        "b.txt": REPORT.format(n=7, m=450).encode(),
        "c.txt": REPORT.format(n=5, m=300).encode("gb18030"),  # the same text as a.txt, other bytes
        "notes.xlsx": b"PK not a report",
        "bad.pdf": b"%PDF-1.4 broken",
    })
    job = job_submit(kind="evidence.batch", label="读取报告", user=user,
                     params={"path": str(archive), "pairing": pairing.pk})
    assert job.status == "succeeded", job.message
    assert job.result["read"] == 2 and job.result["skipped"] == 1 and job.result["refused"] == 1
    assert SourceDocument.objects.count() == 2
    assert sorted(f.value for f in SourceDocument.objects.get(original_name="b.txt").facts.all()) == [7, 4500000]
    again = job_submit(kind="evidence.batch", label="读取报告", user=user,
                       params={"path": str(archive), "pairing": pairing.pk})
    assert again.result["read"] == 0 and again.result["skipped"] == 3
    assert SourceDocument.objects.count() == 2


def test_not_a_folder_or_zip_is_refused_in_chinese(officer, tmp_path) -> None:
    user, pairing = officer
    (tmp_path / "x.txt").write_text("不是压缩包", encoding="utf-8")
    job = job_submit(kind="evidence.batch", label="读取报告", user=user,
                     params={"path": str(tmp_path / "x.txt"), "pairing": pairing.pk})
    assert job.status == "failed" and "不是文件夹或 zip 文件" in job.message
    assert not SourceDocument.objects.exists()
