"""Regional issue pages: raise an issue, move it through the bodies, read its history, plan actions.

Who reads an issue and who moves it is decided in issues.selectors (after council.access); the
moves themselves are checked by issues.workflow through issues.services, never here.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from council.access import (
    can_edit_body,
    can_see_body,
    get_body_for_user,
    get_council_for_secretariat,
    get_council_for_user,
    is_secretariat_of,
    readable_bodies,
)
from council.models import Body, BodyKind, BodyStatusKind, Council
from council.pages import council_context, selected_fiscal_year
from council.submit_once import submit_once
from council.tree import descendants
from council.wareki import current_fiscal_year, fiscal_year_of, format_wareki, months_between
from issues import selectors
from issues.forms import (
    ORIGIN_CASE_CONFERENCE,
    ORIGIN_DIRECT,
    ORIGIN_MEETING,
    ActionPlanForm,
    ActionPlanRowFormSet,
    HandOverForm,
    IssueFilterForm,
    IssueMoveForm,
    IssueRaiseForm,
)
from issues.models import IssueOrigin, MoveKind, RegionalIssue
from issues.services import (
    HandOverRefused,
    IssueChangedMeanwhile,
    action_plan_save,
    hand_over_issues,
    hand_over_target,
    issue_move,
    issue_raise,
    issues_hand_over,
)
from issues.workflow import IssueMoveRefused, allowed_moves
from meetings.selectors import get_meeting_for_user

try:  # Being written alongside these pages; until it lands, the raise form shows no similar issues.
    from issues.similarity import similar_issues
except ImportError:  # pragma: no cover - depends on the other module being present
    similar_issues = None

PAGE_SIZE = 30
SIMILAR_LIMIT = 5


# --- the list --------------------------------------------------------------------------------------


@login_required
@require_safe
def issue_list(request: HttpRequest, slug: str) -> HttpResponse:
    council = get_council_for_user(request.user, slug)
    bodies = readable_bodies(request.user, council).order_by("sort_order", "id")
    first = RegionalIssue.objects.filter(council=council).aggregate(first=Min("raised_on"))["first"]
    this_year = current_fiscal_year()
    years = list(range(this_year, fiscal_year_of(first) - 1, -1)) if first else [this_year]
    form = IssueFilterForm(request.GET or None, bodies=bodies, years=years)
    filters = selectors.IssueFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.IssueFilters(
            status=data["status"],
            body=data["body"],
            theme_id=data["theme"].pk if data["theme"] else None,
            fiscal_year=data["year"],
            older_than_months=data["older_than"],
        )
    page = Paginator(
        selectors.issue_list(user=request.user, council=council, filters=filters), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for issue in page:
        issue.age_months = months_between(issue.raised_on, today) if issue.is_open else None
    query = request.GET.copy()
    query.pop("page", None)
    context = council_context(
        request,
        council,
        form=form,
        page=page,
        query=query.urlencode(),
        funnel=selectors.issue_funnel(user=request.user, council=council),
        can_raise=any(can_edit_body(request.user, b) for b in bodies if b.kind != BodyKind.CASE_CONFERENCE),
    )
    return render(request, "issues/issue_list.html", context)


# --- raising an issue ------------------------------------------------------------------------------


def _raise_form(request: HttpRequest, council: Council, *, data=None, initial=None) -> IssueRaiseForm:
    editable = [
        b.pk
        for b in Body.objects.filter(council=council).exclude(kind=BodyKind.CASE_CONFERENCE)
        if can_edit_body(request.user, b)
    ]
    if not editable:
        raise PermissionDenied("地域課題を提起できるのは、事務局と会議体の長です。")
    return IssueRaiseForm(
        data,
        initial=initial,
        bodies=Body.objects.filter(pk__in=editable).order_by("sort_order", "id"),
        case_meetings=selectors.meetings_for_choice(
            user=request.user, council=council, case_conferences=True
        ),
        meetings=selectors.meetings_for_choice(user=request.user, council=council, case_conferences=False),
        may_raise_directly=True,
    )


def _initial_from_meeting(request: HttpRequest, council: Council, pk: str) -> dict:
    try:
        meeting = get_meeting_for_user(request.user, council, int(pk))
    except ValueError:
        return {}
    body = meeting.body
    if body.kind == BodyKind.CASE_CONFERENCE:
        initial = {"origin": ORIGIN_CASE_CONFERENCE, "case_meeting": meeting.pk}
        body = body.parent
    else:
        initial = {"origin": ORIGIN_MEETING, "meeting": meeting.pk}
    if body is not None and can_edit_body(request.user, body):
        initial["body"] = body.pk
    return initial


def _similar(request: HttpRequest, council: Council, text: str) -> list:
    if similar_issues is None or not text.strip():
        return []
    found = similar_issues(council=council, text=text, limit=SIMILAR_LIMIT)
    visible = set(
        selectors.issues_visible_to(request.user, council)
        .filter(pk__in=[s.issue.pk for s in found])
        .values_list("pk", flat=True)
    )
    return [s for s in found if s.issue.pk in visible]


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def issue_create(request: HttpRequest, slug: str) -> HttpResponse:
    council = get_council_for_user(request.user, slug)
    similar: list | None = None
    status = 200
    if request.method == "POST" and "check_similar" in request.POST:
        # Re-show what was typed (without complaining about what is still missing) and the
        # issues that look alike, so a duplicate is noticed before it is raised.
        post = request.POST
        initial = {
            name: post.get(name, "")
            for name in ("title", "background", "body", "origin", "case_meeting", "meeting")
        }
        initial["themes"] = post.getlist("themes")
        form = _raise_form(request, council, initial=initial)
        similar = _similar(request, council, f"{initial['title']}\n{initial['background']}")
    elif request.method == "POST":
        form = _raise_form(request, council, data=request.POST)
        if form.is_valid():
            data = form.cleaned_data
            origin = {
                ORIGIN_CASE_CONFERENCE: IssueOrigin.CASE_CONFERENCE,
                ORIGIN_MEETING: IssueOrigin.MEETING,
                ORIGIN_DIRECT: IssueOrigin.SECRETARIAT
                if is_secretariat_of(request.user, council.pk)
                else IssueOrigin.BODY,
            }[data["origin"]]
            try:
                issue = issue_raise(
                    body=data["body"],
                    title=data["title"],
                    background=data["background"],
                    themes=data["themes"],
                    origin=origin,
                    origin_meeting=form.origin_meeting,
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, f"地域課題「{issue.title}」を提起しました。")
                return redirect("issue_detail", council.slug, issue.pk)
        status = 400
    else:
        meeting_pk = request.GET.get("meeting")
        form = _raise_form(
            request,
            council,
            initial=_initial_from_meeting(request, council, meeting_pk) if meeting_pk else None,
        )
    context = council_context(
        request, council, form=form, similar=similar, similarity_available=similar_issues is not None
    )
    return render(request, "issues/issue_form.html", context, status=status)


# --- the issue page and its moves -------------------------------------------------------------------


def _move_kinds(issue: RegionalIssue, bodies: dict[int, Body]) -> list[str]:
    """The moves the rules allow from the status, less those that obviously cannot apply here."""
    # 引き継ぎ is done for all the open issues of an ended body at once (issues_hand_over_view).
    kinds = [k for k in allowed_moves(issue) if k != MoveKind.HAND_OVER]
    if issue.reported_to_id is not None or issue.council.parent_id is None:
        kinds = [k for k in kinds if k != MoveKind.REPORT]
    if issue.body.parent_id is None:
        kinds = [k for k in kinds if k not in {MoveKind.ESCALATE, MoveKind.PROPOSE}]
    if not descendants(bodies, issue.body_id, case_conferences=False):
        kinds = [k for k in kinds if k != MoveKind.SEND_DOWN]
    return kinds


def _move_form(
    request: HttpRequest, issue: RegionalIssue, data=None, *, last_move_at: dt.datetime | None = None
) -> IssueMoveForm | None:
    """The move form. Its lists hold what a user can pick here, not the council's whole history:
    meetings of the holding body, the bodies above and below it, of this and last 年度 (and of the
    last move's 年度, and of the 年度 chosen on the page); merge targets among the open issues
    those bodies hold."""
    if not selectors.can_move_issue(request.user, issue):
        return None
    bodies = selectors.body_tree(issue.council)
    kinds = _move_kinds(issue, bodies)
    if not kinds:
        return None
    near = selectors.move_neighbourhood(bodies, issue)
    years: set[int] | None = None  # a posted choice is checked against every 年度 (one lookup)
    if data is None:
        if last_move_at is None:
            last_move_at = issue.moves.order_by("-at", "-id").values_list("at", flat=True).first()
        years = selectors.move_fiscal_years(issue, last_move_at)
        if "year" in request.GET:  # ◀ 令和2年度 ▶ on the issue page offers that year's meetings
            years.add(selected_fiscal_year(request))
    return IssueMoveForm(
        data,
        issue=issue,
        bodies=bodies,
        kinds=kinds,
        meetings=selectors.meetings_for_choice(
            user=request.user,
            council=issue.council,
            bodies=near,
            fiscal_years=years,
        ),
        merge_targets=selectors.issues_visible_to(request.user, issue.council).filter(body__in=near),
    )


def _mark_readable_meetings(request: HttpRequest, page: selectors.IssuePage) -> None:
    """Meetings in the history are linked only for those who may open them (case conferences!)."""
    for entry in page.timeline:
        meeting = entry.meeting or (entry.move.at_meeting if entry.move else None)
        if meeting is not None:
            meeting.readable = can_see_body(request.user, meeting.body)  # a case conference: via the pledge


def _render_detail(
    request: HttpRequest, council: Council, issue: RegionalIssue, *, move_form=None, status: int = 200
) -> HttpResponse:
    page = selectors.issue_page(issue=issue)
    _mark_readable_meetings(request, page)
    origin_meeting = issue.origin_meeting
    context = council_context(
        request,
        council,
        issue=issue,
        page=page,
        links=True,
        can_move=selectors.can_move_issue(request.user, issue),
        move_form=move_form or _move_form(request, issue, last_move_at=page.last_move_at),
        origin_link=origin_meeting is not None and can_see_body(request.user, origin_meeting.body),
        body_link=can_see_body(request.user, issue.body),
    )
    return render(request, "issues/issue_detail.html", context, status=status)


@login_required
@require_safe
def issue_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = get_council_for_user(request.user, slug)
    issue = selectors.get_issue_for_user(request.user, council, pk)
    return _render_detail(request, council, issue)


@login_required
@require_POST
@submit_once
def issue_move_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = get_council_for_user(request.user, slug)
    issue = selectors.get_issue_for_user(request.user, council, pk, write=True)
    form = _move_form(request, issue, data=request.POST)
    if form is None:
        raise PermissionDenied("この地域課題に行える操作はありません。")
    if not form.is_valid():
        return _render_detail(request, council, issue, move_form=form, status=400)
    data = form.cleaned_data
    try:
        move = issue_move(
            issue=issue,
            kind=data["kind"],
            by=request.user,
            reason=data["reason"],
            to_body=data["to_body"],
            at_meeting=data["at_meeting"],
            due_on=data["due_on"],
            merge_into=data["merge_into"],
            social_resource=data["social_resource"],
            expected_version=data["version"],
        )
    except IssueChangedMeanwhile as error:
        # Show the state as it is now, with what the user typed, under the fresh version: sending
        # again is then a decision taken on the current state.
        fresh = selectors.get_issue_for_user(request.user, council, pk)
        retyped = request.POST.copy()
        retyped["version"] = str(fresh.version)
        form = _move_form(request, fresh, data=retyped)
        if form is None:
            messages.error(request, str(error))
            return redirect("issue_detail", council.slug, fresh.pk)
        form.is_valid()
        form.add_error(None, str(error))
        return _render_detail(request, council, fresh, move_form=form, status=409)
    except IssueMoveRefused as error:
        form.add_error(None, str(error))
        return _render_detail(request, council, issue, move_form=form, status=400)
    messages.success(request, f"「{move.get_kind_display()}」を記録しました。")
    return redirect("issue_detail", council.slug, issue.pk)


# --- 引き継ぎ: an ended body's open issues to its successor ----------------------------------------

HAND_OVER_PAGE = "課題の引き継ぎ"


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def issues_hand_over_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """「課題の引き継ぎ」 (事務局): the open issues of a paused or ended body, the body taking them
    over (its successor unless another is chosen) and the date; one 引き継ぎ move per issue."""
    council = get_council_for_secretariat(request.user, slug, page=HAND_OVER_PAGE)
    old = get_body_for_user(request.user, council, pk, write=True)
    fiscal_year = current_fiscal_year()
    choices = readable_bodies(request.user, council).exclude(pk=old.pk).order_by("sort_order", "pk")
    if old.kind != BodyKind.CASE_CONFERENCE:
        choices = choices.exclude(kind=BodyKind.CASE_CONFERENCE)
    successor = hand_over_target(old)
    form = HandOverForm(
        request.POST or None,
        bodies=choices,
        initial={"to_body": successor, "on": format_wareki(timezone.localdate())},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            moves = issues_hand_over(
                old=old, to=data["to_body"], on=data["on"], by=request.user, reason=data["reason"]
            )
        except HandOverRefused as error:
            form.add_error(None, str(error))
        else:
            to_name = data["to_body"].name_in(fiscal_year_of(data["on"]))
            messages.success(
                request,
                f"{len(moves)}件の地域課題を「{to_name}」へ引き継ぎました（{format_wareki(data['on'])}）。"
                "各課題の経過に「引き継ぎ」として記録しています。",
            )
            return redirect("dashboard", council.slug)
    context = council_context(
        request,
        council,
        old=old,
        old_name=old.name_in(fiscal_year),
        old_status_label=BodyStatusKind(old.status_in(fiscal_year) or BodyStatusKind.ACTIVE).label,
        successor=successor,
        issues=hand_over_issues(old),
        form=form,
    )
    return render(request, "issues/hand_over.html", context, status=400 if form.errors else 200)


# --- the action plan ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def action_plan_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = get_council_for_user(request.user, slug)
    issue = selectors.get_issue_for_user(request.user, council, pk, write=True)
    page = selectors.issue_page(issue=issue)
    data = request.POST if request.method == "POST" else None
    form = ActionPlanForm(data, initial={"target_state": page.plan.target_state if page.plan else ""})
    rows = ActionPlanRowFormSet(
        data,
        prefix="rows",
        initial=[
            {name: getattr(row, name) for name in ("problem", "towards", "action", "due_label", "progress")}
            for row in page.rows
        ],
    )
    if request.method == "POST":
        if all([form.is_valid(), rows.is_valid()]):
            action_plan_save(
                issue=issue, target_state=form.cleaned_data["target_state"].strip(), rows=rows.rows()
            )
            messages.success(request, "アクションプランを保存しました。")
            return redirect(f"{issue_url(council, issue)}#action-plan")
        status = 400
    else:
        status = 200
    context = council_context(request, council, issue=issue, form=form, rows=rows)
    return render(request, "issues/action_plan_form.html", context, status=status)


def issue_url(council: Council, issue: RegionalIssue) -> str:
    return reverse("issue_detail", args=[council.slug, issue.pk])


# --- the prefecture: issues reported up, read only ------------------------------------------------


@login_required
@require_safe
def reported_issues(request: HttpRequest, slug: str) -> HttpResponse:
    council = get_council_for_user(request.user, slug)
    page = Paginator(selectors.reported_issues_for(request.user, council), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "issues/reported_list.html", council_context(request, council, page=page))


@login_required
@require_safe
def reported_issue_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = get_council_for_user(request.user, slug)
    issue = selectors.get_reported_issue_for_user(request.user, council, pk)
    context = council_context(
        request, council, issue=issue, page=selectors.issue_page(issue=issue), links=False
    )
    return render(request, "issues/reported_detail.html", context)
