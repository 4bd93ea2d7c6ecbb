"""The set-up checklist on the secretariat's dashboard, shown until a council has moved in.

Five steps, read in one query (scalar subqueries on the council row): bodies entered, members put
in them, accounts given (invited or linked), the pledge text looked at (a version published by a
person, not only the text the system seeded), and a first meeting recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from council.access import current_term_q
from council.models import Body, Council, Membership, Person
from meetings.models import Meeting
from privacy.models import Pledge

# accounts sits beside dashboard (one layer): its invitations are reached by the council's relation.
Invitation = Council._meta.get_field("invitations").related_model


@dataclass(frozen=True)
class SetupStep:
    label: str
    done: bool
    detail: str
    href: str
    action: str


def _count(queryset, outer: str = "council") -> Coalesce:
    counted = (
        queryset.filter(**{outer: OuterRef("pk")})
        .order_by()
        .values(outer)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def setup_steps(council: Council, *, links: dict[str, str] | None = None) -> list[SetupStep]:
    """The checklist's steps with their state; ``links`` overrides where a step's action leads."""
    row = (
        Council.objects.filter(pk=council.pk)
        .annotate(
            n_bodies=_count(Body.objects.all()),
            n_members=_count(Membership.objects.filter(current_term_q()), "body__council"),
            n_accounts=_count(Person.objects.filter(user__isnull=False)),
            # invitations of people (the secretariat's own, from create_council, names no person)
            n_invited=_count(Invitation.objects.filter(person__isnull=False, revoked_at__isnull=True)),
            n_accepted=_count(Invitation.objects.filter(person__isnull=False, accepted_at__isnull=False)),
            n_pledge_reviewed=Exists(Pledge.objects.filter(council=OuterRef("pk"), created_by__isnull=False)),
            n_meetings=Exists(Meeting.objects.filter(body__council=OuterRef("pk"))),
        )
        .values(
            "n_bodies",
            "n_members",
            "n_accounts",
            "n_invited",
            "n_accepted",
            "n_pledge_reviewed",
            "n_meetings",
        )
        .get()
    )
    slug = council.slug
    links = {
        "bodies": reverse("body_settings", args=[slug]),
        "people": reverse("people_list", args=[slug]),
        "accounts": reverse("invitation_list", args=[slug]),
        "pledge": reverse("council_settings", args=[slug]) + "#pledge-heading",
        "meetings": reverse("council_home", args=[slug]),
        **(links or {}),
    }
    return [
        SetupStep(
            "会議体を登録する",
            row["n_bodies"] >= 2,
            f"登録済み {row['n_bodies']}件（全体会と、その下の会議体）",
            links["bodies"],
            "会議体の設定へ",
        ),
        SetupStep(
            "会議体に構成員を登録する",
            row["n_members"] > 0,
            f"任期中の構成員 {row['n_members']}人",
            links["people"],
            "人物・構成員へ",
        ),
        SetupStep(
            "構成員にアカウントを渡す",
            row["n_accounts"] > 0 or row["n_invited"] > 0,
            f"招待 {row['n_invited']}件（受付済み {row['n_accepted']}件）・アカウントのある人物 {row['n_accounts']}人",
            links["accounts"],
            "アカウントの招待へ",
        ),
        SetupStep(
            "守秘義務の誓約文を確かめる",
            bool(row["n_pledge_reviewed"]),
            "確認済み" if row["n_pledge_reviewed"] else "最初に用意された文のままです",
            links["pledge"],
            "誓約文へ",
        ),
        SetupStep(
            "最初の会議を記録する",
            bool(row["n_meetings"]),
            "記録があります" if row["n_meetings"] else "まだ会議の記録がありません",
            links["meetings"],
            "会議体の一覧へ",
        ),
    ]
