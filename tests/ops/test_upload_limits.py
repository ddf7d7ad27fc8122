"""Upload limits for every page (ops/uploads.py): a request over the size limit, and a zip (.xlsx, .docx)
whose directory declares too much unpacked data or a bomb-like compression ratio, are refused with a
Chinese 413 page before any reader — openpyxl included — opens the file; nothing is stored."""

from __future__ import annotations

import io
import os
import zipfile

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from shanhai.transfer.models import ImportRun


def _xlsx(extra: dict[str, bytes] | None = None) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["名称", "数值"])
    buf = io.BytesIO()
    book.save(buf)
    if not extra:
        return buf.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        for name, data in extra.items():
            dst.writestr(name, data)
    return out.getvalue()


@pytest.fixture
def officer(client, db):
    user = User.objects.create_superuser("uploader", password="Zhengque-mima-2026")
    client.force_login(user)
    return user


@pytest.fixture
def openpyxl_never_opens(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl opened a refused upload")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    monkeypatch.setattr(openpyxl.reader.excel, "load_workbook", refuse)


def _post(client, name: str, data: bytes, url: str = "/data/"):
    return client.post(url, {"file": SimpleUploadedFile(name, data), "type_key": ""})


def test_an_xlsx_zip_bomb_is_refused_before_openpyxl(client, officer, openpyxl_never_opens):
    bomb = _xlsx({"xl/worksheets/sheet9.xml": b"<row/>" * (10 * 1024 * 1024)})  # 60 MB in ~60 KB
    assert len(bomb) < 200 * 1024
    response = _post(client, "季度报表.xlsx", bomb)
    page = response.content.decode()
    assert response.status_code == 413
    assert "季度报表.xlsx" in page and "疑似压缩炸弹" in page and "xl/worksheets/sheet9.xml" in page
    assert not ImportRun.objects.exists()


def test_the_bomb_is_refused_on_the_report_reader_page_too(client, officer):
    bomb = _xlsx({"word/document.xml": b"a" * (20 * 1024 * 1024)})
    response = client.post("/evidence/new/", {"file": SimpleUploadedFile("报告.docx", bomb), "pairing": ""})
    assert response.status_code == 413 and "疑似压缩炸弹" in response.content.decode()


def test_too_much_unpacked_data_is_refused(client, officer, settings, openpyxl_never_opens):
    settings.SHANHAI_UPLOAD_MAX_UNPACKED_MB = 1
    plain = os.urandom(600 * 1024).hex().encode()  # 1.2 MB that compresses only ~2×
    response = _post(client, "big.xlsx", _xlsx({"xl/worksheets/sheet9.xml": plain}))
    assert response.status_code == 413
    assert "解压后为" in response.content.decode() and "超过上限1 MB" in response.content.decode()


def test_a_request_over_the_size_limit_is_refused_unread(client, officer, settings):
    settings.SHANHAI_UPLOAD_MAX_MB = 1
    response = _post(client, "big.csv", b"a,b\n" * (300 * 1024))
    assert response.status_code == 413 and "超过上限1 MB" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_an_ordinary_workbook_passes(client, officer):
    response = _post(client, "ok.xlsx", _xlsx())
    assert response.status_code != 413
