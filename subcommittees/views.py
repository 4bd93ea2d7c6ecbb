"""Pages of the yearly documents: 検討状況報告書, 振り返り・評価シート, 次年度 活動方針, and the review.

The body's chair and the secretariat edit (council.access.can_edit_body); other readers get 403,
people of other councils 404. The reviewer (福祉課) returns or approves submitted sheets.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from council.access import (
    can_edit_body,
    get_body_for_user,
    get_council_for_user,
    is_reviewer_of,
    is_secretariat_of,
    readable_bodies,
)
from council.concurrency import NEW_VERSION
from council.models import Body, Council
from council.pages import council_context
from council.submit_once import submit_once
from council.wareki import is_page_fiscal_year
from reports.models import DocumentKind
from subcommittees import selectors, services
from subcommittees.documents import body_document_context
from subcommittees.forms import (
    ActivityPolicyForm,
    CommentFormSet,
    EvaluationForm,
    ProgressReportForm,
    ReviewDecisionForm,
    SubmitForm,
)
from subcommittees.history_draft import history_draft as draft_history
from subcommittees.models import ActivityPolicy, Evaluation, EvaluationStatus, ProgressReport


def _check_year(year: int) -> int:
    if not is_page_fiscal_year(year):
        raise Http404
    return year


def _page(request: HttpRequest, slug: str, body_pk: int, year: int) -> tuple[Council, Body, int]:
    council = get_council_for_user(request.user, slug)
    body = get_body_for_user(request.user, council, body_pk, write=True)
    return council, body, _check_year(year)


def _stale_refused(form, model, *, body: Body, fiscal_year: int, error: ValidationError) -> None:
    form.add_error(None, error.messages)
    current = (
        model.objects.filter(body=body, fiscal_year=fiscal_year).values_list("updated_at", flat=True).first()
    )
    form.refresh_version(current.isoformat() if current else NEW_VERSION)


def _derived(body: Body, fiscal_year: int):
    """Members, held meetings, 開催回数 and 開催月, exactly as the PDF reads them."""
    return body_document_context(body=body, fiscal_year=fiscal_year)["set"]


@login_required
@require_http_methods(["GET", "POST"])
def progress_report_edit(request: HttpRequest, slug: str, body_pk: int, year: int) -> HttpResponse:
    council, body, fiscal_year = _page(request, slug, body_pk, year)
    report = ProgressReport.objects.filter(body=body, fiscal_year=fiscal_year).first()
    form = ProgressReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_report_save(
                body=body,
                fiscal_year=fiscal_year,
                loaded_version=form.cleaned_data["loaded_version"],
                **form.document_fields,
            )
        except ValidationError as error:
            _stale_refused(form, ProgressReport, body=body, fiscal_year=fiscal_year, error=error)
        else:
            messages.success(request, "検討状況報告書を保存しました。")
            return redirect("progress_report_edit", council.slug, body.pk, fiscal_year)
    context = council_context(
        request,
        council,
        fiscal_year=fiscal_year,
        body=body,
        form=form,
        set=_derived(body, fiscal_year),
        kind=DocumentKind.PROGRESS_REPORT,
    )
    return render(
        request, "subcommittees/progress_report_form.html", context, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, slug: str, body_pk: int, year: int) -> HttpResponse:
    """The 次年度 活動方針 made in ``year``: the policy row of ``year + 1`` (as in the PDF)."""
    council, body, fiscal_year = _page(request, slug, body_pk, year)
    policy_year = fiscal_year + 1
    policy = ActivityPolicy.objects.filter(body=body, fiscal_year=policy_year).first()
    drafting = request.method == "POST" and ("draft" in request.POST or "draft_replace" in request.POST)
    draft: str | None = None
    draft_offer = ""
    data = request.POST if request.method == "POST" else None
    if drafting:
        # 「これまでの経過の下書きを作る」: nothing is saved. An empty field takes the draft; text the
        # user has is kept, the draft shown under it, and replaced only by 「下書きで置き換える」.
        draft = draft_history(body=body, fiscal_year=policy_year, user=request.user)
        typed = request.POST.get("history", "")
        if draft and ("draft_replace" in request.POST or not typed.strip()):
            data = request.POST.copy()
            data["history"] = draft
        elif draft:
            draft_offer = draft
    form = ActivityPolicyForm(data, instance=policy)
    if request.method == "POST" and not drafting and form.is_valid():
        try:
            services.activity_policy_save(
                body=body,
                fiscal_year=policy_year,
                loaded_version=form.cleaned_data["loaded_version"],
                **form.document_fields,
            )
        except ValidationError as error:
            _stale_refused(form, ActivityPolicy, body=body, fiscal_year=policy_year, error=error)
        else:
            messages.success(request, "活動方針を保存しました。")
            return redirect("policy_edit", council.slug, body.pk, fiscal_year)
    context = council_context(
        request,
        council,
        fiscal_year=fiscal_year,
        body=body,
        form=form,
        body_name=body.name_in(fiscal_year),
        kind=DocumentKind.POLICY,
        drafting=drafting,
        draft_empty=drafting and not draft,
        draft_filled=drafting and bool(draft) and not draft_offer,
        draft_offer=draft_offer,
    )
    status = 400 if not drafting and form.errors else 200
    return render(request, "subcommittees/policy_form.html", context, status=status)


def _evaluation_context(
    request: HttpRequest, council: Council, body: Body, fiscal_year: int, evaluation, **extra
):
    derived = _derived(body, fiscal_year)
    return council_context(
        request,
        council,
        fiscal_year=fiscal_year,
        body=body,
        set=derived,
        evaluation=evaluation,
        reviews=list(evaluation.reviews.all()) if evaluation else [],
        approved_versions=selectors.approved_versions(evaluation=evaluation) if evaluation else [],
        kind=DocumentKind.EVALUATION,
        **extra,
    )


def _evaluation_forms(data, evaluation: Evaluation | None, body: Body, fiscal_year: int):
    people = selectors.member_people(body=body, fiscal_year=fiscal_year)
    if evaluation is not None:
        # A past member who commented stays choosable on their comment.
        known = {p.pk for p in people}
        people += [c.person for c in evaluation.comments.all() if c.person_id and c.person_id not in known]
    initial = {}
    if evaluation is None:
        # A new sheet starts from the year's 活動方針 (or the report's 取組方針): not typed twice.
        initial["policy"] = selectors.policy_of_year(body=body, fiscal_year=fiscal_year)
    form = EvaluationForm(data, instance=evaluation, initial=initial)
    comments = CommentFormSet(
        data,
        prefix="comments",
        people=people,
        initial=[{"person": c.person_id, "text": c.text} for c in evaluation.comments.all()]
        if evaluation
        else [],
    )
    return form, comments


def _render_evaluation(
    request, council, body, fiscal_year, evaluation, *, form, comments, editable, submit_form=None
):
    has_errors = bool(form.errors or comments.total_error_count())
    submit_errors = bool(submit_form is not None and submit_form.errors)
    context = _evaluation_context(
        request,
        council,
        body,
        fiscal_year,
        evaluation,
        form=form,
        comments=comments,
        editable=editable,
        has_errors=has_errors,
        submit_form=submit_form or SubmitForm(),
        submit_errors=submit_errors,
    )
    status = 400 if has_errors or submit_errors else 200
    return render(request, "subcommittees/evaluation_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_edit(request: HttpRequest, slug: str, body_pk: int, year: int) -> HttpResponse:
    council, body, fiscal_year = _page(request, slug, body_pk, year)
    evaluation = selectors.evaluation_for_page(body=body, fiscal_year=fiscal_year)
    editable = evaluation is None or evaluation.status in services.EDITABLE_STATUSES
    data = request.POST if request.method == "POST" else None
    form, comments = _evaluation_forms(data, evaluation, body, fiscal_year)
    if request.method == "POST" and not editable:
        # Submitted or approved since the page was opened: refuse, but show what was typed (not
        # disabled: a disabled field shows the stored value) so it can be copied into a new version.
        form.is_valid()
        comments.is_valid()
        form.add_error(
            None,
            f"この振り返り・評価シートは「{evaluation.get_status_display()}」のため変更できません。"
            "入力した内容は保存されていませんが、下に残っています。",
        )
        return _render_evaluation(
            request, council, body, fiscal_year, evaluation, form=form, comments=comments, editable=False
        )
    if not editable:
        form.disable()
        comments.disable()
    if request.method == "POST" and all([form.is_valid(), comments.is_valid()]):
        try:
            services.evaluation_save(
                body=body,
                fiscal_year=fiscal_year,
                loaded_version=form.cleaned_data["loaded_version"],
                comments=comments.comments(),
                **form.document_fields,
            )
        except ValidationError as error:
            _stale_refused(form, Evaluation, body=body, fiscal_year=fiscal_year, error=error)
        else:
            messages.success(request, "振り返り・評価シートを保存しました。")
            return redirect("evaluation_edit", council.slug, body.pk, fiscal_year)
    return _render_evaluation(
        request, council, body, fiscal_year, evaluation, form=form, comments=comments, editable=editable
    )


def _evaluation_or_404(body: Body, fiscal_year: int) -> Evaluation:
    evaluation = Evaluation.objects.filter(body=body, fiscal_year=fiscal_year).first()
    if evaluation is None:
        raise Http404
    return evaluation


@login_required
@require_POST
def evaluation_submit(request: HttpRequest, slug: str, body_pk: int, year: int) -> HttpResponse:
    council, body, fiscal_year = _page(request, slug, body_pk, year)
    evaluation = _evaluation_or_404(body, fiscal_year)
    submit_form = SubmitForm(request.POST)
    if submit_form.is_valid():
        try:
            services.evaluation_submit(
                evaluation=evaluation, by=request.user, comment=submit_form.cleaned_data["comment"]
            )
        except services.EvaluationTransitionRefused as error:
            submit_form.add_error(None, str(error))
        else:
            messages.success(request, "振り返り・評価シートを提出しました。福祉課の確認をお待ちください。")
            return redirect("evaluation_edit", council.slug, body.pk, fiscal_year)
    # Refused: the page again, with the reason and the typed comment.
    evaluation = selectors.evaluation_for_page(body=body, fiscal_year=fiscal_year)
    editable = evaluation.status in services.EDITABLE_STATUSES
    form, comments = _evaluation_forms(None, evaluation, body, fiscal_year)
    if not editable:
        form.disable()
        comments.disable()
    return _render_evaluation(
        request,
        council,
        body,
        fiscal_year,
        evaluation,
        form=form,
        comments=comments,
        editable=editable,
        submit_form=submit_form,
    )


@login_required
@require_POST
def evaluation_reopen(request: HttpRequest, slug: str, body_pk: int, year: int) -> HttpResponse:
    council, body, fiscal_year = _page(request, slug, body_pk, year)
    evaluation = _evaluation_or_404(body, fiscal_year)
    try:
        services.evaluation_reopen(evaluation=evaluation, by=request.user)
    except services.EvaluationTransitionRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            "修正版を作りました。承認済みの版のPDFはそのまま残ります。直したら、もう一度提出してください。",
        )
    return redirect("evaluation_edit", council.slug, body.pk, fiscal_year)


# --- the review (福祉課) -------------------------------------------------------------------------


def _review_council(request: HttpRequest, slug: str) -> Council:
    council = get_council_for_user(request.user, slug)
    if not (is_reviewer_of(request.user, council.pk) or is_secretariat_of(request.user, council.pk)):
        raise PermissionDenied("振り返り・評価シートの確認は、福祉課と事務局の方だけが開けます。")
    return council


@login_required
@require_safe
def review_list(request: HttpRequest, slug: str) -> HttpResponse:
    council = _review_council(request, slug)
    awaiting = list(selectors.reviews_awaiting(user=request.user, council=council))
    context = council_context(
        request, council, awaiting=awaiting, is_reviewer=is_reviewer_of(request.user, council.pk)
    )
    return render(request, "subcommittees/review_list.html", context)


def _reviewed_evaluation(request: HttpRequest, council: Council, pk: int) -> Evaluation:
    evaluation = (
        Evaluation.objects.filter(pk=pk, body__in=readable_bodies(request.user, council))
        .select_related("body")
        .first()
    )
    if evaluation is None:
        raise Http404
    return evaluation


def _render_review(
    request: HttpRequest,
    council: Council,
    evaluation: Evaluation,
    decide_form: ReviewDecisionForm | None = None,
):
    body = evaluation.body
    evaluation = selectors.evaluation_for_page(body=body, fiscal_year=evaluation.fiscal_year)
    is_reviewer = is_reviewer_of(request.user, council.pk)
    refused = decide_form is not None and bool(decide_form.errors)
    context = _evaluation_context(
        request,
        council,
        body,
        evaluation.fiscal_year,
        evaluation,
        is_reviewer=is_reviewer,
        can_edit=can_edit_body(request.user, body),
        decide_form=decide_form or ReviewDecisionForm(),
        # A refused decision keeps its form on the page, even if the sheet has moved on meanwhile.
        show_decide=is_reviewer and (evaluation.status == EvaluationStatus.SUBMITTED or refused),
    )
    return render(request, "subcommittees/review_detail.html", context, status=400 if refused else 200)


@login_required
@require_safe
def review_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = _review_council(request, slug)
    return _render_review(request, council, _reviewed_evaluation(request, council, pk))


@login_required
@require_POST
@submit_once
def review_decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = get_council_for_user(request.user, slug)
    evaluation = _reviewed_evaluation(request, council, pk)
    if not is_reviewer_of(request.user, council.pk):
        raise PermissionDenied("差戻し・承認ができるのは福祉課（確認担当）の方だけです。")
    form = ReviewDecisionForm(request.POST)
    if form.is_valid():
        action, comment = form.cleaned_data["action"], form.cleaned_data["comment"]
        try:
            if action == "return":
                services.evaluation_return(evaluation=evaluation, by=request.user, comment=comment)
                messages.success(request, "振り返り・評価シートを差し戻しました。")
            else:
                services.evaluation_approve(evaluation=evaluation, by=request.user, comment=comment)
                messages.success(
                    request, "振り返り・評価シートを承認しました。承認済みの版のPDFを作成しています。"
                )
        except services.EvaluationTransitionRefused as error:
            form.add_error(None, str(error))
        else:
            return redirect("review_detail", council.slug, evaluation.pk)
    return _render_review(request, council, evaluation, form)
