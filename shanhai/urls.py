from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from shanhai.ops.health import healthz

# A lost database connection answers 503 "please retry" and is reopened by the next request (ops/faults.py).
handler500 = "shanhai.ops.faults.server_error"

admin.site.site_header = _("山海 · 协作帮扶平台")
admin.site.site_title = _("山海")
admin.site.index_title = _("数据管理")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("shanhai.api.urls")),
    path("data/", include("shanhai.transfer.urls")),
    path("evidence/", include("shanhai.evidence.urls")),
    path("work/", include("shanhai.workflow.urls")),
    path("assessment/", include("shanhai.assessment.urls")),
    path("match/", include("shanhai.matching.urls")),
    path("ops/", include("shanhai.ops.urls")),
    path("public/", include("shanhai.portal.urls")),
    path("account/", include("shanhai.accounts.urls")),
    path("", include("shanhai.web.urls")),
]
