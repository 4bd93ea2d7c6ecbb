"""render_document KIND --council SLUG --year 2020 [--body ID] -o FILE.pdf

The same code path as the Celery task (reports.rendering.render_pdf), without a ReportJob:
for the secretariat's scripts and for checking a layout from the shell.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from council.models import Body, Council
from council.wareki import WarekiParseError, parse_fiscal_year
from reports.models import DocumentKind
from reports.rendering import DocumentRequestError, check_request, render_pdf


class Command(BaseCommand):
    help = "年次報告の帳票を PDF に出力します。 / Render a yearly document to PDF."

    def add_arguments(self, parser):
        parser.add_argument(
            "kind", help="帳票の種類: " + ", ".join(f"{k.value}（{k.label}）" for k in DocumentKind)
        )
        parser.add_argument("--council", required=True, help="協議会の識別名（slug）")
        parser.add_argument("--year", required=True, help="年度（2020、R2、令和2年度 など）")
        parser.add_argument("--body", type=int, default=None, help="会議体の ID（会議体ごとの帳票で必須）")
        parser.add_argument("-o", "--output", required=True, help="出力する PDF ファイル")

    def handle(self, *args, kind: str, council: str, year: str, body: int | None, output: str, **options):
        try:
            fiscal_year = parse_fiscal_year(year)
        except WarekiParseError as error:
            raise CommandError(str(error)) from None
        council_obj = Council.objects.filter(slug=council).first()
        if council_obj is None:
            raise CommandError(
                f"協議会「{council}」が見つかりません。--council には協議会の識別名（slug）を指定してください。"
            )
        body_obj = None
        if body is not None:
            body_obj = Body.objects.filter(pk=body, council=council_obj).first()
            if body_obj is None:
                raise CommandError(f"会議体 ID {body} はこの協議会（{council_obj.name}）にありません。")
        try:
            check_request(kind, body_obj)
            pdf = render_pdf(kind, council=council_obj, fiscal_year=fiscal_year, body=body_obj)
        except DocumentRequestError as error:
            raise CommandError(str(error)) from None
        target = Path(output)
        try:
            target.write_bytes(pdf)
        except OSError as error:
            raise CommandError(f"ファイル {target} に書き込めません: {error.strerror}") from None
        if options["verbosity"]:
            self.stdout.write(f"{target} に出力しました（{len(pdf):,} バイト）。")
