"""Fictional demo data: councils, bodies, people, meetings, regional issues and yearly documents.

``python manage.py load_demo`` is a thin wrapper around :func:`load`. Everything here is invented:
the cities (みどり野市, さくら台町, あおば県 …), the agencies and the people. Real records (see
``/work/shared/reference``) were read only for the *shape* of the data — never copy a name from them.

Design:

* One transaction per run: a failed run leaves nothing half-built.
* Idempotent: a council whose slug already exists is left alone; demo users are only created when
  missing (their password is not reset). ``reset`` deletes the demo councils and users first.
* Deterministic: every choice comes from ``random.Random`` seeded by the council's slug; meeting
  states (held / planned) and issue histories depend on ``today`` only, which callers may pin.
* The structure, memberships, meetings and issue moves go through the services
  (``council.services``, ``meetings.services``, ``issues.services``) for the first council. The
  copies made by ``--scale N`` write memberships and meetings with ``bulk_create`` (the same rows,
  computed the same way) so that ``--scale 10`` stays fast; their issues still go through the
  services, so every history is checked by the workflow rules.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone

from council.models import (
    Body,
    BodyKind,
    BodyStatusKind,
    ConsultationLayer,
    Council,
    CouncilLevel,
    Membership,
    MembershipRole,
    Organization,
    OrganizationKind,
    Person,
    Role,
    RoleKind,
)
from council.services import (
    body_create,
    body_rename,
    body_set_status,
    body_succeed,
    membership_add,
    role_grant,
)
from council.wareki import (
    current_fiscal_year,
    fiscal_month_date,
    fiscal_year_bounds,
    format_fiscal_year,
    format_wareki,
)
from issues.models import (
    ActionPlan,
    ActionPlanRow,
    IssueMove,
    IssueOrigin,
    IssueStatus,
    MoveKind,
    RegionalIssue,
    Theme,
)
from issues.services import issue_move, issue_raise
from issues.workflow import plan_move
from meetings.models import Attendance, GuestAttendance, Meeting, MeetingFormat, MeetingItem, MeetingStatus
from meetings.services import meeting_create, meeting_record_held, meeting_set_attendance, meeting_set_items
from subcommittees.models import (
    ActivityPolicy,
    Evaluation,
    EvaluationComment,
    EvaluationReview,
    EvaluationStatus,
    NextYearDecision,
    ProgressReport,
)

SEED = "kyogikai-demo"
PASSWORD = "demo-pass-2026"
MAIN_SLUG = "demo"
PREF_SLUG = "demo-pref"
OTHER_SLUG = "demo-other"
# How many fiscal years back ``--scale N`` goes at most (N years back, N > 1).
MAX_YEARS_BACK = 10
MAX_SCALE = 200

PREF_NAME = "あおば県"
PREF_COUNCIL_NAME = "あおば県自立支援協議会"

# Fictional municipalities for demo, demo-2 … (beyond the list: みどり野市（11）…).
CITIES = [
    ("みどり野市", "みどり野", "みどりのし"),
    ("ひだまり市", "ひだまり", "ひだまりし"),
    ("はなさき市", "はなさき", "はなさきし"),
    ("ほしぞら市", "ほしぞら", "ほしぞらし"),
    ("ゆうなぎ市", "ゆうなぎ", "ゆうなぎし"),
    ("せせらぎ市", "せせらぎ", "せせらぎし"),
    ("こはる市", "こはる", "こはるし"),
    ("なごみ市", "なごみ", "なごみし"),
    ("そらいろ市", "そらいろ", "そらいろし"),
    ("いろは野市", "いろは野", "いろはのし"),
]


def council_slug(index: int) -> str:
    return MAIN_SLUG if index == 0 else f"{MAIN_SLUG}-{index + 1}"


def city_of(index: int) -> tuple[str, str]:
    if index < len(CITIES):
        return CITIES[index][0], CITIES[index][1]
    return f"みどり野市（{index + 1}）", f"みどり野（{index + 1}）"


def demo_slug_filter() -> Q:
    """All councils this module creates: demo, demo-2 … demo-N, demo-pref, demo-other."""
    return Q(slug__in=[MAIN_SLUG, PREF_SLUG, OTHER_SLUG]) | Q(slug__regex=r"^demo-[0-9]+$")


# --------------------------------------------------------------------------------------------
# Demo logins
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    last_name: str  # family name (姓)
    first_name: str  # given name (名)
    council_slug: str
    kind: str
    body_key: str | None  # for chair / member roles
    person_key: str | None  # the Person row linked to the account
    role_ja: str
    role_en: str


DEMO_USERS = [
    DemoUser(
        "demo-secretariat",
        "桑原",
        "一郎",
        MAIN_SLUG,
        RoleKind.SECRETARIAT,
        None,
        "桑原",
        "事務局（管理画面を使えます）",
        "secretariat (admin)",
    ),
    DemoUser(
        "demo-chair",
        "石原",
        "浩二",
        MAIN_SLUG,
        RoleKind.CHAIR,
        "SODAN",
        "石原",
        "相談支援部会の部会長",
        "chair of 相談支援部会",
    ),
    DemoUser(
        "demo-chair2",
        "柴田",
        "光男",
        MAIN_SLUG,
        RoleKind.CHAIR,
        "SHURO",
        "柴田",
        "就労部会の部会長",
        "chair of 就労部会",
    ),
    DemoUser(
        "demo-reviewer",
        "片桐",
        "直子",
        MAIN_SLUG,
        RoleKind.REVIEWER,
        None,
        "片桐",
        "福祉課（評価担当）",
        "reviewer (welfare division)",
    ),
    DemoUser(
        "demo-member",
        "大塚",
        "健太",
        MAIN_SLUG,
        RoleKind.MEMBER,
        "SODAN",
        "大塚",
        "相談支援部会の部会員",
        "member of 相談支援部会",
    ),
    DemoUser(
        "demo-pref",
        "五十嵐",
        "亜紀",
        PREF_SLUG,
        RoleKind.SECRETARIAT,
        None,
        "五十嵐",
        "県協議会の事務局",
        "secretariat of the prefecture council",
    ),
    DemoUser(
        "other-secretariat",
        "藤本",
        "恵子",
        OTHER_SLUG,
        RoleKind.SECRETARIAT,
        None,
        "藤本",
        "別の協議会（さくら台町）の事務局",
        "secretariat of another council",
    ),
]
DEMO_USERNAMES = [u.username for u in DEMO_USERS]


# --------------------------------------------------------------------------------------------
# The municipal council: agencies, people, bodies, memberships
# --------------------------------------------------------------------------------------------

OK = OrganizationKind
CL = ConsultationLayer

# key, name ({c} city, {s} short city, {p} prefecture), kind, consultation layer
ORGANIZATIONS = [
    ("city", "{c}福祉課", OK.GOVERNMENT, CL.NONE),
    ("core", "{c}基幹相談支援センター", OK.CORE_CENTER, CL.CORE),
    ("asunaro", "相談支援センターあすなろ", OK.CONSULTATION, CL.CONTRACTED),
    ("yamabiko", "地域生活支援センターやまびこ", OK.CONSULTATION, CL.CONTRACTED),
    ("kirari", "相談支援事業所きらり", OK.CONSULTATION, CL.CONTRACTED),
    ("wakatake", "障害者相談支援センターわかたけ", OK.CONSULTATION, CL.CONTRACTED),
    ("tsumugi", "相談室つむぎ", OK.CONSULTATION, CL.DESIGNATED),
    ("yuhi", "計画相談支援センターゆうひ", OK.CONSULTATION, CL.DESIGNATED),
    ("aozora", "相談支援事業所あおぞら", OK.CONSULTATION, CL.DESIGNATED),
    ("hw", "ハローワーク{s}", OK.EMPLOYMENT, CL.NONE),
    ("kakehashi", "障害者就業・生活支援センターかけはし", OK.EMPLOYMENT, CL.NONE),
    ("bgata", "就労継続支援B型事業所{s}の里", OK.SERVICE, CL.NONE),
    ("hanamizuki", "多機能型事業所はなみずき", OK.SERVICE, CL.NONE),
    ("gh", "グループホームかえでの家", OK.SERVICE, CL.NONE),
    ("helper", "ヘルパーステーションみつばち", OK.SERVICE, CL.NONE),
    ("hosp", "医療法人すずかけ会 すずかけ病院", OK.MEDICAL, CL.NONE),
    ("clinic", "{s}こころのクリニック", OK.MEDICAL, CL.NONE),
    ("school", "{p}立{s}特別支援学校", OK.EDUCATION, CL.NONE),
    ("jihatsu", "児童発達支援センターにじいろ", OK.SERVICE, CL.NONE),
    ("ikusei", "{c}手をつなぐ育成会", OK.SELF_ADVOCACY, CL.NONE),
    ("kazoku", "{c}精神保健福祉家族会「つばさ会」", OK.SELF_ADVOCACY, CL.NONE),
    ("shakyo", "{c}社会福祉協議会", OK.COMMUNITY, CL.NONE),
    ("minji", "{c}民生委員児童委員協議会", OK.COMMUNITY, CL.NONE),
    ("shoko", "{c}商工観光課", OK.GOVERNMENT, CL.NONE),
    ("kodomo", "{c}こども家庭センター", OK.GOVERNMENT, CL.NONE),
    ("hokenjo", "{p}{s}保健所", OK.GOVERNMENT, CL.NONE),
    ("univ", "{p}立福祉大学", OK.EDUCATION, CL.NONE),
    ("houkatsu", "{s}地域包括支援センター", OK.OTHER, CL.NONE),
    ("takken", "{s}宅地建物取引業協会", OK.COMMUNITY, CL.NONE),
]

# key (= family name), family, given, kana family, kana given, organization key, position
PEOPLE = [
    ("青木", "美和", "あおき", "みわ", "core", "センター長"),
    ("桑原", "一郎", "くわばら", "いちろう", "core", "主任相談支援専門員"),
    ("森下", "春香", "もりした", "はるか", "core", "社会福祉士"),
    ("小野寺", "誠", "おのでら", "まこと", "city", "課長"),
    ("片桐", "直子", "かたぎり", "なおこ", "city", "障害福祉係長"),
    ("高木", "純", "たかぎ", "じゅん", "city", "主査"),
    ("永井", "沙織", "ながい", "さおり", "city", "主事"),
    ("石原", "浩二", "いしはら", "こうじ", "asunaro", "管理者"),
    ("矢野", "陽子", "やの", "ようこ", "asunaro", "相談支援専門員"),
    ("上野", "真理子", "うえの", "まりこ", "yamabiko", "管理者"),
    ("大塚", "健太", "おおつか", "けんた", "yamabiko", "相談支援専門員"),
    ("岡部", "由紀", "おかべ", "ゆき", "kirari", "相談支援専門員"),
    ("金子", "拓也", "かねこ", "たくや", "wakatake", "相談支援専門員"),
    ("北村", "千尋", "きたむら", "ちひろ", "tsumugi", "相談支援専門員"),
    ("久保田", "恵", "くぼた", "めぐみ", "yuhi", "管理者"),
    ("小西", "隆", "こにし", "たかし", "aozora", "相談支援専門員"),
    ("坂口", "彩", "さかぐち", "あや", "hw", "専門援助部門 職業指導官"),
    ("柴田", "光男", "しばた", "みつお", "kakehashi", "センター長"),
    ("和田", "典子", "わだ", "のりこ", "kakehashi", "就業支援ワーカー"),
    ("杉浦", "京子", "すぎうら", "きょうこ", "bgata", "サービス管理責任者"),
    ("内田", "香織", "うちだ", "かおり", "bgata", "職業指導員"),
    ("関口", "亮", "せきぐち", "りょう", "hanamizuki", "管理者"),
    ("田村", "佳代", "たむら", "かよ", "gh", "管理者"),
    ("吉岡", "卓", "よしおか", "すぐる", "helper", "サービス提供責任者"),
    ("千葉", "修", "ちば", "おさむ", "hosp", "精神保健福祉士"),
    ("土屋", "葉子", "つちや", "ようこ", "hosp", "地域連携室長"),
    ("荒井", "智史", "あらい", "さとし", "hosp", "地域連携室長"),
    ("中川", "大輔", "なかがわ", "だいすけ", "clinic", "院長"),
    ("西田", "優子", "にしだ", "ゆうこ", "school", "進路指導主事"),
    ("島田", "理恵", "しまだ", "りえ", "school", "進路指導主事"),
    ("野口", "聡", "のぐち", "さとし", "jihatsu", "センター長"),
    ("橋本", "紀子", "はしもと", "のりこ", "ikusei", "会長"),
    ("早川", "俊介", "はやかわ", "しゅんすけ", "kazoku", "会長"),
    ("平野", "麻衣", "ひらの", "まい", "shakyo", "地域福祉係長"),
    ("大野", "信也", "おおの", "しんや", "shakyo", "権利擁護センター所長"),
    ("福永", "和也", "ふくなが", "かずや", "shakyo", "生活支援コーディネーター"),
    ("堀内", "さやか", "ほりうち", "さやか", "minji", "副会長"),
    ("菊地", "まゆみ", "きくち", "まゆみ", "minji", "障害者福祉部会長"),
    ("前田", "昌弘", "まえだ", "まさひろ", "shoko", "主査"),
    ("松浦", "瞳", "まつうら", "ひとみ", "kodomo", "保健師"),
    ("三浦", "康平", "みうら", "こうへい", "hokenjo", "精神保健福祉相談員"),
    ("宮本", "知子", "みやもと", "ともこ", "univ", "教授"),
    ("村上", "達也", "むらかみ", "たつや", "houkatsu", "社会福祉士"),
    ("安田", "勇", "やすだ", "いさむ", "takken", "理事"),
]

# Staff changes inside the term: (leaving person, successor, offset from the current fiscal year,
# month, day of the successor's first day). Everything the leaver held passes to the successor.
REPLACEMENTS = [
    ("高木", "永井", 0, 4, 1),  # 人事異動 (the city's April transfer)
    ("西田", "島田", 0, 4, 1),  # 教員の異動
    ("荒井", "土屋", -1, 10, 1),  # 退職 in the autumn of last year
]

BK = BodyKind


@dataclass(frozen=True)
class BodySpec:
    key: str
    name: str
    kind: str
    parent: str | None
    target: int | None
    sort: int
    # Months (4..12, 1..3) of the usual meetings within a fiscal year.
    months: tuple[int, ...]
    fmt: str = MeetingFormat.IN_PERSON
    place: str = "{c}総合福祉センター 研修室"
    times: tuple[tuple[int, int], tuple[int, int]] = ((13, 30), (15, 30))
    # Appointed members serve 3-year terms; liaison meetings and case conferences have none.
    has_terms: bool = True
    description: str = ""


BODIES = [
    BodySpec(
        "P",
        "全体会",
        BK.PLENARY,
        None,
        3,
        10,
        (7, 11, 3),
        place="{c}役所 本庁舎4階 大会議室",
        times=((14, 0), (16, 0)),
        description="協議会の構成員全員で、運営会議・部会で検討した方向性や取組を共有し、承認する場。",
    ),
    BodySpec(
        "S",
        "運営会議",
        BK.STEERING,
        "P",
        6,
        20,
        (5, 6, 8, 10, 12, 2),
        place="{c}総合福祉センター 2階 会議室",
        times=((10, 0), (12, 0)),
        description="事務局（基幹相談支援センター・福祉課）と各部会長で構成。地域課題の集約、全体会の議題設定、部会への調査・検討の依頼、協議会全体の評価を行う。",
    ),
    BodySpec(
        "SODAN",
        "相談支援部会",
        BK.SUBCOMMITTEE,
        "S",
        4,
        30,
        (6, 9, 11, 2),
        description="個別支援から見えた課題を、地域の課題として整理する。",
    ),
    BodySpec(
        "SHURO",
        "就労部会",
        BK.SUBCOMMITTEE,
        "S",
        4,
        40,
        (7, 10, 12, 2),
        description="就労系サービスの現状を把握し、就労と定着に必要な取組を検討する。",
    ),
    BodySpec(
        "CHIIKI",
        "地域生活支援拠点部会",
        BK.SUBCOMMITTEE,
        "S",
        4,
        50,
        (6, 8, 11, 2),
        fmt=MeetingFormat.HYBRID,
        description="地域生活支援拠点等の整備と、住まい・移動を含めた地域の体制づくりを扱う。",
    ),
    BodySpec(
        "KODOMO",
        "こども部会",
        BK.SUBCOMMITTEE,
        "S",
        4,
        60,
        (7, 9, 12, 3),
        description="障害のある子どもと家族への切れ目のない支援を検討する。",
    ),
    BodySpec(
        "KENRI",
        "権利擁護部会",
        BK.SUBCOMMITTEE,
        "S",
        4,
        70,
        (5, 8, 11, 2),
        description="虐待防止、成年後見制度の利用促進、差別解消の取組を進める。",
    ),
    BodySpec(
        "KYOJU",
        "居住支援部会",
        BK.SUBCOMMITTEE,
        "S",
        4,
        80,
        (6, 9, 12, 2),
        description="グループホームなど住まいの場の確保を検討する。",
    ),
    BodySpec(
        "WG",
        "送迎・移動支援ワーキンググループ",
        BK.WORKING_GROUP,
        "CHIIKI",
        3,
        55,
        (8, 10, 1),
        fmt=MeetingFormat.ONLINE,
        place="オンライン（Web会議）",
        times=((15, 0), (16, 30)),
        description="休日・夕方の移動支援や通院の送迎など、移動に関する資源を調べる。",
    ),
    BodySpec(
        "FORUM",
        "精神障害にも対応した地域包括ケアシステム協議の場準備会",
        BK.FORUM,
        "S",
        6,
        90,
        (5, 7, 8, 10, 12, 2),
        place="{c}総合福祉センター 2階 会議室",
        times=((18, 30), (20, 0)),
        description="協議の場の設置に向けて、地域の現状と課題を整理する。",
    ),
    BodySpec(
        "CASE",
        "個別支援会議",
        BK.CASE_CONFERENCE,
        "SODAN",
        None,
        100,
        (5, 6, 8, 10, 12, 2),
        place="{c}基幹相談支援センター 相談室",
        times=((10, 0), (11, 0)),
        has_terms=False,
        description="支援に関わる機関が集まり、本人への支援の役割分担を確認する（随時開催）。個人情報を扱う。",
    ),
    BodySpec(
        "L1",
        "委託相談支援事業所連絡会議",
        BK.LIAISON,
        None,
        6,
        110,
        (4, 6, 8, 10, 12, 2),
        place="{c}基幹相談支援センター 相談室",
        times=((13, 30), (15, 0)),
        has_terms=False,
        description="市の委託相談支援事業所と行政で、地区担当制の状況や現場の課題を確認する。",
    ),
    BodySpec(
        "L2",
        "相談支援ミーティング",
        BK.LIAISON,
        None,
        6,
        120,
        (5, 7, 9, 11, 1, 3),
        place="{c}総合福祉センター 研修室",
        times=((13, 30), (15, 0)),
        has_terms=False,
        description="市内の指定特定相談支援事業所と行政で、計画相談支援の現状と課題を共有する。",
    ),
]
BODY_BY_KEY = {b.key: b for b in BODIES}

# Changes between the years (offset 0 = the current fiscal year).
RENAMES = [("CHIIKI", 0, "地域づくり部会")]
PAUSES = [("KYOJU", 0, "住まいに関する課題は地域づくり部会で引き継ぐため、今年度は休止。")]
FORUM2 = BodySpec(
    "FORUM2",
    "精神障害にも対応した地域包括ケアシステム協議の場",
    BK.FORUM,
    "S",
    4,
    91,
    (6, 9, 12, 3),
    place="{c}総合福祉センター 2階 会議室",
    times=((18, 30), (20, 0)),
)
SUCCESSIONS = [("FORUM", FORUM2, 0)]  # 準備会 → 協議の場 from the current year on

# Members per body: "family name:role[:s]" with role c (chair), v (vice), m (member), o (observer);
# ":s" marks a 事務局 member (no fixed term).
MEMBERS = {
    "P": "宮本:c 橋本:v 小野寺:m:s 片桐:m:s 高木:m:s 青木:m:s 桑原:m:s 石原 上野 岡部 金子 北村 久保田 坂口 柴田 "
    "杉浦 関口 田村 千葉 中川 西田 野口 早川 平野 堀内 前田 松浦 三浦 村上 安田",
    "S": "青木:c:s 片桐:m:s 高木:m:s 桑原:m:s 石原 柴田 村上 野口 大野 田村 千葉 小野寺:o",
    "SODAN": "石原:c 上野:v 矢野 大塚 岡部 金子 北村 久保田 小西 桑原:m:s 高木:m:s",
    "SHURO": "柴田:c 杉浦:v 和田 坂口 内田 関口 西田 千葉 前田 森下:m:s 片桐:m:s",
    "CHIIKI": "村上:c 平野:v 田村 安田 堀内 岡部 吉岡 桑原:m:s 高木:m:s",
    "KODOMO": "野口:c 松浦:v 西田 橋本 金子 北村 森下:m:s",
    "KENRI": "大野:c 福永:v 橋本 早川 菊地 矢野 片桐:m:s 桑原:m:s",
    "KYOJU": "田村:c 安田 上野 関口 千葉 高木:m:s",
    "WG": "岡部:c 吉岡 福永 杉浦 大塚 森下:m:s",
    "FORUM": "千葉:c 三浦:v 中川 早川 荒井 村上 平野 青木:m:s 片桐:m:s",
    "FORUM2": "三浦:c 千葉:v 中川 土屋 早川 村上 平野 松浦 青木:m:s 片桐:m:s",
    "CASE": "桑原:c:s 石原 大塚 岡部 千葉:o",
    "L1": "桑原:c:s 石原 上野 大塚 岡部 金子 高木:m:s",
    "L2": "森下:c:s 北村 久保田 小西 矢野 桑原:m:s",
}
ROLE_CODES = {
    "c": MembershipRole.CHAIR,
    "v": MembershipRole.VICE_CHAIR,
    "m": MembershipRole.MEMBER,
    "o": MembershipRole.OBSERVER,
}


def parse_members(text: str) -> list[tuple[str, str, bool]]:
    rows = []
    for token in text.split():
        parts = token.split(":")
        role = ROLE_CODES[parts[1]] if len(parts) > 1 else MembershipRole.MEMBER
        rows.append((parts[0], role, len(parts) > 2 and parts[2] == "s"))
    return rows


# Terms (任期) of appointed members are three fiscal years, aligned on this year (R6.4.1 – R9.3.31).
TERM_ANCHOR = 2024
TERM_YEARS = 3


def term_cycle_start(fiscal_year: int) -> int:
    return fiscal_year - (fiscal_year - TERM_ANCHOR) % TERM_YEARS


def plan_period(fiscal_year: int) -> int:
    """第N期障害福祉計画: 第1期 = H18–H20 (2006–2008), then every three years."""
    return (fiscal_year - 2006) // 3 + 1


# --------------------------------------------------------------------------------------------
# What meetings did: 取組・検討内容 (opening / middle / closing bullet sets per body)
# Placeholders: {c} city, {s} short city, {p} prefecture, {fy} this 年度, {nfy} next 年度,
# {plan} 第N期計画, {nplan} 第N+1期計画, {chiiki} the name of the 地域づくり部会 in that year.
# --------------------------------------------------------------------------------------------

ITEMS: dict[str, dict[str, list[list[str]]]] = {
    "P": {
        "open": [
            [
                "{fy}の協議会の体制と、運営会議・各部会の活動方針を確認した。",
                "{plan}の進捗状況について市から報告を受け、意見交換を行った。",
                "前年度から継続している地域課題の一覧を共有し、各所属機関へ持ち帰って周知することとした。",
            ]
        ],
        "middle": [
            [
                "運営会議、各部会、ワーキンググループでの上半期の取組状況を共有した。",
                "相談支援部会から提案のあった地域課題について協議し、関係する部会で具体策を検討することを確認した。",
            ],
            [
                "地域生活支援拠点等の整備状況について市から報告を受けた。",
                "障害者差別解消法に基づく合理的配慮の提供について権利擁護部会から説明があり、各機関での取組を確認した。",
                "{nplan}の策定に向けたアンケートの実施について市から説明を受けた。",
            ],
        ],
        "close": [
            [
                "各部会の振り返り・評価シートをもとに、{fy}の活動を振り返った。",
                "運営会議が行った協議会全体の評価の結果を共有した。",
                "{nfy}の協議会の体制（部会の継続・休止）と活動方針案を承認した。",
            ]
        ],
    },
    "S": {
        "open": [
            [
                "{fy}の運営方針と年間スケジュールを確認した。",
                "各部会の活動方針案を確認し、全体会への提案事項を整理した。",
                "前年度から継続している地域課題の進捗を確認した。",
            ]
        ],
        "middle": [
            [
                "各部会の進捗を共有し、相談支援部会から上がった地域課題の取扱いを協議した。",
                "次回の全体会の議題と資料の構成を確認した。",
            ],
            [
                "委託相談支援事業所連絡会議と相談支援ミーティングからの報告を受け、計画相談支援の担い手不足について意見交換した。",
                "{pc}へ報告する課題の候補を整理した。",
            ],
            [
                "精神障害にも対応した地域包括ケアシステムの協議の場の進め方について報告を受けた。",
                "虐待防止・権利擁護の研修会の開催について、権利擁護部会と日程を調整した。",
            ],
            [
                "{plan}の成果目標の達成状況について市から報告を受け、協議会としての意見をまとめた。",
                "部会の間で重なっている課題を整理し、一本化して検討する方針を確認した。",
                "地域課題の一覧の様式（提起の経路・検討している会議体・状態）を見直した。",
            ],
        ],
        "close": [
            [
                "各部会の振り返り・評価シートを確認し、協議会全体の評価を行った。",
                "{nfy}の部会体制案を協議し、全体会へ提案することとした。",
            ]
        ],
        "written": [
            [
                "書面により各部会の検討状況報告書を確認し、委員の意見を集約した。",
                "地域課題の取扱い（部会への調査・検討の依頼）について、書面で承認を得た。",
            ]
        ],
    },
    "SODAN": {
        "open": [
            [
                "{fy}の部会の取組方針を確認し、個別支援会議から上がった課題の整理の方法を共有した。",
                "相談支援専門員の業務の状況について、各事業所から報告を受けた。",
            ]
        ],
        "middle": [
            [
                "個別支援会議から提起された住まいの確保に関する事例（個人が特定されない形に整理したもの）をもとに、地域課題としての整理を行った。",
                "不動産事業者との連携の状況について、各事業所の経験を共有した。",
                "次回までに、同様の事例の件数を各事業所で集計することとした。",
            ],
            [
                "各事業所で集計した事例をもとに、課題の背景を「本人」「支援者」「地域」の視点で整理した。",
                "運営会議へ地域課題として提案する内容を確認した。",
            ],
            [
                "相談支援事業所ガイドブックの構成案を検討した。",
                "関係機関へのアンケートの結果を共有し、掲載項目（対象、対応できる障害種別、地区担当）を追加することとした。",
            ],
            [
                "計画相談支援の新規受付が難しい現状について意見交換し、セルフプランの状況を市から報告してもらった。",
                "主任相談支援専門員による事例検討会の開催を検討した。",
            ],
        ],
        "close": [
            [
                "{fy}の取組を振り返り、振り返り・評価シートの内容を確認した。",
                "次年度に引き継ぐ課題を整理した。",
            ]
        ],
    },
    "SHURO": {
        "open": [
            [
                "{fy}の部会のテーマを「就労定着」とすることを確認した。",
                "ハローワーク{s}から、管内の障害者雇用の状況について報告を受けた。",
            ]
        ],
        "middle": [
            [
                "市内の就労継続支援B型事業所の工賃の状況を共有した。",
                "一般就労への移行者数の推移を確認し、課題を整理した。",
            ],
            [
                "職場実習の受け入れ企業の開拓について、{c}商工観光課と意見交換した。",
                "受け入れ企業向けの説明資料の案を部会で作成することとした。",
            ],
            [
                "就労定着支援事業所に出席いただき、利用の現状と課題について意見交換した。",
                "離職後の相談先が分からないという声について、相談支援部会と情報を共有することとした。",
            ],
            [
                "{plan}の就労に関する成果目標について市から説明を受け、部会としての意見をまとめた。",
                "特別支援学校の進路指導担当と、卒業後の就労支援について情報交換した。",
            ],
        ],
        "close": [
            [
                "{fy}の取組を振り返り、次年度も就労定着をテーマに継続することを確認した。",
                "振り返り・評価シートの内容を確認した。",
            ]
        ],
    },
    "CHIIKI": {
        "open": [
            [
                "地域生活支援拠点等の整備の状況について市から報告を受けた。",
                "{fy}の部会の取組方針を確認した。",
            ]
        ],
        "middle": [
            [
                "緊急時の受け入れ・対応の体制について、短期入所事業所の空き状況を共有する方法を検討した。",
                "体験の機会・場の確保に向けて、グループホーム事業所との意見交換会を企画した。",
            ],
            [
                "運営会議から依頼のあった住まいの確保に関する課題について、検討の進め方を確認した。",
                "{s}宅地建物取引業協会の担当者を招き、賃貸住宅への入居の現状について意見交換した。",
            ],
            [
                "送迎・移動支援ワーキンググループの検討状況について報告を受けた。",
                "地域の移動資源（福祉有償運送、コミュニティバス等）の一覧を作成することとした。",
            ],
            [
                "住まいの確保に関するアクションプラン案（目指すべき状態と役割分担）を検討した。",
                "民生委員児童委員協議会と連携した見守りの取組について意見交換した。",
            ],
        ],
        "close": [
            [
                "{fy}の取組を振り返り、次年度の方針案を確認した。",
                "地域生活支援拠点等の5つの機能ごとに、協議会として取り組んだ内容を整理した。",
            ]
        ],
    },
    "KODOMO": {
        "open": [
            [
                "{fy}の部会の取組方針を確認した。",
                "児童発達支援センターから、市内の療育の利用状況について報告を受けた。",
            ]
        ],
        "middle": [
            [
                "医療的ケア児の支援について、保育所・学校での受け入れの現状を共有した。",
                "医療的ケア児等コーディネーターの配置の状況について市から報告を受けた。",
            ],
            [
                "特別支援学校卒業後の進路に関する情報提供の現状について意見交換した。",
                "18歳到達時の障害児支援から障害者支援への移行について、課題を整理した。",
            ],
            [
                "短期入所（児童）の利用状況を確認し、市内で受け入れ先が不足している状況を共有した。",
                "保護者向けの相談窓口の一覧の作成について検討した。",
            ],
        ],
        "close": [
            [
                "{fy}の取組を振り返り、振り返り・評価シートの内容を確認した。",
                "移行期の支援の流れ（案）を次年度に作成する方針を確認した。",
            ]
        ],
    },
    "KENRI": {
        "open": [
            [
                "{fy}の部会の取組方針を確認した。",
                "市の障害者虐待の通報・相談の件数について報告を受けた。",
            ]
        ],
        "middle": [
            [
                "成年後見制度の利用状況と、申立て支援の課題について意見交換した。",
                "社会福祉協議会の日常生活自立支援事業との連携について確認した。",
            ],
            [
                "合理的配慮の提供について、事業者向けの研修会の内容を検討した。",
                "研修会の講師は部会員が分担して務めることとした。",
            ],
            [
                "虐待の通報後の一時保護の受け入れ先について、現状と課題を整理した。",
                "緊急時の居室の確保について、{chiiki}と情報を共有することとした。",
            ],
        ],
        "close": [
            [
                "{fy}の取組を振り返り、次年度も研修会を継続することを確認した。",
            ]
        ],
    },
    "KYOJU": {
        "open": [
            [
                "{fy}の部会の取組方針を確認した。",
                "市内のグループホームの定員と空き状況について報告を受けた。",
            ]
        ],
        "middle": [
            [
                "グループホームの空き情報を一か所で確認できる方法を検討した。",
                "空き情報の様式案を作成し、各事業所に試行を依頼することとした。",
            ],
            [
                "空き情報一覧の試行の結果を確認し、市ホームページへの掲載に向けて市と調整した。",
                "掲載の頻度は毎月1回とすることを確認した。",
            ],
            [
                "住宅確保要配慮者居住支援法人の制度について学習会を行った。",
                "{p}の居住支援協議会の取組について情報提供を受けた。",
            ],
        ],
        "close": [
            [
                "{fy}の取組を振り返り、次年度の進め方を協議した。",
            ]
        ],
    },
    "WG": {
        "open": [
            [
                "休日・夕方の移動支援の利用実態について、相談支援事業所へのアンケートの結果を共有した。",
                "ヘルパー不足の背景について、事業所から聞き取った内容を整理した。",
            ]
        ],
        "middle": [
            [
                "福祉有償運送を行う団体の担当者を招き、利用の条件について意見交換した。",
                "通院の送迎に使える地域の資源を地区ごとに整理した。",
            ]
        ],
        "close": [
            [
                "移動資源の一覧（案）をまとめ、{chiiki}へ報告することとした。",
                "利用実態の調査結果をもとに、運営会議への報告内容を確認した。",
            ]
        ],
    },
    "FORUM": {
        "open": [
            [
                "{fy}の準備会の進め方を確認した。",
                "精神障害にも対応した地域包括ケアシステムの構成要素ごとに、市内の現状を確認した。",
            ]
        ],
        "middle": [
            [
                "保健所と医療機関から、長期入院者の状況について報告を受けた。",
                "退院後の地域生活を支える資源について意見交換した。",
            ],
            [
                "ピアサポーターの活動について家族会から報告を受けた。",
                "地域アセスメントの結果をもとに、協議の場で検討すべき課題を整理した。",
            ],
            [
                "協議の場の設置要綱案を検討した。",
                "協議の場は協議会の中に位置付けることを確認した。",
            ],
        ],
        "close": [
            [
                "準備会での検討を振り返り、協議の場へ引き継ぐ課題をまとめた。",
            ]
        ],
    },
    "FORUM2": {
        "open": [
            [
                "協議の場の理念と位置付けを確認した。",
                "準備会でまとめた地域アセスメントの結果と課題を共有した。",
            ]
        ],
        "middle": [
            [
                "住まい、社会参加、地域の助け合いの3つの構成要素について、取組の優先順位を協議した。",
                "運営会議から依頼のあった、土日の日中活動の場に関する課題の検討を始めた。",
            ],
            [
                "医療機関と地域の支援者が退院前から顔を合わせる仕組みについて意見交換した。",
                "ピアサポーターの養成について保健所と協議した。",
            ],
        ],
        "close": [
            [
                "{fy}の協議の内容を振り返り、次年度の進め方を確認した。",
            ]
        ],
    },
    "CASE": {
        "open": [
            [
                "支援に関わる機関で本人の意向と現在の課題を共有し、役割分担を確認した。",
                "住まいの確保に向けて、相談支援事業所が不動産事業者との調整を行うこととした。",
            ]
        ],
        "middle": [
            [
                "退院に向けた支援の流れを病院と確認した。",
                "地域で対応が難しい点は、個人が特定されない形に整理して相談支援部会へ報告することとした。",
            ],
            [
                "家族の介護の負担について共有し、短期入所の利用を検討することとした。",
                "次回の会議で支援の状況を確認することとした。",
            ],
            [
                "通院の送迎手段について、福祉有償運送の利用の可能性を確認した。",
                "役割分担を見直し、相談支援事業所が調整の窓口となることを確認した。",
            ],
        ],
        "close": [
            [
                "支援の経過を振り返り、今後の見守りの体制を確認した。",
            ]
        ],
    },
    "L1": {
        "open": [
            [
                "各事業所の相談件数と主な相談内容を共有した。",
                "地区担当制の運用状況を確認した。",
            ]
        ],
        "middle": [
            [
                "対応が難しい事例について、基幹相談支援センターから助言を受けた。",
                "虐待の疑いがある事例への初動対応の流れを再確認した。",
            ],
            [
                "相談支援事業所ガイドブックの改訂について、各事業所の意見を集約した。",
                "地区ごとの社会資源の情報を更新した。",
            ],
            [
                "計画相談支援の受け皿不足について、各事業所の状況を報告し合った。",
                "運営会議へ報告する内容を整理した。",
            ],
        ],
        "close": [
            [
                "{fy}の連絡会議を振り返り、次年度の地区担当の体制を確認した。",
            ]
        ],
    },
    "L2": {
        "open": [
            [
                "計画相談支援の現状（新規受付の可否、担当件数）を各事業所から報告した。",
                "モニタリングの実施の工夫について情報交換した。",
            ]
        ],
        "middle": [
            [
                "報酬改定に伴う加算の算定について市から説明を受けた。",
                "各事業所の質問を整理し、市へ確認することとした。",
            ],
            [
                "主任相談支援専門員による事例検討を行った。",
                "セルフプランの方への支援のあり方について意見交換した。",
            ],
            [
                "休日・夕方の移動支援のヘルパーが見つからないという事例が複数あることを共有した。",
                "運営会議へ報告することとした。",
            ],
        ],
        "close": [
            [
                "{fy}のミーティングを振り返り、次年度に取り上げたいテーマを出し合った。",
            ]
        ],
    },
}

AGENDA = {
    "P": "1. 報告事項\n(1) 運営会議・各部会の活動状況について\n(2) {plan}の進捗状況について\n2. 協議事項\n(1) 地域課題の取扱いについて",
    "S": "1. 各部会の進捗状況について\n2. 地域課題の取扱いについて\n3. 全体会の議題について",
}

# Meetings of the last two years that read a particular way: (body key, year offset (-1 previous,
# 0 current), 第N回) → fields. "cancel" gives a reason; "items" replace the chosen bullets.
SPECIAL_MEETINGS: dict[tuple[str, int, int], dict] = {
    ("S", -1, 5): {
        "format": MeetingFormat.WRITTEN,
        "items_key": "written",
        "attendance_note": "書面による意見照会（期日までに回答のあった委員）",
    },
    ("L2", -1, 3): {
        "format": MeetingFormat.WRITTEN,
        "items": [
            "報酬改定に伴う加算の算定について、市からの説明資料を書面で配付し、質問を受け付けた。",
            "寄せられた質問と回答をまとめ、各事業所へ送付した。",
        ],
        "attendance_note": "書面にて実施",
    },
    ("L2", -1, 1): {
        "items": [
            "計画相談支援の現状（新規受付の可否、担当件数）を各事業所から報告した。",
            "休日・夕方の移動支援のヘルパーが見つからないという事例が複数の事業所から報告された。",
            "地域課題として運営会議へ報告することとした。",
        ]
    },
    ("P", -1, 1): {"counts": (21, 27), "attendance_note": "紙の出席簿から件数のみ転記"},
    ("SODAN", -1, 3): {
        "notes_for_steering": "計画相談支援の新規受付が難しい状況が続いています。相談支援専門員の確保について、県への報告も含めて運営会議で検討をお願いします。"
    },
    ("SHURO", -1, 3): {
        "items_key": 2,
        "guests": [
            ("就労定着支援事業所あゆみ", 1),
            ("就労定着支援事業所ステップ", 1),
            ("就労定着支援事業所みらいワーク", 1),
        ],
        "attendance_note": "就労定着支援事業所3か所から各1名が出席",
    },
    ("SHURO", 0, 2): {
        "notes_for_steering": "離職後の相談先が分からない人がいるという課題について、運営会議で相談支援部会と合同での検討をご検討ください。"
    },
    ("KYOJU", -1, 4): {
        "items": [
            "グループホーム空き情報一覧の市ホームページへの掲載が始まったことを報告した。",
            "{fy}の取組を振り返り、当初の目的を達成したことを確認した。",
            "次年度は部会を休止し、住まいに関する課題は{nchiiki}で引き継ぐ方針を確認した。",
        ]
    },
    ("CHIIKI", -1, 4): {
        "notes_for_steering": "次年度から部会の名称を「地域づくり部会」に改め、住まい・移動を含めて扱いたいので、ご承認をお願いします。"
    },
    ("P", 0, 1): {
        "guests": [("{c}障害福祉計画策定委員会 事務局", 2)],
        "attendance_note": "計画策定委員会事務局2名を含む",
    },
    # こども部会 falls behind this year: 第2回 cancelled, 第3回 moved to February, no 第4回.
    ("KODOMO", 0, 2): {"cancel": "台風の接近に伴い中止した。議題は次回に繰り越す。"},
}
# Month plans that differ in a given year (offset → months).
SPECIAL_MONTHS: dict[tuple[str, int], tuple[int, ...]] = {
    ("KODOMO", 0): (7, 9, 2),
    ("CASE", 0): (4, 6, 7, 9, 10, 12),
}


# --------------------------------------------------------------------------------------------
# Regional issues: histories written against the meetings of the last two years
# --------------------------------------------------------------------------------------------

# A step refers to a meeting ("SODAN", -1, 2) = the 第2回 相談支援部会 of last year, or to a date
# (offset, month, day). Steps whose meeting has not been held yet (or whose date is not yet past)
# are left out, with everything after them: the issue simply has not got that far.

IssueStep = tuple  # (kind, where, options)

ISSUES: list[dict] = [
    {
        "key": "housing",
        "title": "精神科病院からの退院後に住まいが見つかりにくい",
        "background": "長期入院から退院を目指す人について、保証人がいない、家主の理解が得られないなどの理由で賃貸住宅への入居を断られる事例が、複数の個別支援会議で続いた。グループホームも空きが少なく、退院の時期が延びている。",
        "themes": ["住まい", "医療"],
        "origin": IssueOrigin.CASE_CONFERENCE,
        "body": "CASE",
        "raised": ("CASE", -1, 2),
        "reason": "個別支援会議で、同様の事例が複数の機関から報告された。",
        "moves": [
            (
                MoveKind.ESCALATE,
                ("SODAN", -1, 2),
                {
                    "reason": "複数の個別支援会議で同様の課題が上がっているため、部会で地域課題として整理する。"
                },
            ),
            (
                MoveKind.STUDY,
                ("SODAN", -1, 2),
                {"reason": "各事業所で同様の事例の件数を集計し、背景を整理する。"},
            ),
            (
                MoveKind.ESCALATE,
                ("SODAN", -1, 3),
                {
                    "reason": "住まいの確保は相談支援だけでは解決できない地域課題と判断し、運営会議へ提案する。"
                },
            ),
            (
                MoveKind.SEND_DOWN,
                ("S", -1, 5),
                {
                    "to": "CHIIKI",
                    "due": (-1, 2, 28),
                    "reason": "不動産関係団体との連携を含めて、具体策の調査・検討を依頼する。",
                },
            ),
            (
                MoveKind.PROPOSE,
                ("CHIIKI", -1, 4),
                {"to": "P", "reason": "アクションプラン案をまとめたので、全体会へ提案する。"},
            ),
            (MoveKind.DISCUSS, ("P", -1, 3), {"reason": "アクションプラン案について各機関の意見を聞いた。"}),
            (
                MoveKind.APPROVE,
                ("P", 0, 1),
                {"reason": "アクションプランを承認した。地域づくり部会と事務局で実行する。"},
            ),
            (MoveKind.ACT, ("P", 0, 1), {"reason": "アクションプランに沿って取組を開始する。"}),
        ],
        "plan": {
            "target_state": "精神科病院から退院する人が、本人の希望する地域で、必要な支援を受けながら住まいを確保できる。",
            "rows": [
                (
                    "家主や不動産事業者が、精神障害のある人の入居に不安を持っている",
                    "市内の不動産事業者・家主",
                    "地域づくり部会と{s}宅地建物取引業協会が、入居後の相談先を示したチラシを作成し、研修会で説明する",
                    "{fy0}中",
                    (0, 3, 31),
                    "チラシの原案を作成し、協会の理事会で説明した。",
                ),
                (
                    "退院に向けた住まい探しを始める時期が遅い",
                    "精神科病院・相談支援事業所",
                    "相談支援部会が、退院支援の流れに住まい探しを始める時期を加え、病院と共有する",
                    "{due}まで",
                    (0, 9, 30),
                    "病院との打合せを2回行った。",
                ),
                (
                    "保証人がいない人の入居が進まない",
                    "市・社会福祉協議会",
                    "事務局（市福祉課）が家賃債務保証制度の活用状況を調べ、全体会へ報告する",
                    "{fy1}上半期",
                    (1, 9, 30),
                    "",
                ),
            ],
        },
    },
    {
        "key": "guarantor",
        "title": "保証人がいないために賃貸住宅の契約ができない",
        "background": "身寄りのない人が賃貸住宅を探す際、保証人がいないことを理由に契約できない事例が個別支援会議で報告された。",
        "themes": ["住まい"],
        "origin": IssueOrigin.CASE_CONFERENCE,
        "body": "CASE",
        "raised": ("CASE", -1, 4),
        "moves": [
            (MoveKind.ESCALATE, ("SODAN", -1, 3), {"reason": "部会で地域課題として扱う。"}),
            (
                MoveKind.MERGE,
                ("SODAN", -1, 3),
                {
                    "into": "housing",
                    "reason": "「精神科病院からの退院後に住まいが見つかりにくい」の一部として検討するため統合する。",
                },
            ),
        ],
    },
    {
        "key": "mobility",
        "title": "休日や夕方に利用できる移動支援のヘルパーが見つからない",
        "background": "相談支援ミーティングで、休日や夕方の外出に移動支援を使いたくても、対応できるヘルパーがいないという事例が複数報告された。事業所のヘルパー不足が背景にある。",
        "themes": ["移動・交通", "障害福祉・介護"],
        "origin": IssueOrigin.MEETING,
        "body": "S",
        "raised": ("L2", -1, 1),
        "reason": "相談支援ミーティングからの報告。",
        "moves": [
            (
                MoveKind.COLLECT,
                ("S", -1, 2),
                {"reason": "相談支援ミーティングからの報告を受け、地域課題として集約する。"},
            ),
            (
                MoveKind.SEND_DOWN,
                ("S", -1, 3),
                {
                    "to": "WG",
                    "due": (-1, 1, 31),
                    "reason": "送迎・移動支援ワーキンググループで利用の実態を調べてほしい。",
                },
            ),
            (
                MoveKind.PROPOSE,
                ("WG", -1, 3),
                {"to": "S", "reason": "利用実態の調査結果と移動資源の一覧案をまとめ、運営会議へ報告する。"},
            ),
            (
                MoveKind.DISCUSS,
                ("S", -1, 6),
                {"reason": "ヘルパーの確保策について、市と事業所の役割を協議する。"},
            ),
        ],
    },
    {
        "key": "transport",
        "title": "山間部の地区で通院の送迎手段が確保できない",
        "background": "市北部の山間地区に住む人について、家族が送迎できなくなり、定期的な通院が難しくなった事例が個別支援会議で報告された。路線バスの便数が少ない。",
        "themes": ["医療", "移動・交通"],
        "origin": IssueOrigin.CASE_CONFERENCE,
        "body": "CASE",
        "raised": ("CASE", -1, 3),
        "moves": [
            (MoveKind.COLLECT, ("CASE", -1, 4), {"reason": "同じ地区で同様の事例がないか確認する。"}),
            (
                MoveKind.SOLVE_INDIVIDUALLY,
                ("CASE", -1, 5),
                {
                    "reason": "福祉有償運送の利用登録と通院日の調整により、個別支援の中で対応できることを確認した。同様の事例が続く場合は、改めて部会で検討する。"
                },
            ),
        ],
    },
    {
        "key": "transition",
        "title": "18歳到達時に障害児支援から障害者支援への移行が途切れやすい",
        "background": "18歳を迎えて障害児支援から障害者支援へ移る時期に、支援の担当が変わり、情報の引き継ぎが十分でない事例がある。",
        "themes": ["こども", "相談支援"],
        "origin": IssueOrigin.BODY,
        "body": "KODOMO",
        "raised": ("KODOMO", -1, 1),
        "moves": [
            (MoveKind.COLLECT, ("KODOMO", -1, 2), {"reason": "学校・相談支援事業所の双方から事例を集める。"}),
            (
                MoveKind.ESCALATE,
                ("KODOMO", -1, 3),
                {"reason": "教育・福祉・行政にまたがる課題のため、運営会議で扱ってほしい。"},
            ),
            (MoveKind.DISCUSS, ("S", -1, 6), {"reason": "関係する部会と事務局の役割を協議した。"}),
            (
                MoveKind.SEND_DOWN,
                ("S", 0, 2),
                {"to": "KODOMO", "due": (0, 12, 25), "reason": "移行期の支援の流れ（案）の作成を依頼する。"},
            ),
        ],
    },
    {
        "key": "school",
        "title": "特別支援学校卒業後の進路情報が保護者に届きにくい",
        "background": "卒業後の進路や福祉サービスの情報が、保護者に届く時期が遅く、準備が間に合わないという声が保護者から寄せられた。",
        "themes": ["こども", "社会参加（就労）"],
        "origin": IssueOrigin.BODY,
        "body": "KODOMO",
        "raised": ("KODOMO", -1, 2),
        "moves": [
            (MoveKind.COLLECT, ("KODOMO", -1, 3), {"reason": "育成会を通じて保護者の声を集める。"}),
            (
                MoveKind.MERGE,
                ("S", -1, 6),
                {
                    "into": "transition",
                    "reason": "「18歳到達時に障害児支援から障害者支援への移行が途切れやすい」と同じ移行期の課題のため、統合して検討する。",
                },
            ),
        ],
    },
    {
        "key": "planners",
        "title": "計画相談支援の担い手が不足し、セルフプランの割合が高い",
        "background": "委託相談支援事業所連絡会議で、指定特定相談支援事業所の新規受付の停止が続き、計画相談支援を受けられずにセルフプランとなる人が増えていると報告された。相談支援専門員の確保と定着が難しい。",
        "themes": ["相談支援", "人材育成"],
        "origin": IssueOrigin.MEETING,
        "body": "S",
        "raised": ("L1", -1, 2),
        "reason": "委託相談支援事業所連絡会議からの報告。",
        "moves": [
            (MoveKind.COLLECT, ("S", -1, 3), {"reason": "地域課題として集約する。"}),
            (
                MoveKind.SEND_DOWN,
                ("S", -1, 3),
                {
                    "to": "SODAN",
                    "due": (-1, 11, 30),
                    "reason": "市内の計画相談の受付状況とセルフプランの実態について、調査・検討を依頼する。",
                },
            ),
            (
                MoveKind.ESCALATE,
                ("SODAN", -1, 3),
                {
                    "reason": "相談支援専門員の確保は市だけでは難しいため、県への報告も含めて運営会議で検討してほしい。"
                },
            ),
            (MoveKind.DISCUSS, ("S", -1, 5), {"reason": "書面会議で委員の意見を集約した。"}),
            (
                MoveKind.REPORT,
                ("S", -1, 6),
                {"reason": "相談支援従事者研修の定員の拡大と受講機会の確保について、{pc}へ報告する。"},
            ),
        ],
    },
    {
        "key": "retention",
        "title": "就労定着支援の利用が進まず、離職後の相談先が分からない人がいる",
        "background": "就労定着支援の利用期間が終わった後や、支援を使わずに就職した人が、離職した後にどこへ相談すればよいか分からない状況がある。",
        "themes": ["社会参加（就労）", "相談支援"],
        "origin": IssueOrigin.BODY,
        "body": "SHURO",
        "raised": ("SHURO", -1, 3),
        "moves": [
            (
                MoveKind.STUDY,
                ("SHURO", -1, 4),
                {"reason": "就労定着支援事業所への聞き取りを行い、次年度も部会で検討を続ける。"},
            ),
            (
                MoveKind.ESCALATE,
                ("SHURO", 0, 2),
                {"reason": "相談支援部会との合同での検討が必要なため、運営会議へ上げる。"},
            ),
        ],
    },
    {
        "key": "placement",
        "title": "一般企業での職場実習の受け入れ先が少ない",
        "background": "一般就労を目指す人が職場実習を希望しても、受け入れてくれる企業が限られており、実習の機会が得にくい。",
        "themes": ["社会参加（就労）"],
        "origin": IssueOrigin.BODY,
        "body": "SHURO",
        "raised": ("SHURO", -1, 1),
        "moves": [
            (MoveKind.STUDY, ("SHURO", -1, 1), {"reason": "受け入れ企業の開拓の方法を部会で検討する。"}),
            (MoveKind.ESCALATE, ("SHURO", -1, 2), {"reason": "市商工観光課と連携した登録制度を提案したい。"}),
            (
                MoveKind.APPROVE,
                ("S", -1, 5),
                {"reason": "受け入れ企業の登録制度を市と協働で進めることを承認した。"},
            ),
            (MoveKind.ACT, ("S", -1, 5), {"reason": "市商工観光課と事務局で制度の準備を進める。"}),
            (
                MoveKind.RESOLVE,
                ("S", 0, 1),
                {
                    "reason": "市商工観光課と連携し、職場実習の受け入れ企業の登録制度を創設した。登録企業は12社となった。",
                    "social_resource": "{c}障害者職場実習受け入れ企業登録制度",
                },
            ),
        ],
    },
    {
        "key": "wages",
        "title": "就労継続支援B型事業所の工賃が低く、地域で自立した生活を送りにくい",
        "background": "B型事業所の平均工賃が低く、年金と合わせても一人暮らしの生活費に届かない。",
        "themes": ["社会参加（就労）"],
        "origin": IssueOrigin.BODY,
        "body": "SHURO",
        "raised": ("SHURO", -1, 2),
        "moves": [
            (
                MoveKind.CLOSE,
                ("SHURO", -1, 4),
                {
                    "reason": "市の工賃向上計画の中で対応することを確認したため、部会としての取扱いを終了する。"
                },
            ),
        ],
    },
    {
        "key": "shelter",
        "title": "虐待の通報後に一時保護の受け入れ先を確保しにくい",
        "background": "障害者虐待の通報を受けて本人を一時的に保護する必要があるとき、夜間や休日に受け入れられる居室が市内に少ない。",
        "themes": ["権利擁護", "住まい"],
        "origin": IssueOrigin.SECRETARIAT,
        "body": "KENRI",
        "raised": ("KENRI", -1, 3),
        "moves": [
            (
                MoveKind.COLLECT,
                ("KENRI", -1, 4),
                {"reason": "過去の対応事例（個人が特定されない形）を整理する。"},
            ),
            (MoveKind.STUDY, ("KENRI", 0, 1), {"reason": "短期入所事業所と協定を結ぶ方法を検討する。"}),
        ],
    },
    {
        "key": "guardianship",
        "title": "成年後見制度の申立て支援につながりにくい",
        "background": "判断能力に不安のある人の成年後見制度の利用について、申立てを支援する人がいないために手続きが進まない事例がある。",
        "themes": ["権利擁護"],
        "origin": IssueOrigin.BODY,
        "body": "KENRI",
        "raised": ("KENRI", -1, 1),
        "moves": [
            (
                MoveKind.COLLECT,
                ("KENRI", -1, 2),
                {"reason": "社会福祉協議会の相談の状況と合わせて整理する。"},
            ),
            (
                MoveKind.ESCALATE,
                ("KENRI", -1, 2),
                {"reason": "市長申立ての運用について市の対応が必要なため、運営会議へ上げる。"},
            ),
            (
                MoveKind.APPROVE,
                ("S", -1, 4),
                {
                    "reason": "市長申立ての運用の見直しと、社会福祉協議会の相談窓口の周知を市が進めることを承認した。"
                },
            ),
        ],
    },
    {
        "key": "evacuation",
        "title": "災害時の個別避難計画の作成に相談支援専門員が関わる仕組みがない",
        "background": "市が進める個別避難計画の作成に、本人をよく知る相談支援専門員が関わる仕組みがなく、計画の実効性に不安がある。",
        "themes": ["防災・安心安全", "相談支援"],
        "origin": IssueOrigin.SECRETARIAT,
        "body": "S",
        "raised": ("S", 0, 2),
        "moves": [
            (MoveKind.COLLECT, ("S", 0, 3), {"reason": "市の防災担当と事務局で現状を確認する。"}),
        ],
    },
    {
        "key": "gh_vacancy",
        "title": "グループホームの空き情報が一か所で確認できない",
        "background": "グループホームの空き情報が事業所ごとにしか分からず、相談支援専門員が一件ずつ問い合わせている。",
        "themes": ["住まい"],
        "origin": IssueOrigin.BODY,
        "body": "KYOJU",
        "raised": ("KYOJU", -1, 1),
        "moves": [
            (MoveKind.STUDY, ("KYOJU", -1, 1), {"reason": "空き情報の様式を部会で作成し、試行する。"}),
            (
                MoveKind.RESOLVE,
                ("KYOJU", -1, 4),
                {
                    "reason": "空き情報の一覧を毎月更新し、市ホームページに掲載する仕組みができたため、解決とした。",
                    "social_resource": "グループホーム空き情報一覧（毎月更新・市ホームページに掲載）",
                },
            ),
        ],
    },
    {
        "key": "hikikomori",
        "title": "ひきこもり状態の人の相談先が複数の窓口に分かれている",
        "background": "ひきこもり状態の人やその家族の相談が、障害・高齢・生活困窮などの窓口に分かれて入り、支援がつながりにくい。",
        "themes": ["相談支援", "保健・予防"],
        "origin": IssueOrigin.BODY,
        "body": "SODAN",
        "raised": ("SODAN", -1, 1),
        "moves": [
            (MoveKind.COLLECT, ("SODAN", -1, 2), {"reason": "各窓口での相談の状況を確認する。"}),
            (
                MoveKind.CLOSE,
                ("SODAN", -1, 4),
                {
                    "reason": "市の重層的支援体制整備事業の支援会議で扱うこととなったため、協議会としての取扱いを終了する。"
                },
            ),
        ],
    },
    {
        "key": "guidebook",
        "title": "相談支援事業所の情報がまとまっておらず、関係機関が相談先を把握しにくい",
        "background": "医療機関や学校、地域包括支援センターから、どの相談支援事業所に相談すればよいか分からないという声がある。",
        "themes": ["相談支援"],
        "origin": IssueOrigin.BODY,
        "body": "SODAN",
        "raised": ("SODAN", -1, 1),
        "moves": [
            (MoveKind.STUDY, ("SODAN", -1, 2), {"reason": "相談支援事業所ガイドブックを部会で作成する。"}),
            (
                MoveKind.RESOLVE,
                ("SODAN", 0, 2),
                {
                    "reason": "相談支援事業所ガイドブックを作成し、医療機関・学校・地域包括支援センター等へ配布した。",
                    "social_resource": "{c}相談支援事業所ガイドブック",
                },
            ),
        ],
    },
    {
        "key": "weekend",
        "title": "精神障害のある人が土日に過ごせる日中活動の場が少ない",
        "background": "平日は事業所に通っている人も、土日に過ごせる場所がなく、孤立しやすい。家族会からも同様の声がある。",
        "themes": ["社会参加（就労）", "地域の助け合い・教育", "保健・予防"],
        "origin": IssueOrigin.BODY,
        "body": "FORUM",
        "raised": ("FORUM", -1, 3),
        "moves": [
            (MoveKind.COLLECT, ("FORUM", -1, 4), {"reason": "地域アセスメントの結果と合わせて整理する。"}),
            (
                MoveKind.ESCALATE,
                ("FORUM", -1, 6),
                {"reason": "協議の場の設置後に継続して検討するため、運営会議へ上げる。"},
            ),
            (
                MoveKind.SEND_DOWN,
                ("S", 0, 2),
                {
                    "to": "FORUM2",
                    "due": (0, 2, 28),
                    "reason": "協議の場で、地域の資源と合わせて検討を依頼する。",
                },
            ),
        ],
    },
    {
        "key": "deaf",
        "title": "聴覚障害のある人が救急受診の際に意思疎通の支援を受けにくい",
        "background": "夜間の救急受診の際に手話通訳者の派遣が間に合わず、症状や治療の説明が十分に伝わらなかった事例が個別支援会議で報告された。",
        "themes": ["医療", "権利擁護"],
        "origin": IssueOrigin.CASE_CONFERENCE,
        "body": "CASE",
        "raised": ("CASE", 0, 3),
        "moves": [
            (
                MoveKind.ESCALATE,
                ("SODAN", 0, 2),
                {"reason": "医療機関への聞き取りを含めて、部会で地域課題として整理する。"},
            ),
        ],
    },
    {
        "key": "respite",
        "title": "市内に障害のある子どもが利用できる短期入所がない",
        "background": "障害のある子どもの短期入所は市外の施設に頼っており、家族が急に介護できなくなったときの受け入れ先がない。",
        "themes": ["こども", "障害福祉・介護"],
        "origin": IssueOrigin.BODY,
        "body": "KODOMO",
        "raised": ("KODOMO", 0, 1),
        "moves": [],
    },
    {
        "key": "medcare",
        "title": "医療的ケア児の保育所での受け入れ体制が整っていない",
        "background": "医療的ケアが必要な子どもの保育所の利用を希望しても、看護師の配置が難しく、受け入れが進んでいない。",
        "themes": ["こども", "医療"],
        "origin": IssueOrigin.BODY,
        "body": "KODOMO",
        "raised": ("KODOMO", 0, 1),
        "moves": [
            (MoveKind.COLLECT, (0, 8, 20), {"reason": "こども家庭センターと受け入れの現状を確認する。"}),
        ],
    },
]

# Older issues for the extra years of --scale N (one or two per year, settled within the year).
OLD_ISSUES = [
    (
        "障害福祉サービスの情報が利用者に届いていない",
        ["相談支援"],
        "SODAN",
        [
            (MoveKind.STUDY, 2, {}),
            (
                MoveKind.RESOLVE,
                4,
                {
                    "reason": "サービスの案内冊子を作成し、窓口で配布するようにした。",
                    "social_resource": "障害福祉サービスの案内冊子",
                },
            ),
        ],
    ),
    (
        "重度の障害のある人が入浴できる場が少ない",
        ["障害福祉・介護"],
        "SODAN",
        [
            (MoveKind.COLLECT, 2, {}),
            (MoveKind.CLOSE, 4, {"reason": "訪問入浴の利用要件が見直されたため、取扱いを終了する。"}),
        ],
    ),
    (
        "通所先への送迎が家族の大きな負担になっている",
        ["移動・交通"],
        "CHIIKI",
        [
            (MoveKind.STUDY, 2, {}),
            (MoveKind.SOLVE_INDIVIDUALLY, 3, {"reason": "事業所の送迎範囲の調整により個別に対応できた。"}),
        ],
    ),
    (
        "就労移行支援の利用期間が終わった後の支援が途切れる",
        ["社会参加（就労）"],
        "SHURO",
        [
            (MoveKind.STUDY, 2, {}),
            (
                MoveKind.RESOLVE,
                4,
                {
                    "reason": "就業・生活支援センターへの引き継ぎの手順を定めた。",
                    "social_resource": "就労移行支援から就業・生活支援センターへの引き継ぎ手順",
                },
            ),
        ],
    ),
    (
        "発達障害のある子どもの相談先が分かりにくい",
        ["こども", "相談支援"],
        "KODOMO",
        [
            (MoveKind.COLLECT, 2, {}),
            (
                MoveKind.RESOLVE,
                4,
                {
                    "reason": "相談窓口の一覧を作成し、保育所・学校へ配布した。",
                    "social_resource": "発達の相談窓口一覧",
                },
            ),
        ],
    ),
    (
        "障害者差別解消法の内容が事業者に知られていない",
        ["権利擁護"],
        "KENRI",
        [
            (MoveKind.STUDY, 2, {}),
            (MoveKind.CLOSE, 4, {"reason": "市の研修事業として継続することとなったため、取扱いを終了する。"}),
        ],
    ),
    (
        "グループホームの体験利用の受け入れ先が少ない",
        ["住まい"],
        "KYOJU",
        [
            (MoveKind.STUDY, 2, {}),
            (
                MoveKind.RESOLVE,
                4,
                {
                    "reason": "体験利用を受け入れる事業所の一覧を作成した。",
                    "social_resource": "グループホーム体験利用の受け入れ事業所一覧",
                },
            ),
        ],
    ),
    (
        "精神科病院の長期入院者の退院の意向が確認されていない",
        ["医療", "保健・予防"],
        "FORUM",
        [
            (MoveKind.COLLECT, 2, {}),
            (MoveKind.CLOSE, 4, {"reason": "保健所の退院意向調査に引き継いだため、取扱いを終了する。"}),
        ],
    ),
]


# --------------------------------------------------------------------------------------------
# Yearly documents of last year (and generic ones for older years)
# --------------------------------------------------------------------------------------------

DOCUMENTS = {
    "SODAN": {
        "policy": "個別支援会議から上がる課題を地域の課題として整理し、解決に向けた取組を関係機関とともに検討する。",
        "actions": "個別支援会議で共有された事例（個人が特定されない形に整理したもの）をもとに、住まいの確保、計画相談支援の担い手不足などの地域課題を整理する。あわせて、関係機関が相談先を把握できるよう、相談支援事業所ガイドブックを作成する。",
        "direction": "・住まいの確保に関する課題は、運営会議を通じて{chiiki}で具体策を検討することとなったため、部会として事例の提供と検証に協力する。\n・相談支援事業所ガイドブックは次年度の前半の完成を目指す。",
        "notes": "・計画相談支援の新規受付が難しい状況が続いており、相談支援専門員の確保について、県への報告も含めて検討をお願いしたい。",
        "narrative": "今年度は、個別支援会議から上がった事例をもとに「住まい」「計画相談支援の担い手」「相談先の分かりにくさ」の3つの課題を整理した。住まいの課題は運営会議へ提案し、{chiiki}で具体策を検討することとなった。相談先の分かりにくさについては、部会として相談支援事業所ガイドブックの作成に着手した。",
        "functions": ["information", "coordination", "development"],
        "comments": [
            ("上野", "個別の事例を持ち寄ることで、同じ課題が複数の事業所で起きていることが分かった。"),
            ("大塚", "地域課題として整理する手順が見えてきたので、次年度は事例の集め方を統一したい。"),
            (
                "北村",
                "計画相談支援の担い手不足は部会だけでは解決できない。県への報告につながったことは大きい。",
            ),
            ("金子", "ガイドブックづくりを通して、他の事業所の得意な分野を知ることができた。"),
        ],
        "next_policy": "個別支援会議から上がる課題の整理を続け、地域課題として運営会議へ提案する流れを定着させる。",
        "next_activities": "相談支援事業所ガイドブックを完成させ、関係機関へ配布する。住まいの確保に関するアクションプランの実行に協力する。",
        "handover": "事例の集計様式（個人情報を含まないもの）を次年度も使う。",
        "status": EvaluationStatus.APPROVED,
        "history": "{fy-2}は、相談支援事業所の間の情報共有の方法について検討した。\n{fy-1}は、個別支援会議から上がった事例をもとに、住まいの確保、計画相談支援の担い手不足、相談先の分かりにくさを地域課題として整理し、運営会議へ提案した。",
    },
    "SHURO": {
        "policy": "就労系サービスの現状を把握し、障害のある人の就労と定着に必要な取組を検討する。",
        "actions": "市内の就労系サービス事業所の状況と障害者雇用の動向を共有しながら、職場実習の受け入れ先の開拓と、就労定着支援の活用について検討する。",
        "direction": "・職場実習の受け入れ企業の登録制度は、次年度の運用開始に向けて市商工観光課と調整する。\n・離職後の相談先が分からないという課題は、次年度も部会で検討を続ける。",
        "notes": "・職場実習の受け入れ企業の登録制度（案）について、全体会での周知をお願いしたい。",
        "narrative": "今年度は「職場実習の受け入れ先の開拓」と「就労定着支援の活用」をテーマとした。就労定着支援事業所3か所に部会へ出席いただき、利用の実態と課題を把握した。職場実習については企業向けの説明資料を作成し、受け入れ企業の登録制度を市へ提案した。",
        "functions": ["information", "coordination", "development", "education"],
        "comments": [
            ("坂口", "企業の担当者に説明できる資料ができたことで、ハローワークとしても紹介しやすくなった。"),
            ("杉浦", "B型事業所の利用者にも、実習の機会が広がると良い。"),
            ("和田", "就労定着支援の事業所の生の声を聞けたことが収穫だった。"),
            ("千葉", "病院としても、退院後の就労の相談先を患者に伝えやすくなった。"),
        ],
        "next_policy": "職場実習の受け入れ企業登録制度の運用を支え、就労の定着につながる取組を進める。",
        "next_activities": "登録企業を増やすための周知を行う。離職後の相談先を整理し、周知する。",
        "handover": "",
        "status": EvaluationStatus.SUBMITTED,
        "history": "{fy-2}は、就労移行支援の利用の状況と課題を確認した。\n{fy-1}は、就労定着支援の事業所から現状を聞き取り、職場実習の受け入れ企業の登録制度を市へ提案した。",
    },
    "CHIIKI": {
        "policy": "地域生活支援拠点等の整備の進捗を確認し、地域で安心して暮らせる体制づくりを進める。",
        "actions": "緊急時の受け入れ・対応と、体験の機会・場の確保を中心に、地域生活支援拠点等の5つの機能の状況を確認する。運営会議から依頼のあった住まいの確保に関する課題について、アクションプラン案を作成する。",
        "direction": "・次年度から部会の名称を「地域づくり部会」に改め、住まいや移動を含めた地域の体制づくりを幅広く扱う。\n・住まいの確保に関するアクションプランを全体会へ提案する。",
        "notes": "・部会の名称の変更（地域づくり部会）について、運営会議での承認をお願いしたい。",
        "narrative": "地域生活支援拠点等の整備の状況を市とともに確認し、緊急時の受け入れ先の情報を共有する方法を整理した。運営会議から依頼のあった住まいの確保の課題について、不動産関係団体を交えて検討し、アクションプラン案をまとめた。",
        "functions": ["information", "coordination", "development"],
        "comments": [
            ("安田", "不動産の立場から、入居後の相談先がはっきりしていれば、家主の不安は減ると感じた。"),
            ("田村", "グループホームとしても、体験利用の受け入れ方を見直すきっかけになった。"),
            ("堀内", "民生委員として、地域での見守りの役割を考える機会になった。"),
        ],
        "next_policy": "住まいと移動を中心に、障害のある人が地域で安心して暮らせる体制づくりを進める。",
        "next_activities": "住まいの確保に関するアクションプランを実行する。送迎・移動支援ワーキンググループの検討結果をもとに、移動資源の一覧を公開する。",
        "handover": "部会の名称を「地域づくり部会」に改める。",
        "status": EvaluationStatus.RETURNED,
        "review_comment": "アクションプランの各項目に、いつまでに行うかを記載してください。",
        "history": "{fy-2}は、地域生活支援拠点等の整備の方針を市とともに確認した。\n{fy-1}は、緊急時の受け入れ先の情報共有の方法を整理し、住まいの確保に関するアクションプラン案をまとめた。",
    },
    "KODOMO": {
        "policy": "障害のある子どもと家族が、乳幼児期から成人期まで切れ目なく支援を受けられる体制を検討する。",
        "actions": "医療的ケア児の受け入れの状況や、特別支援学校卒業後の進路に関する情報提供の現状を共有し、移行期の支援の課題を整理する。",
        "direction": "・18歳到達時の移行の課題は運営会議へ上げたため、次年度は移行期の支援の流れ（案）を作成する。",
        "notes": "",
        "narrative": "医療的ケア児の受け入れの現状と、卒業後の進路情報の届き方について、保護者・学校・相談支援事業所の立場から意見を出し合った。18歳到達時の移行の課題を運営会議へ上げた。",
        "functions": ["information", "coordination"],
        "comments": [
            ("松浦", "保健師として、乳幼児期からの情報をどう引き継ぐかを考える機会になった。"),
            ("橋本", "保護者の立場から、卒業後の情報が早く届く仕組みを望む声が多い。"),
            ("西田", "学校と相談支援事業所が顔を合わせる機会として有意義だった。"),
        ],
        "next_policy": "移行期の支援の流れ（案）を作成し、関係機関で共有する。",
        "next_activities": "18歳到達時の移行の事例を整理し、支援の流れ（案）を作成する。医療的ケア児の保育所での受け入れの課題を確認する。",
        "handover": "",
        "status": EvaluationStatus.DRAFT,
        "history": "{fy-2}は、療育の利用状況と待機の状況を確認した。\n{fy-1}は、医療的ケア児の受け入れと、卒業後の進路情報の届き方について検討し、移行期の課題を運営会議へ上げた。",
    },
    "KENRI": {
        "policy": "障害のある人の権利を守るため、虐待防止、成年後見制度の利用促進、差別解消の取組を進める。",
        "actions": "虐待の通報・相談の状況を共有し、一時保護の受け入れ先の課題を整理する。事業者向けに合理的配慮の提供に関する研修会を開催する。",
        "direction": "・一時保護の受け入れ先の確保について、次年度も検討を続ける。\n・研修会は次年度も継続する。",
        "notes": "",
        "narrative": "事業者向けの合理的配慮の研修会を部会員が講師となって開催し、42事業所が参加した。成年後見制度の申立て支援の課題を運営会議へ上げ、市長申立ての運用の見直しにつながった。",
        "functions": ["advocacy", "education", "information"],
        "comments": [
            ("早川", "家族会としても研修会に参加し、学ぶことが多かった。"),
            ("福永", "地域の支援者にも、権利擁護の視点が広がってきたと感じる。"),
            ("菊地", "民生委員として、虐待に気づいたときの連絡先を確認できてよかった。"),
        ],
        "next_policy": "虐待の未然防止と、緊急時の一時保護の体制づくりを進める。",
        "next_activities": "一時保護の受け入れ先について短期入所事業所と協議する。合理的配慮の研修会を継続する。",
        "handover": "研修会の資料は事務局で保管している。",
        "status": EvaluationStatus.APPROVED,
        "history": "{fy-2}は、虐待防止の研修会を開催した。\n{fy-1}は、合理的配慮の提供に関する研修会を開催し、成年後見制度の申立て支援の課題を運営会議へ上げた。",
    },
    "KYOJU": {
        "policy": "障害のある人が希望する地域で暮らせるよう、住まいの場の確保について検討する。",
        "actions": "グループホームの空き情報を一か所で確認できる仕組みをつくり、市ホームページでの公開を目指す。",
        "direction": "・空き情報一覧の公開により当初の目的を達成したため、次年度は部会を休止し、住まいに関する課題は{nchiiki}で引き継ぐ。",
        "notes": "・次年度の部会の休止について、運営会議での承認をお願いしたい。",
        "narrative": "グループホームの空き情報の様式を作成し、各事業所の協力を得て試行したうえで、毎月更新する一覧を市ホームページに掲載する仕組みをつくった。",
        "functions": ["information", "development"],
        "comments": [
            ("田村", "空き情報の問い合わせが減り、事業所の負担も軽くなった。"),
            ("上野", "相談支援専門員として、住まい探しの最初の一歩が早くなった。"),
        ],
        "next_year": NextYearDecision.END,
        "end_reason": "グループホーム空き情報一覧の公開により当初の目的を達成したため。住まいに関する課題は、次年度から{nchiiki}で引き継ぐ（部会は休止とする）。",
        "status": EvaluationStatus.SUBMITTED,
    },
}

GENERIC_THEME = {
    "SODAN": "個別支援から見えた地域課題の整理",
    "SHURO": "就労と定着の支援",
    "CHIIKI": "地域生活支援拠点等の整備",
    "KODOMO": "障害のある子どもと家族への切れ目のない支援",
    "KENRI": "虐待防止と権利擁護",
    "KYOJU": "住まいの場の確保",
}


# --------------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------------


@dataclass
class MeetingPlan:
    key: str  # body key
    offset: int  # fiscal year - current fiscal year
    fiscal_year: int
    sequence: int
    date: dt.date
    status: str
    format: str
    place: str
    start_time: dt.time | None
    end_time: dt.time | None
    title: str = ""
    agenda: str = ""
    items: list[str] = field(default_factory=list)
    attendees: list[str] = field(default_factory=list)
    guests: list[tuple[str, int]] = field(default_factory=list)
    counts: tuple[int, int] | None = None
    attendance_note: str = ""
    minutes: str = ""
    notes_for_steering: str = ""


@dataclass
class Seat:
    body_key: str
    person_key: str
    role: str
    is_secretariat: bool
    start: dt.date
    end: dt.date | None


@dataclass
class BuildStats:
    councils: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0


class _Clock:
    """Hands out distinct times within a meeting so that several moves at one meeting stay ordered."""

    def __init__(self) -> None:
        self.used: dict[tuple[dt.date, dt.time], int] = defaultdict(int)

    def at(self, day: dt.date, start: dt.time | None) -> dt.datetime:
        start = start or dt.time(10, 0)
        n = self.used[(day, start)]
        self.used[(day, start)] += 1
        moment = dt.datetime.combine(day, start) + dt.timedelta(minutes=30 + 5 * n)
        return timezone.make_aware(moment)


def _weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _fmt(text: str, ctx: dict[str, str]) -> str:
    return text.format(**ctx) if "{" in text else text


def years_for(scale: int, current: int) -> list[int]:
    back = 1 if scale <= 1 else min(scale, MAX_YEARS_BACK)
    return list(range(current - back, current + 1))


class MunicipalBuilder:
    """Builds one fictional municipal council with all its records."""

    def __init__(
        self,
        *,
        index: int,
        today: dt.date,
        slug: str | None = None,
        years: list[int],
        parent: Council,
        users: dict[str, object],
        use_services: bool,
    ) -> None:
        self.index = index
        # ``slug`` may differ from the index's (tests build one council twice to compare both writers);
        # the random choices follow the index, so both copies are the same council.
        self.slug = slug or council_slug(index)
        self.city, self.short = city_of(index)
        self.today = today
        self.current = current_fiscal_year(today)
        self.years = years
        self.parent = parent
        self.users = users if index == 0 else {}
        self.use_services = use_services
        self.seed = f"{SEED}:{council_slug(index)}"
        self.rng = random.Random(self.seed)
        self.clock = _Clock()
        self.bodies: dict[str, Body] = {}
        self.people: dict[str, Person] = {}
        self.orgs: dict[str, Organization] = {}
        self.seats: list[Seat] = []
        self.meetings: dict[tuple[str, int, int], Meeting] = {}
        self.plans: dict[tuple[str, int, int], MeetingPlan] = {}
        self.issues: dict[str, RegionalIssue] = {}
        self.themes = {t.name: t for t in Theme.objects.all()}

    # -- context for the texts ----------------------------------------------------------------

    def ctx(self, fiscal_year: int | None = None) -> dict[str, str]:
        fy = fiscal_year or self.current
        chiiki = self.body_name_in("CHIIKI", fy)
        return {
            "c": self.city,
            "s": self.short,
            "p": PREF_NAME,
            "pc": PREF_COUNCIL_NAME,
            "fy": format_fiscal_year(fy),
            "nfy": format_fiscal_year(fy + 1),
            "fy-1": format_fiscal_year(fy - 1),
            "fy-2": format_fiscal_year(fy - 2),
            "fy0": format_fiscal_year(self.current),
            "fy1": format_fiscal_year(self.current + 1),
            "plan": f"第{plan_period(fy)}期障害福祉計画",
            "nplan": f"第{plan_period(fy) + 1}期障害福祉計画",
            "chiiki": chiiki,
            "nchiiki": self.body_name_in("CHIIKI", fy + 1),
        }

    def body_name_in(self, key: str, fiscal_year: int) -> str:
        name = BODY_BY_KEY[key].name
        for body_key, offset, new_name in RENAMES:
            if body_key == key and fiscal_year >= self.current + offset:
                name = new_name
        return name

    # -- the whole council ----------------------------------------------------------------------

    def build(self) -> Council:
        council = Council(
            name=f"{self.city}障害者自立支援協議会",
            slug=self.slug,
            municipality=self.city,
            level=CouncilLevel.MUNICIPAL,
            parent=self.parent,
        )
        council.full_clean()
        council.save()
        self.council = council
        self.build_people()
        self.build_bodies()
        self.build_memberships()
        self.link_users()
        self.build_meetings()
        self.build_issues()
        self.build_documents()
        return council

    def build_people(self) -> None:
        ctx = self.ctx()
        orgs = [
            Organization(council=self.council, name=_fmt(name, ctx), kind=kind, consultation_layer=layer)
            for _key, name, kind, layer in ORGANIZATIONS
        ]
        for org, (key, *_rest) in zip(Organization.objects.bulk_create(orgs), ORGANIZATIONS, strict=True):
            self.orgs[key] = org
        # The copies get the same family names with the given names shuffled: other people.
        given = [(g, gk) for _f, g, _fk, gk, _o, _p in PEOPLE]
        if self.index:
            self.rng.shuffle(given)
        people = []
        for (family, _g, family_kana, _gk, org_key, title), (g, gk) in zip(PEOPLE, given, strict=True):
            people.append(
                Person(
                    council=self.council,
                    name=f"{family} {g}",
                    name_kana=f"{family_kana} {gk}",
                    organization=self.orgs[org_key],
                    position_title=title,
                )
            )
        for person, row in zip(Person.objects.bulk_create(people), PEOPLE, strict=True):
            self.people[row[0]] = person

    def build_bodies(self) -> None:
        first = self.years[0]
        for spec in BODIES:
            self.bodies[spec.key] = body_create(
                council=self.council,
                name=spec.name,
                kind=spec.kind,
                from_fiscal_year=first,
                parent=self.bodies[spec.parent] if spec.parent else None,
                sort_order=spec.sort,
                target_meetings_per_year=spec.target,
            )
            if spec.description:
                Body.objects.filter(pk=self.bodies[spec.key].pk).update(
                    description=_fmt(spec.description, self.ctx())
                )
        for key, offset, name in RENAMES:
            body_rename(body=self.bodies[key], fiscal_year=self.current + offset, name=name)
        for key, offset, note in PAUSES:
            body_set_status(
                body=self.bodies[key],
                fiscal_year=self.current + offset,
                status=BodyStatusKind.PAUSED,
                note=note,
            )
        for old_key, spec, offset in SUCCESSIONS:
            self.bodies[spec.key] = body_succeed(
                old=self.bodies[old_key],
                name=spec.name,
                from_fiscal_year=self.current + offset,
                target_meetings_per_year=spec.target,
                sort_order=spec.sort,
            )
            Body.objects.filter(pk=self.bodies[spec.key].pk).update(
                description="準備会での検討を引き継ぎ、精神障害にも対応した地域包括ケアシステムの構築に向けて協議する。"
            )

    # -- who sits where ------------------------------------------------------------------------

    def active_years(self, key: str) -> tuple[int, int]:
        """First and last fiscal year in which the body meets (within the built years)."""
        first, last = self.years[0], self.years[-1]
        for body_key, offset, _note in PAUSES:
            if body_key == key:
                last = min(last, self.current + offset - 1)
        for old_key, spec, offset in SUCCESSIONS:
            if old_key == key:
                last = min(last, self.current + offset - 1)
            if spec.key == key:
                first = max(first, self.current + offset)
        return first, last

    def body_spec(self, key: str) -> BodySpec:
        return FORUM2 if key == FORUM2.key else BODY_BY_KEY[key]

    def build_memberships(self) -> None:
        changes = {
            old: (new, dt.date(self.current + offset, month, day))
            for old, new, offset, month, day in REPLACEMENTS
        }
        seats: list[Seat] = []
        for key, text in MEMBERS.items():
            spec = self.body_spec(key)
            first, last = self.active_years(key)
            if first > last:
                continue
            body_start = fiscal_year_bounds(first)[0]
            body_end = fiscal_year_bounds(last)[1]
            open_ended = last == self.years[-1]
            for person_key, role, secretariat in parse_members(text):
                if secretariat or not spec.has_terms:
                    terms = [(body_start, None if open_ended else body_end)]
                else:
                    terms = []
                    cycle = term_cycle_start(first)
                    while cycle <= last:
                        # The term as appointed (任期 R6.4.1〜), even if the records start later;
                        # a body founded later starts its members' terms with it.
                        start = (
                            fiscal_year_bounds(cycle)[0]
                            if first == self.years[0]
                            else max(fiscal_year_bounds(cycle)[0], body_start)
                        )
                        end = min(dt.date(cycle + TERM_YEARS, 3, 31), body_end)
                        terms.append((start, end))
                        cycle += TERM_YEARS
                for start, end in terms:
                    change = changes.get(person_key)
                    if change and change[1] <= start:
                        seats.append(Seat(key, change[0], role, secretariat, start, end))
                    elif change and (end is None or change[1] <= end):
                        seats.append(
                            Seat(key, person_key, role, secretariat, start, change[1] - dt.timedelta(days=1))
                        )
                        seats.append(Seat(key, change[0], role, secretariat, change[1], end))
                    else:
                        seats.append(Seat(key, person_key, role, secretariat, start, end))
        self.seats = seats
        # Services for the terms people look at (the last two years); older terms in bulk.
        recent_start = fiscal_year_bounds(self.current - 1)[0]
        by_service = [s for s in seats if self.use_services and (s.end is None or s.end >= recent_start)]
        in_bulk = [s for s in seats if not (self.use_services and (s.end is None or s.end >= recent_start))]
        if by_service:
            for seat in by_service:
                membership_add(
                    body=self.bodies[seat.body_key],
                    person=self.people[seat.person_key],
                    role=seat.role,
                    term_start=seat.start,
                    term_end=seat.end,
                    is_secretariat=seat.is_secretariat,
                )
        if in_bulk:
            Membership.objects.bulk_create(
                Membership(
                    body=self.bodies[s.body_key],
                    person=self.people[s.person_key],
                    role=s.role,
                    is_secretariat=s.is_secretariat,
                    term_start=s.start,
                    term_end=s.end,
                )
                for s in in_bulk
            )

    def members_on(self, key: str, day: dt.date) -> list[str]:
        return [
            s.person_key
            for s in self.seats
            if s.body_key == key and s.start <= day and (s.end is None or day <= s.end)
        ]

    def link_users(self) -> None:
        for demo_user in DEMO_USERS:
            user = self.users.get(demo_user.username)
            if user is None or demo_user.council_slug != self.slug:
                continue
            person = self.people[demo_user.person_key]
            person.user = user
            person.email = f"{demo_user.username}@example.jp"
            person.save(update_fields=["user", "email"])
            role_grant(
                user=user,
                council=self.council,
                kind=demo_user.kind,
                body=self.bodies[demo_user.body_key] if demo_user.body_key else None,
            )
            if demo_user.kind == RoleKind.CHAIR and demo_user.body_key == "SODAN" and "CASE" in self.bodies:
                # The 相談支援部会 chair takes part in the case conferences under the 部会, so may
                # read them (and raise issues from them); other chairs may not.
                role_grant(user=user, council=self.council, kind=RoleKind.MEMBER, body=self.bodies["CASE"])

    # -- meetings ------------------------------------------------------------------------------

    def plan_meetings(self) -> list[MeetingPlan]:
        plans: list[MeetingPlan] = []
        keys = [spec.key for spec in BODIES] + [FORUM2.key]
        for fiscal_year in self.years:
            offset = fiscal_year - self.current
            for key in keys:
                first, last = self.active_years(key)
                if not first <= fiscal_year <= last:
                    continue
                spec = self.body_spec(key)
                months = SPECIAL_MONTHS.get((key, offset), spec.months)
                plans.extend(self.plan_year(spec, fiscal_year, offset, months))
        return plans

    def plan_year(
        self, spec: BodySpec, fiscal_year: int, offset: int, months: tuple[int, ...]
    ) -> list[MeetingPlan]:
        rng = self.rng
        ctx = self.ctx(fiscal_year)
        bank = ITEMS[spec.key]
        middle = list(bank["middle"])
        rng.shuffle(middle)
        recent = offset >= -1
        plans = []
        for seq, month in enumerate(months, start=1):
            low, high = (8, 24) if month in (12, 1) else (4, 25)
            day = _weekday_on_or_after(fiscal_month_date(fiscal_year, month, rng.randint(low, high)))
            special = SPECIAL_MEETINGS.get((spec.key, offset, seq), {}) if recent else {}
            fmt = special.get("format", spec.fmt)
            if not recent and fmt == MeetingFormat.IN_PERSON and rng.random() < 0.04:
                fmt = MeetingFormat.WRITTEN
            written = fmt == MeetingFormat.WRITTEN
            (sh, sm), (eh, em) = spec.times
            plan = MeetingPlan(
                key=spec.key,
                offset=offset,
                fiscal_year=fiscal_year,
                sequence=seq,
                date=day,
                status=MeetingStatus.HELD if day < self.today else MeetingStatus.PLANNED,
                format=fmt,
                place=""
                if written
                else ("オンライン（Web会議）" if fmt == MeetingFormat.ONLINE else _fmt(spec.place, ctx)),
                start_time=None if written else dt.time(sh, sm),
                end_time=None if written else dt.time(eh, em),
                agenda=_fmt(AGENDA[spec.key], ctx) if spec.key in AGENDA else "",
                notes_for_steering=special.get("notes_for_steering", ""),
            )
            if spec.kind == BK.CASE_CONFERENCE:
                plan.title = f"個別支援会議（{rng.choice(['北部', '中央', '南部', '東部', '西部'])}地区）"
            if "cancel" in special:
                plan.status = MeetingStatus.CANCELLED
                plan.minutes = special["cancel"]
            if plan.status == MeetingStatus.HELD:
                if "items" in special:
                    texts = special["items"]
                elif special.get("items_key") == "written":
                    texts = bank["written"][0]
                elif isinstance(special.get("items_key"), int):
                    texts = bank["middle"][special["items_key"]]
                elif seq == 1:
                    texts = bank["open"][0]
                elif seq == len(months) and month in (1, 2, 3):
                    texts = bank["close"][0]
                else:
                    texts = middle[(seq - 2) % len(middle)]
                plan.items = [_fmt(t, ctx) for t in texts]
                members = self.members_on(spec.key, day)
                guests = [(_fmt(name, ctx), n) for name, n in special.get("guests", [])]
                if "counts" in special:
                    plan.counts = special["counts"]
                elif not recent:
                    # Older years were typed in from paper records: counts only.
                    came = max(2, round(len(members) * rng.uniform(0.7, 0.95)))
                    orgs = len({self.people[k].organization_id for k in members[:came]})
                    plan.counts = (orgs, came)
                else:
                    chosen = [k for k in members if rng.random() < 0.88] or members[:2]
                    plan.attendees = chosen
                    plan.guests = guests
                plan.attendance_note = _fmt(special.get("attendance_note", ""), ctx)
            plans.append(plan)
        return plans

    def build_meetings(self) -> None:
        plans = self.plan_meetings()
        for plan in plans:
            self.plans[(plan.key, plan.offset, plan.sequence)] = plan
        # The services write the last two years of the first council (what people open and check);
        # the extra years of --scale N and the copies are written in bulk: same rows, much faster.
        by_service = [p for p in plans if self.use_services and p.offset >= -1]
        self.write_meetings_in_bulk([p for p in plans if not (self.use_services and p.offset >= -1)])
        for plan in by_service:
            self.meetings[(plan.key, plan.offset, plan.sequence)] = self.write_meeting_with_services(plan)

    def _meeting_fields(self, plan: MeetingPlan) -> dict:
        return {
            "title": plan.title,
            "format": plan.format,
            "place": plan.place,
            "start_time": plan.start_time,
            "end_time": plan.end_time,
            "agenda": plan.agenda,
            "notes_for_steering": plan.notes_for_steering,
            "attendance_note": plan.attendance_note,
            "minutes": plan.minutes,
        }

    def write_meeting_with_services(self, plan: MeetingPlan) -> Meeting:
        fields = self._meeting_fields(plan)
        if plan.status == MeetingStatus.CANCELLED:
            fields["status"] = MeetingStatus.CANCELLED
        if plan.counts:
            fields["agencies_count"], fields["people_count"] = plan.counts
        # The secretariat puts the year's dates in first (予定), then records each meeting after it.
        meeting = meeting_create(body=self.bodies[plan.key], date=plan.date, **fields)
        assert meeting.sequence == plan.sequence, (
            plan.key,
            plan.fiscal_year,
            meeting.sequence,
            plan.sequence,
        )
        if plan.status == MeetingStatus.HELD:
            meeting_record_held(meeting=meeting)
            meeting_set_items(meeting=meeting, texts=plan.items)
            if plan.attendees or plan.guests:
                meeting_set_attendance(
                    meeting=meeting,
                    people=[self.people[k] for k in plan.attendees],
                    guests=[GuestAttendance(organization_name=name, people=n) for name, n in plan.guests],
                )
        return meeting

    def write_meetings_in_bulk(self, plans: list[MeetingPlan]) -> None:
        if not plans:
            return
        rows = []
        for plan in plans:
            meeting = Meeting(
                body=self.bodies[plan.key],
                fiscal_year=plan.fiscal_year,
                sequence=plan.sequence,
                date=plan.date,
                status=plan.status,
                **self._meeting_fields(plan),
            )
            if plan.counts:
                meeting.agencies_count, meeting.people_count = plan.counts
            elif plan.attendees or plan.guests:
                # The same counting as meetings.services.meeting_recount_attendance.
                agencies = {
                    f"org:{self.people[k].organization_id}"
                    if self.people[k].organization_id
                    else f"person:{k}"
                    for k in plan.attendees
                }
                agencies |= {f"name:{name}" for name, _n in plan.guests}
                meeting.agencies_count = len(agencies)
                meeting.people_count = len(plan.attendees) + sum(n for _name, n in plan.guests)
            rows.append(meeting)
        Meeting.objects.bulk_create(rows, batch_size=500)
        items, attendances, guests = [], [], []
        for plan, meeting in zip(plans, rows, strict=True):
            self.meetings[(plan.key, plan.offset, plan.sequence)] = meeting
            items += [
                MeetingItem(meeting=meeting, position=i, text=t) for i, t in enumerate(plan.items, start=1)
            ]
            attendances += [Attendance(meeting=meeting, person=self.people[k]) for k in plan.attendees]
            guests += [
                GuestAttendance(meeting=meeting, organization_name=n, people=c) for n, c in plan.guests
            ]
        MeetingItem.objects.bulk_create(items, batch_size=1000)
        Attendance.objects.bulk_create(attendances, batch_size=1000)
        GuestAttendance.objects.bulk_create(guests, batch_size=1000)

    # -- regional issues -----------------------------------------------------------------------

    def held(self, ref: tuple) -> Meeting | None:
        meeting = self.meetings.get(ref)
        if meeting is None or meeting.status != MeetingStatus.HELD:
            return None
        return meeting

    def when(self, where: tuple) -> tuple[dt.datetime, Meeting | None] | None:
        """The moment of a step and its meeting, or None when it has not happened yet."""
        if isinstance(where[0], str):
            meeting = self.held((where[0], where[1], where[2]))
            if meeting is None:
                return None
            return self.clock.at(meeting.date, meeting.start_time), meeting
        offset, month, day = where
        fiscal_year = self.current + offset
        date = fiscal_month_date(fiscal_year, month, day)
        if date >= self.today:
            return None
        return self.clock.at(date, None), None

    def chair_user(self, body_key: str):
        """The demo login of the body's chair, if it has one."""
        for demo_user in DEMO_USERS:
            if demo_user.kind == RoleKind.CHAIR and demo_user.body_key == body_key:
                return self.users.get(demo_user.username)
        return None

    def actor(self, body_key: str):
        """Who records a move: the chair's account for their body, otherwise the secretariat."""
        return self.chair_user(body_key) or self.users.get("demo-secretariat")

    def due(self, spec: tuple) -> dt.date:
        offset, month, day = spec
        fiscal_year = self.current + offset
        return fiscal_month_date(fiscal_year, month, day)

    def raise_issue(
        self,
        *,
        body_key: str,
        title: str,
        background: str,
        origin: str,
        themes: list[str],
        when: tuple[dt.datetime, Meeting | None],
        reason: str = "",
    ) -> RegionalIssue:
        moment, meeting = when
        if not self.use_services:
            return self.raise_issue_in_memory(
                body_key=body_key,
                title=title,
                background=background,
                origin=origin,
                themes=themes,
                moment=moment,
                meeting=meeting,
                reason=reason,
            )
        issue = issue_raise(
            body=self.bodies[body_key],
            title=title,
            by=self.users.get("demo-secretariat"),
            background=background,
            origin=origin,
            # The secretariat raises issues on its own; the others name the meeting they came from.
            origin_meeting=None if origin == IssueOrigin.SECRETARIAT else meeting,
            themes=[self.themes[name] for name in themes if name in self.themes],
            reason=reason,
            at=moment,
        )
        return issue

    def apply_move(self, issue: RegionalIssue, kind: str, when, opts: dict, ctx: dict[str, str]) -> None:
        moment, meeting = when
        if not self.use_services:
            self.move_in_memory(issue, kind, moment, meeting, opts, ctx)
            return
        holder = issue.body
        key = next((k for k, b in self.bodies.items() if b.pk == holder.pk), "S")
        issue_move(
            issue=issue,
            kind=kind,
            by=self.actor(key),
            reason=_fmt(opts.get("reason", ""), ctx),
            to_body=self.bodies[opts["to"]] if "to" in opts else None,
            at_meeting=meeting,
            due_on=self.due(opts["due"]) if "due" in opts else None,
            merge_into=self.issues[opts["into"]] if "into" in opts else None,
            social_resource=_fmt(opts.get("social_resource", ""), ctx),
            at=moment,
        )

    # The copies made by --scale N record their issues in memory, checked move by move by the same
    # rules (issues.workflow.plan_move), and write them at the end: what issue_raise / issue_move
    # would have written, without ~10 queries per move.

    def raise_issue_in_memory(self, *, body_key, title, background, origin, themes, moment, meeting, reason):
        body = self.bodies[body_key]
        issue = RegionalIssue(
            council=self.council,
            body=body,
            title=title.strip(),
            background=background,
            origin=origin,
            origin_meeting=None if origin == IssueOrigin.SECRETARIAT else meeting,
            raised_on=timezone.localtime(moment).date(),
            status=IssueStatus.RAISED,
        )
        issue.save()  # one INSERT, so that merges can tell issues apart by pk
        self.pending_themes += [(issue, self.themes[name]) for name in themes if name in self.themes]
        self.pending_moves.append(
            IssueMove(
                issue=issue,
                kind=MoveKind.RAISE,
                from_status="",
                to_status=IssueStatus.RAISED,
                from_body=None,
                to_body=body,
                at_meeting=issue.origin_meeting,
                reason=reason,
                by=None,
                by_name="システム",
                at=moment,
            )
        )
        self.pending_issues.append(issue)
        return issue

    def move_in_memory(self, issue, kind, moment, meeting, opts, ctx) -> None:
        reason = _fmt(opts.get("reason", ""), ctx)
        merge_into = self.issues[opts["into"]] if "into" in opts else None
        due_on = self.due(opts["due"]) if "due" in opts else None
        planned = plan_move(
            issue,
            kind,
            to_body=self.bodies[opts["to"]] if "to" in opts else None,
            reason=reason,
            due_on=due_on,
            merge_into=merge_into,
            today=timezone.localtime(moment).date(),
        )
        issue.status = planned.to_status
        issue.body = planned.to_body
        issue.version += 1
        if kind == MoveKind.MERGE:
            issue.merged_into = merge_into
        if kind == MoveKind.REPORT:
            issue.reported_to_id = self.council.parent_id
            issue.reported_on = timezone.localtime(moment).date()
        if kind in {MoveKind.RESOLVE, MoveKind.CLOSE, MoveKind.SOLVE_INDIVIDUALLY}:
            issue.outcome_note = reason
            issue.social_resource = _fmt(opts.get("social_resource", ""), ctx)
        self.pending_moves.append(
            IssueMove(
                issue=issue,
                kind=kind,
                from_status=planned.from_status,
                to_status=planned.to_status,
                from_body=planned.from_body,
                to_body=planned.to_body,
                at_meeting=meeting,
                related_issue=merge_into,
                reason=reason,
                due_on=due_on,
                by=None,
                by_name="システム",
                at=moment,
            )
        )

    def flush_issues(self) -> None:
        if not self.pending_issues:
            return
        RegionalIssue.objects.bulk_update(
            self.pending_issues,
            [
                "status",
                "body",
                "version",
                "merged_into",
                "reported_to",
                "reported_on",
                "outcome_note",
                "social_resource",
            ],
            batch_size=500,
        )
        IssueMove.objects.bulk_create(self.pending_moves, batch_size=1000)
        Through = RegionalIssue.themes.through
        Through.objects.bulk_create(Through(regionalissue=i, theme=t) for i, t in self.pending_themes)
        self.pending_issues, self.pending_moves, self.pending_themes = [], [], []

    def build_issues(self) -> None:
        ctx = self.ctx()
        self.pending_issues: list[RegionalIssue] = []
        self.pending_moves: list[IssueMove] = []
        self.pending_themes: list[tuple[RegionalIssue, Theme]] = []
        if not self.use_services:
            # The workflow reads each target body's statuses and parents: load them once.
            prefetch_related_objects(list(self.bodies.values()), "statuses")
        # Issues that others merge into come first (a merge needs its target to exist).
        order = sorted(ISSUES, key=lambda spec: 0 if spec["key"] in {"housing", "transition"} else 1)
        for spec in order:
            raised = self.when(spec["raised"])
            if raised is None:
                continue
            issue = self.raise_issue(
                body_key=spec["body"],
                title=spec["title"],
                background=spec["background"],
                origin=spec["origin"],
                themes=spec["themes"],
                when=raised,
                reason=spec.get("reason", ""),
            )
            self.issues[spec["key"]] = issue
            for kind, where, opts in spec["moves"]:
                step = self.when(where)
                if step is None:
                    break
                self.apply_move(issue, kind, step, opts, ctx)
            if "plan" in spec:
                self.build_action_plan(issue, spec["plan"], ctx)
        self.build_old_issues()
        self.flush_issues()

    def build_action_plan(self, issue: RegionalIssue, spec: dict, ctx: dict[str, str]) -> None:
        plan = ActionPlan.objects.create(issue=issue, target_state=_fmt(spec["target_state"], ctx))
        ActionPlanRow.objects.bulk_create(
            ActionPlanRow(
                plan=plan,
                position=i,
                problem=_fmt(problem, ctx),
                towards=_fmt(towards, ctx),
                action=_fmt(action, ctx),
                due_label=_fmt(label, {**ctx, "due": format_wareki(self.due(due))}),
                due_on=self.due(due),
                progress=_fmt(progress, ctx),
            )
            for i, (problem, towards, action, label, due, progress) in enumerate(spec["rows"])
        )

    def build_old_issues(self) -> None:
        """One or two settled issues per extra year (only with --scale N > 1)."""
        for fiscal_year in self.years:
            offset = fiscal_year - self.current
            if offset >= -1:
                continue
            ctx = self.ctx(fiscal_year)
            for n in range(1 + (fiscal_year % 2)):
                title, themes, body_key, moves = OLD_ISSUES[(fiscal_year * 2 + n) % len(OLD_ISSUES)]
                first, last = self.active_years(body_key)
                if not first <= fiscal_year <= last:
                    body_key = "SODAN"
                raised = self.when((body_key, offset, 1))
                if raised is None:
                    continue
                issue = self.raise_issue(
                    body_key=body_key,
                    title=title,
                    themes=themes,
                    origin=IssueOrigin.BODY,
                    when=raised,
                    background=f"{format_fiscal_year(fiscal_year)}に{self.body_name_in(body_key, fiscal_year)}の部会員から提起された。",
                )
                for kind, seq, opts in moves:
                    step = self.when((body_key, offset, seq))
                    if step is None:
                        break
                    if kind in {MoveKind.RESOLVE, MoveKind.CLOSE, MoveKind.SOLVE_INDIVIDUALLY} and not opts:
                        opts = {"reason": "取扱いを終了する。"}
                    self.apply_move(issue, kind, step, opts, ctx)

    # -- yearly documents ----------------------------------------------------------------------

    def build_documents(self) -> None:
        reports, evaluations, policies, comments = [], [], [], []
        reviews: list[tuple[Evaluation, list[tuple[str, str, str]]]] = []
        subcommittees = [s.key for s in BODIES if s.kind == BK.SUBCOMMITTEE]
        for fiscal_year in self.years:
            offset = fiscal_year - self.current
            ctx = self.ctx(fiscal_year)
            for key in subcommittees:
                first, last = self.active_years(key)
                body = self.bodies[key]
                if offset == 0 and key in DOCUMENTS and first <= fiscal_year <= last:
                    doc = DOCUMENTS[key]
                    policies.append(
                        ActivityPolicy(
                            body=body,
                            fiscal_year=fiscal_year,
                            history=_fmt(doc.get("history", ""), ctx),
                            policy=doc["next_policy"],
                            activities=_fmt(doc["next_activities"], ctx),
                        )
                    )
                if offset >= 0 or not first <= fiscal_year <= last:
                    continue
                if offset == -1 and key in DOCUMENTS:
                    doc = {k: (_fmt(v, ctx) if isinstance(v, str) else v) for k, v in DOCUMENTS[key].items()}
                else:
                    doc = self.generic_document(key, fiscal_year, ctx)
                reports.append(
                    ProgressReport(
                        body=body,
                        fiscal_year=fiscal_year,
                        policy=doc["policy"],
                        actions=doc["actions"],
                        direction=doc["direction"],
                        notes_for_steering=doc["notes"],
                    )
                )
                next_year = doc.get("next_year", NextYearDecision.CONTINUE)
                evaluation = Evaluation(
                    body=body,
                    fiscal_year=fiscal_year,
                    written_on=dt.date(fiscal_year + 1, 3, 10),
                    policy=doc["policy"],
                    narrative=doc["narrative"],
                    next_year=next_year,
                    next_policy=doc.get("next_policy", "") if next_year == NextYearDecision.CONTINUE else "",
                    next_activities=doc.get("next_activities", "")
                    if next_year == NextYearDecision.CONTINUE
                    else "",
                    handover=doc.get("handover", ""),
                    end_reason=doc.get("end_reason", ""),
                    status=doc["status"],
                    **{f"function_{f}": True for f in doc["functions"]},
                )
                evaluations.append(evaluation)
                for i, (person_key, text) in enumerate(doc["comments"]):
                    comments.append((evaluation, i, person_key, text))
                steps = []
                if doc["status"] in {
                    EvaluationStatus.SUBMITTED,
                    EvaluationStatus.RETURNED,
                    EvaluationStatus.APPROVED,
                }:
                    steps.append((EvaluationStatus.SUBMITTED, "chair", ""))
                if doc["status"] == EvaluationStatus.RETURNED:
                    steps.append((EvaluationStatus.RETURNED, "reviewer", doc.get("review_comment", "")))
                if doc["status"] == EvaluationStatus.APPROVED:
                    steps.append((EvaluationStatus.APPROVED, "reviewer", ""))
                reviews.append((evaluation, steps))
        ProgressReport.objects.bulk_create(reports)
        Evaluation.objects.bulk_create(evaluations)
        ActivityPolicy.objects.bulk_create(policies)
        EvaluationComment.objects.bulk_create(
            EvaluationComment(evaluation=e, position=i, person=self.people.get(p), text=t)
            for e, i, p, t in comments
        )
        self.build_reviews(reviews)

    def generic_document(self, key: str, fiscal_year: int, ctx: dict[str, str]) -> dict:
        theme = GENERIC_THEME[key]
        name = self.body_name_in(key, fiscal_year)
        held = sum(
            1
            for p in self.plans.values()
            if p.key == key and p.fiscal_year == fiscal_year and p.status == MeetingStatus.HELD
        )
        members = [k for k in dict.fromkeys(self.members_on(key, dt.date(fiscal_year, 10, 1)))]
        picks = random.Random(f"{self.seed}:{key}:{fiscal_year}")
        functions = ["information", "coordination"] + picks.sample(
            ["development", "education", "advocacy", "evaluation"], 2
        )
        return {
            "policy": f"{theme}について、関係機関とともに検討する。",
            "actions": f"{ctx['fy']}は、{theme}に関する現状を共有し、課題を整理する。",
            "direction": f"・次年度も{name}で検討を続ける。",
            "notes": "",
            "narrative": f"{ctx['fy']}は{held}回開催し、{theme}について各機関の取組を共有した。",
            "functions": functions,
            "comments": [
                (k, picks.choice(GENERIC_COMMENTS)) for k in picks.sample(members, min(2, len(members)))
            ],
            "next_policy": f"{theme}について、引き続き検討する。",
            "next_activities": "前年度に整理した課題について、具体的な取組を検討する。",
            "handover": "",
            "status": EvaluationStatus.APPROVED,
        }

    def build_reviews(self, reviews: list[tuple[Evaluation, list[tuple[str, str, str]]]]) -> None:
        reviewer = self.users.get("demo-reviewer")
        rows = []
        for evaluation, steps in reviews:
            chair = next(
                (
                    s.person_key
                    for s in self.seats
                    if s.body_key == self.key_of(evaluation.body) and s.role == MembershipRole.CHAIR
                ),
                None,
            )
            chair_user = self.chair_user(self.key_of(evaluation.body))
            for n, (status, who, comment) in enumerate(steps):
                if who == "chair":
                    by = chair_user
                    by_name = self.people[chair].name if chair else "部会長"
                else:
                    by = reviewer
                    by_name = self.people["片桐"].name
                # The demo's reviews happened last March.
                at = dt.datetime(
                    evaluation.fiscal_year + 1, 3, 12 + 4 * n, 15, 0, tzinfo=timezone.get_current_timezone()
                )
                rows.append(
                    EvaluationReview(
                        evaluation=evaluation,
                        to_status=status,
                        by=by,
                        by_name=by_name,
                        comment=comment,
                        at=at,
                    )
                )
        EvaluationReview.objects.bulk_create(rows)

    def key_of(self, body: Body) -> str:
        return next(k for k, b in self.bodies.items() if b.pk == body.pk)


