"""One-file backups of the database and the files (``manage.py backup`` / ``manage.py restore``).

The archive is a plain tar holding:

- ``manifest.json``: the format name and version, when and from which engine it was made, the number
  of rows of every table of every model (auto-created many-to-many tables included) and the size and
  SHA-256 of every file;
- ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite, a copy
  made with sqlite3's online backup API, so a running server may keep writing);
- ``media/…``: everything under MEDIA_ROOT (handouts, generated PDFs, import uploads in progress).

On PostgreSQL the counts and the dump read the same snapshot (``pg_export_snapshot`` held open while
``pg_dump --snapshot`` runs), so the manifest describes exactly what the dump holds and a restore can
check itself against it. Messages are for the operator, in Japanese.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.utils import timezone

FORMAT_NAME = "kyogikai-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PG_DUMP_NAME = "database.dump"
SQLITE_NAME = "database.sqlite3"
MEDIA_PREFIX = "media/"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message tells the operator why and what to do."""


@dataclass
class RestoreResult:
    tables: int = 0
    rows: int = 0
    files: int = 0
    mismatches: list[str] = field(default_factory=list)


def model_tables() -> list[tuple[str, str]]:
    """(model label, table) for every concrete managed model, many-to-many tables included."""
    seen: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        seen.setdefault(meta.db_table, meta.label_lower)
    return sorted((label, table) for table, label in seen.items())


def _engine(db: dict[str, Any]) -> str:
    engine = db["ENGINE"]
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise BackupError(f"このデータベース（{engine}）のバックアップには対応していません。")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def media_files(media_root: Path) -> list[Path]:
    if not media_root.is_dir():
        return []
    return sorted(p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink())


# --- PostgreSQL ------------------------------------------------------------------------------------


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    """libpq's environment for pg_dump/pg_restore: the password never appears on a command line."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    env["PGDATABASE"] = str(db["NAME"])
    return env


def _pg_connect(db: dict[str, Any], *, name: str | None = None, autocommit: bool = False):
    import psycopg

    params = {k.lower(): db[k] for k in ("HOST", "PORT", "USER", "PASSWORD") if db.get(k)}
    try:
        return psycopg.connect(dbname=name or db["NAME"], autocommit=autocommit, connect_timeout=10, **params)
    except psycopg.OperationalError as error:
        raise BackupError(f"データベース「{name or db['NAME']}」に接続できません: {error}".strip()) from None


def _client(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        raise BackupError(
            f"{program} が見つかりません。PostgreSQL のクライアント（Debian: sudo apt-get install "
            "postgresql-client）を入れてから、もう一度実行してください。"
        )
    return path


def _major(version_text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", version_text)
    return int(match.group(1)) if match else 0


def pg_client_major(program: str = "pg_dump") -> int:
    # "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)": the first number is the major version.
    out = subprocess.run([_client(program), "--version"], capture_output=True, text=True, check=True).stdout
    return _major(out)


def _check_client_version(server_version_num: int, program: str) -> None:
    """pg_dump refuses a server newer than itself; say so before it does, with what to install."""
    server_major = server_version_num // 10000
    client_major = pg_client_major(program)
    if client_major < server_major:
        raise BackupError(
            f"{program} の版（{client_major}）がデータベースサーバーの版（{server_major}）より古いため使えません。"
            f"PostgreSQL {server_major} 以上のクライアント（postgresql-client-{server_major}）を入れてください。"
        )


def _count_tables(cursor, tables: Iterable[tuple[str, str]], existing: set[str]) -> dict[str, int]:
    from psycopg import sql

    counts: dict[str, int] = {}
    for _label, table in tables:
        if table not in existing:
            continue
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def _pg_tables(cursor) -> set[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return {row[0] for row in cursor.fetchall()}


def _pg_backup(db: dict[str, Any], target: Path) -> tuple[dict[str, int], dict[str, Any]]:
    pg_dump = _client("pg_dump")
    conn = _pg_connect(db)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version_num')::int")
            snapshot, server_version = cursor.fetchone()
            _check_client_version(server_version, "pg_dump")
            counts = _count_tables(cursor, model_tables(), _pg_tables(cursor))
            done = subprocess.run(
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--no-password", "-f", str(target)],
                env=_pg_env(db),
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise BackupError(f"pg_dump が失敗しました: {done.stderr.strip()}")
    finally:
        conn.close()
    return counts, {"server_version_num": server_version}


def _pg_is_empty(db: dict[str, Any]) -> bool:
    conn = _pg_connect(db)
    try:
        with conn.cursor() as cursor:
            return not _pg_tables(cursor)
    finally:
        conn.close()


def _pg_restore(db: dict[str, Any], dump: Path, *, force: bool) -> dict[str, int]:
    pg_restore = _client("pg_restore")
    conn = _pg_connect(db, autocommit=True)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version_num')::int")
            _check_client_version(cursor.fetchone()[0], "pg_restore")
    finally:
        conn.close()
    command = [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if force:
        command += ["--clean", "--if-exists"]
    command += ["--no-password", "-d", str(db["NAME"]), str(dump)]
    done = subprocess.run(command, env=_pg_env(db), capture_output=True, text=True)
    if done.returncode != 0:
        message = done.stderr.strip()
        if "unsupported version" in message:
            raise BackupError(
                "このバックアップは、より新しい版の pg_dump で作られています。同じ版以上の pg_restore "
                f"（postgresql-client）を入れてください。詳細: {message}"
            )
        raise BackupError(f"pg_restore が失敗しました。データベースは元のままです。詳細: {message}")
    # pg_restore leaves the planner without statistics until autovacuum comes round; the first
    # requests would run on plans for empty tables (docs/decisions.md, the page benchmark).
    conn = _pg_connect(db, autocommit=True)
    try:
        with conn.cursor() as cursor:
            cursor.execute("ANALYZE")
    finally:
        conn.close()
    conn = _pg_connect(db)
    try:
        with conn.cursor() as cursor:
            return _count_tables(cursor, model_tables(), _pg_tables(cursor))
    finally:
        conn.close()


# --- SQLite ----------------------------------------------------------------------------------------


def _sqlite_tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return {row[0] for row in rows}


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    existing = _sqlite_tables(conn)
    return {
        table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608 (our table names)
        for _label, table in model_tables()
        if table in existing
    }


def _sqlite_copy(source: Path, target: Path) -> None:
    """sqlite3's online backup: a consistent copy even while another process writes."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()


