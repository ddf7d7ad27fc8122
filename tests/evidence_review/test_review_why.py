"""The review page says where a proposal's parties and period came from (issue 16)."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shanhai.accounts.models import Scope
from shanhai.evidence.models import SourceDocument
from tests.factories import PairingFactory

pytestmark = pytest.mark.django_db

# Written for this test: the pair is named at the head of the paragraph and the year in the lead.
ARTICLE = """南沙紫云协作新进展
发布时间：2024-01-15 09:30:00
2023年，两地协作取得新进展。
广州市南沙区对口帮扶紫云自治县。新增引导落地投产企业12家，共建产业园区2个。
"""


@pytest.fixture
def officer(region):
    pairing = PairingFactory(east_region=region("广州市南沙区"), west_region=region("紫云"))
    user = User.objects.create_user("ziyun", password="pw-ziyun-1", is_staff=True)
    user.groups.add(Group.objects.get(name="数据填报员"))
    Scope.objects.create(user=user, region=region("紫云"))
    return user, pairing


def test_carried_over_parties_and_period_are_shown(client, officer) -> None:
    user, pairing = officer
    client.force_login(user)
    response = client.post(reverse("evidence:new"), {
        "pairing": pairing.pk, "file": SimpleUploadedFile("r.txt", ARTICLE.encode()), "title": "", "text": "",
        "published": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    document = SourceDocument.objects.get()
    fact = document.facts.get(metric="industry.enterprise")
    assert (fact.value, fact.period, fact.east, fact.west) == (12, "2023", "广州市南沙区", "紫云自治县")
    assert fact.why == {"east": "paragraph", "west": "paragraph", "period": "lead"}
    page = client.get(response["Location"]).content.decode()
    assert "东部取自本段开头；西部取自本段开头；时期取自导语" in page


def test_reviewed_documents_export_as_gold(client, officer, tmp_path) -> None:
    from django.core.management import call_command

    from shanhai.evidence.review import fact_accept, fact_reject

    user, pairing = officer
    client.force_login(user)
    client.post(reverse("evidence:new"), {
        "pairing": pairing.pk, "file": SimpleUploadedFile("r.txt", ARTICLE.encode()), "title": "", "text": "",
        "published": "",
    })
    document = SourceDocument.objects.get()
    call_command("evidence_export", str(tmp_path / "none"))
    assert not list((tmp_path / "none" / "gold").iterdir())  # proposals still waiting: not exported
    park = document.facts.get(metric="industry.park")
    fact_accept(user=user, fact_id=document.facts.get(metric="industry.enterprise").pk, period="2022")  # corrected
    fact_reject(user=user, fact_id=park.pk)
    for other in document.facts.exclude(pk=park.pk).filter(status="proposed"):
        fact_reject(user=user, fact_id=other.pk)
    call_command("evidence_export", str(tmp_path / "out"))
    gold = list((tmp_path / "out" / "gold").iterdir())
    assert len(gold) == 1
    import json

    lines = [json.loads(line) for line in gold[0].read_text(encoding="utf-8").splitlines()]
    assert lines == [{"doc": gold[0].stem, "metric": "industry.enterprise", "value": 12, "qualifier": "exact",
                      "period": "2022", "east": "广州市南沙区", "west": "紫云自治县", "baseline": None,
                      "evidence": lines[0]["evidence"]}]
    text = (tmp_path / "out" / "docs" / f"{gold[0].stem}.txt").read_text(encoding="utf-8")
    assert lines[0]["evidence"] in text
