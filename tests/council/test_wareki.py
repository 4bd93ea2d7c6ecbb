from __future__ import annotations

from datetime import date, timedelta

import pytest

from council.wareki import (
    ERAS,
    WarekiParseError,
    era_of,
    fiscal_year_bounds,
    fiscal_year_of,
    format_era_year,
    format_fiscal_year,
    format_wareki,
    is_month_day,
    parse_fiscal_year,
    parse_wareki,
)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# --- eras -------------------------------------------------------------------


def test_eras_are_contiguous_and_ordered() -> None:
    assert [(e.name, e.letter) for e in ERAS] == [
        ("明治", "M"),
        ("大正", "T"),
        ("昭和", "S"),
        ("平成", "H"),
        ("令和", "R"),
    ]
    for earlier, later in zip(ERAS, ERAS[1:], strict=False):
        assert earlier.end == later.start - timedelta(days=1)
    assert ERAS[-1].end is None


@pytest.mark.parametrize(
    ("d", "name", "year"),
    [
        (date(1868, 10, 23), "明治", 1),
        (date(1912, 7, 29), "明治", 45),
        (date(1912, 7, 30), "大正", 1),
        (date(1926, 12, 24), "大正", 15),
        (date(1926, 12, 25), "昭和", 1),
        (date(1989, 1, 7), "昭和", 64),
        (date(1989, 1, 8), "平成", 1),
        (date(2019, 4, 30), "平成", 31),
        (date(2019, 5, 1), "令和", 1),
        (date(2020, 8, 6), "令和", 2),
    ],
)
def test_era_of_and_year_of(d: date, name: str, year: int) -> None:
    era = era_of(d)
    assert era.name == name
    assert era.year_of(d) == year


def test_era_of_before_meiji_is_an_error() -> None:
    with pytest.raises(ValueError):
        era_of(date(1868, 10, 22))


def test_year_of_outside_era_is_an_error() -> None:
    heisei = ERAS[3]
    with pytest.raises(ValueError):
        heisei.year_of(date(2019, 5, 1))
    with pytest.raises(ValueError):
        heisei.year_of(date(1989, 1, 7))


# --- formatting -------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "long", "short"),
    [
        (date(1989, 1, 7), "昭和64年1月7日", "S64.1.7"),
        (date(1989, 1, 8), "平成元年1月8日", "H1.1.8"),
        (date(2018, 4, 1), "平成30年4月1日", "H30.4.1"),
        (date(2019, 4, 30), "平成31年4月30日", "H31.4.30"),
        (date(2019, 5, 1), "令和元年5月1日", "R1.5.1"),
        (date(2019, 12, 31), "令和元年12月31日", "R1.12.31"),
        (date(2020, 1, 1), "令和2年1月1日", "R2.1.1"),
        (date(2020, 8, 6), "令和2年8月6日", "R2.8.6"),
        (date(1912, 7, 30), "大正元年7月30日", "T1.7.30"),
        (date(1926, 12, 25), "昭和元年12月25日", "S1.12.25"),
        (date(1868, 10, 23), "明治元年10月23日", "M1.10.23"),
    ],
)
def test_format_wareki(d: date, long: str, short: str) -> None:
    assert format_wareki(d) == long
    assert format_wareki(d, short=True) == short


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2020, 8, 3), "令和2年8月3日(月)"),
        (date(2020, 8, 4), "令和2年8月4日(火)"),
        (date(2020, 8, 5), "令和2年8月5日(水)"),
        (date(2020, 8, 6), "令和2年8月6日(木)"),
        (date(2020, 8, 7), "令和2年8月7日(金)"),
        (date(2020, 8, 8), "令和2年8月8日(土)"),
        (date(2020, 8, 9), "令和2年8月9日(日)"),
        (date(2019, 5, 1), "令和元年5月1日(水)"),
    ],
)
def test_format_wareki_weekday(d: date, expected: str) -> None:
    assert format_wareki(d, weekday=True) == expected


def test_format_wareki_short_with_weekday() -> None:
    assert format_wareki(date(2020, 8, 6), short=True, weekday=True) == "R2.8.6(木)"


