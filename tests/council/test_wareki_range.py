"""Dates and 年度 outside what 和暦 can show are refused with a Japanese message, not stored.

Found by the fuzz tests (tests/fuzz): 「1000/1/1」 was read by Django's own date formats, stored,
and every page showing it then failed in format_wareki (明治より前); 「0000年度」 parsed to 0.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms

from council.forms import WarekiDateField
from council.wareki import (
    FIRST_DATE,
    LAST_DATE,
    WarekiParseError,
    format_fiscal_year,
    format_wareki,
    parse_fiscal_year,
    parse_wareki,
)

RANGE = "明治2年4月1日から令和99年12月31日までの日付で入力してください。"


@pytest.mark.parametrize(
    "text", ["1000/1/1", "0001-01-01", "1868/10/22", "明治元年10月23日", "2118/1/1", "9999-12-31"]
)
def test_parse_refuses_dates_wareki_cannot_show(text):
    with pytest.raises(WarekiParseError, match=RANGE):
        parse_wareki(text)


@pytest.mark.parametrize("text", ["1000-01-01", "1000/01/01", "9999-12-31", "0001-01-01"])
def test_the_form_field_refuses_them_in_django_formats_too(text):
    with pytest.raises(forms.ValidationError) as error:
        WarekiDateField().clean(text)
    assert RANGE in error.value.messages[0] and text in error.value.messages[0]


def test_the_ends_of_the_range_are_accepted_and_read_back():
    for day in (FIRST_DATE, LAST_DATE):
        assert parse_wareki(format_wareki(day)) == day
        assert WarekiDateField().clean(day.isoformat()) == day
    assert dt.date(1869, 4, 1) == FIRST_DATE
    assert dt.date(2117, 12, 31) == LAST_DATE


@pytest.mark.parametrize("text", ["0000", "1000", "1868", "明治元年度", "2118年度"])
def test_fiscal_years_outside_the_range_are_refused(text):
    with pytest.raises(WarekiParseError, match="明治2年度から令和99年度までで入力してください。"):
        parse_fiscal_year(text)


def test_every_fiscal_year_in_the_range_prints():
    for fy in range(FIRST_DATE.year, LAST_DATE.year + 1):
        assert parse_fiscal_year(format_fiscal_year(fy)) == fy
