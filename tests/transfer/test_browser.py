"""The upload page in a real browser (Debian's Chromium through Playwright): refuse, correct, confirm."""


import pytest

pytestmark = pytest.mark.browser

PASSWORD = "browser-test-pw-1"
HEAD = "东部地区,西部地区,年度,月份,就业去向,人数,新增就业,就业单位"


@pytest.fixture
def site(live_server, transactional_db):
    from django.contrib.auth.models import User

    from shanhai.regions.lookup import clear_index
    from shanhai.regions.models import Region
    from shanhai.regions.services import regions_load
    from tests.factories import PairingFactory, ProgrammeFactory

    if not Region.objects.exists():  # a transactional test before this one flushed the table
        regions_load()
    clear_index()
    PairingFactory(programme=ProgrammeFactory(name="东西部协作（2021—2025年）"))
    User.objects.create_superuser("admin", password=PASSWORD)
    yield live_server
    clear_index()


def test_refused_file_then_corrected_file_confirmed(browser, site, tmp_path):
    from shanhai.economy.models import Placement

    bad = tmp_path / "劳务（有错）.csv"
    bad.write_text(f"{HEAD}\n广州市南沙区,紫云县,2023,13,到东部就业,5,是,甲厂\n南沙,紫云,2023,6,到东部就业,2,否,乙厂\n",
                   encoding="gbk")
    good = tmp_path / "劳务.csv"
    good.write_text(f"{HEAD}\n广州市南沙区,紫云县,2023,12,到东部就业,5,是,甲厂\n广州市南沙区,紫云县,2023,6,到东部就业,2,否,乙厂\n",
                    encoding="gbk")
    page = browser.new_page()
    page.goto(f"{site.url}/admin/login/?next=/data/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{site.url}/data/")
    page.set_input_files("input[type=file]", str(bad))
    page.click("form.upload button[type=submit]")  # not the header's logout button
    page.wait_for_selector("#refused")
    rows = page.locator("#errors tbody tr").all_inner_texts()
    assert len(rows) == 2
    assert "3" in rows[1] and "东部地区" in rows[1] and "对应多个行政区划" in rows[1]
    assert "月份" in rows[0] and "13" in rows[0] and "应在1到12之间" in rows[0]
    assert page.locator("#confirm").count() == 0
    assert Placement.objects.count() == 0

    page.goto(f"{site.url}/data/")
    page.set_input_files("input[type=file]", str(good))
    page.click("form.upload button[type=submit]")  # not the header's logout button
    page.wait_for_selector("#summary")
    assert "2" in page.locator("#summary .kpi").first.inner_text()
    page.click("#confirm")
    page.wait_for_selector("#done")
    assert Placement.objects.count() == 2
    page.close()


def test_far_future_dates_need_the_checkbox(browser, site, tmp_path):
    from shanhai.economy.models import Placement

    far = tmp_path / "劳务（年度有误）.csv"
    far.write_text(f"{HEAD}\n广州市南沙区,紫云县,2099,6,到东部就业,5,是,甲厂\n", encoding="utf-8")
    page = browser.new_page(locale="zh-CN")
    page.goto(f"{site.url}/admin/login/?next=/data/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{site.url}/data/")
    page.set_input_files("input[type=file]", str(far))
    page.click("form.upload button[type=submit]")  # not the header's logout button
    page.wait_for_selector("#warnings")
    assert "有1处日期晚于明年" in page.locator("#warnings").inner_text()
    assert "2099" in page.locator("table.warnings tbody").inner_text()
    page.click("#confirm")  # the box is required: the browser does not send the form
    assert page.locator("#done").count() == 0 and Placement.objects.count() == 0
    page.check("#accept-warnings")
    page.click("#confirm")
    page.wait_for_selector("#done")
    assert Placement.objects.count() == 1
    page.close()