@pytest.mark.parametrize(
    ("d", "long", "short"),
    [
        (date(2020, 8, 6), "令和2年", "R2"),
        (date(2019, 5, 1), "令和元年", "R1"),
        (date(2019, 4, 30), "平成31年", "H31"),
        (date(1989, 1, 8), "平成元年", "H1"),
        (date(1989, 1, 7), "昭和64年", "S64"),
    ],
)
def test_format_era_year(d: date, long: str, short: str) -> None:
    assert format_era_year(d) == long
    assert format_era_year(d, short=True) == short


# --- fiscal years -----------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "fy"),
    [
        (date(1989, 3, 31), 1988),
        (date(1989, 4, 1), 1989),
        (date(1990, 3, 31), 1989),
        (date(2019, 3, 31), 2018),
        (date(2019, 4, 1), 2019),
        (date(2020, 3, 31), 2019),
        (date(2020, 4, 1), 2020),
        (date(2021, 3, 31), 2020),
        (date(2021, 4, 1), 2021),
        (date(2020, 1, 1), 2019),
        (date(2020, 12, 31), 2020),
    ],
)
def test_fiscal_year_of(d: date, fy: int) -> None:
    assert fiscal_year_of(d) == fy


@pytest.mark.parametrize("fy", [1988, 1989, 2018, 2019, 2020, 2023])
def test_fiscal_year_bounds(fy: int) -> None:
    first, last = fiscal_year_bounds(fy)
    assert first == date(fy, 4, 1)
    assert last == date(fy + 1, 3, 31)
    assert fiscal_year_of(first) == fy
    assert fiscal_year_of(last) == fy
    assert fiscal_year_of(first - timedelta(days=1)) == fy - 1
    assert fiscal_year_of(last + timedelta(days=1)) == fy + 1


def test_fiscal_year_bounds_cover_leap_february() -> None:
    assert fiscal_year_bounds(2019)[1] - fiscal_year_bounds(2019)[0] == timedelta(days=365)  # has 2020-02-29
    assert fiscal_year_bounds(2020)[1] - fiscal_year_bounds(2020)[0] == timedelta(days=364)


@pytest.mark.parametrize(
    ("fy", "long", "short"),
    [
        (1911, "明治44年度", "M44年度"),
        (1912, "明治45年度", "M45年度"),  # 大正 began in July
        (1913, "大正2年度", "T2年度"),
        (1926, "大正15年度", "T15年度"),  # 昭和 began in December
        (1927, "昭和2年度", "S2年度"),
        (1988, "昭和63年度", "S63年度"),  # 平成 began in January 1989, inside FY1988
        (1989, "平成元年度", "H1年度"),
        (1990, "平成2年度", "H2年度"),
        (2018, "平成30年度", "H30年度"),
        (2019, "令和元年度", "R1年度"),  # began as 平成31年4月, relabelled after the accession
        (2020, "令和2年度", "R2年度"),
        (2024, "令和6年度", "R6年度"),
    ],
)
def test_format_fiscal_year(fy: int, long: str, short: str) -> None:
    assert format_fiscal_year(fy) == long
    assert format_fiscal_year(fy, short=True) == short


@pytest.mark.parametrize("fy", range(1869, 2051))
def test_fiscal_year_round_trip(fy: int) -> None:
    assert parse_fiscal_year(format_fiscal_year(fy)) == fy
    assert parse_fiscal_year(format_fiscal_year(fy, short=True)) == fy


@pytest.mark.parametrize(
    ("text", "fy"),
    [
        ("令和2年度", 2020),
        ("令和元年度", 2019),
        ("令和1年度", 2019),
        ("平成31年度", 2019),  # as written before May 2019
        ("平成元年度", 1989),
        ("昭和63年度", 1988),
        ("R2年度", 2020),
        ("R2", 2020),
        ("r2", 2020),
        ("H30", 2018),
        ("令和2", 2020),
        ("2020年度", 2020),
        ("2020", 2020),
        ("２０２０年度", 2020),
        ("令和２年度", 2020),
        ("Ｒ２年度", 2020),
        (" 令和 2 年度 ", 2020),
        ("大正元年度", 1912),  # double label 明治45年度大正元年度
        ("昭和元年度", 1926),
    ],
)
def test_parse_fiscal_year(text: str, fy: int) -> None:
    assert parse_fiscal_year(text) == fy


