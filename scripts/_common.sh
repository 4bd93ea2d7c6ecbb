# shellcheck shell=bash
# Shared helpers for scripts/start, scripts/test and scripts/worker. Source it; do not run it.
#
#   ROOT        the project directory (where pyproject.toml is)
#   VENV        $ROOT/.venv
#   PY          $VENV/bin/python
#
# Every helper is idempotent: a second run checks and moves on without touching the network.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
DEPS_STAMP="$VENV/.kyogikai-deps.sha256"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# A UTF-8 locale for everything we start (PostgreSQL's initdb picks it up on a fresh install).
export LANG="${LANG:-C.UTF-8}"

if [ -t 1 ]; then
    _B=$'\033[1m' _Y=$'\033[33m' _R=$'\033[31m' _G=$'\033[32m' _N=$'\033[0m'
else
    _B='' _Y='' _R='' _G='' _N=''
fi

# step "日本語" "English": one progress line.
step() { printf '%s==> %s / %s%s\n' "$_B" "$1" "$2" "$_N"; }
info() { printf '    %s / %s\n' "$1" "$2"; }
ok()   { printf '    %s✓ %s / %s%s\n' "$_G" "$1" "$2" "$_N"; }
warn() { printf '%s!!  %s / %s%s\n' "$_Y" "$1" "$2" "$_N" >&2; }
die()  { printf '%sxx  %s / %s%s\n' "$_R" "$1" "$2" "$_N" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# ---------------------------------------------------------------- Debian packages

# pkg_installed NAME: true when dpkg says "install ok installed" (not merely known / removed).
pkg_installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

_APT_UPDATED=0
# apt_install PKG...: installs the given packages (apt-get update at most once per run).
apt_install() {
    local log="$ROOT/var/apt.log"
    mkdir -p "$ROOT/var"
    if [ "$_APT_UPDATED" -eq 0 ]; then
        info "apt-get update を実行しています" "running apt-get update"
        if ! DEBIAN_FRONTEND=noninteractive apt-get update -q >"$log" 2>&1; then
            tail -n 20 "$log" >&2
            die "apt-get update に失敗しました（ログ: $log）" "apt-get update failed (log: $log)"
        fi
        _APT_UPDATED=1
    fi
    info "インストール中（数分かかることがあります）: $*" "installing (may take a few minutes): $*"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >>"$log" 2>&1; then
        tail -n 20 "$log" >&2
        die "apt-get install に失敗しました（ログ: $log）" "apt-get install failed (log: $log)"
    fi
}

# ensure_apt_packages PKG...: installs the missing ones when root; warns otherwise.
ensure_apt_packages() {
    local missing=() p
    if ! command -v dpkg-query >/dev/null 2>&1; then
        warn "dpkg がありません。次のパッケージを手動で入れてください: $*" \
            "no dpkg (not Debian?): please install these yourself: $*"
        return 0
    fi
    for p in "$@"; do
        pkg_installed "$p" || missing+=("$p")
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        ok "システムパッケージは揃っています" "system packages present"
        return 0
    fi
    if ! is_root; then
        warn "root ではないため apt を省略します。不足: ${missing[*]}（sudo apt-get install ${missing[*]}）" \
            "not root, skipping apt. Missing: ${missing[*]} (sudo apt-get install ${missing[*]})"
        return 0
    fi
    apt_install "${missing[@]}"
    ok "インストールしました: ${missing[*]}" "installed: ${missing[*]}"
}

# ---------------------------------------------------------------- Python virtualenv

_is_py311() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' >/dev/null 2>&1; }

# find_python311: prints a Python 3.11 interpreter, or nothing.
find_python311() {
    local c
    for c in "${PYTHON:-}" python3.11 python3 /root/.pyenv/versions/3.11*/bin/python3.11 /usr/bin/python3.11 /usr/local/bin/python3.11; do
        [ -n "$c" ] || continue
        command -v "$c" >/dev/null 2>&1 || [ -x "$c" ] || continue
        if _is_py311 "$c"; then
            "$c" -c 'import sys; print(sys.executable)'   # the real interpreter, not a pyenv shim
            return 0
        fi
    done
    return 1
}

# ensure_venv: .venv with Python 3.11 (recreated if it is broken or another version).
ensure_venv() {
    if [ -x "$PY" ] && _is_py311 "$PY"; then
        ok "仮想環境 .venv を使います" "using existing .venv"
        return 0
    fi
    if [ -e "$VENV" ]; then
        warn ".venv が壊れているか Python 3.11 ではないため作り直します" ".venv is broken or not Python 3.11: recreating it"
        rm -rf "$VENV"
    fi
    local base
    base="$(find_python311)" || true
    if [ -z "$base" ] && is_root && command -v apt-get >/dev/null 2>&1; then
        apt_install python3 python3-venv   # Debian 12's python3 is 3.11
        base="$(find_python311)" || true
    fi
    [ -n "$base" ] || die "Python 3.11 が見つかりません（PYTHON=/path/to/python3.11 で指定できます）" \
        "Python 3.11 not found (point PYTHON=/path/to/python3.11 at one)"
    step "仮想環境 .venv を作成しています ($base)" "creating .venv ($base)"
    if ! "$base" -m venv "$VENV" >/dev/null 2>&1; then
        rm -rf "$VENV"
        if is_root && command -v apt-get >/dev/null 2>&1; then
            apt_install python3.11-venv
            "$base" -m venv "$VENV" || die ".venv を作れませんでした" "could not create .venv"
        else
            die ".venv を作れませんでした（python3.11-venv が必要かもしれません）" \
                "could not create .venv (python3.11-venv may be missing)"
        fi
    fi
}

LOCK_FILE="$ROOT/requirements-dev.lock"

_deps_hash() { cat "$ROOT/pyproject.toml" "$LOCK_FILE" | sha256sum | cut -d' ' -f1; }

# _lock_matches_pyproject: every requirement of pyproject.toml (dev extras included) is met by what
# is installed, i.e. nobody changed pyproject.toml without running scripts/lock.
_lock_matches_pyproject() {
    "$PY" - "$ROOT/pyproject.toml" <<'EOF'
import sys, tomllib
from importlib.metadata import PackageNotFoundError, version
from packaging.requirements import Requirement

project = tomllib.load(open(sys.argv[1], "rb"))["project"]
wanted = project["dependencies"] + project.get("optional-dependencies", {}).get("dev", [])
bad = []
for line in wanted:
    req = Requirement(line)
    if req.marker and not req.marker.evaluate({"extra": "dev"}):
        continue
    try:
        have = version(req.name)
    except PackageNotFoundError:
        have = None
    if have is None or not req.specifier.contains(have, prereleases=True):
        bad.append(f"{line} (installed: {have or 'none'})")
for item in bad:
    print(f"    {item}", file=sys.stderr)
sys.exit(1 if bad else 0)
EOF
}

# ensure_deps: pip install -r requirements-dev.lock (exact versions of everything, dev tools
# included) only when it or pyproject.toml changed since the last install.
ensure_deps() {
    local want have=""
    [ -f "$LOCK_FILE" ] || die "requirements-dev.lock がありません（scripts/lock で作成します）" \
        "requirements-dev.lock is missing (scripts/lock creates it)"
    want="$(_deps_hash)"
    [ -f "$DEPS_STAMP" ] && have="$(cat "$DEPS_STAMP")"
    if [ "$want" = "$have" ]; then
        ok "Python 依存パッケージは最新です" "Python dependencies up to date"
        return 0
    fi
    step "Python 依存パッケージをインストールしています（requirements-dev.lock が変更されました）" \
        "installing Python dependencies (requirements-dev.lock changed)"
    local log="$ROOT/var/pip.log"
    mkdir -p "$ROOT/var"
    if ! "$PY" -m pip install -r "$LOCK_FILE" >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        die "pip install に失敗しました（ログ: $log）" "pip install failed (log: $log)"
    fi
    _lock_matches_pyproject || die \
        "requirements-dev.lock が pyproject.toml を満たしていません。scripts/lock を実行してください" \
        "requirements-dev.lock does not satisfy pyproject.toml: run scripts/lock"
    echo "$want" >"$DEPS_STAMP"
    ok "インストールしました" "installed"
}

# ---------------------------------------------------------------- front-end test tools

# ensure_node_deps: node_modules as package-lock.json pins it (axe-core for the accessibility gate).
# npm ci runs only when the lock changed; the tests never download anything themselves.
ensure_node_deps() {
    local stamp="$ROOT/node_modules/.kyogikai-lock.sha256" want have=""
    command -v npm >/dev/null 2>&1 || ensure_apt_packages nodejs npm
    command -v npm >/dev/null 2>&1 || die "npm がありません（apt-get install nodejs npm）" "npm is missing (apt-get install nodejs npm)"
    want="$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)"
    [ -f "$stamp" ] && have="$(cat "$stamp")"
    if [ "$want" = "$have" ]; then
        ok "npm パッケージは最新です" "npm packages up to date"
        return 0
    fi
    step "npm パッケージをインストールしています（package-lock.json）" "installing npm packages (package-lock.json)"
    local log="$ROOT/var/npm.log"
    mkdir -p "$ROOT/var"
    if ! (cd "$ROOT" && npm ci --no-audit --no-fund >"$log" 2>&1); then
        tail -n 30 "$log" >&2
        die "npm ci に失敗しました（ログ: $log）" "npm ci failed (log: $log)"
    fi
    echo "$want" >"$stamp"
    ok "インストールしました" "installed"
}

# ---------------------------------------------------------------- services

# url_part URL FIELD: host | port | db (stdlib only, no venv needed beyond Python).
url_part() {
    "$PY" - "$1" "$2" <<'EOF'
import sys
from urllib.parse import urlsplit, unquote
u = urlsplit(sys.argv[1])
field = sys.argv[2]
if field == "host":
    print(u.hostname or "127.0.0.1")
elif field == "port":
    print(u.port or (5432 if u.scheme.startswith("postgres") else 6379))
elif field == "db":
    print(unquote(u.path.lstrip("/")))
EOF
}

is_local_host() { case "$1" in 127.0.0.1|localhost|::1|/*) return 0 ;; *) return 1 ;; esac; }

# wait_for SECONDS CMD...: retries CMD once a second.
wait_for() {
    local n="$1"; shift
    while [ "$n" -gt 0 ]; do
        "$@" >/dev/null 2>&1 && return 0
        sleep 1; n=$((n - 1))
    done
    return 1
}

# Start every PostgreSQL cluster that is configured on this machine (Debian layout).
_pg_start_clusters() {
    local ver
    for ver in $(ls /etc/postgresql 2>/dev/null); do
        [ -d "/etc/postgresql/$ver/main" ] || continue
        pg_ctlcluster --skip-systemctl-redirect "$ver" main start >/dev/null 2>&1 || true
    done
}

# Local PostgreSQL only: trust on loopback, like this project's machines (only on a cluster we just installed).
_pg_trust_loopback() {
    local hba
    for hba in /etc/postgresql/*/main/pg_hba.conf; do
        [ -f "$hba" ] || continue
        grep -q '^# kyogikai: trust loopback' "$hba" && continue
        sed -i '1i # kyogikai: trust loopback (added by scripts/test on a fresh install)\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
    done
    local ver
    for ver in $(ls /etc/postgresql 2>/dev/null); do
        pg_ctlcluster --skip-systemctl-redirect "$ver" main reload >/dev/null 2>&1 || true
    done
}

# ensure_postgres: the server in DATABASE_URL answers; start/install it when it is local.
ensure_postgres() {
    local host port
    host="$(url_part "$DATABASE_URL" host)"; port="$(url_part "$DATABASE_URL" port)"
    # manage.py backup/restore run pg_dump/pg_restore: the client is needed even for a remote server.
    command -v pg_dump >/dev/null 2>&1 || ensure_apt_packages postgresql-client
    if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h "$host" -p "$port"; then
        ok "PostgreSQL 応答あり ($host:$port)" "PostgreSQL is up ($host:$port)"
        return 0
    fi
    is_local_host "$host" || die "PostgreSQL ($host:$port) に接続できません" "PostgreSQL at $host:$port is not reachable"
    local fresh=0
    if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
        is_root || die "PostgreSQL が入っていません（sudo apt-get install postgresql）" \
            "PostgreSQL is not installed (sudo apt-get install postgresql)"
        step "PostgreSQL をインストールしています" "installing PostgreSQL"
        # initdb takes the locale from the environment: make the new cluster UTF-8.
        LANG=C.UTF-8 LC_ALL=C.UTF-8 apt_install postgresql
        fresh=1
    fi
    step "PostgreSQL を起動しています" "starting PostgreSQL"
    _pg_start_clusters
    [ "$fresh" -eq 1 ] && _pg_trust_loopback
    wait_for 30 pg_isready -q -h "$host" -p "$port" \
        || die "PostgreSQL が起動しません（/var/log/postgresql/ を確認）" "PostgreSQL did not come up (see /var/log/postgresql/)"
    ok "PostgreSQL 起動しました ($host:$port)" "PostgreSQL started ($host:$port)"
}

# check_postgres_db: log in as DATABASE_URL's role, warn unless template0 is UTF-8
# (the test database is copied from it), and create DATABASE_URL's database if it is missing.
check_postgres_db() {
    "$PY" - <<'EOF' || die "DATABASE_URL のロールで PostgreSQL にログインできません" "cannot log in to PostgreSQL with DATABASE_URL's role"
import os, sys
import dj_database_url, psycopg
from psycopg import sql

cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
kw = {k: v for k, v in dict(host=cfg["HOST"] or None, port=cfg["PORT"] or None, user=cfg["USER"] or None,
                              password=cfg["PASSWORD"] or None).items() if v}
name = cfg["NAME"]
conn = None
for maint in ("postgres", name, "template1"):
    try:
        conn = psycopg.connect(dbname=maint, autocommit=True, connect_timeout=5, **kw)
        break
    except psycopg.OperationalError as exc:
        err = exc
if conn is None:
    print(f"    {err}".rstrip(), file=sys.stderr)
    sys.exit(1)
enc, ctype = conn.execute(
    "select pg_encoding_to_char(encoding), datctype from pg_database where datname = 'template0'").fetchone()
utf8 = enc == "UTF8" and ("utf8" in ctype.lower().replace("-", ""))
if utf8:
    print(f"    ✓ テンプレート template0 は {enc} / {ctype} です / template0 is {enc} / {ctype}")
else:
    print(f"!!  template0 が UTF-8 ではありません ({enc} / {ctype})。日本語の検索テストが失敗します。"
          f"クラスタを --locale=C.UTF-8 --encoding=UTF8 で作り直してください / template0 is not UTF-8 "
          f"({enc} / {ctype}); Japanese search tests will fail. Recreate the cluster with "
          f"--locale=C.UTF-8 --encoding=UTF8", file=sys.stderr)
exists = conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone()
if not exists:
    try:
        conn.execute(sql.SQL("create database {} template template0 encoding 'UTF8' "
                             "lc_collate 'C.UTF-8' lc_ctype 'C.UTF-8'").format(sql.Identifier(name)))
        print(f"    ✓ データベース {name} を作成しました / created database {name}")
    except psycopg.Error as exc:
        print(f"!!  データベース {name} を作れませんでした / could not create database {name}: {exc}",
              file=sys.stderr)
EOF
}

# ensure_redis: the server in REDIS_URL answers PING; start/install it when it is local.
_redis_ping() { "$PY" -c 'import os, redis; redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=3).ping()'; }

ensure_redis() {
    local host port
    host="$(url_part "$REDIS_URL" host)"; port="$(url_part "$REDIS_URL" port)"
    if _redis_ping >/dev/null 2>&1; then
        ok "Redis 応答あり ($host:$port)" "Redis is up ($host:$port)"
        return 0
    fi
    is_local_host "$host" || die "Redis ($host:$port) に接続できません" "Redis at $host:$port is not reachable"
    if ! command -v redis-server >/dev/null 2>&1; then
        is_root || die "Redis が入っていません（sudo apt-get install redis-server）" \
            "Redis is not installed (sudo apt-get install redis-server)"
        step "Redis をインストールしています" "installing Redis"
        apt_install redis-server
    fi
    if ! _redis_ping >/dev/null 2>&1; then
        step "Redis を起動しています" "starting Redis"
        local dir="/var/lib/redis" log="/var/log/redis/redis-server.log"
        [ -d "$dir" ] && [ -w "$dir" ] || dir="$ROOT/var"
        [ -d "${log%/*}" ] && [ -w "${log%/*}" ] || log="$ROOT/var/redis.log"
        mkdir -p "$ROOT/var"
        redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$port" --save "" --appendonly no \
            --dir "$dir" --logfile "$log" >/dev/null \
            || die "Redis を起動できません（$log）" "could not start Redis ($log)"
        wait_for 15 _redis_ping || die "Redis が応答しません（$log）" "Redis does not answer ($log)"
    fi
    ok "Redis 起動しました ($host:$port)" "Redis started ($host:$port)"
}

# print_mode: which database / queue this run uses.
print_mode() {
    if [ -n "${DATABASE_URL:-}" ]; then
        info "データベース: PostgreSQL ($(url_part "$DATABASE_URL" host):$(url_part "$DATABASE_URL" port)/$(url_part "$DATABASE_URL" db))" \
            "database: PostgreSQL (DATABASE_URL)"
    else
        info "データベース: SQLite (var/db.sqlite3)" "database: SQLite (var/db.sqlite3, embedded default)"
    fi
    if [ -n "${REDIS_URL:-}" ]; then
        info "非同期処理: Redis キュー + Celery ワーカー（scripts/worker を別に起動）" \
            "tasks: Redis queue + Celery worker (run scripts/worker separately)"
    else
        info "非同期処理: プロセス内で即時実行（Celery eager）" "tasks: run in-process (Celery eager)"
    fi
}
