from django.urls import URLPattern, path

from shanhai.ops import views

app_name = "ops"
urlpatterns: list[URLPattern] = [
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/status.json", views.job_status_json, name="job_status"),
]