@pytest.mark.parametrize(
    "text",
    ["令和2年", "令和0年度", "平成32年度", "昭和64年度", "R", "20", "令和年度", "2020/4", "来年度", "x2020"],
)
def test_parse_fiscal_year_rejects(text: str) -> None:
    with pytest.raises(WarekiParseError) as excinfo:
        parse_fiscal_year(text)
    message = str(excinfo.value)
    assert f"「{text}」" in message
    assert "年度として読めません" in message


def test_parse_fiscal_year_out_of_era_says_why() -> None:
    with pytest.raises(WarekiParseError, match="平成は1989年1月8日から2019年4月30日までです。"):
        parse_fiscal_year("平成32年度")


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_parse_fiscal_year_empty(text: str) -> None:
    with pytest.raises(WarekiParseError, match="年度が入力されていません"):
        parse_fiscal_year(text)


# --- parsing dates ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和2年8月6日", date(2020, 8, 6)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("令和1年5月1日", date(2019, 5, 1)),
        ("令和2年08月06日", date(2020, 8, 6)),
        ("令和2年8月6日(木)", date(2020, 8, 6)),
        ("令和2年8月6日（木）", date(2020, 8, 6)),
        ("令和2年8月6日(木曜日)", date(2020, 8, 6)),
        ("令和2年8月6日(月)", date(2020, 8, 6)),  # wrong weekday is ignored
        ("R2.8.6", date(2020, 8, 6)),
        ("R2/8/6", date(2020, 8, 6)),
        ("R2-8-6", date(2020, 8, 6)),
        ("r2.8.6", date(2020, 8, 6)),
        ("R02.08.06", date(2020, 8, 6)),
        ("R元.5.1", date(2019, 5, 1)),
        ("R2年8月6日", date(2020, 8, 6)),
        ("R2.8.6(木)", date(2020, 8, 6)),
        ("令2.8.6", date(2020, 8, 6)),
        ("H30.4.1", date(2018, 4, 1)),
        ("h30.4.1", date(2018, 4, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("S64.1.7", date(1989, 1, 7)),
        ("大正元年7月30日", date(1912, 7, 30)),
        ("明治45年7月29日", date(1912, 7, 29)),
        ("令和2年2月29日", date(2020, 2, 29)),
        ("2020/8/6", date(2020, 8, 6)),
        ("2020-08-06", date(2020, 8, 6)),
        ("2020年8月6日", date(2020, 8, 6)),
        ("2020.8.6", date(2020, 8, 6)),
        ("2020年8月6日(木)", date(2020, 8, 6)),
        # full-width and other typed/pasted forms
        ("令和２年８月６日", date(2020, 8, 6)),
        ("Ｒ２．８．６", date(2020, 8, 6)),
        ("Ｒ２／８／６", date(2020, 8, 6)),
        ("ｒ２－８－６", date(2020, 8, 6)),
        ("２０２０－０８－０６", date(2020, 8, 6)),
        ("2020−08−06", date(2020, 8, 6)),  # U+2212 minus sign
        ("2020ー08ー06", date(2020, 8, 6)),  # katakana prolonged sound mark
        ("㋿2年8月6日", date(2020, 8, 6)),
        ("㍻31年4月30日", date(2019, 4, 30)),
        (" 令和 2 年 8 月 6 日 ", date(2020, 8, 6)),
        ("令和\u30002年8月6日", date(2020, 8, 6)),
    ],
)
def test_parse_wareki(text: str, expected: date) -> None:
    assert parse_wareki(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("令和2年13月1日", "存在しない日付"),
        ("令和2年2月30日", "存在しない日付"),
        ("令和3年2月29日", "存在しない日付"),
        ("令和2年0月1日", "存在しない日付"),
        ("2020/13/1", "存在しない日付"),
        ("2021-02-29", "存在しない日付"),
        ("平成32年1月1日", "平成は1989年1月8日から2019年4月30日までです。"),
        ("平成31年5月1日", "平成は1989年1月8日から2019年4月30日までです。"),
        ("令和1年4月1日", "令和は2019年5月1日からです。"),
        ("令和元年4月30日", "令和は2019年5月1日からです。"),
        ("R1.4.30", "令和は2019年5月1日からです。"),
        ("昭和64年1月8日", "昭和は1926年12月25日から1989年1月7日までです。"),
        ("平成元年1月7日", "平成は1989年1月8日から"),
        ("令和0年5月1日", "令和は"),
        ("令和100年1月1日", "令和は"),
        ("明治元年1月1日", "明治は1868年10月23日から"),
        ("20/8/6", "西暦は4桁"),
        ("令和2年8月", "のように入力してください"),
        ("令和2年8月6日12時", "のように入力してください"),
        ("R2.8/6", "のように入力してください"),
        ("X2.8.6", "のように入力してください"),
        ("元年5月1日", "西暦は4桁"),
        ("あした", "のように入力してください"),
        ("2020/8/6(x)", "のように入力してください"),
    ],
)
def test_parse_wareki_rejects_with_japanese_message(text: str, reason: str) -> None:
    with pytest.raises(WarekiParseError) as excinfo:
        parse_wareki(text)
    message = str(excinfo.value)
    assert message.startswith(f"「{text}」を日付として読めません。")
    assert reason in message


