"""Suggest existing issues of the same council whose Japanese text resembles a new one.

While someone raises an issue, the form shows the council's issues (open ones, and closed ones
from earlier years with what was learned) that read alike, so duplicates are merged early.

Method, chosen by measurement (labelled set ``tests/issues/data/similar_issue_pairs.json``:
32 issues, 17 queries phrased the way a member would type them; ``benchmarks/similarity.py``,
numbers in ``docs/benchmarks.md``):

- Text is NFKC-normalised (full-width ``ＡＢ１`` and half-width ``ｸﾞﾙｰﾌﾟ`` fold together), lower-cased,
  and stripped of spaces and punctuation. Japanese has no spaces, so it is cut into overlapping
  character **bigrams** (the CJK-bigram approach of Lucene/Elasticsearch). Bigrams made only of
  hiragana (particles and inflections: 「がな」「られ」) weigh 0.25 instead of 1, which keeps words
  written in kana (ひきこもり) without a hand-kept stop-word list.
- Score = 0.6 × Dice(query, title) + 0.4 × Dice(query, title + background), weighted Dice over the
  bigram sets, in 0..1. The title counts most: it is what a secretariat writes with care.
- Ranking runs in Python over the council's issues on **both** databases: one query fetches
  ``(id, title, background)`` of the council, a second loads the few winners.

Measured (labelled set; hit@3 = share of queries with a relevant issue in the top 3):

=================================================  =====  =====  =====
method                                             hit@3  P@3    MRR
=================================================  =====  =====  =====
bigrams, hiragana-only 0.25, title 0.6 (chosen)    1.00   0.94   1.00
bigrams, no hiragana weighting                     1.00   0.91   0.90
bigrams + trigrams                                 0.88   0.79   0.81
pg_trgm similarity, same title weighting           0.94   0.85   0.84
pg_trgm word_similarity, same title weighting      0.88   0.79   0.75
=================================================  =====  =====  =====

Time per suggestion (median; council of 30 / 300 / 3,000 issues): this module 1.7 / 4.0 / 29 ms
on SQLite and 3.2 / 5.9 / 36 ms on PostgreSQL (the first call of a process, before the bigram
cache is warm, 5 / 26 / 243 ms); pg_trgm similarity ordered in SQL 2.1 / 8.6 / 73 ms.

pg_trgm loses on both counts. Its trigrams are built per "word", and a Japanese sentence is one
long word, so a rephrased issue, which shares two-kanji words (入浴, 工賃, 後見) far more often than
three-character runs, ranks lower (MRR 0.84 against 1.00); it does not NFKC-fold (``ｸﾞﾙｰﾌﾟﾎｰﾑ``
shares no trigram with ``グループホーム``); and a weighted score over title and background cannot
use the GIN index, so it scans the council's rows anyway. A threshold prefilter through the index
would drop exactly the differently-worded matches this feature is for. Migration
``0003_similarity`` still installs ``pg_trgm`` and a GIN ``gin_trgm_ops`` index on the title on
PostgreSQL: it serves ``title__icontains`` searches of the issue list, and it is the way to a
prefilter should a council ever hold far more issues than a council does.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from council.models import Council
from issues.models import RegionalIssue

TITLE_WEIGHT = 0.6
KANA_ONLY_WEIGHT = 0.25
# Below this many characters (after normalisation) a text says too little to compare.
MIN_TEXT_CHARS = 3
# A floor well under the lowest score of a relevant issue in the labelled set (0.14): it drops
# texts that share only a word or two (障害, 支援), which would be noise in the form.
MIN_SCORE = 0.08
# A long background adds little beyond its opening and would slow every suggestion.
MAX_BACKGROUND_CHARS = 1000

_NOT_TEXT = re.compile(r"[\W_]+")
_HIRAGANA_ONLY = re.compile(r"^[\u3041-\u309f]+$")

Profile = dict[str, float]


@dataclass(frozen=True)
class SimilarIssue:
    issue: RegionalIssue
    score: float


def normalize(text: str) -> str:
    """NFKC, lower case, no spaces or punctuation (、。・「」 and the ASCII ones)."""
    return _NOT_TEXT.sub("", unicodedata.normalize("NFKC", text).lower())


@lru_cache(maxsize=20_000)
def profile(text: str) -> Profile:
    """Weighted character bigrams of ``text``; a one-character text is its own gram.

    Cached by the text itself (a pure function), so re-ranking a council's issues does not
    re-cut texts that have not changed.
    """
    norm = normalize(text)
    if len(norm) < 2:
        return {norm: 1.0} if norm else {}
    grams = {norm[i : i + 2] for i in range(len(norm) - 1)}
    return {g: KANA_ONLY_WEIGHT if _HIRAGANA_ONLY.match(g) else 1.0 for g in grams}


def _dice(query: Profile, query_total: float, other: Profile) -> float:
    if not other:
        return 0.0
    shared = sum(query[g] for g in query.keys() & other.keys())
    return 2 * shared / (query_total + sum(other.values()))


def score(query: Profile, *, title: str, background: str) -> float:
    """0..1: how much an issue with this title and background reads like the query."""
    if not query:
        return 0.0
    total = sum(query.values())
    whole = f"{title}\n{background[:MAX_BACKGROUND_CHARS]}"
    return TITLE_WEIGHT * _dice(query, total, profile(title)) + (1 - TITLE_WEIGHT) * _dice(
        query, total, profile(whole)
    )


def similar_issues(
    *, council: Council, text: str, exclude_id: int | None = None, limit: int = 5
) -> list[SimilarIssue]:
    """The ``limit`` issues of ``council`` most like ``text``, best first, any status.

    Two queries whatever the number of issues: the texts of the council, then the winners.
    Issues of other councils are never read. An empty or very short text gives [].
    """
    if limit <= 0 or len(normalize(text)) < MIN_TEXT_CHARS:
        return []
    query = profile(text)
    rows = RegionalIssue.objects.filter(council=council)
    if exclude_id is not None:
        rows = rows.exclude(id=exclude_id)
    best = heapq.nlargest(
        limit,
        (
            (s, -issue_id)  # ties: the older issue (smaller id) first, for a stable order
            for issue_id, title, background in rows.values_list("id", "title", "background").iterator(
                chunk_size=2000
            )
            if (s := score(query, title=title, background=background)) >= MIN_SCORE
        ),
    )
    if not best:
        return []
    issues = RegionalIssue.objects.select_related("body").in_bulk([-neg_id for _, neg_id in best])
    return [SimilarIssue(issue=issues[-neg_id], score=round(s, 4)) for s, neg_id in best if -neg_id in issues]
