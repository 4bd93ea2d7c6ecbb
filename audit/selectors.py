"""Reading the audit history (django-pghistory events) of one council, for its secretariat.

Every tracked model writes its events into its own table. ``pghistory.models.MiddlewareEvents``
unions them, with the diff against the previous event of the same object (``pgh_diff``) and the
user that ``HistoryMiddleware`` attached. What this module adds is the council scope: an event
belongs to a council if its object does now (the live row) **or** did when the event was written
(the event tables keep each row's foreign keys, so deleted objects and their children are still
found, and only by their own council). The scope walks ``council.access.COUNCIL_PATHS`` one hop at
a time, through live rows and event rows alike.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import cast

import pghistory.models
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import DateField, DateTimeField, Model, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from council.access import COUNCIL_PATHS
from council.display import person_name
from council.wareki import format_wareki
from privacy.models import ReadRecord

OUR_APPS = ("council", "meetings", "subcommittees", "issues", "reports")

# Field names tried, in order, for an object's name in its history ("地域課題 #12 グループホーム不足").
LABEL_FIELDS = ("title", "name", "text", "organization_name", "by_name")


def audit_available() -> bool:
    """The triggers, and so the history, exist on PostgreSQL only."""
    return connection.vendor == "postgresql"


@cache
def tracked_models() -> dict[str, tuple[type[Model], type[pghistory.models.Event]]]:
    """label_lower of each tracked model of our apps → (model, its event model)."""
    found: dict[str, tuple[type[Model], type[pghistory.models.Event]]] = {}
    for event_model in apps.get_models():
        if not issubclass(event_model, pghistory.models.Event):
            continue
        model = getattr(event_model, "pgh_tracked_model", None)
        if model is None or model._meta.app_label not in OUR_APPS:
            continue
        found[model._meta.label_lower] = (model, event_model)
    return dict(sorted(found.items(), key=lambda item: str(item[1][0]._meta.verbose_name)))


def label_field(model: type[Model]) -> str | None:
    names = {f.name for f in model._meta.concrete_fields}
    return next((name for name in LABEL_FIELDS if name in names), None)


def _as_text(queryset: QuerySet, column: str) -> QuerySet:
    # The aggregate's pgh_obj_id is text (it unions tables with different key types).
    return queryset.annotate(_id_text=Cast(column, TextField())).values("_id_text")


def _ids_in_council(model: type[Model], council_id: int) -> list[QuerySet]:
    """Querysets of ids (as text) of ``model`` rows that belong, or belonged, to the council."""
    path = COUNCIL_PATHS[model._meta.label_lower]
    tracked = tracked_models().get(model._meta.label_lower)
    event_model = tracked[1] if tracked else None
    if path == "id":
        return [_as_text(model._default_manager.filter(pk=council_id), "pk")]
    live = _as_text(model._default_manager.filter(**{path: council_id}), "pk")
    if event_model is None:
        return [live]
    first, _, rest = path.partition("__")
    if not rest:  # e.g. "council_id": the event rows carry the council themselves
        return [live, _as_text(event_model.objects.filter(**{path: council_id}), "pgh_obj_id")]
    parent = cast("type[Model]", model._meta.get_field(first).related_model)  # a foreign key's model
    in_parent = Q()
    for ids in _ids_in_council(parent, council_id):
        in_parent |= Q(_parent_text__in=ids)
    events = event_model.objects.annotate(_parent_text=Cast(f"{first}_id", TextField())).filter(in_parent)
    return [live, _as_text(events, "pgh_obj_id")]


@dataclass
class AuditQuery:
    """What the secretariat searches for. All parts optional."""

    model_label: str = ""  # label_lower of a tracked model
    object_text: str = ""  # "12", "#12", "＃１２" or a part of the title/name
    person_text: str = ""  # part of a user name / login ID
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _object_id(text: str) -> str | None:
    match = re.fullmatch(r"[#№]?\s*(\d+)", unicodedata.normalize("NFKC", text).strip())
    return match.group(1) if match else None


def events_for_council(*, council_id: int, query: AuditQuery | None = None) -> QuerySet:
    """The council's history events, newest first, filtered by ``query``. Needs PostgreSQL."""
    query = query or AuditQuery()
    models = tracked_models()
    selected = {query.model_label: models[query.model_label]} if query.model_label in models else models
    scope = Q()
    for model, event_model in selected.values():
        in_council = Q()
        for ids in _ids_in_council(model, council_id):
            in_council |= Q(pgh_obj_id__in=ids)
        scope |= Q(pgh_model=event_model._meta.label) & in_council
    events = (
        pghistory.models.MiddlewareEvents.objects.across(*[event for _, event in selected.values()])
        .filter(scope)
        .order_by("-pgh_created_at", "-pgh_id")
    )
    if query.object_text.strip():
        object_id = _object_id(query.object_text)
        if object_id is not None:
            events = events.filter(pgh_obj_id=object_id)
        else:
            by_name = Q()
            for model, event_model in selected.values():
                name = label_field(model)
                if name is None:
                    continue
                matching = _as_text(
                    event_model.objects.filter(**{f"{name}__icontains": query.object_text.strip()}),
                    "pgh_obj_id",
                )
                by_name |= Q(pgh_model=event_model._meta.label, pgh_obj_id__in=matching)
            events = events.filter(by_name) if by_name else events.none()
    if query.person_text.strip():
        text = query.person_text.strip()
        users = get_user_model().objects.filter(
            Q(username__icontains=text) | Q(last_name__icontains=text) | Q(first_name__icontains=text)
        )
        if " " in text or "　" in text:  # 「事務局 花子」: family and given name together
            last, _, first = unicodedata.normalize("NFKC", text).partition(" ")
            users = get_user_model().objects.filter(
                Q(pk__in=users.values("pk"))
                | Q(last_name__icontains=last.strip(), first_name__icontains=first.strip())
            )
        events = events.filter(user__in=users.values("pk"))
    tz = timezone.get_current_timezone()
    if query.date_from:
        events = events.filter(
            pgh_created_at__gte=dt.datetime.combine(query.date_from, dt.time.min, tzinfo=tz)
        )
    if query.date_to:
        end = dt.datetime.combine(query.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        events = events.filter(pgh_created_at__lt=end)
    return events


def page_keys(events: QuerySet) -> QuerySet:
    """``events`` as (event model, event id, object id) keys, to paginate.

    Fetching whole events ordered by time makes PostgreSQL compute ``pgh_diff`` (a window over each
    object's previous event) for the council's entire history before it can sort and cut a page:
    about 30 s at 35,000 events. The keys alone skip the diff (0.1 s there); ``events_for_keys``
    then loads the page's events, with diffs, for just those objects.
    """
    return events.values_list("pgh_model", "pgh_id", "pgh_obj_id")


def events_for_keys(keys: list[tuple[str, int, str]]) -> list:
    """The events named by ``keys`` (from ``page_keys``), in that order, with pgh_diff and user."""
    if not keys:
        return []
    by_model: dict[str, set[str]] = {}
    for model_label, _, object_id in keys:
        by_model.setdefault(model_label, set()).add(object_id)
    # Filtering on the object ids lets PostgreSQL narrow each table before the diff's window.
    wanted = Q()
    for model_label, object_ids in by_model.items():
        wanted |= Q(pgh_model=model_label, pgh_obj_id__in=sorted(object_ids))
    event_models = [event for _, event in tracked_models().values() if event._meta.label in by_model]
    found = {
        (event.pgh_model, event.pgh_id): event
        for event in pghistory.models.MiddlewareEvents.objects.across(*event_models)
        .filter(wanted)
        .select_related("user")
    }
    return [
        found[(model_label, event_id)]
        for model_label, event_id, _ in keys
        if (model_label, event_id) in found
    ]


# --- rows for the page -----------------------------------------------------------------------

OPERATIONS = {"insert": "作成", "update": "変更", "delete": "削除"}
HIDDEN_COLUMNS = frozenset({"id", "created_at", "updated_at", "version"})
# Where an object (or the record it belongs to) is shown: model → (URL name, key in pgh_data, model).
LINKS: dict[str, tuple[str, str, str]] = {
    "issues.regionalissue": ("issue_detail", "id", "issues.regionalissue"),
    "issues.issuemove": ("issue_detail", "issue_id", "issues.regionalissue"),
    "issues.actionplan": ("issue_detail", "issue_id", "issues.regionalissue"),
    "meetings.meeting": ("meeting_detail", "id", "meetings.meeting"),
    "meetings.meetingitem": ("meeting_detail", "meeting_id", "meetings.meeting"),
    "meetings.attendance": ("meeting_detail", "meeting_id", "meetings.meeting"),
    "meetings.guestattendance": ("meeting_detail", "meeting_id", "meetings.meeting"),
    "meetings.handout": ("meeting_detail", "meeting_id", "meetings.meeting"),
    "council.body": ("body_detail", "id", "council.body"),
}


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class AuditRow:
    at: dt.datetime
    who: str
    operation: str
    operation_code: str  # insert / update / delete
    model_name: str
    object_id: str
    object_label: str
    link: tuple[str, int] | None  # (URL name, pk) of a live page
    changes: list[Change] = field(default_factory=list)


def _user_label(user) -> str:
    if user is None:
        return "記録なし（画面の外での操作）"
    full, login = person_name(user), user.get_username()
    return f"{full}（{login}）" if full != login else login


def _display(model_field, value, fk_labels: dict[tuple[str, str], str]) -> str:
    if value is None or value == "":
        return "（空）"
    if model_field is None:
        return str(value)
    if model_field.is_relation:
        label = model_field.related_model._meta.label_lower
        return fk_labels.get((label, str(value)), f"#{value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(model_field, DateTimeField):
        moment = parse_datetime(str(value))
        if moment is not None:
            moment = timezone.localtime(moment) if timezone.is_aware(moment) else moment
            return f"{format_wareki(moment.date())} {moment:%H:%M}"
    elif isinstance(model_field, DateField):
        day = parse_date(str(value)[:10])
        if day is not None:
            return format_wareki(day)
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def audit_rows(events: list) -> list[AuditRow]:
    """Turn a page of events into rows: a fixed number of queries whatever the page size.

    One query per kind of record named on the page (foreign keys shown by name, links to pages
    that still exist), never one per row.
    """
    models = tracked_models()
    wanted: dict[str, set[str]] = {}  # model label_lower → ids whose names we show

    def columns(model):
        return {f.column: f for f in model._meta.concrete_fields}

    for event in events:
        model = models[event.pgh_obj_model.lower()][0]
        cols = columns(model)
        values = dict(event.pgh_data or {})
        shown = event.pgh_diff or {}
        if event.pgh_label == "insert":
            shown = {k: [None, v] for k, v in values.items()}
        for column, pair in shown.items():
            model_field = cols.get(column)
            if model_field is not None and model_field.is_relation:
                for value in pair:
                    if value is not None:
                        wanted.setdefault(model_field.related_model._meta.label_lower, set()).add(str(value))
        link_spec = LINKS.get(model._meta.label_lower)
        if link_spec and values.get(link_spec[1]) is not None:
            wanted.setdefault(link_spec[2], set()).add(str(values[link_spec[1]]))

    fk_labels: dict[tuple[str, str], str] = {}
    for label, ids in wanted.items():
        related = apps.get_model(label)
        # __str__ often names a parent (a meeting is 「<会議体> 第N回」): join the parents once.
        parents = [f.name for f in related._meta.concrete_fields if f.is_relation and f.many_to_one]
        objects = related._default_manager.select_related(*parents)
        for obj in objects.filter(pk__in=[int(i) for i in ids if i.isdigit()]):
            fk_labels[(label, str(obj.pk))] = str(obj)

    rows = []
    for event in events:
        model = models[event.pgh_obj_model.lower()][0]
        cols = columns(model)
        values = dict(event.pgh_data or {})
        name_field = label_field(model)
        object_label = str(values.get(name_field) or "") if name_field else ""
        if not object_label:
            object_label = fk_labels.get((model._meta.label_lower, str(event.pgh_obj_id)), "")
        changes = []
        if event.pgh_label == "update":
            for column, (before, after) in sorted(
                (event.pgh_diff or {}).items(), key=lambda kv: _order(cols, kv[0])
            ):
                if column in HIDDEN_COLUMNS or column.startswith("pgh_"):
                    continue
                model_field = cols.get(column)
                changes.append(
                    Change(
                        field=str(model_field.verbose_name) if model_field else column,
                        before=_display(model_field, before, fk_labels),
                        after=_display(model_field, after, fk_labels),
                    )
                )
        elif event.pgh_label == "insert":
            for column, value in sorted(values.items(), key=lambda kv: _order(cols, kv[0])):
                if column in HIDDEN_COLUMNS or column.startswith("pgh_") or value in (None, "", [], {}):
                    continue
                model_field = cols.get(column)
                changes.append(
                    Change(
                        field=str(model_field.verbose_name) if model_field else column,
                        before="",
                        after=_display(model_field, value, fk_labels),
                    )
                )
        link: tuple[str, int] | None = None
        spec = LINKS.get(model._meta.label_lower)
        if spec and values.get(spec[1]) is not None and (spec[2], str(values[spec[1]])) in fk_labels:
            link = (spec[0], int(values[spec[1]]))
        rows.append(
            AuditRow(
                at=timezone.localtime(event.pgh_created_at),
                who=_user_label(event.user),
                operation=OPERATIONS.get(event.pgh_label, event.pgh_label),
                operation_code=event.pgh_label,
                model_name=str(model._meta.verbose_name),
                object_id=str(event.pgh_obj_id),
                object_label=object_label,
                link=link,
                changes=changes,
            )
        )
    return rows


def _order(cols: dict, column: str) -> int:
    names = list(cols)
    return names.index(column) if column in names else len(names)


# --- The read log of case conferences (閲覧記録, privacy.ReadRecord) --------------------------------


@dataclass(frozen=True)
class ReadQuery:
    person_text: str = ""
    body_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def read_records_for_council(*, council_id: int, query: ReadQuery | None = None) -> QuerySet:
    """The council's read records, newest first, narrowed by ``query``; no joins (names are copied in)."""
    records = ReadRecord.objects.filter(council_id=council_id).order_by("-read_at", "-id")
    if query is None:
        return records
    if query.person_text:
        records = records.filter(user_name__icontains=query.person_text)
    if query.body_id:
        records = records.filter(body_id=query.body_id)
    tz = timezone.get_current_timezone()
    if query.date_from:
        records = records.filter(read_at__gte=dt.datetime.combine(query.date_from, dt.time.min, tzinfo=tz))
    if query.date_to:
        end = dt.datetime.combine(query.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        records = records.filter(read_at__lt=end)
    return records
