"""Every write is safe: what an upload leaves on disk, the run's state committed with the data, dates to confirm."""

import datetime as dt
import io
import json
import stat
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db.models.signals import post_save
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from shanhai.accounts.models import Scope
from shanhai.activities.models import Training
from shanhai.core.errors import ShanhaiError
from shanhai.economy.models import Placement
from shanhai.network.models import OrgKind
from shanhai.people.models import Dispatch, Person
from shanhai.regions.lookup import find_region
from shanhai.transfer import uploads
from shanhai.transfer.engine import import_file
from shanhai.transfer.models import ImportRun, RunStatus
from shanhai.transfer.services import import_run_check, import_run_commit
from tests.factories import OrganisationFactory
from tests.transfer.conftest import HEAD, PAIR

PLACEMENT_HEAD = HEAD + ["年度", "月份", "就业去向", "人数", "新增就业", "就业单位"]
TRAINING_HEAD = HEAD + ["培训类别", "培训名称", "开始日期", "结束日期", "培训人次"]
DISPATCH_HEAD = HEAD + ["姓名", "性别", "身份证号", "手机号", "工作单位", "方向", "类别", "专业类别", "计划开始日期",
                        "计划结束日期"]
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(first17: str) -> str:
    """A checksum-valid resident identity number."""
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


IDS = [id_number("44011519850312123"), id_number("52252719900101456"), id_number("11010119900307451")]
PHONES = ["13812345678", "15987654321", "18600001111"]
SCHOOL = "广州市南沙区东涌中学"


def _dispatch_rows(start: str = "2023-03-01") -> list[list[str]]:
    names = ["李明", "王芳", "赵强"]
    return [DISPATCH_HEAD] + [
        PAIR + [name, "男", ident, phone, SCHOOL, "东部→西部", "专业技术人才", "教师", start, ""]
        for name, ident, phone in zip(names, IDS, PHONES, strict=True)
    ]


def _csv_upload(rows: list[list[str]], name: str = "选派.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\ufeff" + "\r\n".join(",".join(r) for r in rows)).encode("utf-8"))


def _xlsx_upload(rows: list[list[str]], name: str = "选派.xlsx") -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.title = "选派人员"
    ws.append(["2023年选派人员花名册"])  # a title row above the header
    for row in rows:
        ws.append(row)
    content = io.BytesIO()
    wb.save(content)
    return SimpleUploadedFile(name, content.getvalue())


@pytest.fixture
def school(pairing):
    return OrganisationFactory(name=SCHOOL, kind=OrgKind.HIGH_SCHOOL, region=find_region("广州市南沙区"))


@pytest.fixture
def clerk(pairing):
    user = User.objects.create_user("clerk", password="pw")
    user.groups.add(Group.objects.get(name="数据填报员"))
    Scope.objects.create(user=user, pairing=pairing)
    return user


@pytest.fixture
def disk(settings, tmp_path):
    """The real FileSystemStorage (tests use InMemoryStorage), in a temporary media folder."""
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(media)}}}
    return media


def _stored_files() -> list[str]:
    return list(uploads._walk(default_storage, uploads.UPLOAD_DIR))


def _every_byte(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def _clear_forms(value: str) -> list[bytes]:
    """The ways a number can sit in a file in clear: UTF-8, UTF-16 and GB18030 text."""
    return [value.encode(e) for e in ("utf-8", "utf-16-le", "utf-16-be", "gb18030")]


def _decrypted(run: ImportRun) -> bytes:
    """The stored upload decrypted; for an .xlsx, the text of all its (compressed) parts."""
    out = io.BytesIO()
    with run.file.open("rb") as stored:
        uploads.unseal(stored, out)
    blob = out.getvalue()
    if blob.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(blob)) as z:
            return b"".join(z.read(n) for n in z.namelist())
    return blob


# ---- uploads and personal data ----------------------------------------------------------------

