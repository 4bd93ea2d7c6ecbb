"""Writes of the privacy app: publish and confirm the pledge; disclose and erase a person's data."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Model
from django.utils import timezone

from council.access import forget_roles
from council.display import person_name
from council.models import Body, Council, Person, Role
from meetings.models import Attendance, CalendarFeed
from privacy.models import PersonalDataRequest, Pledge, PledgeConfirmation, ReadRecord, RequestKind
from privacy.selectors import current_pledge, forget_pledges
from subcommittees.models import EvaluationComment

if TYPE_CHECKING:
    from django.contrib.auth.models import User as AuthUser

User = get_user_model()

DEFAULT_PLEDGE_TITLE = "守秘義務に関する確認"

DEFAULT_PLEDGE_TEXT = """\
{council}の事務に従事するにあたり、次のことを確認します。

1. 障害者の日常生活及び社会生活を総合的に支援するための法律（障害者総合支援法）第89条の3の規定により、協議会の事務に従事する者又は従事していた者は、正当な理由なく、協議会の事務に関して知り得た秘密を漏らしてはならないことを理解しています。この義務は、委員・事務局などの任期を終えた後や職を離れた後も続きます。

2. 個別支援会議などで知り得た、障害のある方やそのご家族の氏名、心身の状況、生活の状況その他の個人に関する情報は、ご本人への支援と協議会での協議のためにのみ用い、それ以外の目的には用いません。

3. 個人に関する情報を協議会の外の人に話したり、資料を複製・持ち出したり、電子メールやSNSなどで送ったりしません。共有が必要なときは事務局に相談し、ご本人の同意があることを確かめます。

4. 地域課題として取り上げるときは、氏名など個人が特定できる情報を書かず、課題の内容だけを記録します。

5. 資料を紛失したとき、誤って情報を漏らしたとき、またはそのおそれがあるときは、速やかに事務局に連絡します。

6. 正当な理由なく秘密を漏らした場合には、法律に基づく罰則の対象となることがあることを理解しています。
"""


def pledge_ensure(*, council: Council) -> Pledge:
    """The council's current pledge; on first use, version 1 with the default text."""
    pledge = current_pledge(council)
    if pledge is not None:
        return pledge
    try:
        with transaction.atomic():
            return Pledge.objects.create(
                council=council,
                version=1,
                title=DEFAULT_PLEDGE_TITLE,
                text=DEFAULT_PLEDGE_TEXT.format(council=council.name),
            )
    except IntegrityError:  # someone else seeded it at the same moment
        seeded = current_pledge(council)
        assert seeded is not None  # the row whose insert collided with ours
        return seeded


@transaction.atomic
def pledge_publish(*, council: Council, title: str, text: str, by: AuthUser | None) -> Pledge:
    """A new version of the text; everyone confirms it again before reading case conferences."""
    # The council row lock serialises two secretariat users publishing at once.
    Council.objects.select_for_update().filter(pk=council.pk).first()
    last = Pledge.objects.filter(council=council).aggregate(v=Max("version"))["v"] or 0
    pledge = Pledge(council=council, version=last + 1, title=title.strip(), text=text.strip(), created_by=by)
    pledge.full_clean()
    pledge.save()
    return pledge


def pledge_is_confirmed_by_anyone(pledge: Pledge) -> bool:
    return pledge.pk is not None and pledge.confirmations.exists()


PLEDGE_CONFIRMED = (
    "この版はすでに確認した方がいるため、変更・削除できません。文言を変えるときは新しい版を作成してください。"
)


@transaction.atomic
def pledge_save(
    *,
    pledge: Pledge | None = None,
    council: Council | None = None,
    title: str,
    text: str,
    by: AuthUser | None,
) -> Pledge:
    """The admin's save: a new text is a new version (``pledge_publish``); a version nobody has
    confirmed yet may still be corrected. A confirmed version never changes."""
    if pledge is None or pledge.pk is None:
        if council is None:
            raise ValidationError({"council": "協議会を選んでください。"})
        return pledge_publish(council=council, title=title, text=text, by=by)
    Pledge.objects.select_for_update().filter(pk=pledge.pk).first()
    if pledge_is_confirmed_by_anyone(pledge):
        raise ValidationError(PLEDGE_CONFIRMED, code="confirmed")
    pledge.title, pledge.text = title.strip(), text.strip()
    pledge.full_clean()
    pledge.save(update_fields=["title", "text"])
    return pledge


