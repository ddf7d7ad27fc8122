"""My work, review and reconciliation pages through the Django client: what each user sees, the steps
they take, and every refusal (in Chinese, nothing changed)."""

import pytest
from django.urls import reverse

from shanhai.workflow import grid, queues, reconcile, services
from shanhai.workflow.models import Confirmation, Kind, State, Submission
from tests.workflow.conftest import FULL

WORK, REVIEW, RECONCILE = "/work/", "/work/review/", "/work/reconcile/"


def submitted(year, pairing=None, side="west", figures=None):
    sub = services.submission_for(pairing or year.county, year.period, Kind.REPORT, side)
    grid.grid_save(None, sub, figures or FULL)
    services.move(None, sub, "submit")
    sub.refresh_from_db()
    return sub


def as_user(client, year, name):
    client.force_login(year.users[name])
    return client


def text(response):
    return response.content.decode()


def state(sub):
    return Submission.objects.get(pk=sub.pk).state


def test_the_urls_have_the_agreed_names():
    assert reverse("workflow:work") == WORK
    assert reverse("workflow:review") == REVIEW
    assert reverse("workflow:reconcile") == RECONCILE
    assert reverse("workflow:accounts") == "/work/accounts/"


def test_my_work_lists_what_is_due_overdue_with_links_to_the_entry_screens(client, year):
    body = text(as_user(client, year, "ziyun").get(WORK))
    pid = year.county.pk
    assert "我的待办" in body and "待填报" in body
    assert f"/work/pairings/{pid}/2023/report/?side=west" in body
    assert f"/work/pairings/{pid}/2023/plan/" in body
    assert "已逾期" in body  # due 2024-01-31
    assert "待我审核" not in body


def test_a_quarters_report_links_to_that_quarter(client, year):
    import datetime as dt

    from shanhai.workflow.models import Period

    q2 = Period.objects.create(programme=year.programme, year=2023, quarter=2, due=dt.date(2023, 7, 15))
    sub = services.submission_for(year.county, q2, Kind.REPORT, "west")
    grid.grid_save(None, sub, FULL)
    services.move(None, sub, "submit")
    pid = year.county.pk
    assert f"/work/pairings/{pid}/2023/report/?quarter=2&amp;side=west" in text(as_user(client, year, "anshun").get(WORK))
    assert f"/work/pairings/{pid}/2023/report/?quarter=2&amp;side=west" in text(client.get(REVIEW))


def test_my_work_needs_a_login(client):
    response = client.get(WORK)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_reviewer_acts_from_my_work(client, year):
    sub = submitted(year)
    c = as_user(client, year, "anshun")
    body = text(c.get(WORK))
    assert "待我审核" in body and f'data-submission="{sub.pk}"' in body
    assert 'value="review"' in body and 'value="return"' in body and 'value="approve"' not in body
    response = c.post(reverse("workflow:move", args=[sub.pk]),
                      {"action": "review", "version": sub.version, "next": WORK}, follow=True)
    assert "审核通过" in text(response) and state(sub) == State.REVIEWED


def test_return_without_a_comment_is_refused(client, year):
    sub = submitted(year)
    response = as_user(client, year, "anshun").post(
        reverse("workflow:move", args=[sub.pk]), {"action": "return", "version": sub.version}, follow=True)
    assert "退回或解除锁定须写明理由" in text(response)
    assert state(sub) == State.SUBMITTED


def test_an_action_from_a_stale_page_is_refused(client, year):
    sub = submitted(year)
    services.move(year.users["anshun"], sub, "review")
    response = as_user(client, year, "guizhou").post(
        reverse("workflow:move", args=[sub.pk]), {"action": "return", "comment": "x", "version": sub.version},
        follow=True)
    assert "已被他人处理" in text(response) and state(sub) == State.REVIEWED


@pytest.mark.parametrize(("who", "action"), [("nansha", "review"), ("ziyun", "review"), ("anshun", "approve"),
                                             ("viewer", "return"), ("guangdong", "approve")])
def test_a_step_that_is_not_the_users_is_refused(client, year, who, action):
    sub = submitted(year)
    response = as_user(client, year, who).post(
        reverse("workflow:move", args=[sub.pk]), {"action": action, "comment": "x", "version": sub.version},
        follow=True)
    assert response.status_code == 200 and "只有" in text(response)
    assert state(sub) == State.SUBMITTED


def test_a_submission_outside_the_scope_is_not_found_and_get_is_not_allowed(client, year):
    sub = submitted(year, pairing=year.other)  # 中山 → 水城
    c = as_user(client, year, "ziyun")
    response = c.post(reverse("workflow:move", args=[sub.pk]), {"action": "submit", "version": sub.version})
    assert response.status_code == 404 and "不在您的数据范围内" in text(response)
    assert c.get(reverse("workflow:move", args=[sub.pk])).status_code == 405
    response = c.post(reverse("workflow:move", args=[sub.pk]), {"action": "fly"})
    assert response.status_code in (400, 404)


