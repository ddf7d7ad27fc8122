"""The assessment pages under /assessment/ (names in the `assessment` namespace)."""

from django.urls import path

from shanhai.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.index, name="index"),
    path("schemes/<int:pk>/", views.scheme, name="scheme"),
    path("schemes/<int:pk>/items/", views.item_save, name="item_add"),
    path("schemes/<int:pk>/items/<int:item_pk>/", views.item_save, name="item_save"),
    path("schemes/<int:pk>/bands/", views.bands_save, name="bands_save"),
    path("schemes/<int:pk>/action/", views.scheme_action, name="scheme_action"),
    path("schemes/<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/action/", views.assessment_action, name="action"),
    path("<int:pk>/<str:kind>.xlsx", views.sheet, name="sheet"),
    path("scores/<int:pk>/", views.score_action, name="score_action"),
    path("objections/<int:pk>/decide/", views.objection_decide, name="decide"),
]
