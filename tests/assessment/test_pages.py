"""The assessment pages through the test client: what each person sees and may do, refusals in Chinese,
the two xlsx sheets, no inline script (CSP)."""

from io import BytesIO

import openpyxl
from django.urls import reverse

from shanhai.assessment import services
from shanhai.assessment.models import Assessment, Score


def _open(assessed):
    scheme = services.scheme_for(assessed.year.programme, 2023)
    services.scheme_open(assessed.year.users["national"], scheme)
    return scheme, Assessment.objects.get(scheme=scheme, pairing=assessed.year.county)


def _client(client, user):
    client.force_login(user)
    return client


def test_results_and_draft_pages(client, assessed):
    scheme, a = _open(assessed)
    c = _client(client, assessed.year.users["anshun"])
    page = c.get(reverse("assessment:results", args=[scheme.pk])).content.decode()
    assert "紫云苗族布依族自治县" in page and "等次分布" in page and "按市（州）汇总" in page
    assert "水城区" not in page.split("县级结对排名")[1].split("按省汇总")[0]  # outside 安顺: not listed
    detail = c.get(reverse("assessment:detail", args=[a.pk])).content.decode()
    assert "尚未审定锁定" in detail and "阻止定稿" in detail and "<script>" not in detail
    assert "完成率≥80%" in detail and "2023年工作报告·西部填报" in detail
    assert 'name="action" value="adjust"' in detail  # 安顺 reviews 紫云
    nav = c.get(reverse("assessment:index")).content.decode()
    assert "年度考核" in nav and "东西部协作年度考核默认方案" in nav


def test_adjust_through_the_page_and_refusals(client, assessed):
    _scheme, a = _open(assessed)
    score = Score.objects.get(assessment=a, item__code="q.leadership")
    url = reverse("assessment:score_action", args=[score.pk])
    back = reverse("assessment:detail", args=[a.pk])
    c = _client(client, assessed.year.users["anshun"])
    r = c.post(url, {"action": "adjust", "points": "7", "reason": "机制健全", "back": back})
    assert r.status_code == 302
    score.refresh_from_db()
    assert score.adjusted == 7
    r = c.post(url, {"action": "adjust", "points": "7", "reason": ""}, follow=False)
    assert r.status_code == 400 and "须写明理由" in r.content.decode()
    c = _client(client, assessed.year.users["nansha"])  # east side: sees the pairing, not a reviewer of 紫云
    r = c.post(url, {"action": "adjust", "points": "1", "reason": "越权"})
    assert r.status_code == 403 and "没有评审考核的权限" in r.content.decode()
    score.refresh_from_db()
    assert score.adjusted == 7


def test_unit_objects_and_outsiders_get_a_chinese_404(client, assessed):
    _scheme, a = _open(assessed)
    score = Score.objects.get(assessment=a, item__code="consume.sales")
    c = _client(client, assessed.year.users["ziyun"])
    detail = c.get(reverse("assessment:detail", args=[a.pk])).content.decode()
    assert "提出异议" in detail and 'value="adjust"' not in detail
    r = c.post(reverse("assessment:score_action", args=[score.pk]),
               {"action": "object", "text": "漏计订单", "evidence": "订单清单", "points": "6"})
    assert r.status_code == 302 and score.objection.text == "漏计订单"
    other = Assessment.objects.get(scheme=a.scheme, pairing=assessed.year.other)
    r = c.get(reverse("assessment:detail", args=[other.pk]))
    assert r.status_code == 404 and "不在您的数据范围内" in r.content.decode()


def test_sheets(client, assessed):
    _scheme, a = _open(assessed)
    services.assessment_self_evaluate(assessed.year.users["ziyun"], a, "完成主要任务")
    c = _client(client, assessed.year.users["ziyun"])
    for kind, title in (("self", "自评表"), ("result", "考核结果表")):
        r = c.get(reverse("assessment:sheet", args=[a.pk, kind]))
        assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
        ws = openpyxl.load_workbook(BytesIO(r.content)).active
        assert ws.title == title and "2023年度" in ws["A1"].value
        labels = [ws.cell(row=i, column=2).value for i in range(6, 30)]
        assert "帮助农村劳动力就业" in labels
    assert c.get(reverse("assessment:sheet", args=[a.pk, "nope"])).status_code == 404


def test_scheme_editor_for_the_national_office(client, assessed):
    scheme = services.scheme_for(assessed.year.programme, 2024)
    item = scheme.items.get(code="funds.fiscal")
    c = _client(client, assessed.year.users["national"])
    page = c.get(reverse("assessment:scheme", args=[scheme.pk])).content.decode()
    assert "开启考核（冻结方案）" in page and 'name="bands"' in page
    r = c.post(reverse("assessment:item_save", args=[scheme.pk, item.pk]),
               {"label": "财政援助资金", "weight": "14", "mode": "bands", "bands": "1=100;0.8=80", "min_rate": "0.5",
                "cap": "100", "required": "1"})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.weight == 14 and item.bands == "1=100;0.8=80"
    r = c.post(reverse("assessment:item_save", args=[scheme.pk, item.pk]),
               {"label": "财政援助资金", "weight": "14", "mode": "bands", "bands": "1:100"})
    assert r.status_code == 400 and "格式不对" in r.content.decode()
    c = _client(client, assessed.year.users["guizhou"])
    r = c.post(reverse("assessment:item_save", args=[scheme.pk, item.pk]), {"label": "改", "weight": "1"})
    assert r.status_code == 403


def test_english_pages_show_grades_and_separators_in_english(client, assessed):
    import re

    scheme, a = _open(assessed)
    c = _client(client, assessed.year.users["anshun"])
    c.post("/i18n/setlang/", {"language": "en", "next": "/assessment/"})
    results = c.get(reverse("assessment:results", args=[scheme.pk])).content.decode()
    detail = c.get(reverse("assessment:detail", args=[a.pk])).content.decode()
    for page in (results, detail):
        body = page.split("<main", 1)[1]
        for grade in ("好", "较好", "一般", "差"):  # grade labels translated (the stored values stay Chinese)
            assert f">{grade}<" not in body
    assert re.search(r">(Good|Fairly good|Fair|Poor|—)</strong>", detail)
    h1 = re.search(r"<h1>(.*?)</h1>", detail, re.S).group(1)
    assert "：" not in h1 and ": " in h1  # the separators the page itself writes (stored reasons stay as written)
