"""Spreadsheet import/export of the council's records (django-import-export resources).

Every resource is bound to ONE council (``council=`` when it is made): bodies, organizations and
people are looked up by name in that council only, so another council's 全体会 never matches.
Rows are matched first by the stable key an export writes in its last column (「ID」, the
record's id; members 「人物ID」, the person's), checked to be this council's; without it by a
natural key (an organization by its name, a member by person + body …), never by row order, so
re-importing an exported file changes nothing. A person is never found by name alone (see
``MemberResource``).

Writes go through the services where they exist. The widgets below read what people type in
Excel (和暦, full-width digits, ○ marks) and raise ``ValueError`` with a Japanese message, which
import-export turns into a validation error of that column.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from council.access import pledge_required, readable_bodies
from council.models import Body, Council, Membership, MembershipRole, Organization, OrganizationKind, Person
from council.services import membership_add, person_save
from council.wareki import (
    WEEKDAY_CHARS,
    WarekiParseError,
    check_date_range,
    format_fiscal_year,
    format_wareki,
    is_month_day,
    parse_fiscal_year,
    parse_wareki,
)


def _text(value: Any) -> str:
    """A cell as text, stripped (names are kept as typed otherwise)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def display_date(day: dt.date) -> str:
    """「令和2年8月6日（木）／2020-08-06」: what a clerk checks a date against."""
    return f"{format_wareki(day)}（{WEEKDAY_CHARS[day.weekday()]}）／{day.isoformat()}"


def _nfkc(value: Any) -> str:
    """For numbers, dates and marks only: full-width digits and spaces folded (NFKC)."""
    return unicodedata.normalize("NFKC", _text(value)).strip()


# --- Widgets -----------------------------------------------------------------------------------


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return _text(value)

    def render(self, value, obj=None, **kwargs):
        return value or ""


class KeyWidget(widgets.Widget):
    """The stable key of a record (its database id), written by exports in a column of its own
    (「ID」, 「人物ID」) and read by ``CouncilResource.row_pk``, never imported as a value."""

    def clean(self, value, row=None, **kwargs):
        return _nfkc(value)

    def render(self, value, obj=None, **kwargs):
        return value if value else ""


class ChoiceLabelWidget(widgets.Widget):
    """A choice written as its Japanese label (「相談支援事業所」), exported the same way."""

    def __init__(self, choices: type[models.TextChoices], *, default: str | None = None, column: str = ""):
        super().__init__()
        self.choices = choices
        self.default = default
        self.by_label = {unicodedata.normalize("NFKC", label): value for value, label in choices.choices}
        self.by_label.update({value: value for value in choices.values})

    def clean(self, value, row=None, **kwargs):
        text = _nfkc(value)
        if not text:
            if self.default is not None:
                return self.default
            raise ValueError("入力されていません。")
        if text not in self.by_label:
            labels = "、".join(label for _, label in self.choices.choices if label)
            raise ValueError(f"「{_text(value)}」は選べません。{labels} のいずれかを入力してください。")
        return self.by_label[text]

    def render(self, value, obj=None, **kwargs):
        if value in (None, ""):
            return ""
        return self.choices(value).label


class WarekiDateWidget(widgets.Widget):
    """A date typed as 令和2年8月6日, R2.8.6, 2020/8/6, 2020-08-06 (full-width too) or an Excel date.

    A date without its year (「7月15日」「7/15」) is completed inside the row's 年度 (the column
    ``year_column``, when the resource has one and the row fills it), else inside the 年度 the
    import was asked for (``page_fiscal_year``); ``on_completed(column, text, date, fiscal_year)``
    is told, so that the preview can say how it was read. Set by ``CouncilResource``.
    """

    year_column: str | None = None
    page_fiscal_year: int | None = None
    on_completed = None
    column = ""

    def __init__(self, *, required: bool = False):
        super().__init__()
        self.required = required

    def _fiscal_year(self, row) -> int | None:
        if self.year_column and row is not None:
            text = _text(row.get(self.year_column))
            if text:
                try:
                    return parse_fiscal_year(text)
                except WarekiParseError:
                    return None  # reported on the 年度 column itself
        return self.page_fiscal_year

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, dt.date):  # an Excel date cell (datetime is a date too)
            day = value.date() if isinstance(value, dt.datetime) else value
            try:
                return check_date_range(day)
            except WarekiParseError as exc:
                raise ValueError(str(exc)) from None
        text = _text(value)
        if not text:
            if self.required:
                raise ValueError("日付が入力されていません。")
            return None
        fiscal_year = self._fiscal_year(row) if is_month_day(text) else None
        try:
            day = parse_wareki(text, fiscal_year=fiscal_year)
        except WarekiParseError as exc:
            raise ValueError(str(exc)) from None
        if fiscal_year is not None and self.on_completed is not None:
            self.on_completed(self.column, text, day, fiscal_year)
        return day

    def render(self, value, obj=None, **kwargs):
        # A real date: an Excel date cell in XLSX, 2020-08-06 in CSV (machine-readable rules: 西暦).
        return value if value else ""


