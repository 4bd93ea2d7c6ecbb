"""The report list links the spreadsheet export of the same tables, for the secretariat only."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import MeetingFactory


def _export_urls(council):
    return [
        reverse("export", args=[council.slug, resource, fmt])
        for resource in ("meetings", "members")
        for fmt in ("xlsx", "csv")
    ]


def test_secretariat_sees_and_uses_the_export_links(client, council, subcommittee, secretariat):
    import datetime as dt

    MeetingFactory(body=subcommittee, date=dt.date(2020, 7, 9), status="held", items=["就労の検討"])
    client.force_login(secretariat)
    page = client.get(reverse("report_list", args=[council.slug])).content.decode()
    for url in _export_urls(council):
        assert f'href="{url}"' in page
    response = client.get(reverse("export", args=[council.slug, "meetings", "xlsx"]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "年度" in rows[0] and "開催日" in rows[0]
    assert any(subcommittee.name in row for row in rows[1:])


@pytest.mark.parametrize("user_name", ["chair", "member", "reviewer"])
def test_others_see_no_export_link(client, council, user_name, request):
    user = request.getfixturevalue(user_name)
    client.force_login(user)
    page = client.get(reverse("report_list", args=[council.slug])).content.decode()
    assert "表で書き出す" not in page
    for url in _export_urls(council):
        assert url not in page
        assert client.get(url).status_code == 403  # and the link would not have worked
