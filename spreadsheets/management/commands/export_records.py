"""python manage.py export_records RESOURCE --council SLUG -o FILE (.xlsx or .csv)"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from council.models import Council
from spreadsheets.tables import RESOURCE_LABELS, export_bytes


class Command(BaseCommand):
    help = "記録を取り込みと同じ列で書き出します（.xlsx、または BOM 付き UTF-8 の .csv）。"

    def add_arguments(self, parser):
        parser.add_argument("resource", choices=list(RESOURCE_LABELS))
        parser.add_argument("--council", required=True, help="協議会の識別子（slug）")
        parser.add_argument("-o", "--output", required=True, help="書き出すファイル（.xlsx か .csv）")

    def handle(self, *args, resource, council, output, **options):
        target = Council.objects.filter(slug=council).first()
        if target is None:
            raise CommandError(f"協議会「{council}」は登録されていません。")
        path = Path(output)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("xlsx", "csv"):
            raise CommandError("出力ファイルの拡張子は .xlsx か .csv にしてください。")
        # The operator at the shell: every row, as a superuser (user=None).
        path.write_bytes(export_bytes(resource, council=target, user=None, fmt=fmt))
        self.stdout.write(f"{RESOURCE_LABELS[resource]}を {path} に書き出しました。")
