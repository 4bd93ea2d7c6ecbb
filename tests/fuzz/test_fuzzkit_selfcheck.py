"""The fuzz tests' own tools can fail: a raw payload, a changed row, a form read wrongly."""

from __future__ import annotations

import pytest
from django.http import HttpResponse

from council.models import Organization
from tests.fuzz.fuzzkit import assert_escaped, changed_tables, form_of, rolled_back, snapshot

pytestmark = pytest.mark.django_db


def test_assert_escaped_catches_a_raw_payload():
    assert_escaped(HttpResponse("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"))
    with pytest.raises(AssertionError):
        assert_escaped(HttpResponse("<p><script>alert(1)</script></p>"))


def test_snapshot_sees_an_insert_and_an_update_and_rollback_undoes_them(council):
    organization = Organization.objects.create(council=council, name="相談支援センター")
    before = snapshot()
    with rolled_back():
        Organization.objects.filter(pk=organization.pk).update(name="改称")  # same count, new content
        assert changed_tables(before, snapshot()) == ["council.Organization"]
        Organization.objects.create(council=council, name="二つ目")
    assert changed_tables(before, snapshot()) == []


def test_form_of_reads_what_a_browser_sends():
    html = """
    <form method="post" action="/logout/"><input name="x" value="1"></form>
    <form method="post" action="">
      <input type="hidden" name="v" value="2021-01-01">
      <input type="radio" name="r" value="" checked><input type="radio" name="r" value="a">
      <input type="checkbox" name="c" value="1"><input type="checkbox" name="c" value="2" checked>
      <input type="checkbox" name="d" checked>
      <select name="s"><option value="x">X</option><option value="y">Y</option></select>
      <select name="m" multiple><option value="1" selected>1</option><option value="2" selected>2</option></select>
      <textarea name="t">
行1
&lt;b&gt;</textarea>
      <input name="off" value="z" disabled>
      <button type="submit" name="check_similar" value="1">確認</button>
    </form>"""
    form = form_of(html, page_url="/page/", has="t")
    assert form.data() == {
        "v": ["2021-01-01"],
        "r": [""],
        "c": ["2"],
        "d": ["on"],
        "s": ["x"],
        "m": ["1", "2"],
        "t": ["行1\n<b>"],
    }
    assert form.submits == [("check_similar", "1")]
    with pytest.raises(AssertionError):
        form_of(html, page_url="/page/", has="nowhere")
