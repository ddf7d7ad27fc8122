"""Issue 15: a finished import links to what it wrote — per type, the admin list of exactly those records."""

import datetime as dt
import io
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from shanhai.accounts.models import Scope
from shanhai.activities.models import Training
from shanhai.economy.models import Placement
from shanhai.transfer.engine import import_file, records_link
from tests.transfer.conftest import HEAD, PAIR

TRAINING_HEAD = HEAD + ["培训类别", "培训名称", "开始日期", "结束日期", "培训人次"]
PLACEMENT_HEAD = HEAD + ["年度", "月份", "就业去向", "人数", "新增就业", "就业单位"]


def _listed(client, url):
    """The ids the admin list at `url` shows."""
    page = client.get(url)
    assert page.status_code == 200
    return {int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', page.content.decode())}


def test_general_path_lists_created_and_updated_records_with_admin_links(pairing, csv_file, admin_client):
    Training.objects.create(pairing=pairing, category="talent", title="旧班", start_date=dt.date(2023, 1, 5), participants=3)
    rows = [TRAINING_HEAD] + [PAIR + ["专业技术人才培训", f"班{i}", "2023-05-08", "2023-05-12", "40"] for i in range(3)]
    rows.append(PAIR + ["专业技术人才培训", "旧班", "2023-01-05", "", "9"])
    result = import_file(csv_file(rows))
    assert result.committed
    created, updated = result.records
    new_ids = set(Training.objects.exclude(title="旧班").values_list("pk", flat=True))
    assert (created["action"], created["count"], created["model"]) == ("created", 3, "activities.training")
    assert created["url"].startswith("/admin/activities/training/?")
    assert _listed(admin_client, created["url"]) == new_ids
    assert (updated["action"], updated["count"]) == ("updated", 1)
    assert _listed(admin_client, updated["url"]) == {Training.objects.get(title="旧班").pk}
    assert result.as_dict()["records"] == result.records  # kept on the run, shown on its page


def test_fast_path_links_its_batch(pairing, csv_file, admin_client):
    rows = [PLACEMENT_HEAD] + [PAIR + ["2023", str(m), "到东部就业", "5", "是", "甲厂"] for m in range(1, 13)]
    result = import_file(csv_file(rows))
    assert result.committed and result.path == "fast"
    (created,) = result.records
    assert created["count"] == 12 and "id__gte=" in created["url"]
    assert _listed(admin_client, created["url"]) == set(Placement.objects.values_list("pk", flat=True))
    rows[1][5] = "7"
    result = import_file(csv_file(rows, name="again.csv"))
    assert [(r["action"], r["count"]) for r in result.records] == [("updated", 1)]


def test_few_scattered_ids_are_named_and_many_give_their_range():
    few = records_link(Training, "created", [5, 9, 3])
    assert few["query"] == "?id__in=3,5,9" and few["ids"] == ["3", "5", "9"]
    many = records_link(Training, "created", list(range(10, 1010, 2)))
    assert many["query"] == "?id__gte=10&id__lte=1008" and many["count"] == 500
    run = records_link(Training, "created", list(range(7, 12)))
    assert run["query"] == "?id__gte=7&id__lte=11" and run["ids"] == ["7-11"]


def test_command_line_prints_counts_per_type(pairing, csv_file, capsys):
    out = io.StringIO()
    path = csv_file([TRAINING_HEAD, PAIR + ["专业技术人才培训", "班一", "2023-05-08", "2023-05-12", "40"]])
    call_command("import", str(path), stdout=out)
    text = out.getvalue()
    assert "培训：新增1条" in text and "/admin/activities/training/?id__in=" in text
    bar = capsys.readouterr().err.splitlines()  # the progress bar, on stderr so --json output stays clean
    assert bar and bar[-1].startswith("导入 · 1/1 行（100%）") and "已用" in bar[-1]


@pytest.fixture
def staff_clerk(pairing):
    user = User.objects.create_user("clerk", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="数据填报员"))
    Scope.objects.create(user=user, pairing=pairing)
    return user


def test_run_page_links_the_records(client, staff_clerk):
    client.force_login(staff_clerk)
    upload = io.BytesIO(("\ufeff" + "\r\n".join(",".join(r) for r in [
        PLACEMENT_HEAD, PAIR + ["2023", "6", "到东部就业", "5", "是", "甲厂"]])).encode("utf-8"))
    upload.name = "劳务.csv"
    response = client.post("/data/", {"file": upload})
    run_url = response["Location"]
    response = client.post(run_url.rstrip("/") + "/commit")
    page = client.get(response["Location"]).content.decode()
    placement = Placement.objects.get()
    assert 'id="records"' in page and "新增1条" in page
    assert f'<a href="/admin/economy/placement/?id__in={placement.pk}">' in page
