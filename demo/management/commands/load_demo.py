"""``python manage.py load_demo [--scale N] [--issues-per-year N] [--reset]``: the fictional demo councils and logins.

The data is built by ``demo.builder``; this command only parses options and prints.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from demo import builder


class Command(BaseCommand):
    help = (
        "架空のデモ用協議会（みどり野市ほか）とログインを作成します。すでにある場合は何もしません。 / "
        "Loads the fictional demo councils and logins (does nothing when they exist)."
    )
    # The loader touches models only; it must not fail on a URL or template still being written.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="N 個の協議会（demo, demo-2 … demo-N）と、N>1 のときは N 年度分をさかのぼって作成します（試験・計測用）。",
        )
        parser.add_argument(
            "--issues-per-year",
            type=int,
            default=None,
            help="過去の各年度に、協議会ごとに N 件の終結した地域課題を作成します（県規模の計測用。既定は1〜2件）。",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="デモ用の協議会とユーザーを削除してから作り直します。 / Delete the demo councils and users first.",
        )
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="基準日（YYYY-MM-DD）。開催済／予定の区別と年度はこの日で決まります。既定は今日。",
        )

    def handle(
        self,
        *args,
        scale: int,
        reset: bool,
        today: dt.date | None,
        issues_per_year: int | None,
        verbosity: int,
        **options,
    ):
        if not 1 <= scale <= builder.MAX_SCALE:
            raise CommandError(f"--scale は 1〜{builder.MAX_SCALE} で指定してください。")
        if issues_per_year is not None and not 1 <= issues_per_year <= 500:
            raise CommandError("--issues-per-year は 1〜500 で指定してください。")
        if reset:
            removed = builder.reset()
            self.stdout.write(
                f"デモデータを削除しました（協議会 {removed} 件） / removed {removed} demo councils"
            )
        log = self.stdout.write if verbosity >= 2 else (lambda _s: None)
        stats = builder.load(scale=scale, today=today, issues_per_year=issues_per_year, log=log)
        if stats.councils:
            self.stdout.write(
                self.style.SUCCESS(
                    f"デモデータを作成しました: {', '.join(stats.councils)}（{stats.seconds:.1f}秒） / "
                    f"built in {stats.seconds:.1f}s"
                )
            )
            if verbosity >= 1:
                counts = builder.summary()
                self.stdout.write("  " + ", ".join(f"{k}={v}" for k, v in counts.items()))
        else:
            self.stdout.write(
                "デモデータはすでにあります（変更なし）。作り直すには --reset を付けてください。 / "
                "demo data already present, nothing changed (use --reset to rebuild)."
            )
        if stats.skipped and stats.councils:
            self.stdout.write(
                f"  既存のためそのままにした協議会 / kept as they were: {', '.join(stats.skipped)}"
            )
        self.stdout.write("")
        self.stdout.write(builder.logins_table())
