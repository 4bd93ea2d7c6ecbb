"""The Django permission group that lets secretariat users work in the admin.

Model permissions say *what kind* of record a secretariat may touch; ``council.access`` says
*which* records (only their own councils'). Both are needed.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

SECRETARIAT_GROUP = "事務局"

OUR_APPS = ("council", "meetings", "subcommittees", "issues", "reports")

# History rows are written by services only; the admin may show them but not edit them.
VIEW_ONLY_MODELS = {"issuemove", "evaluationreview", "reportjob", "theme"}
# Councils are created by the site operator; the secretariat edits its own.
NO_ADD_DELETE_MODELS = {"council"}


def secretariat_group() -> Group:
    group, created = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    if created or not group.permissions.exists():
        group.permissions.set(_secretariat_permissions())
    return group


def sync_secretariat_group(**kwargs) -> None:
    """After every migrate: give the 事務局 group the permissions of models added since (post_migrate)."""
    group = Group.objects.filter(name=SECRETARIAT_GROUP).first()
    if group is not None:
        group.permissions.set(_secretariat_permissions())


def _secretariat_permissions() -> list[Permission]:
    perms = Permission.objects.filter(content_type__app_label__in=OUR_APPS).select_related("content_type")
    # pghistory's event models live in our apps too; the audit trail is read elsewhere, not edited.
    perms = perms.exclude(Q(content_type__model__endswith="event"))
    chosen = []
    for perm in perms:
        model = perm.content_type.model
        action = perm.codename.split("_", 1)[0]
        if model in VIEW_ONLY_MODELS and action != "view":
            continue
        if model in NO_ADD_DELETE_MODELS and action in {"add", "delete"}:
            continue
        chosen.append(perm)
    return chosen