@pytest.mark.parametrize("make", [_csv_upload, _xlsx_upload])
def test_no_identity_number_or_phone_is_ever_on_disk_in_clear(disk, clerk, school, make):
    run = import_run_check(user=clerk, upload=make(_dispatch_rows()))
    assert run.status == RunStatus.CHECKED and run.file and not run.file_masked
    # checked and waiting for confirmation: the full file is kept, encrypted, under a random name
    assert not Path(run.file.name).stem.startswith("选派")
    blob = _every_byte(disk)
    assert blob and not any(form in blob for v in IDS + PHONES for form in _clear_forms(v))
    assert IDS[0].encode() in _decrypted(run)  # the key opens it: the confirmation reads the full file
    # files 600, folders 700
    for p in disk.rglob("*"):
        mode = stat.S_IMODE(p.stat().st_mode)
        assert mode == (0o700 if p.is_dir() else 0o600), (p, oct(mode))

    run = import_run_commit(run=run, user=clerk)
    assert run.status == RunStatus.IMPORTED and Dispatch.objects.count() == 3
    assert Person.objects.get(name="李明").id_number_masked == IDS[0][:6] + "********" + IDS[0][-4:]
    [name] = _stored_files()
    assert name == run.file.name and run.file_masked  # the full copy is gone, the masked copy kept
    blob = _every_byte(disk)
    assert not any(form in blob for v in IDS + PHONES for form in _clear_forms(v))
    kept = _decrypted(run)
    if make is _csv_upload:
        text = kept.decode("utf-8-sig")
        assert "李明" in text and IDS[0][:6] + "********" + IDS[0][-4:] in text and "138****5678" in text
    else:
        out = io.BytesIO()
        with run.file.open("rb") as stored:
            uploads.unseal(stored, out)
        ws = load_workbook(out).active
        values = [[c.value for c in row] for row in ws.iter_rows()]
        assert values[0] == ["2023年选派人员花名册"] + [None] * (len(DISPATCH_HEAD) - 1)
        assert values[2][len(HEAD):len(HEAD) + 4] == ["李明", "男", IDS[0][:6] + "********" + IDS[0][-4:], "138****5678"]
    assert not any(v in kept.decode("utf-8", "replace") for v in IDS + PHONES)
    for p in disk.rglob("*"):
        assert stat.S_IMODE(p.stat().st_mode) == (0o700 if p.is_dir() else 0o600)


def test_a_refused_upload_is_not_kept(clerk, school):
    rows = _dispatch_rows()
    rows[1][rows[0].index("身份证号")] = IDS[0][:-1] + ("0" if IDS[0][-1] != "0" else "1")  # checksum wrong
    run = import_run_check(user=clerk, upload=_csv_upload(rows))
    assert run.status == RunStatus.REFUSED and not run.file and run.file_removed_at is None
    assert run.result["errors"][0]["reason"].startswith("「身份证号」校验位不正确")
    assert _stored_files() == []
    with pytest.raises(ShanhaiError):
        import_run_commit(run=run, user=clerk)


