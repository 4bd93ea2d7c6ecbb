"""restore FILE [--force]: put a backup made by ``manage.py backup`` back (council.backup)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from council.backup import BackupError, restore_archive


class Command(BaseCommand):
    help = (
        "manage.py backup で作ったファイルから、データベースとファイルを戻します。戻し先が空でなければ "
        "--force が必要です。 / Restore a backup into an empty database (or --force to overwrite)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("archive", help="バックアップファイル（.tar）")
        parser.add_argument(
            "--force",
            action="store_true",
            help="戻し先のデータベースやファイルが空でなくても上書きします（今のデータは失われます）",
        )

    def handle(self, *args, archive: str, force: bool, **options):
        connection = connections["default"]
        connection.close()  # our own connection must not hold the SQLite file or a PostgreSQL lock
        try:
            result = restore_archive(
                archive=Path(archive),
                db=connection.settings_dict,
                media_root=Path(settings.MEDIA_ROOT),
                force=force,
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        if result.mismatches:
            raise CommandError(
                "戻しましたが、バックアップの記録と一致しないものがあります:\n" + "\n".join(result.mismatches)
            )
        self.stdout.write(
            f"戻しました: {result.tables} 表・{result.rows} 行、ファイル {result.files} 件。"
            "すべてバックアップの記録と一致しています。"
        )