def _sqlite_backup(db: dict[str, Any], target: Path) -> tuple[dict[str, int], dict[str, Any]]:
    source = Path(db["NAME"])
    if not source.exists():
        raise BackupError(f"SQLite のデータベースファイル {source} がありません。")
    _sqlite_copy(source, target)
    conn = sqlite3.connect(target)
    try:
        counts = _sqlite_counts(conn)
    finally:
        conn.close()
    return counts, {"sqlite_version": sqlite3.sqlite_version}


def _sqlite_is_empty(db: dict[str, Any]) -> bool:
    path = Path(db["NAME"])
    if not path.exists():
        return True
    conn = sqlite3.connect(path)
    try:
        return not _sqlite_tables(conn)
    finally:
        conn.close()


def _sqlite_restore(db: dict[str, Any], copy: Path) -> dict[str, int]:
    target = Path(db["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    _sqlite_copy(copy, target)
    conn = sqlite3.connect(target)
    try:
        return _sqlite_counts(conn)
    finally:
        conn.close()


# --- The archive -----------------------------------------------------------------------------------


def backup_create(*, db: dict[str, Any], media_root: Path, output: Path) -> dict[str, Any]:
    """Write the archive to ``output`` (through a temporary file: a failed run leaves no half archive)."""
    engine = _engine(db)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kyogikai-backup-") as work:
        dump = Path(work) / (PG_DUMP_NAME if engine == "postgresql" else SQLITE_NAME)
        counts, server = _pg_backup(db, dump) if engine == "postgresql" else _sqlite_backup(db, dump)
        files = media_files(media_root)
        labels = dict((table, label) for label, table in model_tables())
        manifest = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "engine": engine,
            **server,
            "tables": {
                table: {"model": labels[table], "rows": rows} for table, rows in sorted(counts.items())
            },
            "files": [
                {"path": p.relative_to(media_root).as_posix(), "size": p.stat().st_size, "sha256": _sha256(p)}
                for p in files
            ],
        }
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=dump.name, recursive=False)
            for path in files:
                tar.add(path, arcname=MEDIA_PREFIX + path.relative_to(media_root).as_posix(), recursive=False)
        os.chmod(partial, 0o600)  # the archive holds personal data: readable by its owner only
        partial.replace(output)
    return manifest


