"""Every registered job kind names a function that exists, and the roll-up rebuild runs as a job."""

import pytest
from django.contrib.auth.models import Group, User
from django.utils.module_loading import import_string

from shanhai.accounts.models import Scope
from shanhai.indicators.models import RegionValue
from shanhai.ops.jobs import KINDS, job_submit
from tests.factories import PairingFactory, TrainingFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_job_kind_names_a_function_that_exists(kind: str) -> None:
    assert callable(import_string(KINDS[kind].function))


def test_rebuild_runs_as_a_job_for_the_national_office_only(region) -> None:
    pairing = PairingFactory(east_region=region("广州市南沙区"), west_region=region("紫云"))
    TrainingFactory(pairing=pairing)
    RegionValue.objects.all().delete()  # the roll-ups lost: the rebuild must bring them back

    officer = User.objects.create_user("ziyun", password="pw-ziyun-1")
    officer.groups.add(Group.objects.get(name="省级协调员"))
    Scope.objects.create(user=officer, region=region("贵州"))
    refused = job_submit(kind="indicators.rebuild", label="重建指标汇总", user=officer)
    assert refused.status == "failed" and "只有全国管理员" in refused.message
    assert not RegionValue.objects.exists()

    national = User.objects.create_user("nation", password="pw-nation-1")
    national.groups.add(Group.objects.get(name="全国管理员"))
    job = job_submit(kind="indicators.rebuild", label="重建指标汇总", user=national)
    assert job.status == "succeeded", job.message
    assert job.result["pairings"] >= 1 and "指标汇总重建完成" in job.message
    assert RegionValue.objects.filter(node=region("紫云").id, side="west").exists()
