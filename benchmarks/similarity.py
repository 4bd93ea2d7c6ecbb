"""Benchmark of issues.similarity: quality on the labelled set and time per suggestion.

Run from the project root, once per database:

    DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python benchmarks/similarity.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kyogikai_bench \\
        DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python benchmarks/similarity.py

It works in a scratch database (Django's test database: a temporary SQLite file, or
``test_<name>`` on PostgreSQL created from template0) and drops it at the end. Each run stores
its numbers in var/bench-similarity-<vendor>.json and rewrites the section of
docs/benchmarks.md from the runs stored so far.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402
from django.conf import settings  # noqa: E402

if not os.environ.get("DATABASE_URL"):
    # A file, not :memory:, so the timings include reading from disk like the embedded default.
    settings.DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.mkdtemp()) / "bench.sqlite3")}
django.setup()

from django.db import connection  # noqa: E402
from django.db.models import F, TextField, Value  # noqa: E402
from django.db.models.functions import Concat  # noqa: E402
from django.utils import timezone  # noqa: E402

DATA = ROOT / "tests" / "issues" / "data" / "similar_issue_pairs.json"
DOC = ROOT / "docs" / "benchmarks.md"
HEADING = "## 類似課題の提案 (issues.similarity)"
SIZES = (30, 300, 3000)


def quality(ranked_keys_per_query: list[list[str]], queries: list[dict]) -> dict[str, float]:
    hits = precision = rr = 0.0
    for ranked, q in zip(ranked_keys_per_query, queries, strict=True):
        relevant = set(q["relevant"])
        top = ranked[:3]
        hits += any(k in relevant for k in top)
        precision += sum(k in relevant for k in top) / min(3, len(relevant))
        rank = next((i for i, k in enumerate(ranked) if k in relevant), None)
        rr += 0 if rank is None else 1 / (rank + 1)
    n = len(queries)
    return {"hit@3": round(hits / n, 3), "P@3": round(precision / n, 3), "MRR": round(rr / n, 3)}


def make_council(name: str):
    from council.models import BodyKind
    from council.services import body_create
    from tests.factories import CouncilFactory

    council = CouncilFactory(name=name)
    body = body_create(
        council=council, name="相談支援部会", kind=BodyKind.SUBCOMMITTEE, from_fiscal_year=2019
    )
    return council, body


def seed_labelled(body) -> dict[int, str]:
    from issues.models import RegionalIssue

    data = json.loads(DATA.read_text(encoding="utf-8"))
    key_by_id = {}
    for row in data["issues"]:
        issue = RegionalIssue.objects.create(
            council=body.council,
            body=body,
            title=row["title"],
            background=row["background"],
            status=row["status"],
            raised_on=dt.date.fromisoformat(row["raised_on"]),
        )
        key_by_id[issue.id] = row["key"]
    return key_by_id


def seed_bulk(body, n: int) -> None:
    """``n`` issues with realistic lengths: the labelled texts, varied and recombined."""
    from issues.models import RegionalIssue

    data = json.loads(DATA.read_text(encoding="utf-8"))["issues"]
    rows = []
    for i in range(n):
        a, b = data[i % len(data)], data[(i * 7 + 3) % len(data)]
        rows.append(
            RegionalIssue(
                council=body.council,
                body=body,
                title=f"{a['title']}（{i}件目の報告）",
                background=f"{a['background']}{b['background']}",
                raised_on=dt.date(2015 + i % 10, 4 + i % 9, 1 + i % 28),
            )
        )
    RegionalIssue.objects.bulk_create(rows, batch_size=1000)


def rank_python(council, text):
    from issues.similarity import similar_issues

    return [s.issue.id for s in similar_issues(council=council, text=text, limit=10)]


def rank_pg_trgm(council, text, *, word: bool):
    from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity

    from issues.models import RegionalIssue

    whole = Concat(F("title"), Value("\n"), F("background"), output_field=TextField())
    if word:  # word_similarity(query, field): how well the query fits inside the field
        title_sim, whole_sim = (
            TrigramWordSimilarity(Value(text), "title"),
            TrigramWordSimilarity(Value(text), whole),
        )
    else:
        title_sim, whole_sim = TrigramSimilarity("title", Value(text)), TrigramSimilarity(whole, Value(text))
    rows = (
        RegionalIssue.objects.filter(council=council)
        .annotate(sim=0.6 * title_sim + 0.4 * whole_sim)
        .order_by("-sim", "id")
        .values_list("id", flat=True)[:10]
    )
    return list(rows)


def time_per_call(fn, texts, repeat=3) -> float:
    """Median milliseconds per suggestion."""
    samples = []
    for _ in range(repeat):
        for text in texts:
            start = time.perf_counter()
            fn(text)
            samples.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(samples), 2)


def run() -> dict:
    from issues.similarity import profile

    data = json.loads(DATA.read_text(encoding="utf-8"))
    queries = data["queries"]
    texts = [q["text"] for q in queries]
    vendor = connection.vendor
    result = {"vendor": vendor, "quality": {}, "ms_per_suggestion": {}}

    council, body = make_council("ベンチ市地域自立支援協議会")
    key_by_id = seed_labelled(body)
    methods = {"bigrams in Python (chosen)": rank_python}
    if vendor == "postgresql":
        methods["pg_trgm similarity"] = lambda c, t: rank_pg_trgm(c, t, word=False)
        methods["pg_trgm word_similarity"] = lambda c, t: rank_pg_trgm(c, t, word=True)
    for name, fn in methods.items():
        ranked = [[key_by_id[i] for i in fn(council, t)] for t in texts]
        result["quality"][name] = quality(ranked, queries)

    # Scores that the threshold must keep (the best relevant one per query) and drop.
    from issues.similarity import similar_issues

    kept, noise = [], []
    for q in queries:
        for s in similar_issues(council=council, text=q["text"], limit=32):
            (kept if key_by_id[s.issue.id] in q["relevant"] else noise).append(s.score)
    result["lowest relevant score"] = min(kept)
    result["noise scores (median, 90th pct)"] = [
        round(statistics.median(noise), 3),
        round(statistics.quantiles(noise, n=10)[-1], 3),
    ]

    for size in SIZES:
        big, big_body = make_council(f"規模{size}市地域自立支援協議会")
        seed_bulk(big_body, size)
        profile.cache_clear()
        cold = time_per_call(lambda t, c=big: rank_python(c, t), texts[:1], repeat=1)
        timings = {
            "bigrams in Python, first call (cold cache)": cold,
            "bigrams in Python": time_per_call(lambda t, c=big: rank_python(c, t), texts),
        }
        if vendor == "postgresql":
            timings["pg_trgm similarity"] = time_per_call(
                lambda t, c=big: rank_pg_trgm(c, t, word=False), texts
            )
        result["ms_per_suggestion"][str(size)] = timings
    return result


def write_doc(results: list[dict]) -> None:
    lines = [
        HEADING,
        "",
        f"Date: {timezone.localdate().isoformat()}. Machine: {platform.node() or 'unknown'}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}. "
        "Run: `DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python benchmarks/similarity.py` "
        "(and with `DATABASE_URL` for PostgreSQL).",
        "",
        "Quality on `tests/issues/data/similar_issue_pairs.json` (32 issues, 17 queries; "
        "hit@3 = share of queries with a relevant issue in the top 3):",
        "",
        "| database | method | hit@3 | P@3 | MRR |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in results:
        for method, q in r["quality"].items():
            lines.append(f"| {r['vendor']} | {method} | {q['hit@3']} | {q['P@3']} | {q['MRR']} |")
    lines += [
        "",
        "Milliseconds per suggestion (median over the 17 queries × 3), by issues in the council:",
        "",
    ]
    lines += [
        "| database | method | " + " | ".join(str(s) for s in SIZES) + " |",
        "| --- | --- |" + " --- |" * len(SIZES),
    ]
    for r in results:
        methods = next(iter(r["ms_per_suggestion"].values())).keys()
        for m in methods:
            cells = " | ".join(str(r["ms_per_suggestion"][str(s)][m]) for s in SIZES)
            lines.append(f"| {r['vendor']} | {m} | {cells} |")
    lines.append("")
    for r in results:
        lines.append(
            f"Scores ({r['vendor']}): lowest of a relevant issue {r['lowest relevant score']}; non-relevant "
            f"issues above the threshold `MIN_SCORE` = 0.08, median/90th percentile "
            f"{r['noise scores (median, 90th pct)']}."
        )
    lines += [
        "",
        "A sweep over the same set (n-gram sizes 1-3, Dice/Jaccard/cosine, title weight 0.4-0.7, "
        "particle handling) put plain bigrams at 1.00/0.91/0.90 and bigrams+trigrams at 0.88/0.79/0.81; "
        "bigrams with hiragana-only bigrams weighted 0.25 and title weight 0.4-0.6 gave the row above. "
        "Why pg_trgm is not used for ranking: see the docstring of `issues/similarity.py`.",
    ]
    section = "\n".join(lines) + "\n"

    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n\n"
    if HEADING in text:
        before, _, after = text.partition(HEADING)
        rest = after.split("\n## ", 1)
        text = before + section + (("\n## " + rest[1]) if len(rest) > 1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text, encoding="utf-8")


def main() -> None:
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        result = run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    store = ROOT / "var" / f"bench-similarity-{result['vendor']}.json"
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))
    results = [
        json.loads((ROOT / "var" / f"bench-similarity-{v}.json").read_text(encoding="utf-8"))
        for v in ("sqlite", "postgresql")
        if (ROOT / "var" / f"bench-similarity-{v}.json").exists()
    ]
    write_doc(results)


if __name__ == "__main__":
    main()
