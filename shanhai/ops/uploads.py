"""Upload limits for every page at once: the one place every upload passes is the request itself.

`UploadLimitMiddleware` runs before the CSRF check reads the body:
- a request whose declared length is over `SHANHAI_UPLOAD_MAX_MB` is refused before it is read;
- each uploaded file that is a zip (.xlsx, .docx; told by its first bytes, not its name) has its
  directory read — nothing is inflated — and is refused when the declared unpacked size is over
  `SHANHAI_UPLOAD_MAX_UNPACKED_MB`, or when a large member is compressed more than `MAX_RATIO` times
  (a zip bomb), before openpyxl or the report reader opens it.
The refusal is a 413 page (or JSON under /api/) saying in Chinese which file and which limit. The
readers keep their own, finer limits (transfer/readers.py `check_zip`, evidence/loaders.py).
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

MB = 1024 * 1024
MAX_RATIO = 200  # real .xlsx sheets compress 10–30×; a bomb thousands of times
RATIO_FLOOR = MB  # small members (styles, themes) may compress however they like


def _mb(n: float) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n / MB:.1f} MB"


def zip_refusal(upload: UploadedFile, *, max_unpacked: int) -> str:
    """Why this uploaded zip is refused, or '' (not a zip, or within limits)."""
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    if head != b"PK\x03\x04":
        return ""
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return ""  # a broken zip is the reader's to explain
    finally:
        upload.seek(0)
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            return (f"文件“{upload.name}”中的部件 {info.filename} 解压后为{_mb(info.file_size)}，压缩比{ratio:.0f}倍，"
                    f"超过上限{MAX_RATIO}倍（疑似压缩炸弹），已拒绝，未打开。")
    if total > max_unpacked:
        return (f"文件“{upload.name}”解压后为{_mb(total)}，超过上限{_mb(max_unpacked)}，已拒绝，未打开；"
                "请拆分后分别上传。")
    return ""


def _refuse(request: HttpRequest, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return HttpResponse(json.dumps({"detail": message}, ensure_ascii=False), status=413,
                            content_type="application/json")
    return HttpResponse(render_to_string("ops/upload_refused.html", {"message": message}), status=413)


class UploadLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("POST", "PUT", "PATCH"):
            max_bytes = int(settings.SHANHAI_UPLOAD_MAX_MB) * MB
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > max_bytes:
                return _refuse(request, f"上传的内容为{_mb(length)}，超过上限{_mb(max_bytes)}，已拒绝；请拆分后分别上传。")
            if request.content_type == "multipart/form-data":
                max_unpacked = int(settings.SHANHAI_UPLOAD_MAX_UNPACKED_MB) * MB
                for upload in request.FILES.values():
                    message = zip_refusal(upload, max_unpacked=max_unpacked)
                    if message:
                        return _refuse(request, message)
        return self.get_response(request)