@transaction.atomic
def pledge_delete(*, pledge: Pledge) -> None:
    """Remove a version nobody has confirmed (e.g. published by mistake)."""
    Pledge.objects.select_for_update().filter(pk=pledge.pk).first()
    if pledge_is_confirmed_by_anyone(pledge):
        raise ValidationError(PLEDGE_CONFIRMED, code="confirmed")
    pledge.delete()


def pledge_confirm(*, user: AuthUser, council: Council) -> PledgeConfirmation:
    """Record that ``user`` confirmed the council's current pledge (once per version)."""
    pledge = pledge_ensure(council=council)
    confirmation, _ = PledgeConfirmation.objects.get_or_create(pledge=pledge, user=user)
    forget_pledges(user)
    return confirmation


# --- personal-data requests -----------------------------------------------------------------------


def erased_label(person: Person) -> str:
    return f"（削除済みの構成員 {person.pk}）"


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def person_export(*, person: Person) -> dict:
    """Everything the product holds about one person, as plain data (for a JSON download).

    Five queries whatever the size: memberships, attendance, comments, the account's roles and
    its pledge confirmations.
    """
    memberships = person.memberships.select_related("body").order_by("term_start", "id")
    attendance = (
        Attendance.objects.filter(person=person)
        .select_related("meeting__body")
        .order_by("meeting__date", "meeting_id")
    )
    comments = (
        EvaluationComment.objects.filter(person=person)
        .select_related("evaluation__body")
        .order_by("evaluation__fiscal_year", "position", "id")
    )
    data: dict = {
        "書き出し日時": _iso(timezone.now()),
        "協議会": person.council.name,
        "人物": {
            "人物ID": person.pk,
            "氏名": person.name,
            "ふりがな": person.name_kana,
            "所属機関": person.organization.name if person.organization else "",
            "役職": person.position_title,
            "メールアドレス": person.email,
        },
        "会議体の構成員（任期・役割）": [
            {
                "会議体": m.body.name,
                "役割": m.get_role_display(),
                "事務局": m.is_secretariat,
                "任期開始日": _iso(m.term_start),
                "任期終了日": _iso(m.term_end),
            }
            for m in memberships
        ],
        "会議への出席": [
            {
                "会議体": a.meeting.body.name,
                "年度": a.meeting.fiscal_year,
                "回次": a.meeting.sequence_label,
                "開催日": _iso(a.meeting.date),
            }
            for a in attendance
        ],
        "振り返り・評価シートへの感想・意見": [
            {"会議体": c.evaluation.body.name, "年度": c.evaluation.fiscal_year, "内容": c.text}
            for c in comments
        ],
        "ログインアカウント": None,
    }
    user = person.user
    if user is not None:
        roles = Role.objects.filter(user=user, council=person.council).select_related("body")
        confirmations = PledgeConfirmation.objects.filter(
            user=user, pledge__council=person.council
        ).select_related("pledge")
        data["ログインアカウント"] = {
            "ログイン名": user.get_username(),
            "姓": user.last_name,
            "名": user.first_name,
            "メールアドレス": user.email,
            "有効": user.is_active,
            "最終ログイン": _iso(user.last_login),
            "権限": [f"{r.get_kind_display()}{'（' + r.body.name + '）' if r.body else ''}" for r in roles],
            "守秘義務の確認": [
                {"版": c.pledge.version, "表題": c.pledge.title, "確認日時": _iso(c.confirmed_at)}
                for c in confirmations
            ],
        }
    return data


def personal_data_request_record(
    *, person: Person, kind: str, requested_by: str, reason: str, by: AuthUser
) -> PersonalDataRequest:
    request = PersonalDataRequest(
        council=person.council,
        person=person,
        person_label=f"人物ID {person.pk}",
        kind=kind,
        requested_by=requested_by,
        reason=reason.strip(),
        handled_by=by,
        handled_by_name=person_name(by),
    )
    request.full_clean()
    request.save()
    return request