def test_an_unreadable_or_unknown_file_is_not_kept(clerk):
    xls = SimpleUploadedFile("旧表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    run = import_run_check(user=clerk, upload=xls)
    assert run.status == RunStatus.REFUSED and "旧版 Excel" in run.result["file_errors"][0]
    run = import_run_check(user=clerk, upload=_csv_upload([["甲", "乙"], ["1", "2"]]))
    assert run.status == RunStatus.REFUSED and "无法从表头判断导入类型" in run.result["file_errors"][0]
    assert _stored_files() == [] and ImportRun.objects.filter(file="").count() == 2


def test_a_too_large_upload_is_refused_before_anything_is_stored(settings, clerk):
    settings.SHANHAI_IMPORT_LIMITS = {"max_file_bytes": 100}
    with pytest.raises(ShanhaiError, match="超过上限"):
        import_run_check(user=clerk, upload=_csv_upload([PLACEMENT_HEAD] + [PAIR + ["2023", "6", "到东部就业", "5",
                                                                                     "是", "甲厂"]] * 5))
    assert _stored_files() == [] and not ImportRun.objects.exists()


def test_a_type_the_user_may_not_import_is_refused_before_it_is_stored_or_checked(client, clerk, school):
    viewer = User.objects.create_user("viewer", password="pw")
    viewer.groups.add(Group.objects.get(name="查看员"))
    client.force_login(viewer)
    response = client.post("/data/", {"file": _csv_upload(_dispatch_rows())})  # no type given: detected
    run = ImportRun.objects.get()
    assert response.status_code == 302 and run.status == RunStatus.REFUSED and not run.file
    assert run.type_key == "dispatch" and run.result["file_errors"] == ["您没有导入“选派（挂职干部、专业技术人才）”的权限。"]
    assert run.result["rows"] == 0  # not even checked
    assert _stored_files() == []
    page = client.get(response["Location"]).content.decode()
    assert "没有导入" in page and "被拒绝的文件不会保存在服务器上" in page


# ---- retention: `shanhai uploads_cleanup` ----------------------------------------------------

def _run(user, status, *, days_ago, name, masked=False):
    run = ImportRun(user=user, filename=name, status=status, type_key="placement", file_masked=masked)
    run.file.save(f"{name}.enc", ContentFile(b"x"), save=False)
    run.save()
    when = timezone.now() - dt.timedelta(days=days_ago)
    ImportRun.objects.filter(pk=run.pk).update(created_at=when, finished_at=when if status == RunStatus.IMPORTED else None)
    return run


def test_cleanup_applies_the_retention_and_is_idempotent(settings, clerk):
    settings.SHANHAI_UPLOAD_RETENTION_DAYS = 10
    old_import = _run(clerk, RunStatus.IMPORTED, days_ago=11, name="旧导入", masked=True)
    new_import = _run(clerk, RunStatus.IMPORTED, days_ago=9, name="新导入", masked=True)
    old_check = _run(clerk, RunStatus.CHECKED, days_ago=2, name="未确认")
    new_check = _run(clerk, RunStatus.CHECKED, days_ago=0, name="刚检查")
    out = io.StringIO()
    call_command("uploads_cleanup", stdout=out)
    text = out.getvalue()
    assert "删除  旧导入：已导入，超过保留期10天" in text and "删除  未确认：检查后超过1天未确认导入" in text
    assert "共删除2个文件" in text
    assert "新导入" not in text and "刚检查" not in text
    for run in (old_import, old_check):
        run.refresh_from_db()
        assert not run.file and run.file_removed_at is not None
    assert old_check.status == RunStatus.EXPIRED and old_import.status == RunStatus.IMPORTED
    assert sorted(_stored_files()) == sorted([new_import.file.name, new_check.file.name])
    out = io.StringIO()
    call_command("uploads_cleanup", stdout=out)
    assert out.getvalue().strip() == "没有需要处理的上传文件。"
    with pytest.raises(ShanhaiError, match="已过期"):
        import_run_commit(run=old_check, user=clerk)


def test_cleanup_removes_stray_files_once_a_day_old(disk, clerk):
    kept = _run(clerk, RunStatus.IMPORTED, days_ago=0, name="刚导入", masked=True)
    stray = default_storage.save("imports/2020/01/stray.enc", ContentFile(b"x"))  # no run points to it
    assert uploads.cleanup() == []  # too fresh: its run may be about to be saved
    [done] = uploads.cleanup(now=timezone.now() + dt.timedelta(days=1, minutes=1))
    assert (done.name, done.why) == (stray, "没有对应的导入记录")
    assert _stored_files() == [kept.file.name]


def test_cleanup_masks_an_imported_copy_left_in_full(clerk, school):
    """A crash between the commit and the masking leaves the full (encrypted) copy: the cleanup masks it."""
    run = import_run_check(user=clerk, upload=_csv_upload(_dispatch_rows()))
    ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.IMPORTED, finished_at=timezone.now())
    out = io.StringIO()
    call_command("uploads_cleanup", stdout=out)
    assert "选派.csv：已导入，已改为脱敏副本" in out.getvalue()
    run.refresh_from_db()
    kept = _decrypted(run).decode("utf-8-sig")
    assert run.file_masked and "138****5678" in kept and PHONES[0] not in kept and IDS[0] not in kept
    assert _stored_files() == [run.file.name]


# ---- the run's state commits with the data ------------------------------------------------------

CASES = {
    "general": (TRAINING_HEAD, PAIR + ["专业技术人才培训", "班一", "2023-05-08", "2023-05-12", "40"], Training),
    "fast": (PLACEMENT_HEAD, PAIR + ["2023", "6", "到东部就业", "5", "是", "甲厂"], Placement),
}


