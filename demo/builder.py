"""Builds the fictional demo councils from the tables in :mod:`demo.data`: councils, bodies, people,
meetings, regional issues and yearly documents.

``python manage.py load_demo`` is a thin wrapper around :func:`load`. The texts, names and plans are
in ``demo.data``; this module holds the code that turns them into records.

Design:

* One transaction per run: a failed run leaves nothing half-built.
* Idempotent: a council whose slug already exists is left alone; demo users are only created when
  missing (their password is not reset). ``reset`` deletes the demo councils and users first.
* Deterministic: every choice comes from ``random.Random`` seeded by the council's slug; meeting
  states (held / planned) and issue histories depend on ``today`` only, which callers may pin.
* The structure, memberships, meetings and issue moves go through the services
  (``council.services``, ``meetings.services``, ``issues.services``) for the first council. The
  copies made by ``--scale N`` write memberships and meetings with ``bulk_create`` (the same rows,
  computed the same way) so that ``--scale 10`` stays fast; their issue moves are checked and
  applied by the functions ``issue_move`` uses (``issues.workflow.plan_move`` and ``apply_move``)
  and written in bulk.
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
from demo.data import (
    AGENDA,
    BODIES,
    BODY_BY_KEY,
    CITIES,
    DEMO_USERNAMES,
    DEMO_USERS,
    DISTRICTS,
    DOCUMENTS,
    FORUM2,
    GENERIC_COMMENTS,
    GENERIC_THEME,
    ISSUES,
    ITEMS,
    MAIN_SLUG,
    MEMBERS,
    OLD_ISSUES,
    ORGANIZATIONS,
    OTHER_SLUG,
    PAUSES,
    PEOPLE,
    PREF_COUNCIL_NAME,
    PREF_NAME,
    PREF_SLUG,
    RENAMES,
    REPLACEMENTS,
    ROLE_CODES,
    SPECIAL_MEETINGS,
    SPECIAL_MONTHS,
    SUCCESSIONS,
    TERM_ANCHOR,
    TERM_YEARS,
    BodySpec,
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
from issues.workflow import apply_move, plan_move
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
# How many fiscal years back ``--scale N`` goes at most (N years back, N > 1).
MAX_YEARS_BACK = 10
MAX_SCALE = 200


def council_slug(index: int) -> str:
    return MAIN_SLUG if index == 0 else f"{MAIN_SLUG}-{index + 1}"


def city_of(index: int) -> tuple[str, str]:
    if index < len(CITIES):
        return CITIES[index][0], CITIES[index][1]
    return f"みどり野市（{index + 1}）", f"みどり野（{index + 1}）"


def demo_slug_filter() -> Q:
    """All councils this module creates: demo, demo-2 … demo-N, demo-pref, demo-other."""
    return Q(slug__in=[MAIN_SLUG, PREF_SLUG, OTHER_SLUG]) | Q(slug__regex=r"^demo-[0-9]+$")


def parse_members(text: str) -> list[tuple[str, str, bool]]:
    rows = []
    for token in text.split():
        parts = token.split(":")
        role = ROLE_CODES[parts[1]] if len(parts) > 1 else MembershipRole.MEMBER
        rows.append((parts[0], role, len(parts) > 2 and parts[2] == "s"))
    return rows


def term_cycle_start(fiscal_year: int) -> int:
    return fiscal_year - (fiscal_year - TERM_ANCHOR) % TERM_YEARS


def plan_period(fiscal_year: int) -> int:
    """第N期障害福祉計画: 第1期 = H18–H20 (2006–2008), then every three years."""
    return (fiscal_year - 2006) // 3 + 1


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
        issues_per_year: int | None = None,
    ) -> None:
        self.index = index
        # Settled issues per past 年度 (``--issues-per-year``); None: the demo's one or two.
        self.issues_per_year = issues_per_year
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
            if spec.kind == BodyKind.CASE_CONFERENCE:
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

    # The copies made by --scale N record their issues in memory and write them at the end (without
    # issue_move's ~10 queries per move): each move is checked by the same rules
    # (issues.workflow.plan_move) and applied by the same function as issue_move
    # (issues.workflow.apply_move), backdated to its meeting like the service's ``at=``.

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
        # The same change of the issue and the same history row as issue_move, kept for flush_issues.
        move, _changed = apply_move(
            issue,
            planned,
            by=None,
            by_name="システム",
            at=moment,
            at_meeting=meeting,
            reason=reason,
            due_on=due_on,
            merge_into=merge_into,
            social_resource=_fmt(opts.get("social_resource", ""), ctx),
        )
        self.pending_moves.append(move)

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
            count = self.issues_per_year or 1 + (fiscal_year % 2)
            for n in range(count):
                title, themes, body_key, moves = OLD_ISSUES[(fiscal_year * 2 + n) % len(OLD_ISSUES)]
                if self.issues_per_year:
                    # A long history: the same kinds of issue, raised from different districts.
                    area = DISTRICTS[n // len(OLD_ISSUES) % len(DISTRICTS)]
                    title = f"{title}（{area}）"
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
        subcommittees = [s.key for s in BODIES if s.kind == BodyKind.SUBCOMMITTEE]
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
    office = Organization.objects.create(
        council=council, name=f"{PREF_NAME}障害福祉課", kind=OrganizationKind.GOVERNMENT
    )
    center = Organization.objects.create(
        council=council, name=f"{PREF_NAME}障害者相談支援アドバイザー", kind=OrganizationKind.OTHER
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
        kind=BodyKind.PLENARY,
        from_fiscal_year=current - 1,
        sort_order=10,
        target_meetings_per_year=2,
    )
    sub = body_create(
        council=council,
        name="相談支援体制部会",
        kind=BodyKind.SUBCOMMITTEE,
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
    town = Organization.objects.create(
        council=council, name="さくら台町福祉保健課", kind=OrganizationKind.GOVERNMENT
    )
    shakyo = Organization.objects.create(
        council=council, name="さくら台町社会福祉協議会", kind=OrganizationKind.COMMUNITY
    )
    office = Organization.objects.create(
        council=council,
        name="相談支援事業所すみれ",
        kind=OrganizationKind.CONSULTATION,
        consultation_layer=ConsultationLayer.CONTRACTED,
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
        kind=BodyKind.PLENARY,
        from_fiscal_year=first,
        sort_order=10,
        target_meetings_per_year=2,
    )
    sub = body_create(
        council=council,
        name="くらし支援部会",
        kind=BodyKind.SUBCOMMITTEE,
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
    *,
    scale: int = 1,
    today: dt.date | None = None,
    issues_per_year: int | None = None,
    log: Callable[[str], None] = lambda s: None,
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
                issues_per_year=issues_per_year,
            ).build()
            stats.councils.append(slug)
            log(f"  {slug}: {time.perf_counter() - t0:.1f}s")
        if OTHER_SLUG not in existing:
            build_other(today, users)
            stats.councils.append(OTHER_SLUG)
    if connection.vendor == "postgresql" and stats.councils:
        # Fresh statistics for the planner: right after a bulk load autovacuum has not analysed the
        # new rows yet, and plans chosen for empty tables made the issue list's funnel 100× slower.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
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
