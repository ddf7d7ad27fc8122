"""The yearly cycle's pages under /work/: my work, data entry and plans (`urls_entry`), review, approval,
reconciliation and accounts (`urls_review`)."""

from django.urls import include, path

app_name = "workflow"

urlpatterns = [
    path("", include("shanhai.workflow.urls_review")),
    path("", include("shanhai.workflow.urls_entry")),
]