@pytest.mark.django_db(transaction=True)  # a real transaction, not a savepoint inside the test's
@pytest.mark.parametrize("path", sorted(CASES))
def test_a_crash_after_the_write_keeps_neither_the_rows_nor_the_status(clerk, path):
    head, row, model = CASES[path]
    run = import_run_check(user=clerk, upload=_csv_upload([head, row], name="f.csv"))
    assert run.status == RunStatus.CHECKED

    def crash(sender, instance, **kwargs):  # after the run's UPDATE, still inside the import's transaction
        if instance.status == RunStatus.IMPORTED:
            raise RuntimeError("进程在提交前中断")

    post_save.connect(crash, sender=ImportRun)
    try:
        with pytest.raises(RuntimeError):
            import_run_commit(run=run, user=clerk)
    finally:
        post_save.disconnect(crash, sender=ImportRun)
    assert model.objects.count() == 0
    run = ImportRun.objects.get(pk=run.pk)
    assert run.status == RunStatus.CHECKED and run.finished_at is None and run.file  # can be confirmed again

    run = import_run_commit(run=run, user=clerk)
    stored = ImportRun.objects.get(pk=run.pk)
    assert model.objects.count() == 1
    assert stored.status == RunStatus.IMPORTED and stored.finished_at is not None
    assert stored.result["committed"] and stored.result["created"] == 1


@pytest.mark.parametrize("path", sorted(CASES))
def test_the_hook_runs_inside_the_import_transaction(pairing, csv_file, path):
    head, row, model = CASES[path]
    seen = []

    def hook(result):
        seen.append((result.committed, model.objects.count()))  # the rows are there, not yet committed
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        import_file(csv_file([head, row]), on_commit_inside=hook)
    assert seen == [(True, 1)] and model.objects.count() == 0


# ---- dates beyond next year --------------------------------------------------------------------

def test_far_future_dates_are_warnings_on_both_paths(pairing, csv_file):
    far = timezone.localdate().year + 2
    training = csv_file([TRAINING_HEAD, PAIR + ["专业技术人才培训", "班一", "2099-05-08", "", "40"]], "t.csv")
    result = import_file(training)
    assert result.ok and not result.committed and result.held and Training.objects.count() == 0
    [w] = result.warnings
    assert (w.row, w.column, w.value) == (2, "开始日期", "2099-05-08") and "2099年，晚于明年" in w.reason
    rows = [PLACEMENT_HEAD, PAIR + ["2023", "6", "到东部就业", "5", "是", "甲厂"],
            PAIR + [str(far), "6", "到东部就业", "5", "是", "乙厂"], PAIR + [str(far), "7", "到东部就业", "5", "是", "乙厂"]]
    for fast in (True, False):
        result = import_file(csv_file(rows, "p.csv"), dry_run=True, fast=fast)
        assert [(w.row, w.column, w.value) for w in result.warnings] == [(3, "年度", str(far)), (4, "年度", str(far))]
        assert result.created == 3
    result = import_file(csv_file(rows, "p.csv"), accept_warnings=True)
    assert result.committed and Placement.objects.count() == 3
    assert not import_file(csv_file([PLACEMENT_HEAD, PAIR + [str(far - 1), "6", "到东部就业", "5", "是", "丙厂"]],
                                    "n.csv")).warnings  # next year is fine


def test_the_check_page_lists_the_dates_and_asks_for_confirmation(client, clerk):
    client.force_login(clerk)
    rows = [TRAINING_HEAD, PAIR + ["专业技术人才培训", "班一", "2099-05-08", "2099-05-12", "40"]]
    response = client.post("/data/", {"file": _csv_upload(rows, "培训.csv")})
    run = ImportRun.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "有2处日期晚于明年，请逐一核对" in page and "2099-05-12" in page
    assert "我已核对以上日期" in page and 'name="accept_warnings"' in page
    response = client.post(f"/data/runs/{run.pk}/commit")
    assert response.status_code == 400 and "我已核对以上日期" in response.content.decode()
    run.refresh_from_db()
    assert run.status == RunStatus.CHECKED and Training.objects.count() == 0
    response = client.post(f"/data/runs/{run.pk}/commit", {"accept_warnings": "1"})
    assert response.status_code == 302 and Training.objects.count() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.IMPORTED


