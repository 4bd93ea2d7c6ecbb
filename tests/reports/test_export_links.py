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


def test_meetings_of_the_selected_year_only(client, council, subcommittee, secretariat):
    import datetime as dt

    MeetingFactory(body=subcommittee, date=dt.date(2020, 7, 9), status="held", items=["令和2年度の検討"])
    MeetingFactory(body=subcommittee, date=dt.date(2021, 7, 8), status="held", items=["令和3年度の検討"])
    client.force_login(secretariat)
    page = client.get(reverse("report_list", args=[council.slug]), {"year": 2020}).content.decode()
    url = reverse("export", args=[council.slug, "meetings", "xlsx"]) + "?year=2020"
    assert f'href="{url}"' in page and "会議（令和2年度）" in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith("-meetings-2020.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    texts = " ".join(str(v) for row in rows[1:] for v in row if v)
    assert "令和2年度の検討" in texts and "令和3年度の検討" not in texts
    csv_text = client.get(
        reverse("export", args=[council.slug, "meetings", "csv"]), {"year": 2021}
    ).content.decode("utf-8-sig")
    assert "令和3年度の検討" in csv_text and "令和2年度の検討" not in csv_text
    # A 年度 for members, or one that is no year, is not a page.
    assert (
        client.get(reverse("export", args=[council.slug, "members", "csv"]), {"year": 2020}).status_code
        == 404
    )
    assert (
        client.get(reverse("export", args=[council.slug, "meetings", "csv"]), {"year": "x"}).status_code
        == 404
    )
