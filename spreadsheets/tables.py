"""Reading and writing the secretariat's spreadsheets; the one import path the page, the admin
link and the command share.

- Reading: XLSX, or CSV in UTF-8, UTF-8 with BOM or CP932 (Shift_JIS), detected without asking:
  the bytes are decoded strictly as UTF-8 first (a CP932 file is almost never valid UTF-8), then
  as CP932. Headers and cells are stripped; fully blank rows are dropped but row numbers stay the
  ones Excel shows (the header is row 1).
- Importing: ``run_import`` runs the resource in ONE transaction, rolled back on any error (or
  when it is a dry run), and returns a report in Japanese: what is new, changed, unchanged, and
  every error as 「5行目「開催日」: …」.
- Writing: the same columns as the import (machine-readable rules: one table per sheet, one
  datum per cell, no merged cells, a header row, unknown counts left blank, never 0).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import tablib
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from import_export.results import RowResult

from council.access import record_case_conference_read
from council.models import BodyKind
from spreadsheets.limits import (
    LimitExceeded,
    SpreadsheetError,
    bounded_rows,
    cell_too_long,
    check_zip,
    import_limits,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from council.models import Council
    from spreadsheets.resources import CouncilResource

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Files with more data rows than this are previewed and imported by a Celery task
# (spreadsheets.tasks.import_spreadsheet), with progress shown; smaller ones in the request.
LARGE_IMPORT_ROWS = 2000


# What can be imported and exported, in the order pages list it. Each app registers its own
# resources when it loads (``register_resource`` in its AppConfig.ready): this app knows none of
# the apps above it.
_REGISTERED: dict[str, tuple[int, type[CouncilResource]]] = {}
# key → label (「会議」), kept in order; the same dict object for the whole process.
RESOURCE_LABELS: dict[str, str] = {}


def register_resource(key: str, resource: type[CouncilResource], *, order: int) -> None:
    _REGISTERED[key] = (order, resource)
    ordered = sorted(_REGISTERED.items(), key=lambda item: item[1][0])
    RESOURCE_LABELS.clear()
    RESOURCE_LABELS.update((name, cls.label) for name, (_, cls) in ordered)


def resource_classes() -> dict[str, type[CouncilResource]]:
    return {name: _REGISTERED[name][1] for name in RESOURCE_LABELS}


def get_resource(
    name: str, *, council: Council, user=None, fiscal_year: int | None = None
) -> CouncilResource:
    try:
        cls = resource_classes()[name]
    except KeyError:
        raise SpreadsheetError(
            f"「{name}」は取り込めません。{'、'.join(RESOURCE_LABELS)} から選んでください。"
        ) from None
    return cls(council=council, user=user, fiscal_year=fiscal_year)


# --- Reading -----------------------------------------------------------------------------------


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Any]]
    line_numbers: list[int]  # the spreadsheet row of each data row (header = 1)
    encoding: str = ""  # "xlsx", "utf-8", "utf-8-sig" or "cp932"


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (with or without BOM), else CP932. Strict, never guessing silently."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932"), "cp932"
    except UnicodeDecodeError:
        raise SpreadsheetError(
            "ファイルの文字コードを判別できません。Excel で「CSV UTF-8」または「CSV（コンマ区切り）」で保存し直してください。"
        ) from None


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value
    if isinstance(value, dt.datetime):
        return value.time() if value.date() == dt.date(1899, 12, 30) else value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _table(
    raw_rows: Iterable[Iterable[Any]], encoding: str, should_stop: Callable[[], bool] | None = None
) -> Table:
    # Streamed: one raw row at a time (openpyxl read_only / csv.reader), only the kept rows stay,
    # and the file is refused at the first row past a limit (spreadsheets.limits).
    # The header is the first non-blank row (a title row above it would be a second table).
    headers: list[str] | None = None
    width = 0
    rows, numbers = [], []
    for index, raw in enumerate(bounded_rows(raw_rows), start=1):
        if should_stop is not None and index % 1000 == 0 and should_stop():
            raise ImportCancelled
        row = [_cell(v) for v in raw]
        if headers is None:
            if any(v not in (None, "") for v in row):
                headers = ["" if v is None else str(v).replace("\u3000", "").replace(" ", "") for v in row]
                while headers and not headers[-1]:
                    headers.pop()
                width = len(headers)
            continue
        values = list(row[:width]) + [None] * (width - len(row))
        if all(v in (None, "") for v in values):
            continue
        rows.append(["" if v is None else v for v in values])
        numbers.append(index)
    if headers is None:
        raise SpreadsheetError(
            "ファイルにデータがありません。1行目に列名、2行目からデータを入力してください。"
        )
    return Table(headers=headers, rows=rows, line_numbers=numbers, encoding=encoding)


def read_table(data: bytes, filename: str = "", should_stop: Callable[[], bool] | None = None) -> Table:
    """Read an uploaded spreadsheet, whatever Excel saved it as."""
    if not data:
        raise SpreadsheetError("ファイルが空です。")
    if len(data) > MAX_UPLOAD_BYTES:
        raise SpreadsheetError("ファイルが大きすぎます（10MBまで）。")
    if data.startswith(b"PK\x03\x04"):
        book, sheet = _open_xlsx(data)
        try:
            return _table(sheet.iter_rows(values_only=True), "xlsx", should_stop)
        except SpreadsheetError:
            raise
        except Exception:  # a member that inflates past its declared size fails its CRC here
            raise SpreadsheetError(BROKEN_XLSX) from None
        finally:
            book.close()
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError(
            "古い Excel 形式（.xls）は読めません。Excel で「.xlsx」または CSV で保存し直してください。"
        )
    text, encoding = decode_text(data)
    rows = _csv_rows(text, filename)
    try:
        return _table(([_unguard(v) for v in row] for row in rows), encoding, should_stop)
    except csv.Error as error:
        raise _csv_error(error) from None


BROKEN_XLSX = "Excel ファイルを開けません。壊れていないか確認してください。"


def _open_xlsx(data: bytes):
    """The workbook (read_only) and its first sheet, after the zip passed ``check_zip``.

    read_only openpyxl trusts the sheet's recorded ``<dimension>``: it would cut the rows of a
    sheet whose dimension is smaller than its content, and pad every row of one that declares
    16,384 columns. ``reset_dimensions`` makes it read the rows that are really there."""
    check_zip(data)
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise SpreadsheetError(BROKEN_XLSX) from None
    sheet = book.worksheets[0]
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()
    return book, sheet


def _csv_rows(text: str, filename: str):
    if "\x00" in text:
        raise SpreadsheetError("CSV または Excel（.xlsx）ファイルを選んでください。")
    dialect = (
        "excel-tab"
        if filename.lower().endswith((".tsv", ".txt")) and "\t" in text.split("\n", 1)[0]
        else "excel"
    )
    return csv.reader(io.StringIO(text, newline=""), dialect=dialect)


def _csv_error(error: csv.Error) -> SpreadsheetError:
    if "field limit" in str(error):  # a field past the csv module's 131,072 characters
        return cell_too_long()
    return SpreadsheetError("CSV ファイルを読めません。Excel で CSV として保存し直してください。")


# The downloadable templates mark their example rows in a first column of their own: a row with
# anything written there is an example and never imported (a template imported as downloaded
# writes nothing). Exports have no such column, so an exported file imports every row.
EXAMPLE_COLUMN = "記入例"
EXAMPLE_MARK = "記入例（この行は取り込みません）"


def drop_examples(table: Table) -> list[int]:
    """Remove the example rows (and the marker column) from ``table``; their row numbers."""
    if EXAMPLE_COLUMN not in table.headers:
        return []
    index = table.headers.index(EXAMPLE_COLUMN)
    kept_rows, kept_lines, examples = [], [], []
    for row, line in zip(table.rows, table.line_numbers, strict=True):
        if row[index] not in (None, ""):
            examples.append(line)
            continue
        kept_rows.append(row[:index] + row[index + 1 :])
        kept_lines.append(line)
    table.headers = table.headers[:index] + table.headers[index + 1 :]
    table.rows, table.line_numbers = kept_rows, kept_lines
    return examples


def _line_list(lines: list[int]) -> str:
    shown = "・".join(str(n) for n in lines[:10])
    return f"{shown}行目" + (f"ほか{len(lines) - 10}行" if len(lines) > 10 else "")


# Text that Excel would run as a formula when it opens the file (CSV / formula injection).
# Exports keep such text inert: XLSX writes it as a text cell; CSV puts a ' before it, and our CSV
# import takes that one ' off again, so export → edit → import still changes nothing else.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and len(value) > 1 and value.startswith(FORMULA_STARTS)


def _guard(value: Any) -> Any:
    return "'" + value if _is_formula_like(value) else value


def _unguard(value: str) -> str:
    return value[1:] if value.startswith("'") and _is_formula_like(value[1:]) else value


@dataclass
class Screened:
    """What the request learnt of a file before choosing the request or the task path."""

    rows: int  # data rows counted (non-blank rows below the header)
    complete: bool  # False: the time ran out before the end (the task reads the rest)

    @property
    def large(self) -> bool:
        return not self.complete or self.rows > LARGE_IMPORT_ROWS


def screen(data: bytes, filename: str = "", *, seconds: float | None = None) -> Screened:
    """Count a file's data rows under the limits, in the request: raises ``LimitExceeded`` (the
    zip before openpyxl opens it, then at the first row past a limit), and stops after
    ``seconds`` (default ``IMPORT_SCREEN_SECONDS``), so that a request never reads for long.

    Another fault (not a spreadsheet, a broken file) counts 0 rows: the import then says why."""
    from django.conf import settings

    deadline = time.monotonic() + (settings.IMPORT_SCREEN_SECONDS if seconds is None else seconds)
    book = None
    try:
        if data.startswith(b"PK\x03\x04"):
            book, sheet = _open_xlsx(data)
            raw_rows = sheet.iter_rows(values_only=True)
        else:
            raw_rows = _csv_rows(decode_text(data)[0], filename)
        filled = 0
        for number, row in enumerate(bounded_rows(raw_rows, import_limits()), start=1):
            if any(v not in (None, "") for v in row):
                filled += 1
            if number % 1000 == 0 and time.monotonic() > deadline:
                return Screened(rows=max(0, filled - 1), complete=False)
        return Screened(rows=max(0, filled - 1), complete=True)
    except LimitExceeded:
        raise
    except csv.Error as error:
        exc = _csv_error(error)
        if isinstance(exc, LimitExceeded):
            raise exc from None
        return Screened(rows=0, complete=True)
    except Exception:
        return Screened(rows=0, complete=True)
    finally:
        if book is not None:
            book.close()


def count_data_rows(data: bytes) -> int:
    """The data rows of a file (0 when it cannot be read or is past a limit)."""
    try:
        return screen(data, seconds=float("inf")).rows
    except LimitExceeded:
        return 0


def is_large(data: bytes) -> bool:
    try:
        return screen(data).large
    except LimitExceeded:
        return False  # refused at once by the request path


# --- Importing ---------------------------------------------------------------------------------

TYPE_LABELS = {
    RowResult.IMPORT_TYPE_NEW: "新規",
    RowResult.IMPORT_TYPE_UPDATE: "変更",
    RowResult.IMPORT_TYPE_SKIP: "変更なし",
}


@dataclass
class RowReport:
    line: int
    kind: str  # new / update / skip
    label: str
    summary: str
    changed: list[str] = field(default_factory=list)
    # How the row was read, for the clerk to check (a date without its year completed, …).
    notes: list[str] = field(default_factory=list)
    # The parsed values to check ([column, shown]) and, for a changed row, [column, before, after].
    parsed: list[list[str]] = field(default_factory=list)
    diffs: list[list[str]] = field(default_factory=list)
    # A row the user must decide (same person or another): the options [value, label] and the
    # value chosen ("" while undecided: kind is then "decision", not counted as new).
    options: list[list[str]] = field(default_factory=list)
    chosen: str = ""

    @property
    def chosen_label(self) -> str:
        return next((label for value, label in self.options if value == self.chosen), "")


@dataclass
class ImportReport:
    resource: str
    dry_run: bool
    rows: list[RowReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    encoding: str = ""
    # Spreadsheet rows of a real import refused only because no choice was made for them.
    missing_decisions: list[int] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    @property
    def decisions(self) -> list[RowReport]:
        return [row for row in self.rows if row.options]

    @property
    def only_decisions_missing(self) -> bool:
        """The real import was refused for missing choices alone (the preview can be answered)."""
        return bool(self.missing_decisions) and len(self.errors) == len(self.missing_decisions)

    def count(self, kind: str) -> int:
        return sum(1 for row in self.rows if row.kind == kind)

    @property
    def totals(self) -> dict[str, int]:
        return {"new": self.count("new"), "update": self.count("update"), "skip": self.count("skip")}

    def lines(self) -> list[str]:
        """The report as text (the command prints it)."""
        totals = self.totals
        out = [
            f"{RESOURCE_LABELS.get(self.resource, self.resource)}: 新規 {totals['new']}件 / 変更 {totals['update']}件 / "
            f"変更なし {totals['skip']}件 / "
            + (f"要確認 {self.count('decision')}件 / " if self.count("decision") else "")
            + f"エラー {len(self.errors)}件"
            + ("（確認のみ。まだ保存していません）" if self.dry_run else "")
        ]
        out += [f"注意: {w}" for w in self.warnings]
        for row in self.rows:
            if row.kind != "skip":
                detail = f"（{'・'.join(row.changed)}）" if row.kind == "update" and row.changed else ""
                out.append(f"{row.line}行目: {row.label} {row.summary}{detail}")
            out += [f"{row.line}行目: {note}" for note in row.notes]
            if row.options:
                chosen = dict(map(tuple, row.options)).get(row.chosen, "（未選択）")
                offered = "／".join(f"{value}＝{label}" for value, label in row.options)
                out.append(f"{row.line}行目: 同じ人か別の人か → {chosen}（選択肢: {offered}）")
            out += [f"{row.line}行目「{column}」: {before} → {after}" for column, before, after in row.diffs]
        out += self.errors
        return out


PROGRESS_EVERY = 100


class _Failed(Exception):
    """Raised inside the transaction to roll it back when the import found errors."""


class ImportCancelled(BaseException):  # noqa: N818 (not an error: the user asked for it)
    """The import was cancelled (``should_stop`` said so): raised between rows and just before the
    commit, inside the transaction, which rolls back. A BaseException, so that django-import-export's
    per-row ``except Exception`` does not record it as a row error and read on."""


def _column_of(resource: CouncilResource, key: str) -> str:
    if key == NON_FIELD_ERRORS:
        return ""
    for name, fld in resource.fields.items():
        if key in (name, fld.attribute):
            return fld.column_name
    model_field = {f.name: f for f in resource._meta.model._meta.fields}.get(key)
    return str(model_field.verbose_name) if model_field else key


def check_headers(resource: CouncilResource, headers: list[str]) -> tuple[list[str], list[str]]:
    """Errors for missing columns; warnings for columns that will be ignored."""
    known = {fld.column_name for fld in resource.fields.values()}
    missing = [c for c in resource.required_columns if c not in headers]
    errors = []
    if missing:
        errors.append(
            f"1行目: 列「{'」「'.join(missing)}」がありません。書式（テンプレート）の列名のとおりにしてください。"
        )
    if getattr(resource, "label", "") == "会議" and "開催日" not in headers and "年度" not in headers:
        errors.append("1行目: 列「開催日」か「年度」が必要です。")
    duplicated = sorted({h for h in headers if h and headers.count(h) > 1})
    if duplicated:
        errors.append(f"1行目: 列「{'」「'.join(duplicated)}」が2回以上あります。")
    warnings = [f"列「{h}」は取り込みません。" for h in headers if h and h not in known]
    warnings += [
        f"列「{c}」は書き出し専用のため、取り込みでは使いません。"
        for c in resource.export_only_columns
        if c in headers and c != "回次"
    ]
    return errors, warnings


# Characters a program put where CP932 (Excel's "CSV (コンマ区切り)", older office systems) had
# none for the original one: 「𠮷田」 comes back as 「?田」, 「・田」 or 「〓田」. U+FFFD is the
# replacement character of a decoder: the original is lost for certain, so the import is refused.
# The others are also ordinary characters, so they only warn, and only in names of people and
# organisations, where they hardly occur otherwise (「・」 only in a person's name, next to a
# character that is not katakana: 「ジョン・スミス」 is a name, 「障害者就業・生活支援センター」 too).
REPLACEMENT_CHARACTER = "\ufffd"
SUSPECT_MARKS = "?？〓"
NAME_COLUMNS = ("氏名", "ふりがな", "所属機関", "機関名")
PERSON_NAME_COLUMNS = ("氏名", "ふりがな")
_KATAKANA_DOT = re.compile(r"(?<=[\u30a1-\u30fa\u30fc])・(?=[\u30a1-\u30fa])")


def _suspect_positions(column: str, value: str) -> list[int]:
    """Where ``value`` holds a mark that may stand for a character CP932 could not write."""
    if column not in NAME_COLUMNS:
        return []
    positions = [i for i, ch in enumerate(value) if ch in SUSPECT_MARKS]
    if column in PERSON_NAME_COLUMNS:
        between_katakana = {m.start() for m in _KATAKANA_DOT.finditer(value)}
        positions += [i for i, ch in enumerate(value) if ch == "・" and i not in between_katakana]
    return sorted(positions)


def check_characters(resource: CouncilResource, table: Table) -> tuple[list[str], list[str]]:
    """Errors for cells with U+FFFD (the import is refused), warnings for names with marks that
    may replace a lost character (「?田 花子」), naming the stored name it may have been."""
    errors, warnings = [], []
    hint = "Excel で「CSV UTF-8（コンマ区切り）」または「Excel ブック（.xlsx）」で保存し直すと、元の文字のまま取り込めます。"
    for row, line in zip(table.rows, table.line_numbers, strict=True):
        for column, value in zip(table.headers, row, strict=False):
            if not isinstance(value, str) or not value:
                continue
            if REPLACEMENT_CHARACTER in value:
                errors.append(
                    f"{line}行目「{column}」: 「{value}」に文字化けした文字（{REPLACEMENT_CHARACTER}）があります。"
                    f"元の文字が失われているため、取り込めません。{hint}"
                )
                continue
            positions = _suspect_positions(column, value)
            if not positions:
                continue
            message = (
                f"{line}行目「{column}」: 「{value}」に文字化けの可能性があります"
                "（元の文字がCP932で表せなかった可能性）。"
            )
            pattern = "".join("." if i in positions else re.escape(ch) for i, ch in enumerate(value))
            similar = [
                name
                for name in resource.stored_names(column)
                if name != value and re.fullmatch(pattern, name)
            ]
            if similar:
                message += f"登録済みの「{'」「'.join(similar[:3])}」のことかもしれません。"
            warnings.append(message + (hint if table.encoding == "cp932" else ""))
    return errors, warnings


Progress = Callable[[int, int], None]  # (rows done, rows in all)


def run_import(
    *,
    resource_name: str,
    council: Council,
    data: bytes,
    filename: str = "",
    user=None,
    dry_run: bool = True,
    progress: Progress | None = None,
    fiscal_year: int | None = None,
    should_stop: Callable[[], bool] | None = None,
    choices: dict[str, str] | None = None,
) -> ImportReport:
    """Import a spreadsheet into ``council``: all rows or none. ``dry_run`` only reports.

    ``fiscal_year``: the 年度 the import was asked for, which completes dates written without a
    year (「7月15日」) in rows that do not name their own 年度.

    ``progress(done, total)`` is called as rows are read (every ``PROGRESS_EVERY`` rows and at the
    end); the task of large imports records it for the progress page.

    ``should_stop()`` is asked every 1,000 rows read, every ``PROGRESS_EVERY`` rows imported and
    once more before the commit; when it says yes, ``ImportCancelled`` is raised and nothing is
    saved (the task of large imports asks whether the user pressed 「取り消す」).

    ``choices``: the user's answer for the rows that need a decision (spreadsheet row as text →
    the option's value, e.g. {"5": "new"}); a real import with such a row unanswered writes
    nothing and lists the row in ``missing_decisions``.
    """
    report = ImportReport(resource=resource_name, dry_run=dry_run)
    try:
        resource = get_resource(resource_name, council=council, user=user, fiscal_year=fiscal_year)
        table = read_table(data, filename, should_stop)
    except SpreadsheetError as exc:
        report.errors.append(str(exc))
        return report
    report.encoding = table.encoding
    examples = drop_examples(table)
    errors, report.warnings = check_headers(resource, table.headers)
    if errors:
        report.errors += errors
        return report
    if not table.rows:
        if examples:
            report.errors.append(
                f"{_line_list(examples)}は記入例のため取り込みません。ほかに取り込む行がないため、何も保存していません。"
                f"記入例の下の行に入力してください（「{EXAMPLE_COLUMN}」の列が空欄の行を取り込みます）。"
            )
        else:
            report.errors.append("2行目以降にデータがありません。")
        return report
    if examples:
        report.warnings.insert(
            0,
            f"{_line_list(examples)}は記入例のため取り込みません（「{EXAMPLE_COLUMN}」の列に記入がある行）。",
        )
    lost, suspect = check_characters(resource, table)
    report.warnings += suspect
    if lost:
        report.errors += lost
        return report

    keep = [i for i, h in enumerate(table.headers) if h]
    dataset = tablib.Dataset(headers=[table.headers[i] for i in keep])
    for row in table.rows:
        dataset.append([row[i] for i in keep])
    table.rows = []  # the dataset holds them now
    total = len(dataset)
    if progress is not None:
        progress(0, total)

    def on_row(number: int) -> None:
        if number % PROGRESS_EVERY:
            return
        if should_stop is not None and should_stop():
            raise ImportCancelled
        if progress is not None:
            progress(number, total)

    if progress is not None or should_stop is not None:
        resource.on_row = on_row
    resource.line_numbers = table.line_numbers
    resource.choices = {str(k): str(v) for k, v in (choices or {}).items()}

    def line(number: int) -> int:
        return table.line_numbers[number - 1] if 0 < number <= len(table.line_numbers) else number + 1

    try:
        with transaction.atomic():
            result = resource.import_data(
                dataset,
                dry_run=dry_run,
                use_transactions=True,
                rollback_on_validation_errors=True,
                retain_instance_in_row_result=True,
            )
            for error in result.base_errors:
                report.errors.append(f"取り込めませんでした: {error.error}")
            for invalid in result.invalid_rows:
                for key, messages in invalid.error_dict.items():
                    column = _column_of(resource, key)
                    where = f"{line(invalid.number)}行目" + (f"「{column}」" if column else "")
                    for message in messages:
                        report.errors.append(f"{where}: {_rows_in_message(message, line)}")
            for error_row in result.error_rows:
                for error in error_row.errors:
                    report.errors.append(
                        f"{line(error_row.number)}行目: 保存できませんでした（{error.error}）"
                    )
            report.missing_decisions = [line(number) for number in resource.missing_decisions]
            for number, row_result in enumerate(result.rows, start=1):
                if row_result.import_type not in TYPE_LABELS:
                    continue
                options = resource.decisions.get(number, [])
                chosen = resource.chosen.get(number, "")
                undecided = bool(options) and not chosen
                report.rows.append(
                    RowReport(
                        line=line(number),
                        kind="decision" if undecided else row_result.import_type,
                        label="要確認" if undecided else TYPE_LABELS[row_result.import_type],
                        options=options,
                        chosen=chosen,
                        summary=row_result.object_repr or "",
                        changed=resource.changes.get(number, [])
                        if row_result.import_type == "update"
                        else [],
                        notes=list(resource.notes.get(number, {}).values()),
                        parsed=resource.previews.get(number, ([], []))[0],
                        diffs=resource.previews.get(number, ([], []))[1]
                        if row_result.import_type == "update"
                        else [],
                    )
                )
            undecided = [row.line for row in report.rows if row.kind == "decision"]
            if undecided:
                report.warnings.insert(
                    0,
                    f"{_line_list(undecided)}は、同じ名前の登録済みの人と所属機関などが違うか、同じ名前の人が"
                    "2人以上います。行ごとに「同じ人（所属を変更）」か「別の人として追加」かを選んでください"
                    "（選ぶまで、その人の所属機関は変わりません）。",
                )
            if should_stop is not None and should_stop():
                raise ImportCancelled  # the last rows are written, not committed: roll back
            if report.errors or dry_run:
                raise _Failed
    except _Failed:
        pass
    if progress is not None:
        progress(total, total)
    return report


def _rows_in_message(message: str, line) -> str:
    # The duplicate-row message names the data row; show the spreadsheet row instead.
    return re.sub(r"データの(\d+)件目", lambda m: f"{line(int(m.group(1)))}行目", message)


# --- Writing -----------------------------------------------------------------------------------

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_dataset(
    resource_name: str, *, council: Council, user: AbstractBaseUser | None, fiscal_year: int | None = None
) -> tablib.Dataset:
    """The rows ``user`` may read (None: the operator at the shell, everything); ``fiscal_year``
    narrows meetings to one 年度 (other resources ignore it)."""
    resource = get_resource(resource_name, council=council, user=user)
    if user is not None:
        # The export carries the rows of every case conference the user may read: the read log.
        label = f"書き出し「{RESOURCE_LABELS[resource_name]}」" + (
            f"（{fiscal_year}年度）" if fiscal_year else ""
        )
        for body in resource.export_bodies().filter(kind=BodyKind.CASE_CONFERENCE):
            record_case_conference_read(user, body, label)
    if fiscal_year is not None and resource_name == "meetings":
        return resource.export(queryset=resource.export_queryset(fiscal_year=fiscal_year))
    return resource.export(queryset=resource.export_queryset())


def _xlsx(headers: list[str], rows: list[list[Any]], title: str, *, examples: int = 0) -> bytes:
    """``examples``: how many first rows are template examples (shown grey, column A wide)."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([None if v == "" else v for v in row])
    for column_cells in sheet.iter_cols(min_row=2):
        for cell in column_cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula (openpyxl takes "=…" for one)
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy/mm/dd"
            elif isinstance(cell.value, str) and "\n" in cell.value:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = max(
            10, min(40, len(header) * 2 + 4)
        )
    if examples:
        sheet.column_dimensions["A"].width = 34
        for row_cells in sheet.iter_rows(min_row=2, max_row=1 + examples):
            for cell in row_cells:
                cell.font = Font(color="666666", italic=True)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(headers: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(
            ["" if v is None else (v.isoformat() if isinstance(v, dt.date) else _guard(v)) for v in row]
        )
    # UTF-8 with BOM: Excel opens it without garbling, and our import reads it back.
    return out.getvalue().encode("utf-8-sig")


def export_bytes(
    resource_name: str,
    *,
    council: Council,
    user: AbstractBaseUser | None,
    fmt: str,
    fiscal_year: int | None = None,
) -> bytes:
    dataset = export_dataset(resource_name, council=council, user=user, fiscal_year=fiscal_year)
    rows = [list(row) for row in dataset]
    if fmt == "xlsx":
        return _xlsx(list(dataset.headers), rows, RESOURCE_LABELS[resource_name])
    if fmt == "csv":
        return _csv(list(dataset.headers), rows)
    raise SpreadsheetError(f"形式「{fmt}」には書き出せません（xlsx か csv）。")


def template_bytes(resource_name: str, *, council: Council) -> bytes:
    """An XLSX with the columns and one example row, marked in the first column 「記入例」 so that
    it is never imported (``drop_examples``); real rows go below it, that column left blank."""
    resource = get_resource(resource_name, council=council)
    headers = resource.get_export_headers()
    example = resource.example_row()
    return _xlsx(
        [EXAMPLE_COLUMN, *headers],
        [[EXAMPLE_MARK, *(example.get(h, "") for h in headers)]],
        RESOURCE_LABELS[resource_name],
        examples=1,
    )
