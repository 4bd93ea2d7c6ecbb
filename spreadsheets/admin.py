"""取り込み・書き出し on the council's own admin pages (関係機関, 人物).

``council`` is the base app and knows nothing of spreadsheets, so its Organization and Person
admins are registered there without the buttons; this module, loaded after it (INSTALLED_APPS
order), registers the same admins again with ``SpreadsheetAdminMixin`` in front. The meetings and
issues admins, above this app, use the mixin directly.
"""

from __future__ import annotations

from django.contrib import admin

from council.admin import OrganizationAdmin, PersonAdmin
from council.models import Organization, Person
from spreadsheets.admin_mixins import SpreadsheetAdminMixin

admin.site.unregister(Organization)
admin.site.unregister(Person)


@admin.register(Organization)
class OrganizationSpreadsheetAdmin(SpreadsheetAdminMixin, OrganizationAdmin):
    spreadsheet_resource = "organizations"


@admin.register(Person)
class PersonSpreadsheetAdmin(SpreadsheetAdminMixin, PersonAdmin):
    spreadsheet_resource = "members"  # one row per membership: the person and the body they sit in
