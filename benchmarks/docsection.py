"""One section of docs/benchmarks.md, replaced in place: each benchmark script owns its heading."""

from __future__ import annotations

from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def replace_section(heading: str, section: str, doc: Path = DOC) -> None:
    """Put ``section`` (starting with ``heading``) where that heading's section is, or at the end.

    The file is read right before writing: other scripts write their own sections of it.
    """
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    if heading in text:
        start = text.index(heading)
        rest = text[start + len(heading) :]
        end = rest.find("\n## ")
        text = text[:start] + section + ("" if end < 0 else "\n" + rest[end + 1 :])
    else:
        text = text.rstrip("\n") + "\n\n" + section
    doc.write_text(text, encoding="utf-8")
