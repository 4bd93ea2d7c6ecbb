"""Benchmark of the key pages, served by gunicorn, at the demo's size (1×) and at prefecture scale.

Run from the project root (PostgreSQL and Redis running; installs Debian's ``wrk`` when missing):

    .venv/bin/python benchmarks/pages.py            # rewrites "## ページの速さ (pages)" in docs/benchmarks.md
    .venv/bin/python benchmarks/pages.py --quick    # shorter runs, prints only

    BENCH_PAGES_DB=postgres://postgres@127.0.0.1:5432/kyogikai_pages   (prefix; _1x and _pref are added)
    BENCH_PAGES_REBUILD=1                                              (drop and rebuild both databases)

What it does, in one run:

1. Builds (or reuses) two scratch databases — never point these at a real one: **1×** is
   ``load_demo`` (the demo councils, one past 年度); **prefecture** is
   ``load_demo --scale 50 --issues-per-year 50`` (52 councils, ten 年度 of meetings and ~20,000
   issues with their moves). The measured council is ``demo`` (みどり野市) in both.
2. Serves each with gunicorn (``bench_site.settings``: the app's settings plus two baseline pages and
   an ``X-Bench-Queries`` header counting every SQL statement of the request), both at once.
3. Chooses the gunicorn settings by measurement: a few worker/thread combinations on the frame and
   the issue page at prefecture scale; the rest runs with the best of them.
4. Measures, alternating page by page and scale by scale in several rounds, every key page against
   two baselines — **minimal** (signed in, one indexed 50-row query, a bare template) and **the frame**
   (a council page extending ``base.html`` with the menu, one 50-row query): single-request time
   (best of N over keep-alive; on a shared machine other work only ever adds time), throughput and
   p95 latency at 16 connections (``wrk -t2 -c16``; median of the rounds), SQL statements and
   page weight.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.docsection import replace_section  # noqa: E402

PY = (
    str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
)
HEADING = "## ページの速さ (pages)"
DB_PREFIX = os.environ.get("BENCH_PAGES_DB", "postgres://postgres@127.0.0.1:5432/kyogikai_pages")
REDIS_URL = os.environ.get("BENCH_PAGES_REDIS", "redis://127.0.0.1:6379/12")
SCALES = {
    "1x": [],
    "pref": ["--scale", "50", "--issues-per-year", "50"],
}
SLUG = "demo"
CONNECTIONS = 16
# Gunicorn settings tried (workers, threads); threads > 1 uses the gthread worker.
CONFIGS = [(2, 1), (3, 1), (4, 1), (2, 4)]
# Targets of the issue "Fast at prefecture scale".
TARGET_FRAME_RATIO = 2.0
TARGET_GROWTH = 1.2
TARGET_QUERIES = 10
TARGET_THROUGHPUT = 0.5
TARGET_P95_MS = 250.0


def db_url(scale: str) -> str:
    return f"{DB_PREFIX}_{scale}"


def env_for(scale: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url(scale),
        REDIS_URL=REDIS_URL,
        DJANGO_DEBUG="false",
        PYTHONPATH=f"{ROOT / 'benchmarks'}:{ROOT}",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


# -- databases ----------------------------------------------------------------------------------


def psql(sql: str) -> str:
    base = DB_PREFIX.rsplit("/", 1)[0] + "/postgres"
    out = subprocess.run(["psql", base, "-tAc", sql], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def ensure_database(scale: str, rebuild: bool) -> dict:
    name = db_url(scale).rsplit("/", 1)[1]
    exists = psql(f"select 1 from pg_database where datname = '{name}'") == "1"
    if exists and rebuild:
        psql(f'drop database "{name}"')
        exists = False
    if not exists:
        psql(f'create database "{name}"')
    env = env_for(scale)
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    started = time.perf_counter()
    subprocess.run(
        [PY, "manage.py", "load_demo", "-v", "0", *SCALES[scale]],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return {"built": not exists, "seconds": time.perf_counter() - started}


# -- the child: sessions and URLs, from inside Django ----------------------------------------------


def child() -> None:
    """Prints JSON: the session cookie of the demo secretariat, the pages' URLs and the sizes."""
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "bench_site.settings"
    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from council.access import has_confirmed_pledge
    from council.models import Body, Council
    from issues.models import OPEN_STATUSES, IssueMove, RegionalIssue
    from meetings.models import Meeting, MeetingStatus
    from privacy.services import pledge_confirm

    council = Council.objects.get(slug=SLUG)
    user = get_user_model().objects.get(username="demo-secretariat")
    # The secretariat reads case conferences and the history: the 守秘義務 pledge, as a user would.
    if not has_confirmed_pledge(user, council.pk):
        pledge_confirm(user=user, council=council)
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    body = (
        Body.objects.filter(council=council, kind="subcommittee")
        .annotate(n=Count("meetings"))
        .order_by("-n", "pk")
        .first()
    )
    meeting = Meeting.objects.filter(body=body, status=MeetingStatus.HELD).order_by("-date", "-pk").first()
    issue = (
        RegionalIssue.objects.filter(council=council, status__in=OPEN_STATUSES)
        .annotate(n=Count("moves"))
        .order_by("-n", "pk")
        .first()
    )
    pages = [
        ("minimal", "基準: 最小のページ", reverse("bench_minimal")),
        ("frame", "基準: 枠（メニュー付き）", reverse("bench_frame", args=[SLUG])),
        ("home", "協議会のトップ", reverse("council_home", args=[SLUG])),
        ("body", "会議体のページ", reverse("body_detail", args=[SLUG, body.pk])),
        ("schedule", "全体スケジュール", reverse("schedule", args=[SLUG])),
        ("issues", "地域課題の一覧", reverse("issue_list", args=[SLUG])),
        ("dashboard", "開催状況", reverse("dashboard", args=[SLUG])),
        ("issue", "地域課題のページ", reverse("issue_detail", args=[SLUG, issue.pk])),
        ("meeting", "会議のページ", reverse("meeting_detail", args=[SLUG, meeting.pk])),
        ("reports", "報告書", reverse("report_list", args=[SLUG])),
        ("audit", "変更履歴", reverse("audit_search", args=[SLUG])),
        ("admin_meetings", "管理画面: 会議", reverse("admin:meetings_meeting_changelist")),
        ("admin_issues", "管理画面: 地域課題", reverse("admin:issues_regionalissue_changelist")),
    ]
    sizes = {
        "councils": Council.objects.count(),
        "bodies": Body.objects.count(),
        "meetings": Meeting.objects.count(),
        "issues": RegionalIssue.objects.count(),
        "moves": IssueMove.objects.count(),
        "council_meetings": Meeting.objects.filter(body__council=council).count(),
        "council_issues": RegionalIssue.objects.filter(council=council).count(),
        "issue_moves": issue.moves.count(),
        "open_issues": RegionalIssue.objects.filter(council=council, status__in=OPEN_STATUSES).count(),
    }
    print(json.dumps({"cookie": cookie, "pages": pages, "sizes": sizes}))