GENERIC_COMMENTS = [
    "他の機関の取組を知ることができ、日頃の支援に生かせた。",
    "課題を共有するだけでなく、具体的な取組につなげていきたい。",
    "部会で顔を合わせることで、連携が取りやすくなった。",
    "次年度は当事者や家族の声を聞く機会を増やしたい。",
]


# --------------------------------------------------------------------------------------------
# The prefecture council and the unrelated small council
# --------------------------------------------------------------------------------------------


def build_prefecture(today: dt.date, users: dict[str, object]) -> Council:
    current = current_fiscal_year(today)
    council = Council(
        name=PREF_COUNCIL_NAME, slug=PREF_SLUG, municipality=PREF_NAME, level=CouncilLevel.PREFECTURE
    )
    council.full_clean()
    council.save()
    office = Organization.objects.create(council=council, name=f"{PREF_NAME}障害福祉課", kind=OK.GOVERNMENT)
    center = Organization.objects.create(
        council=council, name=f"{PREF_NAME}障害者相談支援アドバイザー", kind=OK.OTHER
    )
    igarashi = Person.objects.create(
        council=council,
        name="五十嵐 亜紀",
        name_kana="いがらし あき",
        organization=office,
        position_title="地域生活支援係 主任",
    )
    hattori = Person.objects.create(
        council=council,
        name="服部 研一",
        name_kana="はっとり けんいち",
        organization=center,
        position_title="アドバイザー",
    )
    plenary = body_create(
        council=council,
        name="全体会",
        kind=BK.PLENARY,
        from_fiscal_year=current - 1,
        sort_order=10,
        target_meetings_per_year=2,
    )
    sub = body_create(
        council=council,
        name="相談支援体制部会",
        kind=BK.SUBCOMMITTEE,
        from_fiscal_year=current - 1,
        parent=plenary,
        sort_order=20,
        target_meetings_per_year=3,
    )
    start = fiscal_year_bounds(current - 1)[0]
    membership_add(
        body=plenary, person=igarashi, role=MembershipRole.MEMBER, term_start=start, is_secretariat=True
    )
    membership_add(
        body=plenary,
        person=hattori,
        role=MembershipRole.CHAIR,
        term_start=start,
        term_end=dt.date(term_cycle_start(current) + 3, 3, 31),
    )
    membership_add(body=sub, person=hattori, role=MembershipRole.CHAIR, term_start=start)
    membership_add(
        body=sub, person=igarashi, role=MembershipRole.MEMBER, term_start=start, is_secretariat=True
    )
    for fiscal_year in (current - 1, current):
        for month, texts in (
            (
                8,
                [
                    "県内の市町村協議会の活動状況を共有した。",
                    "市町村協議会から報告された地域課題の一覧を確認した。",
                ],
            ),
            (
                2,
                [
                    "相談支援従事者研修の実施状況について報告を受けた。",
                    "次年度の県協議会の進め方を協議した。",
                ],
            ),
        ):
            day = _weekday_on_or_after(fiscal_month_date(fiscal_year, month, 18))
            meeting = meeting_create(
                body=plenary,
                date=day,
                place=f"{PREF_NAME}庁 第2会議室",
                start_time=dt.time(13, 30),
                end_time=dt.time(15, 30),
            )
            if day < today:
                meeting_record_held(meeting=meeting)
                meeting_set_items(meeting=meeting, texts=texts)
                meeting_set_attendance(meeting=meeting, people=[igarashi, hattori])
    user = users.get("demo-pref")
    if user is not None:
        igarashi.user = user
        igarashi.save(update_fields=["user"])
        role_grant(user=user, council=council, kind=RoleKind.SECRETARIAT)
    return council


