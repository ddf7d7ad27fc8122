"""Identity numbers and phone numbers: validated, then kept only as a keyed hash and a masked form.

The keyed hash (HMAC-SHA256 under settings.PII_HASH_KEY) lets an import match the same person again
without the clear value ever reaching the database, the history tables or the logs.
"""

import hashlib
import hmac
import re
import unicodedata
from operator import mul

from django.conf import settings

from shanhai.core.errors import ShanhaiError

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PHONE = re.compile(r"1[3-9]\d{9}")
_ID_FORM = re.compile(r"\d{17}[\dX]")


def _normalise(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().replace(" ", "").replace("-", "").upper()


def keyed_hash(kind: str, value: str) -> str:
    key = settings.PII_HASH_KEY.encode()
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def normalise_id_number(raw: str) -> str:
    """Return the 18-character resident identity number, or raise with a Chinese message."""
    value = _normalise(raw)
    if not _ID_FORM.fullmatch(value):
        raise ShanhaiError("「身份证号」应为18位，前17位为数字，末位为数字或X。", field="id_number")
    total = sum(map(mul, map(int, value[:17]), _ID_WEIGHTS))  # no Python frame per digit: imports check thousands
    if _ID_CHECK[total % 11] != value[17]:
        raise ShanhaiError("「身份证号」校验位不正确，请核对。", field="id_number")
    return value


def normalise_phone(raw: str) -> str:
    value = _normalise(raw)
    if value.startswith("+86"):
        value = value[3:]
    if not _PHONE.fullmatch(value):
        raise ShanhaiError("「手机号」应为以1开头的11位数字。", field="phone")
    return value


def mask_id_number(value: str) -> str:
    return f"{value[:6]}********{value[-4:]}"


def mask_phone(value: str) -> str:
    return f"{value[:3]}****{value[-4:]}"
