"""Upload a report to a pairing, review its figures, accept them into reported values."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shanhai.accounts.models import Scope
from shanhai.evidence.models import FactStatus, ProposedFact, SourceDocument
from shanhai.indicators.models import ReportedValue
from tests.factories import PairingFactory

pytestmark = pytest.mark.django_db

# Written for this test in the style of a county news page (site furniture before and after).
ARTICLE = """首页 | 新闻中心 | 政务公开
当前位置：首页 > 东西部协作
南沙紫云协作结硕果
发布时间：2024-01-15 09:30:00
2023年，广州市南沙区选派8名党政干部到紫云自治县挂职，选派60名专业技术人才到紫云开展帮扶。
全年投入财政帮扶资金1.2亿元，实施帮扶项目35个，帮助农村劳动力就业2100人。
东部省份帮助销售农产品3000余万元。
责任编辑：李四
相关阅读：某县引进企业99个
"""


@pytest.fixture
def pairing(region):
    return PairingFactory(east_region=region("广州市南沙区"), west_region=region("紫云"))


@pytest.fixture
def officer(pairing, region):
    user = User.objects.create_user("ziyun", password="pw-ziyun-1", is_staff=True)
    user.groups.add(Group.objects.get(name="数据填报员"))  # filing figures needs the right to report them
    Scope.objects.create(user=user, region=region("紫云"))
    return user


def upload(client, pairing, data: bytes, name: str = "report.txt"):
    return client.post(reverse("evidence:new"), {
        "pairing": pairing.pk, "file": SimpleUploadedFile(name, data), "title": "", "text": "", "published": "",
    })


def test_upload_review_accept_and_reject(client, officer, pairing) -> None:
    client.force_login(officer)
    response = upload(client, pairing, ARTICLE.encode("gb18030"))
    assert response.status_code == 302, response.content.decode()[:3000]
    document = SourceDocument.objects.get()
    assert document.title == "南沙紫云协作结硕果"
    assert document.published.isoformat() == "2024-01-15"
    assert "相关阅读" not in document.text and "当前位置" not in document.text
    facts = {f.metric: f for f in document.facts.all()}
    assert facts["cadre.e2w"].value == 8 and facts["cadre.e2w"].period == "2023"
    assert facts["funds.fiscal"].value == 120_000_000
    assert "industry.enterprise" not in facts  # the related-article figure is not a fact
    cadre = facts["cadre.e2w"]
    assert cadre.east_region is not None and cadre.east_region.code == "440115"
    assert cadre.west_region is not None and cadre.west_region.code == "520425"
    page = client.get(reverse("evidence:review", args=[document.pk])).content.decode()
    assert f'id="fact-{cadre.pk}"' in page and "<mark" in page
    # Accept with an edit: the reviewer corrects the value; it becomes a reported value linked to its sentence.
    response = client.post(reverse("evidence:accept", args=[cadre.pk]),
                           {"metric": "cadre.e2w", "value": "9", "period": "2023", "qualifier": "exact"})
    assert response.status_code == 302
    reported = ReportedValue.objects.get(indicator__code="cadre.e2w")
    assert reported.value == 9 and reported.year == 2023 and reported.pairing_id == pairing.pk
    assert reported.source_kind == "document" and cadre.evidence in reported.evidence
    assert reported.source_url.endswith(f"/evidence/{document.pk}/#fact-{cadre.pk}")
    # Accepting again updates, never duplicates.
    client.post(reverse("evidence:accept", args=[cadre.pk]), {"metric": "cadre.e2w", "value": "8", "period": "2023",
                                                             "qualifier": "exact"})
    assert ReportedValue.objects.filter(indicator__code="cadre.e2w").count() == 1
    # Rejecting withdraws the reported value.
    client.post(reverse("evidence:reject", args=[cadre.pk]))
    cadre.refresh_from_db()
    assert cadre.status == FactStatus.REJECTED
    assert not ReportedValue.objects.filter(indicator__code="cadre.e2w").exists()


def test_a_second_document_with_the_same_figure_is_flagged(client, officer, pairing) -> None:
    client.force_login(officer)
    upload(client, pairing, ARTICLE.encode())
    first = SourceDocument.objects.get()
    cadre = first.facts.get(metric="cadre.e2w")
    client.post(reverse("evidence:accept", args=[cadre.pk]), {"metric": "cadre.e2w", "value": str(cadre.value),
                                                             "period": "2023", "qualifier": "exact"})
    # A period left empty is refused, never guessed, and the accepted value stays as it was.
    response = client.post(reverse("evidence:accept", args=[cadre.pk]), {"metric": "cadre.e2w", "value": "1",
                                                                        "period": "", "qualifier": "exact"}, follow=True)
    assert "「时期」为空" in response.content.decode()
    assert ReportedValue.objects.get().value == cadre.value
    upload(client, pairing, ("转载：" + ARTICLE).encode(), name="copy.txt")
    second = SourceDocument.objects.exclude(pk=first.pk).get()
    page = client.get(reverse("evidence:review", args=[second.pk])).content.decode()
    assert "与已有上报值重复" in page


@pytest.mark.parametrize(("data", "name", "needle"), [
    (b"", "empty.txt", "空"),
    (bytes(range(256)) * 40, "garbage.bin", ""),
    (b"PK\x03\x04not really a zip", "broken.docx", ""),
])
def test_bad_files_are_refused_in_chinese_and_nothing_is_saved(client, officer, pairing, data, name, needle) -> None:
    client.force_login(officer)
    response = upload(client, pairing, data, name=name)
    assert response.status_code == 200  # the form again, with the error
    page = response.content.decode()
    assert "errorlist" in page and needle in page
    assert not SourceDocument.objects.exists() and not ProposedFact.objects.exists()


def test_an_officer_cannot_file_or_read_another_countys_documents(client, officer, pairing, region) -> None:
    other = PairingFactory(programme=pairing.programme, east_region=region("大连市中山区"), west_region=region("水城区"))
    client.force_login(officer)
    response = upload(client, other, ARTICLE.encode())
    assert response.status_code == 200 and not SourceDocument.objects.exists()
    boss = User.objects.create_superuser("boss", password="pw-boss-123")
    client.force_login(boss)
    upload(client, other, ARTICLE.encode())
    document = SourceDocument.objects.get()
    client.force_login(officer)
    assert client.get(reverse("evidence:review", args=[document.pk])).status_code == 404
    fact = document.facts.first()
    assert client.post(reverse("evidence:accept", args=[fact.pk]), {"value": "1"}).status_code == 404
    assert not ReportedValue.objects.exists()


def test_parties_are_resolved_without_guessing(pairing) -> None:
    from shanhai.evidence.review import party_resolve

    # 南沙区 fits two counties; the document's pairing decides, and the note says so.
    resolved = party_resolve("南沙区", pairing.east_region)
    assert resolved.region is not None and resolved.region.code == "440115" and "按本结对" in resolved.note
    # 朝阳区 fits several, none in this pairing: left unresolved with the candidates listed.
    unresolved = party_resolve("朝阳区", pairing.east_region)
    assert unresolved.region is None and "多个" in unresolved.note
    vague = party_resolve("东部省份", pairing.east_region)
    assert vague.region is None and "未识别" in vague.note