def test_a_returned_report_shows_its_reason_and_a_dispute_shows_in_my_work(client, year):
    sub = submitted(year, figures={**FULL, "labor.employed": "3200"})
    reconcile.answer(None, year.county, year.period, "labor.employed", "disputed", side="east",
                     comment="南沙台账为3000人")
    body = text(as_user(client, year, "ziyun").get(WORK))
    assert "对方有异议" in body and "南沙台账为3000人" in body
    assert f"{RECONCILE}?pairing={year.county.pk}&amp;year=2023" in body
    services.move(year.users["guizhou"], sub, "return", comment="请与南沙核对就业人数")
    body = text(client.get(WORK))
    assert "被退回" in body and "请与南沙核对就业人数" in body


# ---- review list -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["ziyun", "nansha", "viewer", "school"])
def test_the_review_list_is_refused_to_those_who_do_not_review(client, year, who):
    response = as_user(client, year, who).get(REVIEW)
    assert response.status_code == 403 and "您没有审核权限" in text(response)
    response = client.post(REVIEW, {"action": "approve", "ids": []})
    assert response.status_code == 403


def test_the_province_approves_many_and_sees_the_refused_ones_with_reasons(client, year):
    disputed = submitted(year, figures={**FULL, "labor.employed": "3200"})
    clean = submitted(year, pairing=year.other)
    reconcile.answer(None, year.county, year.period, "labor.employed", "disputed", side="east",
                     comment="南沙台账为3000人")
    c = as_user(client, year, "guizhou")
    body = text(c.get(REVIEW))
    assert f'name="ids" value="{disputed.pk}"' in body and f'name="ids" value="{clean.pk}"' in body
    assert "东部有异议：南沙台账为3000人" in body  # the dispute shows before anyone tries
    response = c.post(REVIEW, {"action": "approve", "ids": [disputed.pk, clean.pk]})
    body = text(response)
    assert response.status_code == 200
    assert "已处理 1 项" in body and "1 项未处理" in body and "南沙台账为3000人" in body
    assert state(clean) == State.APPROVED and state(disputed) == State.SUBMITTED
    # the approved one left the default list (waiting ones only); the state filter finds it
    assert f'name="ids" value="{clean.pk}"' not in text(c.get(REVIEW))
    assert f'name="ids" value="{clean.pk}"' in text(c.get(REVIEW, {"state": "approved"}))


def test_bulk_refusals(client, year):
    sub = submitted(year)
    other = submitted(year, pairing=year.other)
    c = as_user(client, year, "anshun")  # 安顺 reviews 紫云's report, not 水城's (六盘水)
    assert f'name="ids" value="{other.pk}"' not in text(c.get(REVIEW))
    response = c.post(REVIEW, {"action": "review", "ids": [sub.pk, other.pk]})
    body = text(response)
    assert "已处理 1 项" in body and "所选填报不存在或不在您的数据范围内" in body  # 水城's is not 安顺's to see
    assert state(sub) == State.REVIEWED and state(other) == State.SUBMITTED
    assert c.post(REVIEW, {"action": "review"}).status_code == 400  # nothing ticked
    assert "请先勾选" in text(c.post(REVIEW, {"action": "review"}))
    assert c.post(REVIEW, {"action": "unlock", "ids": [sub.pk]}).status_code == 400
    response = as_user(client, year, "guizhou").post(REVIEW, {"action": "return", "ids": [sub.pk]})
    assert "退回或解除锁定须写明理由" in text(response) and state(sub) == State.REVIEWED
    response = client.post(REVIEW, {"action": "return", "ids": [999999]})
    assert "所选填报不存在或不在您的数据范围内" in text(response)


def test_the_review_list_filters_by_prefecture_programme_and_year(client, year):
    sub = submitted(year)
    other = submitted(year, pairing=year.other)
    c = as_user(client, year, "guizhou")
    body = text(c.get(REVIEW, {"prefecture": "520400"}))  # 安顺
    assert f'name="ids" value="{sub.pk}"' in body and f'name="ids" value="{other.pk}"' not in body
    assert f'name="ids" value="{sub.pk}"' not in text(c.get(REVIEW, {"year": 2022}))
    assert f'name="ids" value="{sub.pk}"' in text(c.get(REVIEW, {"programme": year.programme.pk, "year": 2023}))


def test_review_queue_actions_match_may(year):
    """The queue asks `may` once per (state, side region, action): the same answers as asking each."""
    subs = [submitted(year), submitted(year, side="east"), submitted(year, pairing=year.other),
            submitted(year, pairing=year.school)]
    services.move(None, subs[1], "review")
    services.move(None, subs[2], "approve")
    for name in ("national", "guizhou", "guangdong", "anshun", "ziyun"):
        user = year.users[name]
        queue = queues.review_queue(user, states=["submitted", "reviewed", "approved"])
        got = {i.submission.pk: i.actions for i in queue.items}
        for sub in Submission.objects.select_related("pairing__east_region", "pairing__west_region"):
            want = [str(a) for a in queues.STEPS.get(State(sub.state), ()) if services.may(user, sub, a) is None]
            assert got.get(sub.pk, []) == want, (name, sub, want)