def _scrub_person_history(person: Person, placeholder: str) -> int:
    """Blank the erased person's old values in the audit history (PostgreSQL only).

    The event table is append-only; this is the one sanctioned exception, for the erased person's
    own rows, and it runs inside the request's pghistory context. Other events stay untouched.
    """
    event_model = getattr(Person, "pgh_event_model", None)
    if event_model is None or connection.vendor != "postgresql":
        return 0
    with pgtrigger.ignore(f"{event_model._meta.label}:append_only"):
        return event_model.objects.filter(pgh_obj_id=person.pk).update(
            name=placeholder, name_kana="", position_title="", email="", user=None
        )


def _context(request: PersonalDataRequest):
    """Label the erasure's history rows with the request (pghistory runs on PostgreSQL only)."""
    if connection.vendor != "postgresql":
        from contextlib import nullcontext

        return nullcontext()
    return pghistory.context(
        personal_data_request=request.pk, kind=request.kind, requested_by=request.requested_by
    )


@transaction.atomic
def person_erase(*, person: Person, requested_by: str, reason: str, by: AuthUser) -> PersonalDataRequest:
    """Anonymise a person on request: the name becomes a placeholder, contact data is cleared,
    the sign-in account is deactivated and unlinked, comments lose their author.

    Memberships, attendance and meeting counts stay, so the council's reports still render (the
    person appears as 「（削除済みの構成員 N）」). Irreversible.
    """
    person = (
        Person.objects.select_for_update(of=("self",)).select_related("council", "user").get(pk=person.pk)
    )
    request = personal_data_request_record(
        person=person, kind=RequestKind.ERASURE, requested_by=requested_by, reason=reason, by=by
    )
    placeholder = erased_label(person)
    with _context(request):
        user = person.user
        person.name = placeholder
        person.name_kana = ""
        person.position_title = ""
        person.email = ""
        person.user = None
        person.save(update_fields=["name", "name_kana", "position_title", "email", "user"])
        EvaluationComment.objects.filter(person=person).update(person=None)
        if user is not None:
            _erase_account(user=user, council=person.council)
        _scrub_person_history(person, placeholder)
    return request


def _erase_account(*, user, council: Council) -> None:
    """Remove the account's access to the council; deactivate and blank it unless it serves elsewhere."""
    Role.objects.filter(user=user, council=council).delete()
    CalendarFeed.objects.filter(user=user, council=council).delete()

    forget_roles(user)
    if Role.objects.filter(user=user).exists() or Person.objects.filter(user=user).exists():
        return  # still works for another council (a role, or a person there): only this council's access goes
    user.is_active = False
    user.first_name = ""
    user.last_name = ""
    user.email = ""
    user.username = f"deleted-{user.pk}"
    user.set_unusable_password()
    user.save(update_fields=["is_active", "first_name", "last_name", "email", "username", "password"])


# --- The read log of case conferences (閲覧記録) --------------------------------------------------

READ_LOG_RETENTION_YEARS_DEFAULT = 3


def _subject_label(subject: Model | str) -> str:
    if isinstance(subject, str):
        return subject
    kind = str(subject._meta.verbose_name)
    if isinstance(subject, Body):
        return f"{kind}のページ「{subject}」"
    return f"{kind}「{subject}」"


def read_record(user: AuthUser, body: Body, subject: Model | str) -> ReadRecord:
    """Append who opened what of a case conference (called by council.access, never by a page).

    One INSERT: everything shown later (names, the label) is copied in from objects already loaded.
    """
    name = person_name(user)
    if name != user.get_username():
        name = f"{name}（{user.get_username()}）"
    return ReadRecord.objects.create(
        council_id=body.council_id,
        body=body,
        body_name=body.name[:200],
        user=user,
        user_name=name[:150],
        subject_kind="export" if isinstance(subject, str) else subject._meta.label_lower,
        subject_id=None if isinstance(subject, str) else subject.pk,
        subject_label=_subject_label(subject)[:300],
    )


def read_log_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """The oldest moment still kept: ``READ_LOG_RETENTION_YEARS`` calendar years ago (29 Feb → 28 Feb)."""
    now = now or timezone.now()
    years = getattr(settings, "READ_LOG_RETENTION_YEARS", READ_LOG_RETENTION_YEARS_DEFAULT)
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def read_records_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the read records older than the retention period (the beat task runs it daily)."""
    deleted, _ = ReadRecord.objects.filter(read_at__lt=read_log_cutoff(now)).delete()
    return deleted