def build_other(today: dt.date, users: dict[str, object]) -> Council:
    """さくら台町: a small council with no link to the others (no cross-council leakage)."""
    current = current_fiscal_year(today)
    council = Council(
        name="さくら台町自立支援協議会",
        slug=OTHER_SLUG,
        municipality="さくら台町",
        level=CouncilLevel.MUNICIPAL,
    )
    council.full_clean()
    council.save()
    town = Organization.objects.create(council=council, name="さくら台町福祉保健課", kind=OK.GOVERNMENT)
    shakyo = Organization.objects.create(council=council, name="さくら台町社会福祉協議会", kind=OK.COMMUNITY)
    office = Organization.objects.create(
        council=council, name="相談支援事業所すみれ", kind=OK.CONSULTATION, consultation_layer=CL.CONTRACTED
    )
    people = {
        "藤本": Person.objects.create(
            council=council,
            name="藤本 恵子",
            name_kana="ふじもと けいこ",
            organization=town,
            position_title="保健福祉係長",
        ),
        "小林": Person.objects.create(
            council=council,
            name="小林 勝",
            name_kana="こばやし まさる",
            organization=shakyo,
            position_title="事務局長",
        ),
        "増田": Person.objects.create(
            council=council,
            name="増田 亜希子",
            name_kana="ますだ あきこ",
            organization=office,
            position_title="相談支援専門員",
        ),
        "谷口": Person.objects.create(
            council=council,
            name="谷口 剛",
            name_kana="たにぐち つよし",
            organization=office,
            position_title="管理者",
        ),
    }
    first = current - 1
    plenary = body_create(
        council=council,
        name="全体会",
        kind=BK.PLENARY,
        from_fiscal_year=first,
        sort_order=10,
        target_meetings_per_year=2,
    )
    sub = body_create(
        council=council,
        name="くらし支援部会",
        kind=BK.SUBCOMMITTEE,
        from_fiscal_year=first,
        parent=plenary,
        sort_order=20,
        target_meetings_per_year=3,
    )
    start = fiscal_year_bounds(first)[0]
    term_end = dt.date(term_cycle_start(current) + 3, 3, 31)
    membership_add(
        body=plenary, person=people["小林"], role=MembershipRole.CHAIR, term_start=start, term_end=term_end
    )
    membership_add(
        body=plenary, person=people["谷口"], role=MembershipRole.MEMBER, term_start=start, term_end=term_end
    )
    membership_add(
        body=plenary, person=people["藤本"], role=MembershipRole.MEMBER, term_start=start, is_secretariat=True
    )
    membership_add(
        body=sub, person=people["谷口"], role=MembershipRole.CHAIR, term_start=start, term_end=term_end
    )
    membership_add(
        body=sub, person=people["増田"], role=MembershipRole.MEMBER, term_start=start, term_end=term_end
    )
    membership_add(
        body=sub, person=people["藤本"], role=MembershipRole.MEMBER, term_start=start, is_secretariat=True
    )
    schedule = [
        (plenary, (7, 2), ["町の障害福祉計画の進捗を共有した。", "くらし支援部会の取組を確認した。"]),
        (
            sub,
            (6, 10, 1),
            ["町内の移動手段の状況を確認した。", "買い物の支援について社会福祉協議会と意見交換した。"],
        ),
    ]
    meetings: list[Meeting] = []
    for fiscal_year in (first, current):
        for body, months, texts in schedule:
            for month in months:
                day = _weekday_on_or_after(fiscal_month_date(fiscal_year, month, 15))
                meeting = meeting_create(
                    body=body,
                    date=day,
                    place="さくら台町役場 2階 会議室",
                    start_time=dt.time(14, 0),
                    end_time=dt.time(15, 30),
                )
                if day < today:
                    meeting_record_held(meeting=meeting)
                    meeting_set_items(meeting=meeting, texts=texts)
                    meeting_set_attendance(
                        meeting=meeting, people=[p for p in people.values()][: 3 if body == sub else 4]
                    )
                    meetings.append(meeting)
    user = users.get("other-secretariat")
    if user is not None:
        people["藤本"].user = user
        people["藤本"].save(update_fields=["user"])
        role_grant(user=user, council=council, kind=RoleKind.SECRETARIAT)
    clock = _Clock()
    themes = {t.name: t for t in Theme.objects.all()}
    sub_meetings = [m for m in meetings if m.body_id == sub.pk]
    specs = [
        ("町内に日中一時支援の事業所がない", ["障害福祉・介護"], []),
        ("路線バスの減便で通所が難しくなった人がいる", ["移動・交通"], [MoveKind.STUDY]),
        (
            "買い物に行けない人のための支援が足りない",
            ["地域の助け合い・教育"],
            [MoveKind.STUDY, MoveKind.RESOLVE],
        ),
    ]
    for n, (title, theme_names, moves) in enumerate(specs):
        if len(sub_meetings) <= n:
            break
        origin = sub_meetings[0]
        issue = issue_raise(
            body=sub,
            title=title,
            by=user,
            origin=IssueOrigin.BODY,
            origin_meeting=origin,
            themes=[themes[t] for t in theme_names if t in themes],
            raised_on=origin.date,
            at=clock.at(origin.date, origin.start_time),
        )
        for kind, meeting in zip(moves, sub_meetings[1:], strict=False):
            issue_move(
                issue=issue,
                kind=kind,
                by=user,
                at_meeting=meeting,
                at=clock.at(meeting.date, meeting.start_time),
                reason="社会福祉協議会の移動販売の巡回先に、障害のある人の住む地区を加えた。"
                if kind == MoveKind.RESOLVE
                else "",
                social_resource="移動販売の巡回ルートの追加" if kind == MoveKind.RESOLVE else "",
            )
    return council


