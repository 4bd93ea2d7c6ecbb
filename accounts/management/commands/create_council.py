"""Start a council in one step: the council, its first secretariat account and the invitation mail.

    python manage.py create_council midori --name みどり市地域自立支援協議会 \\
        --secretariat-email jimukyoku@example.jp [--parent pref]

The one-time link is printed too, for an operator without mail. Nothing is saved when any part
is refused (a slug in use, an unknown parent, an address that already has an account).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.councils import CouncilStartRefused, council_start
from accounts.mail import mail_to_files
from accounts.selectors import expiry_text
from council.models import CouncilLevel


class Command(BaseCommand):
    help = "協議会と、その最初の事務局アカウントを作り、パスワード設定用の招待メールを送ります。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="URL に使う半角英数字の識別子（例: midori）")
        parser.add_argument("--name", required=True, help="協議会の名称")
        parser.add_argument("--secretariat-email", required=True, help="最初の事務局の方のメールアドレス")
        parser.add_argument("--parent", default="", help="上位の協議会の識別子（都道府県協議会など）")
        parser.add_argument("--municipality", default="", help="自治体名")
        parser.add_argument(
            "--level",
            default=CouncilLevel.MUNICIPAL,
            choices=CouncilLevel.values,
            help="区分（既定: municipal）",
        )

    def handle(self, *args, slug: str, name: str, secretariat_email: str, parent: str, **options) -> None:
        try:
            issued = council_start(
                slug=slug,
                name=name,
                secretariat_email=secretariat_email,
                parent=parent,
                municipality=options["municipality"],
                level=options["level"],
            )
        except CouncilStartRefused as refused:
            raise CommandError(str(refused)) from None
        council = issued.invitation.council

        invitation = issued.invitation
        where = (
            f"メールは {settings.EMAIL_FILE_PATH} に書き出しました（サイト管理者の「送信したメール」の画面でも読めます）。"
            if mail_to_files()
            else "招待メールを送信しました（送信はワーカーが行います）。"
        )
        self.stdout.write(self.style.SUCCESS(f"協議会「{council.name}」（{council.slug}）を作成しました。"))
        self.stdout.write(
            f"事務局のアカウント: {invitation.user.get_username() if invitation.user else invitation.email}"
        )
        self.stdout.write(where)
        self.stdout.write(f"パスワード設定用のリンク（一度だけ有効、{expiry_text(invitation)} まで）:")
        self.stdout.write(issued.link)
