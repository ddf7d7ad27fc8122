from django.urls import path

from shanhai.evidence import views

app_name = "evidence"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("new/", views.document_new, name="new"),
    path("<int:document_id>/", views.document_review, name="review"),
    path("facts/<int:fact_id>/accept/", views.fact_decide, {"decision": "accept"}, name="accept"),
    path("facts/<int:fact_id>/reject/", views.fact_decide, {"decision": "reject"}, name="reject"),
]