# --------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------


def ensure_users() -> tuple[dict[str, object], list[str]]:
    """The demo logins, created when missing. Existing accounts are left as they are."""
    User = get_user_model()
    existing = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    created = []
    password_hash = None
    for demo_user in DEMO_USERS:
        if demo_user.username in existing:
            continue
        if password_hash is None:
            password_hash = make_password(PASSWORD)  # hashed once: all demo logins share it
        user = User(
            username=demo_user.username,
            first_name=demo_user.first_name,
            last_name=demo_user.last_name,
            email=f"{demo_user.username}@example.jp",
            password=password_hash,
        )
        user.save()
        existing[demo_user.username] = user
        created.append(demo_user.username)
    return existing, created


def load(
    *, scale: int = 1, today: dt.date | None = None, log: Callable[[str], None] = lambda s: None
) -> BuildStats:
    """Build whatever of the demo is missing, in one transaction."""
    if not 1 <= scale <= MAX_SCALE:
        raise ValueError(f"scale must be between 1 and {MAX_SCALE}")
    today = today or timezone.localdate()
    current = current_fiscal_year(today)
    years = years_for(scale, current)
    stats = BuildStats()
    started = time.perf_counter()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: in one long transaction every
            # insert queues a check that PostgreSQL keeps rescanning, and --scale 10 slows down
            # quadratically. Rows here are always written parents first, so check them at once.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        users, _created = ensure_users()
        existing = set(Council.objects.filter(demo_slug_filter()).values_list("slug", flat=True))
        pref = Council.objects.filter(slug=PREF_SLUG).first()
        if pref is None:
            pref = build_prefecture(today, users)
            stats.councils.append(PREF_SLUG)
        for index in range(scale):
            slug = council_slug(index)
            if slug in existing:
                stats.skipped.append(slug)
                continue
            t0 = time.perf_counter()
            MunicipalBuilder(
                index=index,
                today=today,
                years=years,
                parent=pref,
                users=users,
                use_services=index == 0,
            ).build()
            stats.councils.append(slug)
            log(f"  {slug}: {time.perf_counter() - t0:.1f}s")
        if OTHER_SLUG not in existing:
            build_other(today, users)
            stats.councils.append(OTHER_SLUG)
    stats.seconds = time.perf_counter() - started
    return stats