class FiscalYearWidget(widgets.Widget):
    """年度 typed as 令和2年度, R2, 2020年度 or 2020; exported as 令和2年度."""

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        try:
            return parse_fiscal_year(text)
        except WarekiParseError as exc:
            raise ValueError(str(exc)) from None

    def render(self, value, obj=None, **kwargs):
        return format_fiscal_year(value) if value else ""


_TIME_RE = re.compile(r"(?P<h>[0-9]{1,2})(?:[:時](?P<m>[0-9]{1,2})?分?)?(?::[0-9]{1,2})?")


class TimeWidget(widgets.Widget):
    """13:30, １３：３０, 13時30分, 13時 or an Excel time cell; exported as 13:30."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, dt.datetime):
            return value.time().replace(second=0, microsecond=0)
        if isinstance(value, dt.time):
            return value.replace(second=0, microsecond=0)
        text = re.sub(r"\s+", "", _nfkc(value))
        if not text:
            return None
        match = _TIME_RE.fullmatch(text)
        if match:
            try:
                return dt.time(int(match["h"]), int(match["m"] or 0))
            except ValueError:
                pass
        raise ValueError(f"「{_text(value)}」を時刻として読めません。「13:30」のように入力してください。")

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%H:%M") if value else ""


class CountWidget(widgets.Widget):
    """A count (参加人数 …). Blank means unknown and stays blank: never 0."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = re.sub(r"[\s,名人機関]", "", _nfkc(value))
            if not text:
                return None
            if not text.isdigit():
                raise ValueError(f"「{_text(value)}」は数として読めません。0以上の整数を入力してください。")
            number = int(text)
        if number < 0 or number > 32767:
            raise ValueError(f"「{number}」は範囲外です。0以上の整数を入力してください。")
        return number

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value


