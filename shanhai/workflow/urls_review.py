"""My work, review, reconciliation and account pages (names in the `workflow` namespace)."""

from django.urls import URLPattern, path

from shanhai.workflow import views_accounts, views_review

urlpatterns: list[URLPattern] = [
    path("", views_review.work, name="work"),
    path("submissions/<int:pk>/move/", views_review.move, name="move"),
    path("review/", views_review.review, name="review"),
    path("reconcile/", views_review.reconcile_page, name="reconcile"),
    path("accounts/", views_accounts.accounts, name="accounts"),
    path("accounts/<int:pk>/active/", views_accounts.account_active, name="account_active"),
]