def reset() -> int:
    """Delete the demo councils and the demo users. PROTECT foreign keys dictate the order."""
    User = get_user_model()
    with transaction.atomic():
        councils = list(Council.objects.filter(demo_slug_filter()))
        ids = [c.pk for c in councils]
        IssueMove.objects.filter(issue__council_id__in=ids).delete()
        # Merged issues point at their target (PROTECT): delete those nothing points at, until none are left.
        issues = RegionalIssue.objects.filter(council_id__in=ids)
        while True:
            targets = RegionalIssue.objects.filter(merged_into__isnull=False).values("merged_into")
            deleted, _ = issues.exclude(pk__in=targets).delete()
            if not deleted:
                break
        Meeting.objects.filter(body__council_id__in=ids).delete()
        Body.objects.filter(council_id__in=ids).update(parent=None)
        Body.objects.filter(council_id__in=ids).delete()
        # Children before parents (Council.parent is PROTECT).
        Council.objects.filter(pk__in=ids, parent__isnull=False).delete()
        Council.objects.filter(pk__in=ids).delete()
        User.objects.filter(username__in=DEMO_USERNAMES).delete()
    return len(councils)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(1, width - _width(text))


def logins_table(*, url: str = "/accounts/login/") -> str:
    """The demo logins as a plain-text table (Japanese and English)."""
    User = get_user_model()
    present = set(User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True))
    councils = dict(
        Council.objects.filter(slug__in=[u.council_slug for u in DEMO_USERS]).values_list("slug", "name")
    )
    rows = [("ユーザー名 / username", "権限 / role", "協議会 / council")]
    for demo_user in DEMO_USERS:
        missing = "" if demo_user.username in present else "（未作成 / missing）"
        rows.append(
            (
                demo_user.username + missing,
                f"{demo_user.role_ja} / {demo_user.role_en}",
                f"{councils.get(demo_user.council_slug, '-')} ({demo_user.council_slug})",
            )
        )
    widths = [max(_width(row[i]) for row in rows) + 2 for i in range(2)]
    lines = [
        "デモ用ログイン / Demo logins",
        f"  ログイン / sign in: {url}  （例 / e.g. http://127.0.0.1:8000{url}）",
        "  事務局の管理画面 / secretariat admin: /admin/",
        f"  パスワード（全員共通） / password (all logins): {PASSWORD}",
        "",
    ]
    for n, (user, role, council) in enumerate(rows):
        lines.append("  " + _pad(user, widths[0]) + _pad(role, widths[1]) + council)
        if n == 0:
            lines.append("  " + "-" * (widths[0] + widths[1] + 36))
    lines += [
        "",
        "  ※ すべて架空のデータです（実在の人物・団体・地名とは関係ありません）。 / All demo data is fictional.",
    ]
    return "\n".join(lines)