class MarkWidget(widgets.Widget):
    """事務局: ○ (or 〇, ◯, ●, 1, はい, TRUE) for yes, blank for no."""

    YES = {"○", "〇", "◯", "●", "◎", "1", "はい", "TRUE", "true", "有", "事"}
    NO = {"", "×", "-", "0", "いいえ", "FALSE", "false", "無"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = _nfkc(value)
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(
            f"「{_text(value)}」は読めません。事務局なら「○」、そうでなければ空欄にしてください。"
        )

    def render(self, value, obj=None, **kwargs):
        return "○" if value else ""


class CouncilScopedWidget(widgets.Widget):
    """Base for names looked up in the resource's council only (set by ``CouncilResource``)."""

    council: Council | None = None
    label = ""

    def __init__(self, *, required: bool = True):
        super().__init__()
        self.required = required
        self._cache: dict[str, Any] = {}
        self._complete = False

    def lookup(self, name: str):
        raise NotImplementedError

    def load_all(self) -> dict[str, Any]:
        """Every name of the council and what it stands for (the first one when names repeat)."""
        raise NotImplementedError

    def preload(self) -> None:
        # One query for the whole file instead of one per new name.
        self._cache = self.load_all()
        self._complete = True

    def cached(self, name: str):
        if name not in self._cache:
            self._cache[name] = None if self._complete else self.lookup(name)
        return self._cache[name]

    def clean(self, value, row=None, **kwargs):
        name = _text(value)
        if not name:
            if self.required:
                raise ValueError(f"{self.label}が入力されていません。")
            return None
        found = self.cached(name)
        if found is None:
            raise ValueError(
                f"{self.label}「{name}」はこの協議会に登録されていません。名前を確認してください。"
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class BodyWidget(CouncilScopedWidget):
    label = "会議体"
    # The importing user (set by CouncilResource): a case conference's rows only after the pledge,
    # so a preview never shows its stored minutes to someone who may not read them yet.
    user = None

    def clean(self, value, row=None, **kwargs):
        body = super().clean(value, row=row, **kwargs)
        if body is not None and self.user is not None and pledge_required(self.user, body):
            raise ValueError(
                f"「{body.name}」は個別支援会議です。守秘義務の確認をしてから取り込んでください。"
            )
        return body

    def lookup(self, name: str):
        return Body.objects.filter(council=self.council, name=name).order_by("sort_order", "id").first()

    def load_all(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for body in Body.objects.filter(council=self.council).order_by("sort_order", "id"):
            found.setdefault(body.name, body)
        return found


class OrganizationWidget(CouncilScopedWidget):
    label = "所属機関"

    def lookup(self, name: str):
        return Organization.objects.filter(council=self.council, name=name).order_by("id").first()

    def load_all(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for organization in Organization.objects.filter(council=self.council).order_by("id"):
            found.setdefault(organization.name, organization)
        return found


# --- Base resource -----------------------------------------------------------------------------


class _NoLoader(BaseInstanceLoader):
    """Instances are found by ``CouncilResource.find`` (natural keys); no id lookups."""

    def get_instance(self, row):
        return None


class CouncilResource(resources.ModelResource):
    """A resource bound to one council, matching rows by a natural key.

    Subclasses define ``find(row)`` (the stored record for a row, or None), ``new_instance()``,
    ``save_new(instance)`` and ``save_changed(instance, changed)``; ``key_columns`` names the
    columns that identify a row (checked before anything is imported).
    """

    key_columns: tuple[str, ...] = ()
    required_columns: tuple[str, ...] = ()
    # Columns written on export only (e.g. 回次, which the system gives).
    export_only_columns: tuple[str, ...] = ()
    # The parsed values the preview shows for every row, for a clerk to check before confirming.
    preview_columns: tuple[str, ...] = ()
    label = ""
    # The stable key column (「ID」: the record's id, written by the export) and what it names
    # (「関係機関」): a row that fills it is matched on it before anything else, and a key this
    # council does not have is an error of that row and column.
    key_column: str | None = None
    key_label = ""

    def __init__(self, *, council: Council, user=None, fiscal_year: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.council = council
        self.user = user
        # The 年度 the import was asked for: it completes dates written without a year.
        self.fiscal_year = fiscal_year
        year_column = next(
            (f.column_name for f in self.fields.values() if isinstance(f.widget, FiscalYearWidget)), None
        )
        for field in self.fields.values():
            if isinstance(field.widget, CouncilScopedWidget):
                field.widget.council = council
                field.widget._cache = {}
            if isinstance(field.widget, BodyWidget):
                field.widget.user = user
            if isinstance(field.widget, WarekiDateWidget):
                field.widget.column = field.column_name
                field.widget.year_column = year_column
                field.widget.page_fiscal_year = fiscal_year
                field.widget.on_completed = self._date_completed
        self.changes: dict[int, list[str]] = {}
        # Row number → (parsed values [column, shown], changes [column, before, after]).
        self.previews: dict[int, tuple[list[list[str]], list[list[str]]]] = {}
        # Row number → notes for the preview (a completed date, …), one per column.
        self.notes: dict[int, dict[str, str]] = {}
        self._seen_keys: dict[tuple, int] = {}
        self._row_number = 0
        self.dry_run = True
        self._stored = None
        self._import_fields = None
        # Called with each row's number before it is imported (progress of large imports).
        self.on_row = None
        # The spreadsheet row of each data row (set by run_import; header = row 1).
        self.line_numbers: list[int] = []
        # Rows that need the user's decision (same person or another): row number → options
        # [value, label]; the user's choices by spreadsheet row (「5」 → value); the rows of a real
        # import that had no valid choice (the import is then refused).
        self.decisions: dict[int, list[list[str]]] = {}
        self.choices: dict[str, str] = {}
        self.chosen: dict[int, str] = {}
        self.missing_decisions: list[int] = []

    class Meta:
        instance_loader_class = _NoLoader
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False  # the services validate (full_clean) when they save
        use_transactions = True
        skip_html_diff = True  # our report lists the changed columns (``changes``) instead

    def import_data(self, dataset, dry_run=False, *args, **kwargs):
        self.dry_run = dry_run
        return super().import_data(dataset, dry_run, *args, **kwargs)

    def after_import(self, dataset, result, **kwargs):
        # Not ModelResource's: it resets the table's id sequence to max(id) after new rows (for
        # files that create rows with their ids). Ours only match stored rows by id, and resetting could hand out an id that a
        # concurrent, not yet committed insert already holds.
        pass

    def before_import(self, dataset, **kwargs):
        for field in self.fields.values():
            if isinstance(field.widget, CouncilScopedWidget):
                field.widget.preload()

    def _date_completed(self, column: str, text: str, day: dt.date, fiscal_year: int) -> None:
        self.notes.setdefault(self._row_number, {})[column] = (
            f"「{column}」の「{text}」は年がないため、{format_fiscal_year(fiscal_year)}の"
            f"{format_wareki(day)}（{day.isoformat()}）として読みました。"
        )

    # -- matching

    def line(self, number: int | None = None) -> int:
        """The spreadsheet row (header = 1) of data row ``number`` (default: the current row)."""
        number = self._row_number if number is None else number
        if 0 < number <= len(self.line_numbers):
            return self.line_numbers[number - 1]
        return number + 1

    def row_pk(self, row) -> int | None:
        """The key written in the row's key column, or None when the row has none."""
        if not self.key_column or self.key_column not in row:
            return None
        text = _nfkc(row.get(self.key_column))
        if not text:
            return None
        if not text.isdigit() or len(text) > 18:
            raise self.unknown_key(row)
        return int(text)

    def unknown_key(self, row, detail: str = "") -> ValidationError:
        text = _text(row.get(self.key_column or ""))
        return ValidationError(
            {
                self.key_column or NON_FIELD_ERRORS: [
                    f"「{text}」はこの協議会の{self.key_label}のIDではありません{detail}。"
                    f"書き出したファイルの「{self.key_column}」をそのまま使い、新しく追加する行では空欄にしてください。"
                ]
            }
        )

    def row_key(self, row) -> tuple:
        return tuple(_text(row.get(column)) for column in self.key_columns)

    def find(self, row):
        raise NotImplementedError

    def new_instance(self):
        raise NotImplementedError

    def get_instance(self, instance_loader, row):
        return self.find(row)

    def init_instance(self, row=None):
        return self.new_instance()

    def before_import_row(self, row, **kwargs):
        self._row_number = kwargs.get("row_number", 0)
        self._stored = None
        if self.on_row is not None:
            self.on_row(self._row_number)
        key = self.row_key(row)
        if key and all(key):
            first = self._seen_keys.setdefault(key, self._row_number)
            if first != self._row_number:
                # Reported as the spreadsheet row (header = row 1) by spreadsheets.tables.
                raise ValidationError(
                    f"同じ{'・'.join(self.key_columns)}の行がファイル内にあります（データの{first}件目と重複）。"
                )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        if original is None:
            # With Meta.skip_diff import-export keeps no copy: find() then kept the stored record.
            original = self._stored
        parsed = [
            [column, self.display(self.fields_by_column[column], instance)]
            for column in self.preview_columns
            if column in self.fields_by_column
        ]
        if original is None or original.pk is None:
            self.changes[self._row_number] = []
            self.previews[self._row_number] = (parsed, [])
            return False
        changed_fields = [
            field
            for field in self.get_import_fields()
            if field.column_name in row and field.get_value(instance) != field.get_value(original)
        ]
        self.changes[self._row_number] = [field.column_name for field in changed_fields]
        diffs = [
            [field.column_name, self.display(field, original), self.display(field, instance)]
            for field in changed_fields
        ]
        self.previews[self._row_number] = (parsed, diffs)
        return not changed_fields

    # -- what the preview shows a clerk to check

    @property
    def fields_by_column(self) -> dict[str, fields.Field]:
        # Asked for every row; the fields never change during an import.
        if "_fields_by_column" not in self.__dict__:
            self._fields_by_column = {field.column_name: field for field in self.fields.values()}
        return self._fields_by_column

    def display(self, field: fields.Field, instance) -> str:
        """A value as the preview shows it: a date in 和暦 with its weekday and in 西暦
        (「令和2年8月6日（木）／2020-08-06」), a 年度 as 令和2年度, a choice by its label, a body
        or organisation by its name, a blank as 「（空欄）」."""
        value = field.get_value(instance) if field.attribute else None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return display_date(value)
        rendered = field.widget.render(value) if value not in (None, "", ()) else ""
        if isinstance(field.widget, FiscalYearWidget) and value:
            rendered = format_fiscal_year(value)
        text = str(rendered).strip()
        return text if text else "（空欄）"

    def get_import_fields(self):
        # Asked several times per row; the answer never changes during an import.
        if self._import_fields is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    # -- saving through the services

    def do_instance_save(self, instance, is_create):
        if is_create:
            self.save_new(instance)
        else:
            self.save_changed(instance, self.changes.get(self._row_number, []))

    def save_new(self, instance) -> None:
        raise NotImplementedError

    def save_changed(self, instance, changed: list[str]) -> None:
        raise NotImplementedError

    # -- export

    def export_queryset(self):
        raise NotImplementedError

    def export_bodies(self) -> models.QuerySet[Body]:
        """Bodies whose rows an export may carry: what the user may read (council.access), so a
        case conference only after the pledge. ``user=None`` is the operator at the shell
        (``export_records``), who reads everything, as a superuser does."""
        if self.user is None:
            return Body.objects.filter(council=self.council)
        return readable_bodies(self.user, self.council)

    def example_row(self) -> dict[str, Any]:
        return {}

    def stored_names(self, column: str) -> list[str]:
        """The council's stored names a name in ``column`` may stand for (to name in a warning
        about a possibly garbled name); one query per column, asked only for such a name."""
        cache = self.__dict__.setdefault("_stored_names", {})
        if column not in cache:
            cache[column] = self._load_names(column)
        return cache[column]

    def _load_names(self, column: str) -> list[str]:
        if column in ("氏名", "ふりがな"):
            attribute = "name" if column == "氏名" else "name_kana"
            return list(
                Person.objects.filter(council=self.council)
                .order_by(attribute)
                .values_list(attribute, flat=True)
                .distinct()
            )
        if column in ("所属機関", "機関名"):
            return list(
                Organization.objects.filter(council=self.council)
                .order_by("name")
                .values_list("name", flat=True)
            )
        return []


def _field(
    attribute: str | None, column: str, widget: widgets.Widget | None = None, **kwargs
) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=column, widget=widget or TextWidget(), **kwargs)


# --- 関係機関 -----------------------------------------------------------------------------------


class OrganizationResource(CouncilResource):
    label = "関係機関"
    key_columns = ("機関名",)
    preview_columns = ("機関名", "種別")
    required_columns = ("機関名",)
    key_column = "ID"
    key_label = "関係機関"

    name = _field("name", "機関名")
    kind = _field("kind", "種別", ChoiceLabelWidget(OrganizationKind, default=OrganizationKind.OTHER))
    record_key = _field("pk", "ID", KeyWidget(), readonly=True)

    class Meta(CouncilResource.Meta):
        model = Organization
        fields = ("name", "kind", "record_key")
        import_id_fields = ("name",)

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # One query for the file, not one per row (the first by id when a name repeats).
        self._existing: dict[str, Organization] = {}
        self._by_pk: dict[int, Organization] = {}
        for organization in Organization.objects.filter(council=self.council).order_by("id"):
            self._existing.setdefault(organization.name, organization)
            self._by_pk[organization.pk] = organization

    def find(self, row):
        pk = self.row_pk(row)
        if pk is not None:
            if pk not in self._by_pk:
                raise self.unknown_key(row)
            return self._by_pk[pk]  # the key wins: a changed 機関名 renames it
        name = _text(row.get("機関名"))
        return self._existing.get(name) if name else None

    def new_instance(self):
        return Organization(council=self.council)

    def save_new(self, instance) -> None:
        instance.full_clean()
        instance.save()

    def save_changed(self, instance, changed) -> None:
        instance.full_clean()
        instance.save(update_fields=["name", "kind"])

    def export_queryset(self):
        return Organization.objects.filter(council=self.council).order_by("name")

    def example_row(self):
        return {"機関名": "みどり相談支援センター", "種別": OrganizationKind.CONSULTATION.label}


# --- 構成員（人物 + 会議体の構成員） ---------------------------------------------------------------


def _same_text(a: str, b: str) -> bool:
    """Equal once full-width forms and spaces are folded (「さとう はなこ」 = 「さとう　はなこ」)."""
    fold = lambda text: re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))  # noqa: E731
    return fold(a) == fold(b)


class MemberResource(CouncilResource):
    """One row per membership: a person of this council sitting in a body.

    Who the row's person is (a person is never found by name alone):

    - 「人物ID」 filled (an exported file): that person, or an error of the row when this council
      has no such person. The row then edits their 氏名・ふりがな・所属機関 (before → after in the
      preview; a 所属機関 so changed is the person's, in every body).
    - else by 氏名 and the identifying columns the row fills (所属機関, ふりがな, メールアドレス —
      the last read when a file has it, never exported): the one stored
      person of that name who agrees with all of them is that person, and nothing of the person
      changes (a blank cell says nothing; it never clears a value). No person of that name: a new
      person. Otherwise (the name matches but something identifying differs, or two people of the
      name agree) the row is a decision: 「同じ人（所属を変更）」 for each candidate, or
      「別の人として追加」 (``decisions``). Nothing is written until the user has chosen for every
      such row (``choices``, by spreadsheet row, sent with 「取り込む」).

    So a roster of one body changes a person's organisation (seen by their other bodies) only with
    the key or when the user chose 「同じ人（所属を変更）」 for that row.
    """

    label = "構成員"
    key_columns = ("会議体", "氏名")
    preview_columns = ("会議体", "氏名", "所属機関", "役割", "任期開始", "任期終了")
    required_columns = ("会議体", "氏名", "任期開始")
    key_column = "人物ID"
    key_label = "人物"
    NEW_PERSON = "new"

    body = _field("body", "会議体", BodyWidget())
    person_name = _field("person_name", "氏名")
    person_kana = _field("person_kana", "ふりがな")
    person_organization = _field("person_organization", "所属機関", OrganizationWidget(required=False))
    role = _field("role", "役割", ChoiceLabelWidget(MembershipRole, default=MembershipRole.MEMBER))
    is_secretariat = _field("is_secretariat", "事務局", MarkWidget())
    term_start = _field("term_start", "任期開始", WarekiDateWidget(required=True))
    term_end = _field("term_end", "任期終了", WarekiDateWidget())
    person_key = _field("person_key", "人物ID", KeyWidget(), readonly=True)
    # Read when a file has it (it identifies a person), never written by the export: a roster
    # file is printed and passed around, and the addresses stay in the system.
    person_email = _field("person_email", "メールアドレス")
    import_only_columns = ("メールアドレス",)

    class Meta(CouncilResource.Meta):
        model = Membership
        fields = (
            "body",
            "person_name",
            "person_kana",
            "person_organization",
            "role",
            "is_secretariat",
            "term_start",
            "term_end",
            "person_key",
            "person_email",
        )
        import_id_fields = ("body", "person_name")

    @staticmethod
    def _with_person(membership: Membership) -> Membership:
        person = membership.person
        membership.person_name = person.name
        membership.person_kana = person.name_kana
        membership.person_organization = person.organization
        membership.person_key = person.pk
        membership.person_email = person.email
        return membership

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # The council's memberships and people, read once for the file (not per row).
        self._memberships: dict[tuple[int, int], Membership] = {}
        for membership in (
            Membership.objects.select_related("body")
            .filter(body__council=self.council)
            .order_by("-term_start", "-id")
        ):
            self._memberships.setdefault((membership.body_id, membership.person_id), membership)
        self._by_pk: dict[int, Person] = {}
        self._by_name: dict[str, list[Person]] = {}
        for person in (
            Person.objects.select_related("organization").filter(council=self.council).order_by("id")
        ):
            self._remember(person)
        self._created: dict[int, int] = {}  # person pk → the spreadsheet row that added them
        self._row_person: Person | None = None
        self._keyed = False

    def _remember(self, person: Person) -> None:
        self._by_pk[person.pk] = person
        self._by_name.setdefault(person.name, []).append(person)

    # -- who the row's person is

    def row_key(self, row) -> tuple:
        body = _text(row.get("会議体"))
        key = _nfkc(row.get(self.key_column)) if self.key_column in row else ""
        if key:
            return (body, f"ID {key}")
        # Two people of one name may sit in one body (かわせみ町's 全体会議): their organisations differ.
        return (body, _text(row.get("氏名")), _text(row.get("所属機関")) or "（所属なし）")

    @staticmethod
    def _cell(row, column: str) -> str:
        return _text(row.get(column)) if column in row else ""

    def _differences(self, person: Person, row) -> list[str]:
        """What the row states that differs from ``person`` (blank cells state nothing)."""
        differs = []
        organization_name = self._cell(row, "所属機関")
        if organization_name:
            organization = self.fields["person_organization"].widget.cached(organization_name)
            if organization is None or person.organization_id != organization.pk:
                differs.append("所属")
        kana = self._cell(row, "ふりがな")
        if kana and person.name_kana and not _same_text(kana, person.name_kana):
            differs.append("ふりがな")
        email = self._cell(row, "メールアドレス")
        if email and person.email and email.lower() != person.email.lower():
            differs.append("メールアドレス")
        return differs

    def _value(self, person: Person) -> str:
        # A person added by an earlier row of this file has no stable id yet: named by that row.
        line = self._created.get(person.pk)
        return f"row{line}" if line else f"person{person.pk}"

    def _describe(self, person: Person) -> str:
        where = person.organization.name if person.organization_id else "所属なし"
        line = self._created.get(person.pk)
        return f"{person.name}（{where}）" + (f"（このファイルの{line}行目で追加）" if line else "")

    def _resolve(self, row) -> Person | None:
        """The stored person the row stands for, or None for a new person (class docstring)."""
        self._keyed = False
        pk = self.row_pk(row)
        if pk is not None:
            person = self._by_pk.get(pk)
            if person is None or pk in self._created:
                raise self.unknown_key(row)
            self._keyed = True
            return person
        name = _text(row.get("氏名"))
        candidates = self._by_name.get(name, []) if name else []
        if not candidates:
            return None
        agreeing = [person for person in candidates if not self._differences(person, row)]
        if len(agreeing) == 1:
            return agreeing[0]
        shown = agreeing or candidates
        options = []
        for person in shown:
            differs = self._differences(person, row)
            what = f"（{'・'.join(differs)}を変更）" if differs else ""
            options.append([self._value(person), f"同じ人{what}：{self._describe(person)}"])
        options.append([self.NEW_PERSON, "別の人として追加"])
        number = self._row_number
        self.decisions[number] = options
        choice = self.choices.get(str(self.line()))
        if choice == self.NEW_PERSON:
            self.chosen[number] = choice
            return None
        for person in shown:
            if self._value(person) == choice:
                self.chosen[number] = choice
                return person
        if not self.dry_run:
            self.missing_decisions.append(number)
            reason = (
                "同じ名前の人が2人以上います"
                if agreeing
                else "同じ名前の登録済みの人と所属機関などが違います"
            )
            raise ValidationError(
                {
                    "person_name": [
                        f"「{name}」は{reason}。「同じ人（所属を変更）」か「別の人として追加」かを選んでから"
                        "「取り込む」を押してください。"
                    ]
                }
            )
        return None

    def _body(self, row) -> Body | None:
        try:
            return self.fields["body"].widget.clean(row.get("会議体"), row=row)
        except ValueError:
            return None  # reported on the column by the import itself

    def find(self, row):
        self._row_person = person = self._resolve(row)
        body = self._body(row)
        if person is None or body is None:
            return None
        membership = self._memberships.get((body.pk, person.pk))
        if membership is None:
            return None
        membership.person = person
        return self._with_person(membership)

    def new_instance(self):
        membership = Membership(role=MembershipRole.MEMBER)
        membership.person_name = ""
        membership.person_kana = ""
        membership.person_organization = None
        membership.person_key = None
        membership.person_email = ""
        return membership

    def import_instance(self, instance, row, **kwargs):
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        person = self._row_person
        if person is not None:
            instance.person_key = person.pk
            # A column the file lacks says nothing; without the key a blank cell neither.
            for column, attribute, stored in (
                ("ふりがな", "person_kana", person.name_kana),
                ("所属機関", "person_organization", person.organization),
                ("メールアドレス", "person_email", person.email),
            ):
                if column not in row or (not self._keyed and not self._cell(row, column)):
                    setattr(instance, attribute, stored)
            if _same_text(instance.person_kana, person.name_kana):
                instance.person_kana = person.name_kana
            if instance.person_email.lower() == person.email.lower():
                instance.person_email = person.email
            if not self._keyed or not instance.person_name:
                instance.person_name = person.name
            if "person_organization" not in errors and instance.person_organization != person.organization:
                before = person.organization.name if person.organization_id else "所属なし"
                after = instance.person_organization.name if instance.person_organization else "所属なし"
                self.notes.setdefault(self._row_number, {})["所属機関"] = (
                    f"{person.name}さんの所属機関を「{before}」から「{after}」に変えます"
                    "（この人が属するほかの会議体の名簿でも変わります）。"
                )
        if errors:
            raise ValidationError(errors)

    def _person(self, instance: Membership) -> Person:
        person = self._row_person
        organization = instance.person_organization
        if person is None:
            person = person_save(
                council=self.council,
                name=instance.person_name,
                name_kana=instance.person_kana,
                organization=organization,
                email=instance.person_email,
            )
            self._remember(person)
            self._created[person.pk] = self.line()  # the same person in the next rows
        else:
            changed: dict[str, Any] = {}
            if person.name != instance.person_name:
                changed["name"] = instance.person_name
            if person.name_kana != instance.person_kana:
                changed["name_kana"] = instance.person_kana
            if person.organization_id != getattr(organization, "pk", None):
                changed["organization"] = organization
            if person.email != instance.person_email:
                changed["email"] = instance.person_email
            if changed:
                person_save(person=person, **changed)
        self._row_person = person
        return person

    def save_new(self, instance) -> None:
        person = self._person(instance)
        saved = membership_add(
            body=instance.body,
            person=person,
            role=instance.role,
            term_start=instance.term_start,
            term_end=instance.term_end,
            is_secretariat=instance.is_secretariat,
        )
        instance.pk, instance.person = saved.pk, person

    def save_changed(self, instance, changed) -> None:
        self._person(instance)
        instance.full_clean()
        # No membership service edits a term yet; the fields are the membership's own.
        instance.save(update_fields=["role", "is_secretariat", "term_start", "term_end"])

    def get_export_fields(self, selected_fields=None):
        return [
            field
            for field in super().get_export_fields(selected_fields)
            if field.column_name not in self.import_only_columns
        ]

    def export_queryset(self):
        return [
            self._with_person(m)
            for m in Membership.objects.select_related("person__organization", "body")
            .filter(body__council=self.council, body__in=self.export_bodies())
            .order_by("body__sort_order", "body_id", "-is_secretariat", "role", "person__name_kana", "id")
        ]

    def example_row(self):
        return {
            "会議体": "相談支援部会",
            "氏名": "山田 太郎",
            "ふりがな": "やまだ たろう",
            "所属機関": "みどり相談支援センター",
            "役割": MembershipRole.CHAIR.label,
            "事務局": "",
            "任期開始": dt.date(2024, 4, 1),
            "任期終了": dt.date(2026, 3, 31),
        }
