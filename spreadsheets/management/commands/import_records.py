"""python manage.py import_records RESOURCE FILE --council SLUG [--dry-run]"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from council.models import Council
from spreadsheets.tables import RESOURCE_LABELS, run_import


class Command(BaseCommand):
    help = "事務局の表計算ファイル（xlsx / CSV）を取り込みます。エラーが1件でもあれば何も保存しません。"

    def add_arguments(self, parser):
        parser.add_argument("resource", choices=list(RESOURCE_LABELS))
        parser.add_argument("file")
        parser.add_argument("--council", required=True, help="協議会の識別子（slug）")
        parser.add_argument("--dry-run", action="store_true", help="確認だけして保存しない")
        parser.add_argument(
            "--choice",
            action="append",
            default=[],
            metavar="行=選択",
            help="同じ人か別の人かを選ぶ行の答え（例: --choice 5=new --choice 7=person12）。"
            "選択肢は --dry-run の出力にあります。",
        )

    def handle(self, *args, resource, file, council, dry_run, choice, **options):
        choices = {}
        for answer in choice:
            line, _, value = answer.partition("=")
            if not line.strip().isdigit() or not value.strip():
                raise CommandError(f"--choice「{answer}」は「行=選択」（例: 5=new）の形にしてください。")
            choices[line.strip()] = value.strip()
        target = Council.objects.filter(slug=council).first()
        if target is None:
            raise CommandError(f"協議会「{council}」は登録されていません。")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"ファイル「{file}」が見つかりません。")
        report = run_import(
            resource_name=resource,
            council=target,
            data=path.read_bytes(),
            filename=path.name,
            dry_run=dry_run,
            choices=choices,
        )
        for line in report.lines():
            self.stdout.write(line)
        if report.has_errors:
            raise CommandError(f"エラーが{len(report.errors)}件あるため、何も保存していません。")
        if not dry_run:
            self.stdout.write(self.style.SUCCESS("取り込みました。"))
