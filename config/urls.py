from __future__ import annotations

from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from council.views import protected_file

admin.site.site_header = "地域自立支援協議会 事務局システム"
admin.site.site_title = "協議会 事務局"
admin.site.index_title = "事務局の管理画面"
# No public site yet: hide the admin's "view site" link until the pages exist.
admin.site.site_url = None

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("files/<path:name>", protected_file, name="protected_file"),
]
