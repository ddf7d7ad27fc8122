from django.urls import URLPattern, URLResolver, path, register_converter

from shanhai.transfer import views


class FormatConverter:
    regex = "xlsx|csv"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "fmt")

app_name = "transfer"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("templates/<slug:type_key>.<fmt:fmt>", views.template, name="template"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/commit", views.run_commit, name="commit"),
    path("export/<slug:type_key>.<fmt:fmt>", views.export, name="export"),
]
