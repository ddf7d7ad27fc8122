from django.contrib.auth.views import LogoutView
from django.urls import URLPattern, URLResolver, path, re_path, reverse_lazy

from shanhai.web import views

app_name = "web"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.overview, name="overview"),
    path("map/", views.map_view, name="map"),
    path("map/data/", views.map_data, name="map_data"),  # ?province=<code> for one province
    re_path(r"^map/(?P<code>\d{6})/$", views.map_view, name="map_province"),
    path("regions/<str:code>/", views.region, name="region"),
    path("pairings/<int:pairing_id>/", views.pairing, name="pairing"),
    # The header's logout (POST): any signed-in user, landing on the login form.
    path("logout/", LogoutView.as_view(next_page=reverse_lazy("admin:login")), name="logout"),
]
