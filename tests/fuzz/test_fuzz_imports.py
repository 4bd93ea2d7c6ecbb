"""The import page fed hostile files: random bytes, broken XLSX, NUL, mixed encodings, only a BOM,
only a header, and hostile text inside otherwise valid rows.

- A file that cannot be imported: never a server error, not one row written, and the page says
  why in Japanese.
- Valid rows with hostile names: the preview writes nothing; 「取り込む」 then stores each name
  exactly as typed in the cell (less surrounding blanks, which the import strips; in XLSX a line
  end inside a cell is LF, as XML reads it), and the pages that show it escape it.
"""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from council.models import Organization
from spreadsheets.tables import RESOURCE_LABELS, template_bytes
from tests.fuzz.fuzzkit import (
    assert_escaped,
    assert_no_server_error,
    changed_tables,
    examples,
    rolled_back,
    snapshot,
)
from tests.fuzz.strategies import FORMULA_PAYLOADS, hostile_text

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=examples(10),
    deadline=None,
    # No shrinking: each step is a request (minutes when an example fails); the failing example is
    # printed as found, and .hypothesis/ replays it first on the next run.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def baseline(secretariat, subcommittee, plenary):
    return snapshot()


def _csv(rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def _xlsx(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            cell.value = value
            cell.data_type = "s"  # text as typed, never a formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _truncated_template(cut: int) -> bytes:
    from council.models import Council

    data = template_bytes("organizations", council=Council.objects.get(slug="midori"))
    return data[: max(4, min(cut, len(data) - 1))]


# Files that cannot be imported, whatever the resource.
broken_files = st.one_of(
    st.binary(min_size=1, max_size=3000),
    st.binary(min_size=1, max_size=500).map(lambda b: b"PK\x03\x04" + b),  # looks like a zip, is not
    st.integers(5, 4000).map(_truncated_template),
    st.just(b"\xef\xbb\xbf"),  # only a BOM
    st.just("機関名,種別\r\n".encode("utf-8-sig")),  # only the header
    st.just("会議体,氏名\r\n".encode("cp932")),
    st.just(b"\r\n\r\n ,\r\n"),  # blank lines only
    st.binary(max_size=200).map(
        lambda b: "機関名,種別\r\n".encode() + b"\x00" + b + "相談,行政\r\n".encode()
    ),
    # Mixed encodings: a UTF-8 header over a Shift_JIS row.
    st.just("機関名,種別\r\n".encode() + "みどり相談,相談支援事業所\r\n".encode("cp932")),
    st.just(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),  # an old .xls
    st.just("\ufeff\ufeff機関名\r\n=1+1\r\n".encode("utf-16")),
)


def _upload(client, council, resource: str, data: bytes, filename: str):
    return client.post(
        reverse("imports", args=[council.slug]),
        {"resource": resource, "file": SimpleUploadedFile(filename, data)},
    )


def _error_text(response) -> str:
    context = response.context
    report = context.get("report") if context else None
    if report is not None:
        return "\n".join(report.errors)
    form = context.get("form") if context else None
    return "\n".join(str(e) for errors in form.errors.values() for e in errors) if form is not None else ""


@FUZZ
@given(
    data=broken_files,
    resource=st.sampled_from(list(RESOURCE_LABELS)),
    filename=st.sampled_from(["import.csv", "import.xlsx", "import.tsv", "../../etc/passwd", "名簿.CSV"]),
)
def test_files_that_cannot_be_imported_change_nothing(
    client, council, secretariat, baseline, data, resource, filename
):
    with rolled_back():
        client.force_login(secretariat)
        response = _upload(client, council, resource, data, filename)
        assert_no_server_error(response, data[:200])
        assert response.status_code in (200, 400)
        message = _error_text(response)
        assert message and JAPANESE.search(message), (data[:200], message)
        assert not response.context.get("token")  # nothing to confirm
        assert changed_tables(baseline, snapshot()) == []


names = st.one_of(
    hostile_text(allow_huge=False),
    st.sampled_from(FORMULA_PAYLOADS),
    st.integers(150, 100_000).map(lambda n: ("=HYPERLINK(" * n)[:n]),  # a huge cell
)


@FUZZ
@given(name=names, fmt=st.sampled_from(["utf-8-sig", "utf-8", "cp932", "xlsx"]))
def test_hostile_names_in_valid_rows(client, council, secretariat, baseline, name, fmt):
    rows = [["機関名", "種別"], [name, "行政"]]
    if fmt == "xlsx":
        assume(not ILLEGAL_CHARACTERS_RE.search(name))
        data = _xlsx(rows)
    else:
        try:
            data = _csv(rows, fmt)
        except UnicodeEncodeError:
            assume(False)
    with rolled_back():
        client.force_login(secretariat)
        response = _upload(
            client, council, "organizations", data, f"orgs.{'xlsx' if fmt == 'xlsx' else 'csv'}"
        )
        assert_no_server_error(response, name)
        assert_escaped(response, name)
        assert changed_tables(baseline, snapshot()) == []  # a preview writes nothing
        token = response.context["token"]
        if not token:
            assert JAPANESE.search(_error_text(response)), name
            return
        confirmed = client.post(reverse("import_confirm", args=[council.slug, token]))
        assert_no_server_error(confirmed, name)
        assert confirmed.status_code == 302
        stored = list(Organization.objects.filter(council=council).values_list("name", flat=True))
        expected = name
        if fmt == "xlsx":
            # XML turns a line end inside a cell into LF (Excel's own line break in a cell).
            expected = expected.replace("\r\n", "\n").replace("\r", "\n")
        assert stored == [expected.strip()], (name, stored)
        for url in (
            reverse("admin:council_organization_changelist"),
            reverse("imports", args=[council.slug]),
        ):
            page = client.get(url)
            assert_no_server_error(page, name)
            assert_escaped(page, name)


def _template_rows(resource: str, council) -> list[list]:
    """The resource's columns and its example row, as the downloadable template has them."""
    from spreadsheets.tables import read_table

    table = read_table(template_bytes(resource, council=council), "template.xlsx")
    # Without the first column 「記入例」: a row marked there is never imported.
    return [table.headers[1:], ["" if v is None else str(v) for v in table.rows[0][1:]]]


@FUZZ
@given(
    data=st.data(),
    resource=st.sampled_from(list(RESOURCE_LABELS)),
    fmt=st.sampled_from(["utf-8-sig", "xlsx"]),
)
def test_hostile_cells_in_every_column(
    client, council, secretariat, subcommittee, plenary, baseline, data, resource, fmt
):
    headers, example = _template_rows(resource, council)
    row = [
        data.draw(st.one_of(st.just(value), hostile_text(allow_huge=False)), label=header)
        for header, value in zip(headers, example, strict=True)
    ]
    if fmt == "xlsx":
        assume(not any(ILLEGAL_CHARACTERS_RE.search(cell) for cell in row))
        payload = _xlsx([headers, row])
    else:
        payload = _csv([headers, row])
    with rolled_back():
        client.force_login(secretariat)
        response = _upload(client, council, resource, payload, f"rows.{'xlsx' if fmt == 'xlsx' else 'csv'}")
        assert_no_server_error(response, row)
        assert_escaped(response, row)
        assert changed_tables(baseline, snapshot()) == []
        token = response.context["token"]
        if not token:
            assert JAPANESE.search(_error_text(response)), row
            return
        confirmed = client.post(reverse("import_confirm", args=[council.slug, token]))
        assert_no_server_error(confirmed, row)
        assert confirmed.status_code == 302, row
        shown = client.get(confirmed["Location"])
        assert_no_server_error(shown, row)
        assert_escaped(shown, row)
