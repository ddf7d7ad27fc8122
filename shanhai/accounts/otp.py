"""Second factor (TOTP through django-otp) for national and provincial accounts.

- Optional: such an account enrols from its own page (/account/security/) by scanning a QR code (drawn
  as SVG here by segno, nothing fetched) and typing one code; from then on every login asks for a code
  (`OtpMiddleware` in `accounts.middleware` holds every page until it is given).
- `SHANHAI_OTP_REQUIRED=true` makes it mandatory for those roles: until they enrol, they see only the
  enrolment page. Other roles are not offered it (they hold no national or provincial rights).
- Wrong codes are throttled by django-otp itself (a doubling wait after each failure).
"""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from shanhai.accounts import services
from shanhai.accounts.roles import NATIONAL, PROVINCE
from shanhai.core.errors import ShanhaiError

DEVICE_NAME = "authenticator"


def otp_offered(user: Any) -> bool:
    """National and provincial accounts may (or, when required, must) use a second factor."""
    return bool(user.is_authenticated) and (user.is_superuser or services.role_of(user) in (NATIONAL, PROVINCE))


def otp_enrolled(user: Any) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def otp_required(user: Any, enrolled: bool | None = None) -> bool:
    """Must this user give a code (enrolled), or enrol first (mandatory for the role)? `enrolled` when the
    caller has already asked."""
    if enrolled is None:
        enrolled = otp_enrolled(user)
    return enrolled or (bool(getattr(settings, "SHANHAI_OTP_REQUIRED", False)) and otp_offered(user))


def otp_enrol_start(user: Any) -> TOTPDevice:
    """A new unconfirmed device (any earlier unconfirmed one replaced); confirmed by a first code."""
    if not otp_offered(user):
        raise ShanhaiError("第二重验证只用于全国管理员和省级协调员账号。", code="forbidden")
    if otp_enrolled(user):
        raise ShanhaiError("本账号已启用第二重验证；如需更换手机，请先停用再重新启用。")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def otp_pending(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an inline SVG QR code (no script, no external file)."""
    qr = segno.make(device.config_url, error="m")
    return qr.svg_inline(scale=4, dark="#1f2937", light="#ffffff", title="TOTP")


def _check(device: TOTPDevice, token: str) -> None:
    token = "".join(token.split())
    allowed, _info = device.verify_is_allowed()
    if not allowed:
        raise ShanhaiError("验证码错误次数过多，请稍等片刻再试。", field="token")
    if not (token.isdigit() and len(token) == 6) or not device.verify_token(token):
        raise ShanhaiError("验证码不正确或已过期，请输入手机验证器上当前显示的6位数字。", field="token")


def otp_enrol_confirm(request: Any, token: str) -> TOTPDevice:
    """Confirm the pending device with its first code; the session counts as verified."""
    device = otp_pending(request.user)
    if device is None:
        raise ShanhaiError("请先点击“启用第二重验证”生成二维码。")
    _check(device, token)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return device


def otp_verify(request: Any, token: str) -> TOTPDevice:
    """The login's second step: a code from any of the user's confirmed devices."""
    devices = [d for d in devices_for_user(request.user, confirmed=True) if isinstance(d, TOTPDevice)]
    if not devices:
        raise ShanhaiError("本账号没有启用第二重验证。")
    error: ShanhaiError | None = None
    for device in devices:
        try:
            _check(device, token)
        except ShanhaiError as e:
            error = e
            continue
        otp_login(request, device)
        return device
    raise error  # type: ignore[misc]


def otp_disable(request: Any, token: str) -> None:
    """Turn the second factor off (a current code proves the phone is at hand)."""
    if getattr(settings, "SHANHAI_OTP_REQUIRED", False) and otp_offered(request.user):
        raise ShanhaiError("本站要求全国和省级账号必须使用第二重验证，不能停用。", code="forbidden")
    otp_verify(request, token)
    TOTPDevice.objects.filter(user=request.user).delete()