def test_the_review_list_reads_in_a_few_queries(client, year, django_assert_max_num_queries):
    for _ in range(30):
        from tests.factories import PairingFactory

        p = PairingFactory(programme=year.programme, east_region=year.county.east_region,
                           west_region=year.county.west_region)
        sub = services.submission_for(p, year.period, Kind.REPORT, "west")
        Submission.objects.filter(pk=sub.pk).update(state=State.SUBMITTED)
    c = as_user(client, year, "guizhou")
    with django_assert_max_num_queries(60):
        body = text(c.get(REVIEW))
    assert body.count('name="ids"') == 30


# ---- reconciliation ----------------------------------------------------------------------------


def test_reconciliation_open_first_and_a_dispute_needs_a_reason(client, year):
    submitted(year, figures={**FULL, "labor.employed": "3200"})
    east = services.submission_for(year.county, year.period, Kind.REPORT, "east")
    grid.grid_save(None, east, FULL)
    c = as_user(client, year, "nansha")
    url = f"{RECONCILE}?east=440000&west=520000&year=2023"
    body = text(c.get(url))
    rows = body.split('data-indicator="')[1:]
    assert rows[0].startswith("labor.employed")  # the open one first
    assert "6.2%" in body and "待核对" in body
    response = c.post(url, {"pairing": year.county.pk, "period": year.period.pk, "indicator": "labor.employed",
                            "state": "disputed", "comment": ""}, follow=True)
    assert "提出异议须写明理由" in text(response) and not Confirmation.objects.exists()
    response = c.post(url, {"pairing": year.county.pk, "period": year.period.pk, "indicator": "labor.employed",
                            "state": "disputed", "comment": "南沙台账为3000人"}, follow=True)
    assert "已提出异议" in text(response)
    answer = Confirmation.objects.get()
    assert (answer.side, answer.state, answer.user) == ("east", "disputed", year.users["nansha"])
    assert "东部有异议：南沙台账为3000人" in text(response)


def test_reconciliation_of_one_pairing_and_its_refusals(client, year):
    submitted(year, figures={**FULL, "labor.employed": "3200"})
    c = as_user(client, year, "viewer")
    url = f"{RECONCILE}?pairing={year.county.pk}&year=2023"
    body = text(c.get(url))
    assert "labor.employed" in body and 'data-answer="disputed"' not in body  # a viewer only reads
    response = c.post(url, {"pairing": year.county.pk, "period": year.period.pk, "indicator": "labor.employed",
                            "state": "disputed", "comment": "x"}, follow=True)
    assert "您没有新增" in text(response) and not Confirmation.objects.exists()
    c = as_user(client, year, "ziyun")
    response = c.post(url, {"pairing": year.county.pk, "period": year.period.pk, "indicator": "funds.other",
                            "state": "confirmed"}, follow=True)
    assert "不是需要东西部对账的指标" in text(response)
    response = c.post(url, {"pairing": year.other.pk, "period": year.period.pk, "indicator": "labor.employed",
                            "state": "confirmed"})
    assert response.status_code == 404 and not Confirmation.objects.exists()
    assert c.get(f"{RECONCILE}?pairing={year.other.pk}").status_code == 403
    assert c.get(f"{RECONCILE}?east=110000&west=520000").status_code == 403


def test_the_menu_offers_the_workflow_pages_to_those_allowed(client, year):
    expected = {"national": {"work", "review", "reconcile", "accounts"},
                "guizhou": {"work", "review", "reconcile", "accounts"},
                "anshun": {"work", "review", "reconcile", "accounts"},
                "ziyun": {"work", "reconcile"}, "viewer": {"work"}}
    for name, keys in expected.items():
        body = text(as_user(client, year, name).get(WORK))
        found = {k for k in ("work", "review", "reconcile", "accounts") if f'data-nav="{k}"' in body}
        assert found == keys, name
        assert body.index('data-nav="work"') < body.index('data-nav="overview"')


def test_pages_have_no_inline_script_or_style(client, year):
    submitted(year)
    c = as_user(client, year, "guizhou")
    for url in (WORK, REVIEW, f"{RECONCILE}?east=440000&west=520000", "/work/accounts/"):
        body = text(c.get(url))
        assert "<script>" not in body and " style=" not in body and " onclick=" not in body, url


def test_my_work_is_where_a_login_lands(client, year):
    from django.conf import settings
    from django.contrib.auth.models import User

    assert settings.LOGIN_REDIRECT_URL == WORK
    User.objects.filter(username="ziyun").update(is_staff=True)  # the site's login form is the admin's
    response = client.post("/admin/login/", {"username": "ziyun", "password": "pw-ziyun-1"})
    assert response.status_code == 302 and response["Location"] == WORK
    body = text(client.get(WORK))
    assert 'value="/admin/login/?next=/work/"' in body  # after logging out, the next login lands here too
    response = client.post("/logout/", {"next": "/admin/login/?next=/work/"})
    assert response.status_code == 302
