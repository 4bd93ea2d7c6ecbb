"""factory_boy factories for the council's models.

Where a service owns a write (bodies, memberships, meetings, issues), the factory calls that
service from ``_create``, so a row made in a test went through the same rules as one made by a
user: a body gets its first name and status rows, a meeting its 第N回, an issue its 提起 move.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from council.models import (
    BodyKind,
    Council,
    CouncilLevel,
    Membership,
    MembershipRole,
    Organization,
    OrganizationKind,
    Person,
)
from council.services import body_create, membership_add
from issues.models import IssueOrigin, RegionalIssue
from issues.services import issue_raise
from meetings.models import Handout, Meeting
from meetings.services import meeting_create
from privacy.models import Pledge
from privacy.services import pledge_publish
from reports.models import DocumentKind, ReportJob
from subcommittees.models import Evaluation

FIRST_FISCAL_YEAR = 2019  # 令和元年度: the year the standing cast's bodies start


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.jp")
    first_name = ""
    last_name = ""
    password = factory.django.Password("pass-for-tests-only")


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council

    name = factory.Sequence(lambda n: f"第{n}市地域自立支援協議会")
    slug = factory.Sequence(lambda n: f"council-{n}")
    municipality = factory.Sequence(lambda n: f"第{n}市")
    level = CouncilLevel.MUNICIPAL
    parent = None


class BodyFactory(factory.django.DjangoModelFactory):
    """A body made by ``council.services.body_create`` (with its BodyName and BodyStatus rows)."""

    class Meta:
        model = "council.Body"

    council = factory.SubFactory(CouncilFactory)
    name = factory.Sequence(lambda n: f"第{n}部会")
    kind = BodyKind.SUBCOMMITTEE
    from_fiscal_year = FIRST_FISCAL_YEAR
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return body_create(**kwargs)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    council = factory.SubFactory(CouncilFactory)
    name = factory.Sequence(lambda n: f"相談支援事業所その{n}")
    kind = OrganizationKind.CONSULTATION


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    council = factory.SubFactory(CouncilFactory)
    name = factory.Sequence(lambda n: f"委員{n}")
    name_kana = factory.Sequence(lambda n: f"いいん{n}")
    organization = factory.SubFactory(OrganizationFactory, council=factory.SelfAttribute("..council"))


class MembershipFactory(factory.django.DjangoModelFactory):
    """A membership made by ``council.services.membership_add`` (validated)."""

    class Meta:
        model = Membership

    body = factory.SubFactory(BodyFactory)
    person = factory.SubFactory(PersonFactory, council=factory.SelfAttribute("..body.council"))
    role = MembershipRole.MEMBER
    term_start = dt.date(2021, 4, 1)
    term_end = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return membership_add(**kwargs)


class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting made by ``meetings.services.meeting_create``, which gives the 第N回.

    By default dated (fiscal year derived from the date). Pass ``fiscal_year=`` alone for an
    undated plan: the date then defaults to None.
    """

    class Meta:
        model = Meeting

    body = factory.SubFactory(BodyFactory)
    fiscal_year = None
    date = factory.LazyAttribute(lambda o: None if o.fiscal_year else dt.date(2021, 6, 10))
    place = "市役所 会議室"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return meeting_create(**kwargs)


class RegionalIssueFactory(factory.django.DjangoModelFactory):
    """An issue raised by ``issues.services.issue_raise`` (its history starts with 提起)."""

    class Meta:
        model = RegionalIssue

    body = factory.SubFactory(BodyFactory)
    title = factory.Sequence(lambda n: f"地域課題その{n}（グループホームの不足）")
    background = "入所施設からの地域移行の受け皿が足りない。"
    origin = IssueOrigin.SECRETARIAT
    by = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return issue_raise(**kwargs)


class HandoutFactory(factory.django.DjangoModelFactory):
    """A handout row pointing at a stored name; no file is written (tests that read the file upload
    it through the page or ``meetings.services.handout_add``)."""

    class Meta:
        model = Handout

    meeting = factory.SubFactory(MeetingFactory)
    title = "資料1"
    file = "handouts/2021/shiryo1.pdf"
    uploaded_by = None


class EvaluationFactory(factory.django.DjangoModelFactory):
    """A 振り返り・評価シート in draft (status moves go through ``subcommittees.services``)."""

    class Meta:
        model = Evaluation

    body = factory.SubFactory(BodyFactory)
    fiscal_year = 2021


class ReportJobFactory(factory.django.DjangoModelFactory):
    """A queued PDF job for the body's council."""

    class Meta:
        model = ReportJob

    body = factory.SubFactory(BodyFactory)
    council = factory.LazyAttribute(lambda o: o.body.council)
    fiscal_year = 2021
    kind = DocumentKind.PROGRESS_REPORT
    requested_by = None


class PledgeFactory(factory.django.DjangoModelFactory):
    """A new version of a council's 守秘義務 text, made by ``privacy.services.pledge_publish``
    (the version counts up from the council's last one)."""

    class Meta:
        model = Pledge

    council = factory.SubFactory(CouncilFactory)
    title = "守秘義務に関する確認"
    text = factory.Sequence(lambda n: f"会議で知り得た秘密を漏らしません（第{n}版の本文）。")
    created_by = None

    @classmethod
    def _create(cls, model_class, *args, council, title, text, created_by):
        return pledge_publish(council=council, title=title, text=text, by=created_by)
