"""Errors are seen: Chinese error pages, tracebacks in the log file, never a personal number in a log line."""

import copy
import logging
import logging.config

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path

from shanhai.core.redact import redact
from shanhai.urls import urlpatterns as site_urlpatterns

ID = "11010519491231002X"  # checksum-valid sample numbers
ID2 = "110101199003074514"
PHONE = "13812345678"


def _boom(request):
    raise RuntimeError(f"导入时出错：身份证号{ID}，手机{PHONE}")


def _forbidden(request):
    raise PermissionDenied("您没有查看“培训”的权限，不能导出。")


urlpatterns = [*site_urlpatterns, path("test-boom/", _boom), path("test-forbidden/", _forbidden)]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture
def log_file(tmp_path):
    """The project's LOGGING, with its file handler pointed at a temporary file.

    Configured inside the test (not at setup), so the stderr handler holds the stream pytest captures
    during the test's own phase.
    """
    target = tmp_path / "shanhai.log"
    before = [h.stream for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]

    def configure():
        config = copy.deepcopy(settings.LOGGING)
        config["handlers"]["file"]["filename"] = str(target)
        logging.config.dictConfig(config)
        return target

    yield configure
    logging.config.dictConfig(settings.LOGGING)
    for handler in logging.getLogger().handlers:
        if type(handler) is logging.StreamHandler and before:
            handler.setStream(before[0])  # the session's stream, not this test's (closed) capture


@pytest.fixture
def anon() -> Client:
    return Client(raise_request_exception=False)


def _page(response) -> str:
    return response.content.decode()


def test_500_page_is_chinese_first_and_the_traceback_is_logged_masked(capfd, anon, log_file):
    log = log_file()
    response = anon.get("/test-boom/")
    assert response.status_code == 500
    page = _page(response)
    assert page.index("服务器出错了") < page.index("Server error")
    assert 'href="/"' in page and "返回首页" in page
    assert ID not in page  # DEBUG is off: no details on the page
    logged = log.read_text(encoding="utf-8")
    assert "ERROR django.request" in logged and "Internal Server Error: /test-boom/" in logged
    assert "Traceback (most recent call last)" in logged and "RuntimeError: 导入时出错" in logged
    assert "110105********002X" in logged and "138****5678" in logged
    assert ID not in logged and PHONE not in logged
    err = capfd.readouterr().err  # and the same on stderr
    assert "RuntimeError: 导入时出错" in err and ID not in err and PHONE not in err


def test_404_and_403_pages(anon, log_file):
    log_file()
    User.objects.create_user("u", password="pw")
    anon.login(username="u", password="pw")
    response = anon.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in _page(response) and "Page not found" in _page(response)
    response = anon.get("/test-forbidden/")
    assert response.status_code == 403
    assert _page(response).index("您没有访问此页面的权限") < _page(response).index("You may not open this page")
    assert "您没有查看“培训”的权限，不能导出。" in _page(response)  # the refusal's own reason, not only the generic words


def test_an_oversize_paste_gets_the_chinese_400_page(anon, log_file):
    log_file()
    anon.force_login(User.objects.create_superuser("admin", password="pw"))
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = anon.post("/evidence/new/", {"text": "甲" * limit})
    assert response.status_code == 400
    page = _page(response)
    assert "请求有误" in page and "Bad request" in page and "返回首页" in page
    assert "<h1>Bad Request (400)</h1>" not in page


def test_a_message_with_personal_numbers_is_masked_in_the_log(log_file):
    log = log_file()
    logging.getLogger("shanhai.transfer").warning("人员 %s 的手机号 +86 138-1234-5678 与 %s 重复", ID2, PHONE)
    line = log.read_text(encoding="utf-8")
    assert "110101********4514" in line and "138****5678" in line
    assert ID2 not in line and PHONE not in line and "1234-5678" not in line


@pytest.mark.parametrize(("text", "expected"), [
    (f"id={ID.lower()}&x=1", "id=110105********002x&x=1"),
    ("订单号20230101123456789012不是身份证号", "订单号20230101123456789012不是身份证号"),  # 20 digits
    ("电话13812345678。", "电话138****5678。"),
    ("座机02012345678", "座机02012345678"),
    ("１１０１０１１９９００３０７４５１４", "１１０１０１********４５１４"),  # full-width digits too
])
def test_redact(text, expected):
    assert redact(text) == expected


def test_redact_cell_values():
    from shanhai.core.redact import redact_value

    assert redact_value(13812345678) == "138****5678" and redact_value(13812345678.0) == "138****5678"
    assert redact_value(2023) == 2023 and redact_value(5.0) == 5.0 and redact_value(12345678901234567890) == 12345678901234567890
    assert redact_value(f"身份证{ID2}") == "身份证110101********4514"
