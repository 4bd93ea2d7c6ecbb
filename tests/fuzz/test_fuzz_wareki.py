"""和暦 reading and writing under random input: pure functions, so many examples cost little."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from council.wareki import (
    FIRST_DATE,
    LAST_DATE,
    WarekiParseError,
    fiscal_year_of,
    format_fiscal_year,
    format_wareki,
    parse_fiscal_year,
    parse_wareki,
)
from tests.fuzz.fuzzkit import examples
from tests.fuzz.strategies import DATE_JUNK, hostile_text

# Text shaped like a date: era letters and names, digits of every width, separators, 元.
date_like = st.lists(
    st.sampled_from(
        [
            *"令和平成昭大正明治RrHSTM元年月日度０１２３４５６７８９0123456789./-－・ ",
            "㋿",
            "㍻",
            "(木)",
            *DATE_JUNK,
        ]
    ),
    min_size=1,
    max_size=14,
).map("".join)


@settings(max_examples=examples(200), deadline=None)
@given(text=st.one_of(date_like, hostile_text(allow_huge=False)))
def test_any_text_is_a_printable_date_or_a_japanese_refusal(text):
    try:
        day = parse_wareki(text)
    except WarekiParseError as error:
        assert str(error).endswith("。")
        return
    assert FIRST_DATE <= day <= LAST_DATE
    assert parse_wareki(format_wareki(day)) == day  # what is shown reads back
    format_fiscal_year(fiscal_year_of(day))


@settings(max_examples=examples(200), deadline=None)
@given(text=st.one_of(date_like, hostile_text(allow_huge=False)))
def test_any_text_is_a_printable_fiscal_year_or_a_japanese_refusal(text):
    try:
        year = parse_fiscal_year(text)
    except WarekiParseError:
        return
    assert parse_fiscal_year(format_fiscal_year(year)) == year


@settings(max_examples=examples(200), deadline=None)
@given(day=st.dates(min_value=FIRST_DATE, max_value=LAST_DATE), short=st.booleans(), weekday=st.booleans())
def test_every_date_in_range_round_trips(day, short, weekday):
    assert parse_wareki(format_wareki(day, short=short, weekday=weekday)) == day