def read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = tar.getmember(MANIFEST)
        handle = tar.extractfile(member)
        manifest = json.loads(handle.read().decode("utf-8")) if handle else None
    except (KeyError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise BackupError(
            "このファイルはこのシステムのバックアップではありません（manifest.json がないか壊れています）。"
        )
    version = manifest.get("version")
    if version != FORMAT_VERSION:
        raise BackupError(
            f"このバックアップの形式（版 {version}）には対応していません。対応している版は {FORMAT_VERSION} です。"
            "バックアップを作ったときと同じ版のシステムで戻してください。"
        )
    return manifest


def _open_archive(path: Path) -> tarfile.TarFile:
    if not path.is_file():
        raise BackupError(f"バックアップファイル {path} が見つかりません。")
    try:
        return tarfile.open(path, "r")
    except (tarfile.TarError, OSError):
        raise BackupError(
            f"{path} はバックアップファイルとして読み込めません（壊れているか、別の種類のファイルです）。"
        ) from None


def restore_archive(
    *, archive: Path, db: dict[str, Any], media_root: Path, force: bool = False
) -> RestoreResult:
    """Put the archive's database and files back; refuse a target that holds anything unless ``force``.

    Afterwards the rows of every table and the bytes of every file are compared with the manifest:
    differences are returned (and reported by the command), never silently accepted.
    """
    engine = _engine(db)
    with _open_archive(archive) as tar:
        manifest = read_manifest(tar)
        if manifest.get("engine") != engine:
            names = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
            raise BackupError(
                f"このバックアップは {names.get(manifest.get('engine'), manifest.get('engine'))} のものです。"
                f"{names[engine]} のデータベースには戻せません。"
            )
        db_empty = _pg_is_empty(db) if engine == "postgresql" else _sqlite_is_empty(db)
        media_empty = not media_files(media_root)
        if not force and not (db_empty and media_empty):
            where = "データベース" if not db_empty else f"ファイルの保存先（{media_root}）"
            raise BackupError(
                f"戻し先の{where}が空ではありません。上書きしてよい場合だけ --force を付けて実行してください"
                "（今のデータは失われます）。"
            )
        members = {m.name: m for m in tar.getmembers()}
        dump_name = PG_DUMP_NAME if engine == "postgresql" else SQLITE_NAME
        if dump_name not in members:
            raise BackupError(
                f"バックアップにデータベース（{dump_name}）が入っていません。ファイルが壊れています。"
            )
        with tempfile.TemporaryDirectory(prefix="kyogikai-restore-") as work:
            tar.extract(members[dump_name], work, filter="data")
            dump = Path(work) / dump_name
            counts = (
                _pg_restore(db, dump, force=force) if engine == "postgresql" else _sqlite_restore(db, dump)
            )
        if force and media_root.is_dir():
            for child in media_root.iterdir():
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        media_root.mkdir(parents=True, exist_ok=True)
        files = [m for name, m in members.items() if name.startswith(MEDIA_PREFIX) and m.isfile()]
        for member in files:
            member.name = member.name[len(MEDIA_PREFIX) :]
            # "data" refuses absolute paths, "..", links out of the folder and device files.
            tar.extract(member, media_root, filter="data")
    result = RestoreResult(tables=len(counts), rows=sum(counts.values()), files=len(files))
    for table, expected in manifest.get("tables", {}).items():
        if counts.get(table) != expected["rows"]:
            result.mismatches.append(f"{table}: {expected['rows']} 件のはずが {counts.get(table)} 件")
    for entry in manifest.get("files", []):
        path = media_root / entry["path"]
        if not path.is_file() or _sha256(path) != entry["sha256"]:
            result.mismatches.append(f"ファイル {entry['path']} が一致しません")
    return result
