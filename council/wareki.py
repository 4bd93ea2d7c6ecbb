"""Japanese era dates (和暦) and fiscal years (年度).

Pure Python on purpose: templates, forms, import resources and PDF builders all
need the same formatting and parsing, and none of it needs Django (``current_fiscal_year``
alone reads today's date in the project's time zone).

The one home of the calendar rules: the April start of the 年度 and every month arithmetic
(``FISCAL_MONTHS``, ``fiscal_month_date``, ``months_into_fiscal_year``, ``add_months``,
``months_between``), and the years a page may show (``is_page_fiscal_year``).

Conventions:

* The first year of an era is written 元年 in long form ("令和元年5月1日") and 1 in
  short form ("R1.5.1"), as Japanese offices do.
* Parsing accepts what people type or paste: full-width digits and letters,
  spaces, full-width punctuation, "㋿"/"㍻" ligatures (all folded by NFKC), era
  letters in either case, and a trailing weekday such as "(木)" (ignored, even if
  wrong: it is decoration, and rejecting a date over it helps nobody).
* A date is only accepted inside its era: "平成32年1月1日" and "令和1年4月1日"
  are errors, not silently shifted to the neighbouring era.
* Meiji starts on 1868-10-23 (明治元年9月8日 in the old calendar, converted to
  Gregorian), the conventional cut-off. Dates before Meiji 6 (1873) were written
  in the lunisolar calendar; we treat every date as proleptic Gregorian, which
  is irrelevant for council records.
* Parsing accepts dates from 明治2年4月1日 (the first fiscal year with an era name) to
  令和99年12月31日 (``FIRST_DATE``/``LAST_DATE``): what the pages can print and read back.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = [
    "ERAS",
    "Era",
    "WarekiParseError",
    "FISCAL_MONTHS",
    "add_months",
    "check_date_range",
    "current_fiscal_year",
    "fiscal_month_date",
    "is_page_fiscal_year",
    "months_between",
    "months_into_fiscal_year",
    "era_of",
    "fiscal_year_bounds",
    "fiscal_year_of",
    "format_era_year",
    "format_fiscal_year",
    "format_wareki",
    "is_month_day",
    "parse_fiscal_year",
    "parse_wareki",
]

WEEKDAY_CHARS = "月火水木金土日"  # index = date.weekday()

# The month in which the Japanese fiscal year (会計年度) starts.
FISCAL_YEAR_START_MONTH = 4


@dataclass(frozen=True)
class Era:
    """One Japanese era (元号). ``end`` is the last day, None for the current era."""

    name: str  # 令和
    letter: str  # R
    start: date
    end: date | None = None

    @property
    def abbreviation(self) -> str:
        """Single-kanji abbreviation used on forms and stamps (令, 平, 昭...)."""
        return self.name[0]

    def contains(self, d: date) -> bool:
        return self.start <= d and (self.end is None or d <= self.end)

    def year_of(self, d: date) -> int:
        """Era year of ``d`` (1 for 元年). Raises ValueError if ``d`` is outside the era."""
        if not self.contains(d):
            raise ValueError(f"{d.isoformat()} は{self.name}の期間外です。")
        return d.year - self.start.year + 1

    def gregorian_year(self, era_year: int) -> int:
        return self.start.year + era_year - 1


def _build_eras() -> tuple[Era, ...]:
    starts = [
        ("明治", "M", date(1868, 10, 23)),
        ("大正", "T", date(1912, 7, 30)),
        ("昭和", "S", date(1926, 12, 25)),
        ("平成", "H", date(1989, 1, 8)),
        ("令和", "R", date(2019, 5, 1)),
    ]
    eras = []
    for i, (name, letter, start) in enumerate(starts):
        end = starts[i + 1][2] - timedelta(days=1) if i + 1 < len(starts) else None
        eras.append(Era(name=name, letter=letter, start=start, end=end))
    return tuple(eras)


ERAS: tuple[Era, ...] = _build_eras()


class WarekiParseError(ValueError):
    """Raised when text cannot be read as a date or fiscal year; the message is for users."""


def era_of(d: date) -> Era:
    for era in reversed(ERAS):
        if d >= era.start:
            return era
    raise ValueError(f"{d.isoformat()} は明治より前のため和暦で表せません。")


# ---------------------------------------------------------------------------
# Formatting


def _year_label(era: Era, era_year: int, *, short: bool) -> str:
    if short:
        return f"{era.letter}{era_year}"
    return f"{era.name}{'元' if era_year == 1 else era_year}"


def format_era_year(d: date, short: bool = False) -> str:
    """Era year of ``d``: "令和2年" / "令和元年"; short: "R2" / "R1"."""
    era = era_of(d)
    label = _year_label(era, era.year_of(d), short=short)
    return label if short else f"{label}年"


def format_wareki(d: date, *, weekday: bool = False, short: bool = False) -> str:
    """Date in 和暦: "令和2年8月6日"; weekday: "令和2年8月6日(木)"; short: "R2.8.6"."""
    era = era_of(d)
    year_label = _year_label(era, era.year_of(d), short=short)
    text = f"{year_label}.{d.month}.{d.day}" if short else f"{year_label}年{d.month}月{d.day}日"
    if weekday:
        text += f"({WEEKDAY_CHARS[d.weekday()]})"
    return text


# ---------------------------------------------------------------------------
# Fiscal years


def fiscal_year_of(d: date) -> int:
    """Fiscal year (April to March) of ``d``, named by its starting Gregorian year."""
    return d.year if d.month >= FISCAL_YEAR_START_MONTH else d.year - 1


def fiscal_year_bounds(fy: int) -> tuple[date, date]:
    """First and last day of fiscal year ``fy``: (fy-04-01, fy+1-03-31)."""
    return date(fy, FISCAL_YEAR_START_MONTH, 1), date(fy + 1, FISCAL_YEAR_START_MONTH, 1) - timedelta(days=1)


def current_fiscal_year(today: date | None = None) -> int:
    """The 年度 of ``today`` (default: today in the project's time zone)."""
    if today is None:
        from django.utils import timezone

        today = timezone.localdate()
    return fiscal_year_of(today)


# The months of a 年度 in their order: 4月 … 12月, 1月 … 3月.
FISCAL_MONTHS: tuple[int, ...] = tuple((FISCAL_YEAR_START_MONTH - 1 + i) % 12 + 1 for i in range(12))


def fiscal_month_date(fy: int, month: int, day: int) -> date:
    """The date of ``month``/``day`` inside 年度 ``fy`` (7月15日 of 令和2年度 → 2020-07-15, 1月 → 2021)."""
    return date(fy if month >= FISCAL_YEAR_START_MONTH else fy + 1, month, day)


def months_into_fiscal_year(today: date) -> int:
    """Whole months of the 年度 already over on ``today`` (April → 0, January → 9, March → 11)."""
    return (today.month - FISCAL_YEAR_START_MONTH) % 12


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the month's last day (3月31日 − 1 month = 2月28/29日)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (5月10日 → 7月9日 is 1, → 7月10日 is 2)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


# The 年度 a page may be asked for (``?year=``, URLs, the preview): records start no earlier than
# the 平成 era, and plans reach a few years ahead. Dates themselves may range wider (FIRST_DATE).
EARLIEST_RECORD_YEAR = 1989
PAGE_YEARS_AHEAD = 5


def is_page_fiscal_year(fy: int, today: date | None = None) -> bool:
    return EARLIEST_RECORD_YEAR <= fy <= current_fiscal_year(today) + PAGE_YEARS_AHEAD


def _fiscal_year_era(fy: int) -> Era:
    # A fiscal year is labelled with the era in force on 1 May of its first
    # calendar year. For every fiscal year but one this is simply the era on
    # 1 April. The exception is FY2019: it began under 平成 (平成31年4月), but
    # after the accession on 2019-05-01 the government and municipalities
    # relabelled the whole year 令和元年度, and that is what councils write.
    # Eras that began later in a fiscal year did not rename the year already
    # running: FY1988 is 昭和63年度 although 平成 began in January 1989, and
    # FY1912 / FY1926 are 明治45年度 / 大正15年度 (old budgets also used the
    # double labels 明治45年度大正元年度 etc.; parse_fiscal_year accepts both).
    return era_of(date(fy, 5, 1))


def format_fiscal_year(fy: int, short: bool = False) -> str:
    """2020 → "令和2年度", 2019 → "令和元年度"; short: "R2年度", "R1年度"."""
    era = _fiscal_year_era(fy)
    return f"{_year_label(era, fy - era.start.year + 1, short=short)}年度"


# ---------------------------------------------------------------------------
# Parsing

# Dashes NFKC leaves alone but people type between date parts (hyphen, en/em
# dash, minus sign, katakana prolonged sound mark from IME input).
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−ー", "-"))

_ERA_BY_TOKEN: dict[str, Era] = {}
for _era in ERAS:
    _ERA_BY_TOKEN[_era.name] = _era
    _ERA_BY_TOKEN[_era.abbreviation] = _era
    _ERA_BY_TOKEN[_era.letter] = _era
    _ERA_BY_TOKEN[_era.letter.lower()] = _era
del _era

# Longest tokens first so 平成 wins over 平.
_ERA_PATTERN = "|".join(re.escape(t) for t in sorted(_ERA_BY_TOKEN, key=len, reverse=True))

_DATE_RE = re.compile(
    rf"""
    (?P<era>{_ERA_PATTERN})?
    (?P<year>[0-9]+|元)
    (?:
        年(?P<month_k>[0-9]{{1,2}})月(?P<day_k>[0-9]{{1,2}})日
      | (?P<sep>[./-])(?P<month_s>[0-9]{{1,2}})(?P=sep)(?P<day_s>[0-9]{{1,2}})
    )
    (?:\([月火水木金土日](?:曜日?)?\))?
    """,
    re.VERBOSE,
)

# A date written without its year (「7月15日」「7/15」), completed from a known 年度.
_MONTH_DAY_RE = re.compile(
    r"""
    (?P<month>[0-9]{1,2})
    (?:月(?P<day_k>[0-9]{1,2})日 | /(?P<day_s>[0-9]{1,2}))
    (?:\([月火水木金土日](?:曜日?)?\))?
    """,
    re.VERBOSE,
)

_FISCAL_YEAR_RE = re.compile(
    rf"""
    (?:(?P<era>{_ERA_PATTERN})(?P<era_year>[0-9]{{1,2}}|元) | (?P<year>[0-9]{{4}}))
    (?:年度)?
    """,
    re.VERBOSE,
)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    return re.sub(r"\s+", "", text)


def _date_error(text: str, reason: str = "") -> WarekiParseError:
    return WarekiParseError(f"「{text.strip()}」を日付として読めません。{reason}")


def _era_range(era: Era) -> str:
    start = f"{era.start.year}年{era.start.month}月{era.start.day}日"
    if era.end is None:
        return f"{era.name}は{start}からです。"
    end = f"{era.end.year}年{era.end.month}月{era.end.day}日"
    return f"{era.name}は{start}から{end}までです。"


# The dates the app can both show and read back: from the first fiscal year with an era name
# (明治2年度, FY1869) to 令和99年 (parse_wareki reads era years of one or two digits). A calendar
# accepts 1000-01-01 or 9999-12-31, but the pages could not print them in 和暦 (a server error).
FIRST_DATE = date(1869, 4, 1)
LAST_DATE = date(ERAS[-1].gregorian_year(99), 12, 31)


def check_date_range(d: date, text: str | None = None) -> date:
    """``d`` itself, or WarekiParseError (quoting ``text``) when 和暦 cannot show it."""
    if not FIRST_DATE <= d <= LAST_DATE:
        raise _date_error(
            d.isoformat() if text is None else text,
            f"{format_wareki(FIRST_DATE)}から{format_wareki(LAST_DATE)}までの日付で入力してください。",
        )
    return d


def is_month_day(text: str) -> bool:
    """Whether ``text`` is a date without its year (「7月15日」「7/15」「７月１５日」)."""
    return _MONTH_DAY_RE.fullmatch(_normalise(text)) is not None


def _parse_month_day(text: str, match: re.Match[str], fiscal_year: int | None) -> date:
    if fiscal_year is None:
        raise _date_error(text, "年がありません。「令和2年7月15日」「R2.7.15」のように年も入力してください。")
    month, day = int(match["month"]), int(match["day_k"] or match["day_s"])
    try:
        result = fiscal_month_date(fiscal_year, month, day)
    except ValueError:
        raise _date_error(text, f"{format_fiscal_year(fiscal_year)}に存在しない日付です。") from None
    return check_date_range(result, text)


def parse_wareki(text: str, *, fiscal_year: int | None = None) -> date:
    """Read a date written in 和暦 or 西暦; see the module docstring for what is accepted.

    With ``fiscal_year`` (a 年度 the page or the row already gives), a date without its year is
    completed inside it: 4月–12月 in the 年度's first calendar year, 1月–3月 in the next
    (「7月15日」 of 令和2年度 → 2020-07-15, 「2/3」 → 2021-02-03). Without it, such a date is refused.
    """
    normalised = _normalise(text)
    if not normalised:
        raise WarekiParseError("日付が入力されていません。")
    match = _DATE_RE.fullmatch(normalised)
    if match is None:
        month_day = _MONTH_DAY_RE.fullmatch(normalised)
        if month_day is not None:
            return _parse_month_day(text, month_day, fiscal_year)
        raise _date_error(text, "「令和2年8月6日」「R2.8.6」「2020/8/6」のように入力してください。")

    month = int(match["month_k"] or match["month_s"])
    day = int(match["day_k"] or match["day_s"])
    year_text = match["year"]
    era = _ERA_BY_TOKEN[match["era"]] if match["era"] else None

    if era is None:
        # Without an era only a four-digit Gregorian year makes sense.
        if len(year_text) != 4:
            raise _date_error(text, "西暦は4桁で入力してください。")
        try:
            result = date(int(year_text), month, day)
        except ValueError:
            raise _date_error(text, "存在しない日付です。") from None
        return check_date_range(result, text)

    era_year = 1 if year_text == "元" else int(year_text)
    if era_year < 1 or len(year_text) > 2:
        raise _date_error(text, _era_range(era))
    try:
        result = date(era.gregorian_year(era_year), month, day)
    except ValueError:
        raise _date_error(text, "存在しない日付です。") from None
    if not era.contains(result):
        raise _date_error(text, _era_range(era))
    return check_date_range(result, text)


def parse_fiscal_year(text: str) -> int:
    """Read a fiscal year: "令和2年度", "令和元年度", "R2年度", "R2", "2020年度", "2020".

    An era year is accepted when any part of that fiscal year falls in the era,
    so "平成31年度" (as written before May 2019) and "令和元年度" both give 2019,
    while "平成32年度" and "昭和64年度" are errors.
    """
    normalised = _normalise(text)
    if not normalised:
        raise WarekiParseError("年度が入力されていません。")
    match = _FISCAL_YEAR_RE.fullmatch(normalised)
    if match is None:
        raise WarekiParseError(
            f"「{text.strip()}」を年度として読めません。「令和2年度」「R2」「2020年度」のように入力してください。"
        )
    if match["year"]:
        return _check_fiscal_year(int(match["year"]), text)

    era = _ERA_BY_TOKEN[match["era"]]
    era_year = 1 if match["era_year"] == "元" else int(match["era_year"])
    fy = era.gregorian_year(era_year)
    first, last = fiscal_year_bounds(fy)
    if era_year < 1 or last < era.start or (era.end is not None and first > era.end):
        raise WarekiParseError(f"「{text.strip()}」を年度として読めません。{_era_range(era)}")
    return _check_fiscal_year(fy, text)


def _check_fiscal_year(fy: int, text: str) -> int:
    # 0000年度 or 1000年度 would parse, and then no page could print them (see FIRST_DATE).
    if not FIRST_DATE.year <= fy <= LAST_DATE.year:
        first, last = format_fiscal_year(FIRST_DATE.year), format_fiscal_year(LAST_DATE.year)
        raise WarekiParseError(
            f"「{text.strip()}」を年度として読めません。{first}から{last}までで入力してください。"
        )
    return fy
