"""`shanhai indicators rebuild` and `sync`, and the demo's reported values."""

import io

import pytest
from django.core.management import call_command

from shanhai.indicators.demo_reported import demo_reported_load
from shanhai.indicators.models import Indicator, PairingValue, ReportedValue
from shanhai.indicators.selectors import indicator_table
from tests.factories import SaleFactory

from .conftest import row

pytestmark = pytest.mark.django_db


def test_rebuild_command_restores_the_roll_ups(scene, admin_user):
    SaleFactory(pairing=scene.school, amount=42)
    PairingValue.objects.all().delete()
    assert row(indicator_table(admin_user, region="520000", year=2023), "consume.sales").computed == 42  # region rows kept
    out = io.StringIO()
    call_command("indicators", "rebuild", "--quiet", "--restart", stdout=out)
    assert "指标汇总重建完成" in out.getvalue()
    assert row(indicator_table(admin_user, pairing=scene.school.pk, year=2023), "consume.sales").computed == 42


def test_rebuild_shows_its_progress_on_stderr(scene, capsys):
    SaleFactory(pairing=scene.school, amount=42)
    call_command("indicators", "rebuild", "--restart", stdout=io.StringIO())
    lines = capsys.readouterr().err.splitlines()
    assert any(line.startswith("重算各结对的指标值 · ") and "个结对（100%）" in line for line in lines), lines
    assert lines[-1].startswith("汇总到上级结对和各级地区 · ") and "项指标（100%）" in lines[-1], lines


def test_sync_keeps_codes_and_restores_names():
    Indicator.objects.filter(code="funds.fiscal").update(zh="改错的名称")
    call_command("indicators", "sync", stdout=io.StringIO())
    assert Indicator.objects.get(code="funds.fiscal").zh == "财政援助资金"


def test_demo_articles_become_reported_values_with_their_sentences(admin_user):
    from shanhai.demo.fixture import demo_network_load

    demo_network_load()
    assert demo_reported_load() == 56
    assert demo_reported_load() == 56 and ReportedValue.objects.count() == 56  # idempotent
    from shanhai.network.models import Pairing

    nansha = Pairing.objects.get(kind="county", east_region__code="440115")
    rows = indicator_table(admin_user, pairing=nansha.pk, year=2023)
    talent = row(rows, "talent.e2w")
    assert talent.reported == 43 and talent.reported_sources[0].evidence == "43名专业技术人才到紫云县开展帮扶工作"
    assert talent.reported_sources[0].stated_rate == 107.5 and not talent.stated_rate_flag
    assert row(rows, "industry.investment").reported == 389_000_000 + 592_000_000
    school = Pairing.objects.get(kind="school", west_org__name="紫云自治县民族高级中学")
    assert row(indicator_table(admin_user, pairing=school.pk, year=2023), "edu.tier1_admissions").reported == 108
