"""/public/ (Chinese) and /public/en/ (English): the same pages, the language in the path, so every
page is one cacheable file (no cookie decides what it says) and the static export mirrors it."""

from django.urls import URLPattern, URLResolver, include, path

from shanhai.portal import views

pages = [
    path("", views.home, name="home"),
    path("data/", views.data_dictionary, name="data"),
    path("<int:programme>/", views.programme, name="programme"),
    path("<int:programme>/map.json", views.map_json, name="map_data"),
    path("<int:programme>/province/<str:code>/", views.province, name="province"),
    path("<int:programme>/pairing/<int:pairing_id>/", views.pairing, name="pairing"),
    path("<int:programme>/<int:year>/<str:name>.<str:fmt>", views.download, name="download"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include((pages, "portal"), namespace="portal"), {"lang": "zh-hans"}),
    path("en/", include((pages, "portal_en"), namespace="portal_en"), {"lang": "en"}),
]
