"""かわせみ町: a second fictional council whose tree, words and history differ from the demo's.

Every feature is tried against it as well as against みどり野市 (the demo) and the standing cast,
because real councils do not look like the demo. What differs, on purpose:

- the steering body is a **調整会議**, the plenary a **全体会議** whose meetings carry titles
  (総会, 臨時会議, 総会) instead of plain 第N回;
- the council reports to no prefecture council, and its history starts in 令和2年度 (2020), entered
  today: every meeting, issue and move carries its own past date;
- bodies change over the years::

      全体会議 (plenary, R2–)
      └── 調整会議 (steering, R2–)
          ├── 相談支援部会 (R2–)
          │   └── 個別支援会議 (case conference, R2–)
          ├── 就労部会 (R2–; called 就労支援部会 until R3, renamed from R4)
          ├── こども部会 (R2–; 休止 in R4, 終了 from R5)
          ├── 療育部会 (from R5, successor of こども部会)
          └── 地域移行協議の場準備会 (forum, from R6)

- people share surnames, and two share a whole name: 佐藤 花子 of 相談支援センターかわせみ and
  佐藤 花子 of かわせみ町役場 are different people; 佐藤 一郎 is a third 佐藤. Names use characters
  outside JIS X 0208 / CP932 (𠮷田, 髙橋, 山﨑);
- an issue lineage of five years through the ended こども部会, resolved in R6, and an open issue
  still held by the ended こども部会 (waiting for its successor).

``build_kawasemi()`` writes it through the services (as the pages would) and returns a
``Kawasemi`` holding every object by a readable name. The users: ``secretariat`` (事務局, pledged),
``chair`` (部会長 of 相談支援部会, pledged), ``member`` (委員 of 就労部会), ``reviewer`` (福祉課).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from council.models import (
    Body,
    BodyKind,
    BodyStatusKind,
    Council,
    MembershipRole,
    Organization,
    OrganizationKind,
    Person,
    RoleKind,
)
from council.services import (
    body_create,
    body_rename,
    body_set_status,
    body_succeed,
    council_save,
    membership_add,
    organization_save,
    person_save,
    role_grant,
)
from issues.models import IssueOrigin, MoveKind, RegionalIssue
from issues.services import issue_move, issue_raise
from meetings.models import Meeting, MeetingFormat, MeetingStatus
from meetings.services import meeting_create
from privacy.services import pledge_confirm
from tests.factories import UserFactory

FIRST_YEAR = 2020  # 令和2年度: the oldest year the council brought in
RENAMED_IN = 2022  # 就労支援部会 → 就労部会 from 令和4年度
PAUSED_IN = 2022  # こども部会 休止 in 令和4年度
ENDED_IN = 2023  # こども部会 終了 from 令和5年度, 療育部会 takes over
FORUM_FROM = 2024  # 地域移行協議の場準備会 from 令和6年度


def _at(year: int, month: int, day: int, hour: int = 14) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


@dataclass
class Kawasemi:
    council: Council
    plenary: Body  # 全体会議
    steering: Body  # 調整会議
    soudan: Body  # 相談支援部会
    case_conference: Body  # 個別支援会議 under 相談支援部会
    shuro: Body  # 就労部会 (就労支援部会 until R3)
    kodomo: Body  # こども部会, paused R4, ended R5
    ryoiku: Body  # 療育部会, successor of こども部会 from R5
    forum: Body  # 地域移行協議の場準備会, from R6
    organizations: dict[str, Organization] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    meetings: dict[str, Meeting] = field(default_factory=dict)
    issues: dict[str, RegionalIssue] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)

    @property
    def bodies(self) -> list[Body]:
        return [
            self.plenary,
            self.steering,
            self.soudan,
            self.case_conference,
            self.shuro,
            self.kodomo,
            self.ryoiku,
            self.forum,
        ]

    def __getattr__(self, name: str):
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


ORGANIZATIONS = {
    "center": ("相談支援センターかわせみ", OrganizationKind.CORE_CENTER),
    "town": ("かわせみ町役場 福祉課", OrganizationKind.GOVERNMENT),
    "work": ("就労支援センターせせらぎ", OrganizationKind.EMPLOYMENT),
    "school": ("かわせみ町立かわせみ小学校", OrganizationKind.EDUCATION),
    "family": ("かわせみ町手をつなぐ育成会", OrganizationKind.SELF_ADVOCACY),
    "clinic": ("かわせみクリニック", OrganizationKind.MEDICAL),
}

# key: (name, kana, organisation key)
PEOPLE = {
    "sato_hanako_center": ("佐藤 花子", "さとう はなこ", "center"),
    "sato_hanako_town": ("佐藤 花子", "さとう はなこ", "town"),
    "sato_ichiro": ("佐藤 一郎", "さとう いちろう", "work"),
    "yoshida": ("𠮷田 花子", "よしだ はなこ", "family"),
    "takahashi": ("髙橋 健", "たかはし けん", "school"),
    "yamasaki": ("山﨑 由美", "やまさき ゆみ", "clinic"),
    "suzuki": ("鈴木 次郎", "すずき じろう", "center"),
}


def build_kawasemi(slug: str = "kawasemi") -> Kawasemi:
    """Write the かわせみ町 council through the services and return it."""
    council = council_save(
        name="かわせみ町地域自立支援協議会", slug=slug, municipality="かわせみ町", require_two_factor=False
    )

    def body(name, kind, parent=None, order=0, year=FIRST_YEAR, **fields):
        return body_create(
            council=council,
            name=name,
            kind=kind,
            parent=parent,
            sort_order=order,
            from_fiscal_year=year,
            **fields,
        )

    plenary = body("全体会議", BodyKind.PLENARY, order=1)
    steering = body("調整会議", BodyKind.STEERING, plenary, order=2)
    soudan = body("相談支援部会", BodyKind.SUBCOMMITTEE, steering, order=3, target_meetings_per_year=6)
    case_conference = body("個別支援会議", BodyKind.CASE_CONFERENCE, soudan, order=4)
    shuro = body("就労支援部会", BodyKind.SUBCOMMITTEE, steering, order=5, target_meetings_per_year=4)
    body_rename(body=shuro, fiscal_year=RENAMED_IN, name="就労部会")
    kodomo = body("こども部会", BodyKind.SUBCOMMITTEE, steering, order=6, target_meetings_per_year=4)
    body_set_status(
        body=kodomo, fiscal_year=PAUSED_IN, status=BodyStatusKind.PAUSED, note="部会長の退任のため休止"
    )
    ryoiku = body_succeed(old=kodomo, name="療育部会", from_fiscal_year=ENDED_IN, target_meetings_per_year=4)
    forum = body("地域移行協議の場準備会", BodyKind.FORUM, steering, order=8, year=FORUM_FROM)

    world = Kawasemi(
        council=council,
        plenary=plenary,
        steering=steering,
        soudan=soudan,
        case_conference=case_conference,
        shuro=shuro,
        kodomo=kodomo,
        ryoiku=ryoiku,
        forum=forum,
    )

    for key, (name, kind) in ORGANIZATIONS.items():
        world.organizations[key] = organization_save(council=council, name=name, kind=kind)
    for key, (name, kana, org) in PEOPLE.items():
        world.people[key] = person_save(
            council=council, name=name, name_kana=kana, organization=world.organizations[org]
        )

    start = dt.date(FIRST_YEAR, 4, 1)
    p = world.people
    roster = [
        (plenary, "sato_hanako_town", MembershipRole.CHAIR, False),
        (plenary, "sato_hanako_center", MembershipRole.MEMBER, False),
        (plenary, "sato_ichiro", MembershipRole.MEMBER, False),
        (steering, "sato_hanako_center", MembershipRole.CHAIR, False),
        (steering, "sato_hanako_town", MembershipRole.MEMBER, True),
        (soudan, "suzuki", MembershipRole.CHAIR, False),
        (soudan, "sato_hanako_center", MembershipRole.VICE_CHAIR, False),
        (soudan, "sato_hanako_town", MembershipRole.MEMBER, True),
        (case_conference, "suzuki", MembershipRole.MEMBER, False),
        (shuro, "sato_ichiro", MembershipRole.CHAIR, False),
        (shuro, "yamasaki", MembershipRole.MEMBER, False),
        (kodomo, "takahashi", MembershipRole.CHAIR, False),
        (kodomo, "yoshida", MembershipRole.MEMBER, False),
    ]
    for target, person, role, secretariat in roster:
        end = dt.date(ENDED_IN, 3, 31) if target is kodomo else None
        membership_add(
            body=target,
            person=p[person],
            role=role,
            term_start=start,
            term_end=end,
            is_secretariat=secretariat,
        )
    membership_add(
        body=ryoiku, person=p["takahashi"], role=MembershipRole.CHAIR, term_start=dt.date(ENDED_IN, 4, 1)
    )
    membership_add(
        body=ryoiku, person=p["yoshida"], role=MembershipRole.MEMBER, term_start=dt.date(ENDED_IN, 4, 1)
    )
    membership_add(
        body=forum, person=p["yamasaki"], role=MembershipRole.MEMBER, term_start=dt.date(FORUM_FROM, 4, 1)
    )

    # Users: the secretariat is 佐藤 花子 of the town office; the chair is 鈴木 (相談支援部会).
    secretariat = UserFactory(username=f"{slug}-secretariat", last_name="佐藤", first_name="花子")
    role_grant(user=secretariat, council=council, kind=RoleKind.SECRETARIAT)
    pledge_confirm(user=secretariat, council=council)
    chair = UserFactory(username=f"{slug}-chair", last_name="鈴木", first_name="次郎")
    role_grant(user=chair, council=council, kind=RoleKind.CHAIR, body=soudan)
    pledge_confirm(user=chair, council=council)
    member = UserFactory(username=f"{slug}-member", last_name="山﨑", first_name="由美")
    role_grant(user=member, council=council, kind=RoleKind.MEMBER, body=shuro)
    reviewer = UserFactory(username=f"{slug}-reviewer", last_name="髙橋", first_name="誠")
    role_grant(user=reviewer, council=council, kind=RoleKind.REVIEWER)
    for key, user, person in (
        ("secretariat", secretariat, "sato_hanako_town"),
        ("chair", chair, "suzuki"),
        ("member", member, "yamasaki"),
    ):
        world.users[key] = user
        person_save(person=p[person], user=user)
    world.users["reviewer"] = reviewer

    _meetings(world)
    _issues(world)
    return world


def _meetings(world: Kawasemi) -> None:
    m = world.meetings

    def held(key, body, date, **fields):
        fields.setdefault("format", MeetingFormat.IN_PERSON)
        m[key] = meeting_create(body=body, date=date, status=MeetingStatus.HELD, **fields)

    # 全体会議: titled meetings, one 臨時会議 between two 総会 (令和5年度).
    held(
        "plenary_r5_1",
        world.plenary,
        dt.date(2023, 5, 25),
        title="総会",
        place="かわせみ町公民館",
        agencies_count=18,
        people_count=24,
        attendance_note="町職員2名を含む",
    )
    held("plenary_r5_2", world.plenary, dt.date(2023, 10, 12), title="臨時会議", format=MeetingFormat.WRITTEN)
    held(
        "plenary_r5_3",
        world.plenary,
        dt.date(2024, 2, 22),
        title="総会",
        place="かわせみ町公民館",
        agencies_count=17,
        people_count=22,
    )
    held("plenary_r2_1", world.plenary, dt.date(2020, 7, 9), title="総会", format=MeetingFormat.WRITTEN)
    # 調整会議, a few a year.
    for year in range(FIRST_YEAR, 2026):
        held(f"steering_r{year - 2018}_1", world.steering, dt.date(year, 6, 15))
        held(f"steering_r{year - 2018}_2", world.steering, dt.date(year + 1, 1, 20))
    # 相談支援部会: R2 and R6, one cancelled.
    held(
        "soudan_r2_1",
        world.soudan,
        dt.date(2020, 6, 4),
        items=["相談支援専門員の不足について意見交換しました。"],
    )
    held("soudan_r2_2", world.soudan, dt.date(2020, 9, 3))
    m["soudan_r2_3"] = meeting_create(
        body=world.soudan, date=dt.date(2020, 12, 3), status=MeetingStatus.CANCELLED
    )
    held("soudan_r6_1", world.soudan, dt.date(2024, 5, 9), agencies_count=9, people_count=11)
    held(
        "case_r6_1",
        world.case_conference,
        dt.date(2024, 6, 20),
        items=["本人の住まいの場について検討しました。"],
    )
    # 就労支援部会 (R2, before the rename) and 就労部会 (R4).
    held(
        "shuro_r2_1",
        world.shuro,
        dt.date(2020, 8, 6),
        items=["就労継続支援B型の工賃について情報交換しました。"],
    )
    held("shuro_r4_1", world.shuro, dt.date(2022, 8, 4))
    # こども部会 R2–R3 only (paused R4, ended R5); 療育部会 from R5; the forum from R6.
    held(
        "kodomo_r2_1",
        world.kodomo,
        dt.date(2020, 7, 16),
        items=["放課後等デイサービスの送迎について話し合いました。"],
    )
    held("kodomo_r3_1", world.kodomo, dt.date(2021, 7, 15))
    held("ryoiku_r5_1", world.ryoiku, dt.date(2023, 7, 13))
    held("forum_r6_1", world.forum, dt.date(2024, 9, 12))
    # A planned meeting of the current 年度's 相談支援部会, no date yet.
    m["soudan_planned"] = meeting_create(body=world.soudan, fiscal_year=2026, status=MeetingStatus.PLANNED)


def _issues(world: Kawasemi) -> None:
    secretariat = world.users["secretariat"]
    i = world.issues
    m = world.meetings

    # A lineage of five years: raised in こども部会 (R2), carried to the 調整会議 and the 全体会議,
    # studied again by 相談支援部会 after こども部会 paused, resolved in R6.
    lineage = issue_raise(
        body=world.kodomo,
        title="放課後等デイサービスの送迎の担い手が足りない",
        by=secretariat,
        origin=IssueOrigin.MEETING,
        origin_meeting=m["kodomo_r2_1"],
        at=_at(2020, 7, 16),
    )
    issue_move(
        issue=lineage,
        kind=MoveKind.ESCALATE,
        by=secretariat,
        at=_at(2021, 7, 15),
        at_meeting=m["kodomo_r3_1"],
    )
    issue_move(
        issue=lineage,
        kind=MoveKind.SEND_DOWN,
        by=secretariat,
        to_body=world.soudan,
        due_on=dt.date(2023, 3, 31),
        reason="こども部会の休止のため、相談支援部会で調査をお願いします。",
        at=_at(2022, 6, 15),
    )
    issue_move(issue=lineage, kind=MoveKind.ESCALATE, by=secretariat, at=_at(2023, 1, 20))
    issue_move(
        issue=lineage,
        kind=MoveKind.RESOLVE,
        by=secretariat,
        reason="町の送迎支援事業が始まりました。",
        social_resource="送迎支援事業（令和6年度開始）",
        at=_at(2024, 6, 15),
    )
    i["lineage"] = lineage

    # Open, held by the ended こども部会: its successor should take it over.
    i["orphan"] = issue_raise(
        body=world.kodomo, title="医療的ケア児の通学支援がない", by=secretariat, at=_at(2021, 7, 15)
    )
    # An issue of the case conference (case-conference data: pledge rules apply).
    i["case"] = issue_raise(
        body=world.case_conference,
        title="退院後の住まいが見つからない",
        by=secretariat,
        origin=IssueOrigin.CASE_CONFERENCE,
        origin_meeting=m["case_r6_1"],
        at=_at(2024, 6, 20),
    )
    # Raised in the renamed 就労部会, still open.
    i["shuro"] = issue_raise(
        body=world.shuro, title="B型事業所の工賃が低い", by=secretariat, at=_at(2022, 8, 4)
    )
