from __future__ import annotations

import datetime as dt

import pytest
from django import forms

from council.forms import WarekiDateField


@pytest.mark.parametrize(
    "typed",
    [
        "2020-08-06",
        "2020/8/6",
        "令和2年8月6日",
        "R2.8.6",
        "令和２年８月６日",
        "Ｒ２．８．６",
        "令和2年8月6日(木)",
    ],
)
def test_accepts_what_offices_type(typed):
    assert WarekiDateField().clean(typed) == dt.date(2020, 8, 6)


def test_gannen():
    assert WarekiDateField().clean("令和元年5月1日") == dt.date(2019, 5, 1)


def test_blank_is_none_when_optional():
    assert WarekiDateField(required=False).clean("") is None


@pytest.mark.parametrize("typed", ["令和2年13月1日", "平成32年1月1日", "あした"])
def test_bad_input_gets_a_japanese_message_quoting_it(typed):
    with pytest.raises(forms.ValidationError) as error:
        WarekiDateField().clean(typed)
    assert f"「{typed}」を日付として読めません" in error.value.messages[0]


def test_template_filters():
    from django.template import Context, Template

    rendered = Template(
        "{% load wareki %}{{ d|wareki }}|{{ d|wareki:'weekday' }}|{{ d|wareki_short }}|{{ fy|fiscal_year }}|{{ none|wareki }}"
    ).render(Context({"d": dt.date(2019, 5, 1), "fy": 2020, "none": None}))
    short = (
        '<time datetime="2019-05-01"><span aria-hidden="true">R1.5.1</span>'
        '<span class="visually-hidden">令和元年5月1日</span></time>'
    )
    assert rendered == f"令和元年5月1日|令和元年5月1日(水)|{short}|令和2年度|"