def test_parse_error_quotes_the_input_as_typed() -> None:
    with pytest.raises(WarekiParseError, match="「令和２年１３月１日」を日付として読めません。"):
        parse_wareki(" 令和２年１３月１日 ")


def test_parse_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_wareki("令和2年13月1日")


@pytest.mark.parametrize("text", ["", " ", "\u3000\u3000", "\n"])
def test_parse_wareki_empty(text: str) -> None:
    with pytest.raises(WarekiParseError, match="日付が入力されていません。"):
        parse_wareki(text)


# --- round trips over every day near the era changes -------------------------

_ROUND_TRIP_DAYS = _days(date(1988, 12, 1), date(1989, 2, 28)) + _days(date(2018, 1, 1), date(2021, 12, 31))


@pytest.mark.parametrize("d", _ROUND_TRIP_DAYS, ids=str)
def test_round_trip_every_day(d: date) -> None:
    assert parse_wareki(format_wareki(d)) == d
    assert parse_wareki(format_wareki(d, short=True)) == d
    assert parse_wareki(format_wareki(d, weekday=True)) == d
    assert parse_wareki(d.isoformat()) == d
    assert format_era_year(d) == format_wareki(d).split("年")[0] + "年"
    fy_first, fy_last = fiscal_year_bounds(fiscal_year_of(d))
    assert fy_first <= d <= fy_last


@pytest.mark.parametrize(
    ("text", "fiscal_year", "expected"),
    [
        ("7月15日", 2020, date(2020, 7, 15)),
        ("７月１５日", 2020, date(2020, 7, 15)),
        ("7/15", 2020, date(2020, 7, 15)),
        ("４月１日", 2020, date(2020, 4, 1)),
        ("12月31日", 2020, date(2020, 12, 31)),
        ("1月1日", 2020, date(2021, 1, 1)),
        ("3/31", 2020, date(2021, 3, 31)),
        ("2月29日", 2019, date(2020, 2, 29)),  # 令和元年度 ends in a leap February
        ("7月15日(水)", 2020, date(2020, 7, 15)),
        # A full date keeps its own year whatever the 年度
        ("令和3年7月15日", 2020, date(2021, 7, 15)),
    ],
)
def test_parse_wareki_completes_a_date_without_year_inside_the_fiscal_year(
    text: str, fiscal_year: int, expected: date
) -> None:
    assert parse_wareki(text, fiscal_year=fiscal_year) == expected
    assert is_month_day(text) is (not text.startswith("令和"))


@pytest.mark.parametrize(
    ("text", "fiscal_year", "reason"),
    [
        ("7月15日", None, "年がありません。"),
        ("7/15", None, "年がありません。"),
        ("2月29日", 2020, "令和2年度に存在しない日付です。"),  # February 2021
        ("13月1日", 2020, "令和2年度に存在しない日付です。"),
        ("7.15", 2020, "のように入力してください"),  # a decimal, not a date
    ],
)
def test_parse_wareki_date_without_year_refused(text: str, fiscal_year: int | None, reason: str) -> None:
    with pytest.raises(WarekiParseError) as excinfo:
        parse_wareki(text, fiscal_year=fiscal_year)
    assert str(excinfo.value).startswith(f"「{text}」を日付として読めません。")
    assert reason in str(excinfo.value)
