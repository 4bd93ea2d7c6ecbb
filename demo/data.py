"""The tables of the demo: the fictional councils, their people, bodies and members, what their
meetings did, the regional issues with their histories and the yearly documents. Data only:
``demo.builder`` reads these and writes the records.

Everything here is invented: the cities (みどり野市, さくら台町, あおば県 …), the agencies and the people.
Real records (see ``/work/shared/reference``) were read only for the *shape* of the data — never
copy a name from them.
"""

from __future__ import annotations

from dataclasses import dataclass

from council.models import BodyKind, ConsultationLayer, MembershipRole, OrganizationKind, RoleKind
from issues.models import IssueOrigin, MoveKind
from meetings.models import MeetingFormat
from subcommittees.models import EvaluationStatus, NextYearDecision

# The councils the demo creates: demo (demo-2 … demo-N with --scale N), the prefecture, an unrelated one.
MAIN_SLUG = "demo"
PREF_SLUG = "demo-pref"
OTHER_SLUG = "demo-other"

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


# Terms (任期) of appointed members are three fiscal years, aligned on this year (R6.4.1 – R9.3.31).
TERM_ANCHOR = 2024
TERM_YEARS = 3


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
# Districts named in the titles of a long history (``load_demo --issues-per-year N``); fictional.
DISTRICTS = [
    "北部地区",
    "南部地区",
    "東部地区",
    "西部地区",
    "中央地区",
    "山手地区",
    "川沿い地区",
    "駅前地区",
    "丘陵地区",
    "湖畔地区",
]

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

# What the generic documents of the older years (--scale N) are about, per body.
GENERIC_THEME = {
    "SODAN": "個別支援から見えた地域課題の整理",
    "SHURO": "就労と定着の支援",
    "CHIIKI": "地域生活支援拠点等の整備",
    "KODOMO": "障害のある子どもと家族への切れ目のない支援",
    "KENRI": "虐待防止と権利擁護",
    "KYOJU": "住まいの場の確保",
}

# Members' comments on the generic 振り返り・評価シート of the older years.
GENERIC_COMMENTS = [
    "他の機関の取組を知ることができ、日頃の支援に生かせた。",
    "課題を共有するだけでなく、具体的な取組につなげていきたい。",
    "部会で顔を合わせることで、連携が取りやすくなった。",
    "次年度は当事者や家族の声を聞く機会を増やしたい。",
]