def summary() -> dict[str, int]:
    """Row counts of the demo councils (printed by the command, used by the tests)."""
    councils = Council.objects.filter(demo_slug_filter())
    return {
        "councils": councils.count(),
        "bodies": Body.objects.filter(council__in=councils).count(),
        "organizations": Organization.objects.filter(council__in=councils).count(),
        "people": Person.objects.filter(council__in=councils).count(),
        "memberships": Membership.objects.filter(body__council__in=councils).count(),
        "meetings": Meeting.objects.filter(body__council__in=councils).count(),
        "meeting_items": MeetingItem.objects.filter(meeting__body__council__in=councils).count(),
        "attendances": Attendance.objects.filter(meeting__body__council__in=councils).count(),
        "issues": RegionalIssue.objects.filter(council__in=councils).count(),
        "issue_moves": IssueMove.objects.filter(issue__council__in=councils).count(),
        "evaluations": Evaluation.objects.filter(body__council__in=councils).count(),
        "roles": Role.objects.filter(council__in=councils).count(),
    }


__all__ = [
    "DEMO_USERNAMES",
    "DEMO_USERS",
    "MAIN_SLUG",
    "OTHER_SLUG",
    "PASSWORD",
    "PREF_SLUG",
    "council_slug",
    "load",
    "logins_table",
    "reset",
    "summary",
]
