"""Write docs/accessibility.md, the JIS X 8341-3:2016 試験結果, from the accessibility gate's run.

    scripts/test tests/e2e/test_accessibility.py     # writes var/a11y/*.json
    .venv/bin/python scripts/a11y_report.py          # writes docs/accessibility.md

For each success criterion of level A and AA: how it was tested (axe-core's rules for it, run by
the gate on every page and error state; the manual checks below), and the result — 適合 (meets),
不適合 (fails: the gate found violations, listed), 非該当 (nothing on the site it applies to), or
未検証 (neither the gate nor a person has checked it yet: said plainly, never counted as 適合).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "var" / "a11y"
OUT = ROOT / "docs" / "accessibility.md"

# (number, 達成基準, level) — JIS X 8341-3:2016 = WCAG 2.0, levels A and AA.
CRITERIA = [
    ("1.1.1", "非テキストコンテンツ", "A"),
    ("1.2.1", "音声のみ及び映像のみ（収録済）", "A"),
    ("1.2.2", "キャプション（収録済）", "A"),
    ("1.2.3", "音声解説、又はメディアに対する代替（収録済）", "A"),
    ("1.2.4", "キャプション（ライブ）", "AA"),
    ("1.2.5", "音声解説（収録済）", "AA"),
    ("1.3.1", "情報及び関係性", "A"),
    ("1.3.2", "意味のある順序", "A"),
    ("1.3.3", "感覚的な特徴", "A"),
    ("1.4.1", "色の使用", "A"),
    ("1.4.2", "音声の制御", "A"),
    ("1.4.3", "コントラスト（最低限レベル）", "AA"),
    ("1.4.4", "テキストのサイズ変更", "AA"),
    ("1.4.5", "文字画像", "AA"),
    ("2.1.1", "キーボード", "A"),
    ("2.1.2", "キーボードトラップなし", "A"),
    ("2.2.1", "タイミング調整可能", "A"),
    ("2.2.2", "一時停止、停止、非表示", "A"),
    ("2.3.1", "3回の閃光、又は閾値以下", "A"),
    ("2.4.1", "ブロックスキップ", "A"),
    ("2.4.2", "ページタイトル", "A"),
    ("2.4.3", "フォーカス順序", "A"),
    ("2.4.4", "リンクの目的（コンテキスト内）", "A"),
    ("2.4.5", "複数の手段", "AA"),
    ("2.4.6", "見出し及びラベル", "AA"),
    ("2.4.7", "フォーカスの可視化", "AA"),
    ("3.1.1", "ページの言語", "A"),
    ("3.1.2", "一部分の言語", "AA"),
    ("3.2.1", "フォーカス時", "A"),
    ("3.2.2", "入力時", "A"),
    ("3.2.3", "一貫したナビゲーション", "AA"),
    ("3.2.4", "一貫した識別性", "AA"),
    ("3.3.1", "エラーの特定", "A"),
    ("3.3.2", "ラベル又は説明", "A"),
    ("3.3.3", "エラー修正の提案", "AA"),
    ("3.3.4", "エラー回避（法的、金融、データ）", "AA"),
    ("4.1.1", "構文解析", "A"),
    ("4.1.2", "名前（name）・役割（role）及び値（value）", "A"),
]

# What a person (or a test other than axe) established, with how. Criteria absent here and
# without axe rules are 未検証.
MANUAL: dict[str, tuple[str, str]] = {
    "1.2.1": ("非該当", "音声・映像のコンテンツはありません。"),
    "1.2.2": ("非該当", "音声・映像のコンテンツはありません。"),
    "1.2.3": ("非該当", "音声・映像のコンテンツはありません。"),
    "1.2.4": ("非該当", "ライブの音声・映像はありません。"),
    "1.2.5": ("非該当", "音声・映像のコンテンツはありません。"),
    "1.4.2": ("非該当", "自動で再生される音声はありません。"),
    "1.4.5": (
        "適合",
        "文字はすべてテキストで、文字画像は使っていません（テンプレートと静的ファイルを確認）。",
    ),
    "2.2.1": (
        "適合",
        "ログインの有効期限の前に警告を出し、「ログインを延長する」で延長できます"
        "（tests/accounts/test_session_idle.py）。",
    ),
    "2.2.2": ("非該当", "自動で動く、点滅する、スクロールする表示はありません。"),
    "2.3.1": ("非該当", "閃光を含む表示はありません。"),
    "3.3.1": (
        "適合",
        "送信に失敗したフォームは、冒頭のエラー一覧にフォーカスが移り、各項目へのリンクと"
        "aria-invalid / aria-describedby で誤りを示します（ゲートのエラー状態の試験で確認）。",
    ),
    "3.3.3": (
        "適合",
        "エラーメッセージは直し方を文章で示します（例: 和暦・西暦の書き方）。主なフォームのエラー状態をゲートで表示して確認。",
    ),
    "3.3.4": (
        "適合",
        "削除（匿名化）は確認の入力を求め、二重送信は1件だけ記録されます（tests/council/test_submit_once.py）。",
    ),
}


def axe_rules_by_criterion() -> dict[str, list[str]]:
    script = (
        "const axe=require('./node_modules/axe-core');const m={};"
        "for(const r of axe.getRules(['wcag2a','wcag2aa','wcag21a','wcag21aa']))"
        "for(const t of r.tags)if(/^wcag\\d{3,4}$/.test(t))(m[t]=m[t]||[]).push(r.ruleId);"
        "console.log(JSON.stringify({version: axe.version, rules: m}))"
    )
    out = json.loads(subprocess.run(["node", "-e", script], cwd=ROOT, capture_output=True, check=True).stdout)
    rules = {}
    for tag, ids in out["rules"].items():
        digits = tag[4:]
        number = f"{digits[0]}.{digits[1]}.{digits[2:]}"
        rules[number] = sorted(ids)
    rules["_version"] = out["version"]
    return rules


def main() -> None:
    files = sorted(RESULTS.glob("*.json"))
    if not files:
        raise SystemExit(
            "var/a11y/*.json がありません。先に scripts/test tests/e2e/test_accessibility.py を実行してください。"
        )
    rules = axe_rules_by_criterion()
    version = rules.pop("_version")
    pages: dict[str, int] = {}
    urls: set[str] = set()
    failing: dict[str, list[str]] = defaultdict(list)
    rule_to_criteria: dict[str, list[str]] = defaultdict(list)
    for number, ids in rules.items():
        for rule in ids:
            rule_to_criteria[rule].append(number)
    for path in files:
        results = json.loads(path.read_text(encoding="utf-8"))
        audited = [r for r in results if r.get("audited")]
        pages[path.stem] = len(audited)
        urls.update(r["url"] for r in audited)
        for r in audited:
            for v in r["violations"]:
                for number in rule_to_criteria.get(v["id"], []):
                    failing[number].append(f"{r['page']}（{v['id']}）")
    total = sum(pages.values())
    lines = [
        "# ウェブアクセシビリティ 試験結果（JIS X 8341-3:2016）",
        "",
        f"- 作成日: {dt.datetime.now(tz=ZoneInfo('Asia/Tokyo')):%Y年%-m月%-d日}（`scripts/a11y_report.py` が試験の結果から作成）",
        "- 目標とする適合レベル: AA（JIS X 8341-3:2016。達成基準は WCAG 2.0 と同じ）",
        f"- 試験の方法: axe-core {version} を Chromium で全ページに実行（規則のタグ wcag2a / wcag2aa / "
        "wcag21a / wcag21aa、無効にした規則なし）。URL の一覧（tests/security/test_url_walk.py）の全ページを、"
        "開くことのできる利用者の種類ごとに試験し、主なフォームは空のまま・誤った値で送信した状態も試験しました。"
        "自動試験で判定できない達成基準は、下の「方法」に書いた手動の確認によります。",
        f"- 試験したページ: {len(urls)} URL、のべ {total} ページ（"
        + "、".join(f"{who.replace('-errors', ' のエラー状態')} {n}" for who, n in sorted(pages.items()))
        + "）",
        "- 結果の読み方: 適合 / 不適合 / 非該当 / 未検証（自動試験の規則がなく、手動でもまだ確認していないもの。"
        "適合とはみなしません）",
        "",
        "| 達成基準 | レベル | 方法 | 結果 | 備考 |",
        "|---|---|---|---|---|",
    ]
    counts: dict[str, int] = defaultdict(int)
    for number, name, level in CRITERIA:
        auto = rules.get(number, [])
        manual = MANUAL.get(number)
        methods = []
        if auto:
            methods.append(f"自動（{', '.join(auto[:4])}{' ほか' if len(auto) > 4 else ''}）")
        if manual:
            methods.append("手動")
        if failing.get(number):
            result = "不適合"
            note = "、".join(sorted(set(failing[number]))[:5])
        elif manual:
            result, note = manual
        elif auto:
            result, note = "適合", "自動試験で違反なし（自動試験で判定できる範囲）。"
        else:
            result, note = "未検証", "手動での確認がまだです。"
        counts[result] += 1
        lines.append(f"| {number} {name} | {level} | {' + '.join(methods) or '—'} | {result} | {note} |")
    lines += [
        "",
        "集計: " + "、".join(f"{k} {counts[k]}" for k in ("適合", "不適合", "非該当", "未検証")),
        "",
        "自動試験で「適合」とした達成基準も、axe-core が判定できるのはその一部です（例: 1.1.1 は代替テキストの"
        "有無を判定できても、その内容の適切さは判定できません）。未検証の項目は、キーボードだけでの操作、"
        "200 % 拡大と 320 px 幅での表示、読み上げ順序の確認を手動で行ってから更新します。",
        "",
    ]
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {dict(counts)}")


if __name__ == "__main__":
    main()
