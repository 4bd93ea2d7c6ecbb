"""Bounds on what an uploaded spreadsheet may hold, checked while it is read.

A hostile or accidental file must not keep a request, or a worker, busy for minutes or fill its
memory: a 432 KB XLSX can declare 3 million rows or 16,384 columns, and a sheet of repeated XML
compresses a thousand to one. So:

- An XLSX is a zip: before openpyxl opens it, ``check_zip`` sums the uncompressed sizes the zip
  declares and the compression ratio of each large member, and refuses a bomb. The declared sizes
  bound what is really inflated: ``zipfile`` stops at the declared size of a member (a member that
  inflates to more then fails its CRC check, and the file is refused as broken).
- Rows go through ``bounded_rows`` one at a time (openpyxl read_only, csv.reader), which refuses
  the file at the first row past a limit: data rows, rows read including blank ones, columns in
  use, characters in a cell. Nothing is read beyond that row.

Every refusal is a ``LimitExceeded`` whose message says which limit and what to do. The limits are
settings (``IMPORT_MAX_*``), with the defaults below.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings

DEFAULT_MAX_ROWS = 50_000
DEFAULT_MAX_COLUMNS = 100
DEFAULT_MAX_CELL_CHARS = 10_000
DEFAULT_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
DEFAULT_MAX_COMPRESSION_RATIO = 100
# Members smaller than this are never refused for their ratio (a tiny XML of repeated tags
# compresses well and costs nothing to open).
RATIO_MIN_BYTES = 1024 * 1024


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read; the message is for the user."""


class LimitExceeded(SpreadsheetError):
    """The file is past one of the limits; ``limit`` names which (rows, blank_rows, columns, cell,
    uncompressed, ratio)."""

    def __init__(self, limit: str, message: str):
        super().__init__(message)
        self.limit = limit


@dataclass(frozen=True)
class Limits:
    rows: int = DEFAULT_MAX_ROWS
    columns: int = DEFAULT_MAX_COLUMNS
    cell_chars: int = DEFAULT_MAX_CELL_CHARS
    uncompressed_bytes: int = DEFAULT_MAX_UNCOMPRESSED_BYTES
    compression_ratio: int = DEFAULT_MAX_COMPRESSION_RATIO

    @property
    def sheet_rows(self) -> int:
        """Rows read in all, blank ones included: twice the data rows, plus the header."""
        return 2 * self.rows + 1


def import_limits() -> Limits:
    return Limits(
        rows=settings.IMPORT_MAX_ROWS,
        columns=settings.IMPORT_MAX_COLUMNS,
        cell_chars=settings.IMPORT_MAX_CELL_CHARS,
        uncompressed_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
        compression_ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
    )


def count_ja(number: int) -> str:
    """50000 → 「5万」, 1234 → 「1,234」."""
    if number >= 10_000 and number % 10_000 == 0:
        return f"{number // 10_000:,}万"
    return f"{number:,}"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f}MB"


def check_zip(data: bytes, limits: Limits | None = None) -> None:
    """Refuse an XLSX whose members would inflate past the limits, from the zip's directory alone
    (nothing is decompressed). A file that is not a readable zip passes: openpyxl then says so."""
    limits = limits or import_limits()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return
    total = sum(member.file_size for member in members)
    if total > limits.uncompressed_bytes:
        raise LimitExceeded(
            "uncompressed",
            f"Excel ファイルの中身が大きすぎます（展開すると{_megabytes(total)}あります。"
            f"取り込めるのは{_megabytes(limits.uncompressed_bytes)}までです）。"
            "不要なシートや書式を削除するか、CSV で保存してから、もう一度お選びください。",
        )
    for member in members:
        if member.file_size < RATIO_MIN_BYTES:
            continue
        if member.file_size > limits.compression_ratio * max(member.compress_size, 1):
            raise LimitExceeded(
                "ratio",
                "Excel ファイルの中身が通常ではありえないほど圧縮されているため、安全のため開きません。"
                "Excel で開いて「名前を付けて保存」し直すか、CSV で保存してから、もう一度お選びください。",
            )


def _width(row: list[Any]) -> int:
    """The columns in use: up to the last cell that holds something."""
    for index in range(len(row) - 1, -1, -1):
        if row[index] not in (None, ""):
            return index + 1
    return 0


def bounded_rows(raw_rows: Iterable[Iterable[Any]], limits: Limits | None = None) -> Iterator[list[Any]]:
    """The rows of ``raw_rows`` as lists, refusing the file at the first row past a limit.

    The first non-blank row is the header; the rows limit counts the non-blank rows below it."""
    limits = limits or import_limits()
    filled = 0
    for line, raw in enumerate(raw_rows, start=1):
        if line > limits.sheet_rows:
            raise LimitExceeded(
                "blank_rows",
                f"シートの行が多すぎます（空の行も含めて{count_ja(limits.sheet_rows - 1)}行を超える範囲に"
                "入力や書式があります）。使っていない行を削除してから、もう一度お選びください。",
            )
        row = list(raw)
        width = _width(row)
        if not width:
            yield row
            continue
        filled += 1
        if filled - 1 > limits.rows:
            raise LimitExceeded(
                "rows",
                f"取り込めるのは{count_ja(limits.rows)}行までです（このファイルにはそれより多くの行があります）。"
                "ファイルを分けてからもう一度お選びください。",
            )
        if width > limits.columns:
            raise LimitExceeded(
                "columns",
                f"取り込めるのは{count_ja(limits.columns)}列までです（{line}行目に{width:,}列あります）。"
                "使っていない列を削除してから、もう一度お選びください。",
            )
        for column, value in enumerate(row[:width], start=1):
            if isinstance(value, str) and len(value) > limits.cell_chars:
                raise LimitExceeded(
                    "cell",
                    f"1つのセルに入れられるのは{count_ja(limits.cell_chars)}文字までです"
                    f"（{line}行目の{column}列目に{len(value):,}文字あります）。"
                    "文章を短くするか分けてから、もう一度お選びください。",
                )
        yield row


def cell_too_long(limits: Limits | None = None) -> LimitExceeded:
    """A CSV field past the csv module's own limit (131,072 characters): the same refusal."""
    limits = limits or import_limits()
    return LimitExceeded(
        "cell",
        f"1つのセルに入れられるのは{count_ja(limits.cell_chars)}文字までです（とても長いセルがあります）。"
        "文章を短くするか分けてから、もう一度お選びください。",
    )