def session_for(scale: str) -> dict:
    out = subprocess.run(
        [PY, str(Path(__file__).resolve()), "--child"],
        cwd=ROOT,
        env=env_for(scale),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- gunicorn -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, scale: str, workers: int, threads: int) -> None:
        self.scale, self.workers, self.threads = scale, workers, threads
        self.port = free_port()
        env = env_for(scale)
        env["DJANGO_SETTINGS_MODULE"] = "bench_site.settings"
        args = [
            PY,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-b",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ]
        if threads > 1:
            args += ["--worker-class", "gthread", "--threads", str(threads)]
        self.proc = subprocess.Popen(args, cwd=ROOT, env=env)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start on port {self.port}")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def fetch(conn: http.client.HTTPConnection, path: str, cookie: str) -> tuple[int, int, int]:
    conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
    response = conn.getresponse()
    body = response.read()
    return response.status, len(body), int(response.getheader("X-Bench-Queries", "-1"))


def single(server: Server, path: str, cookie: str, n: int) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    status, weight, queries = fetch(conn, path, cookie)  # warm: templates, caches, the connection
    if status != 200:
        raise RuntimeError(f"{path}: HTTP {status} at {server.scale}")
    runs = []
    for _ in range(n):
        start = time.perf_counter()
        fetch(conn, path, cookie)
        runs.append(time.perf_counter() - start)
    conn.close()
    return {
        "best_ms": min(runs) * 1000,
        "median_ms": statistics.median(runs) * 1000,
        "bytes": weight,
        "queries": queries,
    }


WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(95), summary.errors.status, summary.errors.timeout + summary.errors.connect + summary.errors.read))
end
"""


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)
    return shutil.which("wrk") or "wrk"


def load(wrk: str, script: str, server: Server, path: str, cookie: str, seconds: int) -> dict:
    out = subprocess.run(
        [
            wrk,
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            script,
            "-H",
            f"Cookie: {cookie}",
            f"http://127.0.0.1:{server.port}{path}",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    line = next(line for line in out.stdout.splitlines() if line.startswith("BENCH "))
    requests, duration_us, p95_us, bad_status, errors = (int(x) for x in line.split()[1:])
    if bad_status or errors:
        raise RuntimeError(f"{path}: {bad_status} non-2xx answers and {errors} errors under load")
    return {"rps": requests / (duration_us / 1e6), "p95_ms": p95_us / 1000}


# -- the run ------------------------------------------------------------------------------------


def main() -> None:
    quick = "--quick" in sys.argv
    rounds, n_single, seconds = (1, 5, 2) if quick else (3, 15, 4)
    rebuild = os.environ.get("BENCH_PAGES_REBUILD") == "1"
    wrk = ensure_wrk()
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(WRK_SCRIPT)
    started = time.perf_counter()
    built = {scale: ensure_database(scale, rebuild) for scale in SCALES}
    info = {scale: session_for(scale) for scale in SCALES}
    for scale in SCALES:
        print(f"{scale}: {info[scale]['sizes']} (load_demo {built[scale]['seconds']:.0f} s)", flush=True)

    # 1. gunicorn settings, by measurement: the frame and the issue page at prefecture scale.
    sweep = []
    for workers, threads in CONFIGS if not quick else CONFIGS[:1]:
        server = Server("pref", workers, threads)
        try:
            pages = dict((key, path) for key, _label, path in info["pref"]["pages"])
            row = {"workers": workers, "threads": threads}
            for key in ("frame", "issue"):
                single(server, pages[key], info["pref"]["cookie"], 3)  # warm every worker a little
                row[key] = load(wrk, str(script), server, pages[key], info["pref"]["cookie"], seconds)
            sweep.append(row)
            print(f"gunicorn {workers}×{threads}: {row}", flush=True)
        finally:
            server.stop()
    chosen = max(sweep, key=lambda r: (r["frame"]["rps"] + r["issue"]["rps"]) / 2)
    workers, threads = chosen["workers"], chosen["threads"]

    # 2. every page, both scales, alternating.
    servers = {scale: Server(scale, workers, threads) for scale in SCALES}
    results: dict[tuple[str, str], dict] = {}
    try:
        for _round in range(rounds):
            for key, _label, _path in info["1x"]["pages"]:
                for scale in SCALES:
                    path = dict((k, p) for k, _l, p in info[scale]["pages"])[key]
                    cookie = info[scale]["cookie"]
                    s = single(servers[scale], path, cookie, n_single)
                    t = load(wrk, str(script), servers[scale], path, cookie, seconds)
                    r = results.setdefault((key, scale), {"best": [], "rps": [], "p95": []})
                    r["best"].append(s["best_ms"])
                    r["rps"].append(t["rps"])
                    r["p95"].append(t["p95_ms"])
                    r["bytes"], r["queries"] = s["bytes"], s["queries"]
                    print(
                        f"{key:15} {scale:4} {s['best_ms']:7.1f} ms {t['rps']:7.1f}/s p95 {t['p95_ms']:6.0f} ms "
                        f"{s['queries']:3} q {s['bytes'] / 1024:6.1f} KB",
                        flush=True,
                    )
    finally:
        for server in servers.values():
            server.stop()
    summary = {
        key: {
            "best": min(r["best"]),
            "rps": statistics.median(r["rps"]),
            "p95": statistics.median(r["p95"]),
            "bytes": r["bytes"],
            "queries": r["queries"],
        }
        for key, r in results.items()
    }
    elapsed = time.perf_counter() - started
    section = render(info, built, sweep, chosen, summary, rounds, n_single, seconds, elapsed)
    print(section)
    if not quick:
        replace_section(HEADING, section)


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def render(info, built, sweep, chosen, summary, rounds, n_single, seconds, elapsed) -> str:
    sizes = info["pref"]["sizes"]
    small = info["1x"]["sizes"]
    load_avg = os.getloadavg()[0]
    lines = [
        HEADING,
        "",
        f"Date: {dt.datetime.now(dt.UTC).date().isoformat()}. Machine: {platform.node() or 'vm'}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs (load average {load_avg:.1f} at the end, the benchmark's own wrk and gunicorn included), "
        f"Python {platform.python_version()}, PostgreSQL, gunicorn. Run: `.venv/bin/python benchmarks/pages.py` "
        f"({elapsed / 60:.0f} min; {rounds} rounds, best of {n_single} single requests, `wrk -t2 -c{CONNECTIONS} -d{seconds}s`).",
        "",
        f"Data: **1×** = `load_demo` ({small['councils']} councils, {small['meetings']:,} meetings, "
        f"{small['issues']:,} issues, {small['moves']:,} moves; みどり野市 {small['council_meetings']:,} meetings, "
        f"{small['council_issues']:,} issues). **prefecture** = `load_demo --scale 50 --issues-per-year 50` "
        f"({sizes['councils']} councils, {sizes['bodies']:,} bodies, {sizes['meetings']:,} meetings, "
        f"{sizes['issues']:,} issues, {sizes['moves']:,} moves; みどり野市 {sizes['council_meetings']:,} meetings, "
        f"{sizes['council_issues']:,} issues; built in {built['pref']['seconds']:.0f} s when new). "
        f"The issue page shows the open issue with the most moves ({sizes['issue_moves']} moves).",
        "",
        "Gunicorn settings, chosen by measurement (throughput at 16 connections, prefecture scale):",
        "",
        "| workers × threads | frame (req/s) | frame p95 (ms) | issue page (req/s) | issue page p95 (ms) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in sweep:
        star = " (chosen)" if row is chosen else ""
        lines.append(
            f"| {row['workers']} × {row['threads']}{star} | {row['frame']['rps']:.0f} | {row['frame']['p95_ms']:.0f} "
            f"| {row['issue']['rps']:.0f} | {row['issue']['p95_ms']:.0f} |"
        )
    lines += [
        "",
        f"Targets: single request ≤ {TARGET_FRAME_RATIO}× the frame, growth 1× → prefecture ≤ {TARGET_GROWTH}×, "
        f"≤ {TARGET_QUERIES} queries, throughput ≥ {TARGET_THROUGHPUT}× the frame's with p95 ≤ {TARGET_P95_MS:.0f} ms "
        "(checked at prefecture scale). Queries count every statement of the request (session, user, "
        "roles and pledge included).",
        "",
        "| page | single request 1× → prefecture (ms) | × frame | growth | req/s 1× / pref | × frame | p95 pref (ms) | queries | KB (pref) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    frame_small, frame_pref = summary[("frame", "1x")], summary[("frame", "pref")]
    for key, label, _path in info["1x"]["pages"]:
        a, b = summary[(key, "1x")], summary[(key, "pref")]
        growth = b["best"] / a["best"]
        ratio = b["best"] / frame_pref["best"]
        tput = b["rps"] / frame_pref["rps"]
        baseline = key in {"minimal", "frame"}
        checks = {
            "ratio": ratio <= TARGET_FRAME_RATIO,
            "growth": growth <= TARGET_GROWTH,
            "tput": tput >= TARGET_THROUGHPUT and b["p95"] <= TARGET_P95_MS,
            "q": max(a["queries"], b["queries"]) <= TARGET_QUERIES,
        }
        c = {k: "" if baseline else f" {_mark(v)}" for k, v in checks.items()}
        queries = f"{a['queries']}" if a["queries"] == b["queries"] else f"{a['queries']} → {b['queries']}"
        lines.append(
            f"| {label} | {a['best']:.1f} → {b['best']:.1f} | {ratio:.2f}×{c['ratio']} | {growth:.2f}×{c['growth']} "
            f"| {a['rps']:.0f} / {b['rps']:.0f} | {tput:.2f}×{c['tput']} | {b['p95']:.0f} | {queries}{c['q']} "
            f"| {b['bytes'] / 1024:.1f} |"
        )
    lines += [
        "",
        f"The frame itself: {frame_small['best']:.1f} → {frame_pref['best']:.1f} ms, "
        f"{frame_small['rps']:.0f} / {frame_pref['rps']:.0f} req/s.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if {"-h", "--help"} & set(sys.argv[1:]):
        print(__doc__)
    elif sys.argv[1:2] == ["--child"]:
        child()
    else:
        main()
