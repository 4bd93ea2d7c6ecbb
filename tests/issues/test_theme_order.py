"""Theme marks (医/障/住/社/地/保) in the council's own order: stored order, documents, import/export."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from issues.models import RegionalIssue, Theme, themes_in_order
from issues.services import action_plan_save, theme_order_save
from reports.rendering import render_html
from spreadsheets.tables import export_bytes, read_table, run_import
from tests.factories import RegionalIssueFactory
from tests.imports.conftest import csv_bytes

pytestmark = pytest.mark.django_db


def _theme(mark):
    return Theme.objects.get(mark=mark)


def test_typed_order_is_stored_as_marks_whatever_the_writing(council):
    order = theme_order_save(council=council, marks="障医　住,社")
    assert order.marks == "障、医、住、社"
    # A theme's name is accepted too, even one that holds 「・」 itself.
    order = theme_order_save(theme_order=order, marks="保健・予防・医・防災・安心安全")
    assert order.marks == "保、医、防災・安心安全"


def test_unknown_marks_are_refused_in_japanese(council):
    with pytest.raises(ValidationError) as error:
        theme_order_save(council=council, marks="障・猫")
    assert "「猫」というテーマはありません" in str(error.value)


def test_themes_follow_the_council_order_then_the_standard_one(council):
    order = theme_order_save(council=council, marks="住・障")
    ordered = themes_in_order(Theme.objects.all(), order)
    assert [t.mark for t in ordered[:2]] == ["住", "障"]
    rest = [t.sort_order for t in ordered[2:]]
    assert rest == sorted(rest)
    assert [t.mark for t in themes_in_order(Theme.objects.all(), None)][:2] == ["医", "障"]


def test_document_prints_marks_in_the_council_order(council, subcommittee):
    issue = RegionalIssueFactory(body=subcommittee, at=dt.datetime(2020, 6, 1, 10, tzinfo=dt.UTC))
    issue.themes.set([_theme("医"), _theme("住")])
    action_plan_save(issue=issue, target_state="住み慣れた地域で暮らせる", rows=[{"problem": "住まい"}])
    html = render_html("progress-report", council=council, fiscal_year=2020, body=subcommittee)
    assert html.index(">医<") < html.index(">住<")
    theme_order_save(council=council, marks="住・医")
    html = render_html("progress-report", council=council, fiscal_year=2020, body=subcommittee)
    assert html.index(">住<") < html.index(">医<")


def test_issue_import_reads_marks_and_export_writes_them_in_order(council, subcommittee, secretariat):
    theme_order_save(council=council, marks="障・医・住")
    text = (
        "地域課題,検討している会議体,提起日,テーマ\n"
        f"移動支援が足りない,{subcommittee.name},令和2年6月1日,住・医\n"
        f"通院の付き添いがない,{subcommittee.name},令和2年7月1日,医療\n"
    )
    report = run_import(
        resource_name="issues",
        council=council,
        data=csv_bytes(text, "cp932"),
        filename="i.csv",
        dry_run=False,
        user=secretariat,
    )
    assert not report.errors, report.errors
    issue = RegionalIssue.objects.get(title="移動支援が足りない")
    assert {t.mark for t in issue.themes.all()} == {"住", "医"}
    assert [t.mark for t in RegionalIssue.objects.get(title="通院の付き添いがない").themes.all()] == ["医"]
    table = read_table(export_bytes("issues", council=council, user=None, fmt="csv"), "i.csv")
    column = table.headers.index("テーマ")
    exported = {row[table.headers.index("地域課題")]: row[column] for row in table.rows}
    assert exported["移動支援が足りない"] == "医・住"  # 障・医・住: 医 before 住


def test_changed_marks_are_a_change_and_unknown_ones_an_error(council, subcommittee, secretariat):
    issue = RegionalIssueFactory(body=subcommittee, title="居場所がない")
    issue.themes.set([_theme("社")])
    data = export_bytes("issues", council=council, user=None, fmt="csv")
    same = run_import(resource_name="issues", council=council, data=data, filename="i.csv", dry_run=True)
    assert same.totals["update"] == 0 and not same.errors
    text = data.decode("utf-8-sig").replace("社", "社・地")
    changed = run_import(
        resource_name="issues", council=council, data=text.encode(), filename="i.csv", dry_run=True
    )
    assert changed.totals["update"] == 1 and not changed.errors
    [row] = [r for r in changed.rows if r.kind == "update"]
    assert row.changed == ["テーマ"]
    bad = text.replace("社・地", "社・猫")
    refused = run_import(
        resource_name="issues", council=council, data=bad.encode(), filename="i.csv", dry_run=True
    )
    assert (
        refused.errors
        and "テーマ「猫」はありません" in refused.errors[0]
        and "「テーマ」" in refused.errors[0]
    )
    assert [t.mark for t in RegionalIssue.objects.get(pk=issue.pk).themes.all()] == ["社"]


def test_issue_pages_list_marks_in_the_council_order(client, council, subcommittee, secretariat):
    from django.urls import reverse

    issue = RegionalIssueFactory(body=subcommittee, title="住まいと通院")
    issue.themes.set([_theme("医"), _theme("住")])
    client.force_login(secretariat)
    detail = reverse("issue_detail", args=[council.slug, issue.pk])
    listing = reverse("issue_list", args=[council.slug])
    page = client.get(detail).content.decode()
    assert page.index("医<span") < page.index("住<span")
    theme_order_save(council=council, marks="住・医")
    for url in (detail, listing):
        page = client.get(url).content.decode()
        assert page.index("住<span") < page.index("医<span"), url
