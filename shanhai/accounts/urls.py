from django.urls import URLPattern, path

from shanhai.accounts import views

app_name = "account"
urlpatterns: list[URLPattern] = [
    path("security/", views.security, name="security"),
    path("otp/enrol/", views.otp_enrol, name="otp_enrol"),
    path("otp/", views.otp_verify, name="otp_verify"),
    path("lockouts/", views.lockout_list, name="lockouts"),
]
