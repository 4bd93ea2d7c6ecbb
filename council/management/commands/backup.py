"""backup [-o FILE]: the database and every uploaded or generated file in one archive (council.backup)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

from council.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "データベースとファイル（配布資料・作成した帳票など）を 1 つのバックアップファイルにまとめます。 / "
        "Back up the database and MEDIA_ROOT into one archive."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument(
            "-o",
            "--output",
            default=None,
            help="書き出すファイル（省略時は var/backups/kyogikai-年月日-時分秒.tar）",
        )

    def handle(self, *args, output: str | None, **options):
        if output is None:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            target = Path(settings.VAR_DIR) / "backups" / f"kyogikai-{stamp}.tar"
        else:
            target = Path(output)
        try:
            manifest = backup_create(
                db=connections["default"].settings_dict, media_root=Path(settings.MEDIA_ROOT), output=target
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            f"バックアップを作成しました: {target}（{len(manifest['tables'])} 表・{rows} 行、"
            f"ファイル {len(manifest['files'])} 件）"
        )
