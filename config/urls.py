from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "地域自立支援協議会 事務局システム"
admin.site.site_title = "協議会 事務局"
admin.site.index_title = "事務局の管理画面"
admin.site.site_url = "/"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),  # 2段階認証 (before django.contrib.auth's accounts/ pages)
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("council.urls")),
    path("", include("council.body_urls")),  # 会議体の設定 (secretariat)
    path("", include("council.people_urls")),  # 人物・構成員 (secretariat)
    path("", include("dashboard.urls")),
    path("", include("meetings.urls")),
    path("", include("meetings.planning_urls")),
    path("", include("issues.urls")),
    path("", include("spreadsheets.urls")),
    path("", include("subcommittees.urls")),
    path("", include("reports.urls")),
    path("", include("privacy.urls")),
    path("", include("audit.urls")),
]

# Japanese error pages with a way back (config/views.py; 400 and 500 use Django's handlers).
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