def test_a_file_without_warnings_needs_no_checkbox(client, clerk):
    client.force_login(clerk)
    response = client.post("/data/", {"file": _csv_upload([TRAINING_HEAD, CASES["general"][1]], "培训.csv")})
    page = client.get(response["Location"]).content.decode()
    assert "确认导入" in page and "我已核对以上日期" not in page


def test_the_command_needs_accept_warnings(pairing, tmp_path):
    path = tmp_path / "培训.csv"
    path.write_text("\ufeff" + "\n".join(",".join(r) for r in [
        TRAINING_HEAD, PAIR + ["专业技术人才培训", "班一", "2099-05-08", "", "40"]]), encoding="utf-8")
    out = io.StringIO()
    call_command("import", str(path), "--dry-run", stdout=out)
    assert "1处需要核对（导入须加 --accept-warnings）" in out.getvalue() and "「开始日期」 “2099-05-08”" in out.getvalue()
    out = io.StringIO()
    with pytest.raises(CommandError, match="--accept-warnings"):
        call_command("import", str(path), stdout=out)
    assert "将新增1条" in out.getvalue() and Training.objects.count() == 0
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", str(path), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["held"] and data["warning_count"] == 1 and data["warnings"][0]["value"] == "2099-05-08"
    out = io.StringIO()
    call_command("import", str(path), "--accept-warnings", stdout=out)
    assert "已按 --accept-warnings 确认" in out.getvalue() and "导入完成" in out.getvalue()
    assert Training.objects.count() == 1


# ---- the encryption at rest -------------------------------------------------------------------

def _sealed(data: bytes) -> bytes:
    out = io.BytesIO()
    uploads.seal(io.BytesIO(data), out)
    return out.getvalue()


def _unsealed(blob: bytes) -> bytes:
    out = io.BytesIO()
    uploads.unseal(io.BytesIO(blob), out)
    return out.getvalue()


def test_sealed_uploads_survive_a_key_change_and_refuse_tampering(settings, monkeypatch):
    monkeypatch.setattr(uploads, "CHUNK", 1000)  # several chunks
    data = ("身份证号," + IDS[0] + "\r\n").encode() * 200
    blob = _sealed(data)
    assert IDS[0].encode() not in blob and _unsealed(blob) == data
    assert _unsealed(_sealed(b"")) == b""
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + "x" * 40, [old]
    assert _unsealed(blob) == data  # the former key still opens it
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(uploads.UploadUnreadable, match="无法解密"):
        _unsealed(blob)
    settings.SECRET_KEY_FALLBACKS = [old]
    lines = blob.splitlines(keepends=True)
    for tampered in (b"".join(lines[:-1]),  # the last chunk cut off
                     b"".join([lines[0], lines[2], lines[1], *lines[3:]]),  # chunks swapped
                     blob + lines[1]):  # a chunk added after the last
        with pytest.raises(uploads.UploadUnreadable, match="不完整或已被改动"):
            _unsealed(tampered)


def test_a_second_confirmation_writes_nothing(clerk):
    """Two clicks on 确认导入 racing: the second finds the run imported inside its transaction and rolls back."""
    head, row, model = CASES["fast"]
    run = import_run_check(user=clerk, upload=_csv_upload([head, row], name="f.csv"))
    # the other request committed while this one was importing (this one read the run before that)
    ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.IMPORTED, finished_at=timezone.now())
    with pytest.raises(ShanhaiError, match="另一次确认"):
        import_run_commit(run=run, user=clerk)
    assert model.objects.count() == 0
    assert ImportRun.objects.get(pk=run.pk).status == RunStatus.IMPORTED


def test_a_stored_file_gone_missing_is_a_clear_error(clerk):
    head, row, _ = CASES["fast"]
    run = import_run_check(user=clerk, upload=_csv_upload([head, row], name="f.csv"))
    default_storage.delete(run.file.name)
    with pytest.raises(ShanhaiError, match="请重新上传"):
        import_run_commit(run=run, user=clerk)
