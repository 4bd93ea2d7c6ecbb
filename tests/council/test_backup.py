"""manage.py backup / restore: a populated database and its files, restored into an empty one, hold
every row of every model and every file byte for byte (PostgreSQL, and SQLite in a subprocess)."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import sql

from council.backup import MANIFEST, model_tables, restore_archive
from meetings.services import handout_add

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def _admin_connect():
    db = connection.settings_dict
    params = {k.lower(): db[k] for k in ("HOST", "PORT", "USER", "PASSWORD") if db.get(k)}
    return psycopg.connect(dbname="postgres", autocommit=True, **params)


@pytest.fixture
def scratch_db():
    """An empty database beside the test database (named after it, so parallel runs never meet)."""
    name = f"{connection.settings_dict['NAME']}_restore"
    with _admin_connect() as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(sql.Identifier(name))
        )
    yield {**connection.settings_dict, "NAME": name}
    with _admin_connect() as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _source_counts() -> dict[str, int]:
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        counts = {}
        for _label, table in model_tables():
            if table in existing:
                cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608
                counts[table] = cursor.fetchone()[0]
    return counts


def _restored_counts(db) -> dict[str, int]:
    params = {k.lower(): db[k] for k in ("HOST", "PORT", "USER", "PASSWORD") if db.get(k)}
    with psycopg.connect(dbname=db["NAME"], **params) as conn:
        existing = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        return {
            table: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[
                0
            ]
            for _label, table in model_tables()
            if table in existing
        }


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_postgres_round_trip_holds_every_row_and_file(kawasemi, media, scratch_db, tmp_path):
    meeting = kawasemi.meetings["case_r6_1"]
    handout_add(meeting=meeting, file=SimpleUploadedFile("支援計画.pdf", PDF, "application/pdf"))
    handout_add(meeting=meeting, file=SimpleUploadedFile("名簿.csv", "氏名,𠮷田\n".encode(), "text/csv"))
    (media / "imports").mkdir(parents=True)
    (media / "imports" / "upload.bin").write_bytes(os.urandom(5000))
    before_rows, before_files = _source_counts(), _files(media)
    assert before_rows["council_body"] >= 8 and before_rows["meetings_handout"] == 2
    assert len(before_files) == 3

    archive = tmp_path / "backup.tar"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile(MANIFEST))
    assert manifest["version"] == 1 and manifest["engine"] == "postgresql"
    assert {t: v["rows"] for t, v in manifest["tables"].items()} == before_rows
    assert manifest["tables"]["meetings_handout"]["model"] == "meetings.handout"

    restored_media = tmp_path / "restored-media"
    result = restore_archive(archive=archive, db=scratch_db, media_root=restored_media)
    assert result.mismatches == []
    assert _restored_counts(scratch_db) == before_rows
    assert _files(restored_media) == before_files
    # The planner has column statistics at once: pg_restore alone leaves pg_stats empty until
    # autovacuum comes round (only ANALYZE fills it).
    params = {k.lower(): scratch_db[k] for k in ("HOST", "PORT", "USER", "PASSWORD") if scratch_db.get(k)}
    with psycopg.connect(dbname=scratch_db["NAME"], **params) as conn:
        analysed = conn.execute(
            "SELECT count(*) FROM pg_stats WHERE schemaname = 'public' AND tablename = 'meetings_meeting'"
        ).fetchone()[0]
    assert analysed > 0

    # A second restore into the now filled database is refused, with --force it overwrites.
    with pytest.raises(Exception, match="空ではありません。.*--force"):
        restore_archive(archive=archive, db=scratch_db, media_root=tmp_path / "empty")
    result = restore_archive(archive=archive, db=scratch_db, media_root=restored_media, force=True)
    assert result.mismatches == [] and _restored_counts(scratch_db) == before_rows


def test_restore_refuses_the_live_database_without_force(cast, media, tmp_path):
    archive = tmp_path / "b.tar"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="戻し先のデータベースが空ではありません"):
        call_command("restore", str(archive))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "見つかりません"),
        (b"not a tar at all" * 100, "バックアップファイルとして読み込めません"),
        ({"format": "something-else"}, "このシステムのバックアップではありません"),
        ({"format": "kyogikai-backup", "version": 99}, r"形式（版 99）には対応していません"),
    ],
)
def test_restore_explains_a_bad_file(content, message, tmp_path, media):
    path = tmp_path / "x.tar"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, dict):
        with tarfile.open(path, "w") as tar:
            data = json.dumps(content).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path))


def _manage(var: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(KYOGIKAI_VAR_DIR=str(var), DJANGO_DEBUG="true", DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )


def _sqlite_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in sorted(names)}  # noqa: S608
    finally:
        conn.close()


def test_sqlite_round_trip(tmp_path):
    """The embedded default: a migrated SQLite file with a council, backed up and restored elsewhere."""
    source, target = tmp_path / "source", tmp_path / "target"
    for step in (
        ("migrate", "--noinput", "-v", "0"),
        (
            "create_council",
            "kawasemi",
            "--name",
            "かわせみ町自立支援協議会",
            "--secretariat-email",
            "j@example.jp",
        ),
    ):
        done = _manage(source, *step)
        assert done.returncode == 0, done.stderr
    (source / "media" / "reports" / "2026").mkdir(parents=True)
    (source / "media" / "reports" / "2026" / "報告書.pdf").write_bytes(PDF)
    archive = tmp_path / "sqlite.tar"
    done = _manage(source, "backup", "-o", str(archive))
    assert done.returncode == 0, done.stderr

    done = _manage(target, "restore", str(archive))
    assert done.returncode == 0, done.stderr
    assert "すべてバックアップの記録と一致しています" in done.stdout
    before = _sqlite_counts(source / "db.sqlite3")
    assert before["council_council"] == 1 and before["django_migrations"] > 50
    assert _sqlite_counts(target / "db.sqlite3") == before
    assert _files(target / "media") == _files(source / "media")

    done = _manage(target, "restore", str(archive))
    assert done.returncode == 1 and "空ではありません" in done.stderr

    (tmp_path / "wrong").mkdir()
    # A SQLite backup offered to PostgreSQL (this test process's database) is refused by name.
    with pytest.raises(CommandError, match="SQLite のものです。PostgreSQL のデータベースには戻せません"):
        call_command("restore", str(archive))
