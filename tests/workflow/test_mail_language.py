"""Notifications are written in the site's language even when the person acting reads the pages in English."""

from django.core import mail
from django.utils import translation

from shanhai.workflow import grid, services
from shanhai.workflow.models import Kind
from tests.workflow.conftest import FULL


def test_a_step_taken_on_an_english_page_mails_in_chinese(year, django_capture_on_commit_callbacks):
    sub = services.submission_for(year.county, year.period, Kind.REPORT, "west")
    grid.grid_save(None, sub, FULL)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.move(year.users["ziyun"], sub, "submit")
    [sent] = mail.outbox
    assert "报送" in sent.subject and "2023年" in sent.subject and "Submit" not in sent.subject
    assert "状态：填报中 → 已报送" in sent.body
