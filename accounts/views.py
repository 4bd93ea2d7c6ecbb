"""2段階認証: setting up an authenticator app, entering its code after the password, turning it off."""

from __future__ import annotations

import hashlib
import logging
from base64 import b32encode

import segno
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.first_password import SESSION_KEY as FIRST_PASSWORD_KEY
from accounts.first_password import first_password_due
from accounts.forms import AccountForPersonForm, InvitationForm, PasswordResetMailForm, TokenForm
from accounts.letters import first_password_letter_pdf
from accounts.mail import mail_send, mail_to_files, mailbox_messages
from accounts.models import Invitation
from accounts.selectors import InvitationRefused, expiry_text, invitation_for_token, invitations_of
from accounts.services import (
    first_password_change as change_first_password,
)
from accounts.services import (
    first_password_letter_create,
    first_password_letter_reissue,
    invitation_create,
    invitation_resend,
    invitation_revoke,
)
from accounts.services import invitation_accept as accept_invitation
from accounts.sessions import renew
from accounts.two_factor import (
    SESSION_KEY,
    SETUP,
    confirmed_device,
    device_confirm,
    devices_remove,
    two_factor_required,
    unconfirmed_device,
)
from council.access import for_admin, for_user, get_council_for_secretariat
from council.models import Person
from council.pages import council_context


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


def _throttled_message(device: TOTPDevice) -> str | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (data or {}).get("locked_until")
    if locked_until is None:
        return "コードの入力に続けて誤りがあったため、しばらく入力できません。少し待ってからお試しください。"
    seconds = max(1, int((locked_until - timezone.now()).total_seconds()) + 1)
    return f"コードの入力に続けて誤りがあったため、あと{seconds}秒ほど待ってから入力してください。"


def _check_token(request: HttpRequest, form: TokenForm, device: TOTPDevice) -> bool:
    """Verify the code on ``device`` (django-otp throttles repeated failures); errors go on the form."""
    if not form.is_valid():
        return False
    waiting = _throttled_message(device)
    if waiting:
        form.add_error("token", waiting)
        return False
    if not device.verify_token(form.cleaned_data["token"]):
        form.add_error(
            "token",
            "コードが正しくありません。認証アプリに表示されている最新の6桁を入力してください"
            "（スマートフォンの時刻がずれていると合わないことがあります）。",
        )
        return False
    return True


def _qr_svg(device: TOTPDevice) -> str:
    # An <svg> drawn on the server: no image request, no script, nothing inline for the CSP to refuse.
    return mark_safe(  # noqa: S308 — segno writes the markup; the only text is our own title
        segno.make(device.config_url, error="m").svg_inline(
            scale=4, border=4, light="#fff", title="設定用QRコード"
        )
    )


def _secret_text(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
def two_factor_settings(request: HttpRequest) -> HttpResponse:
    """「2段階認証の設定」: whether it is on, whether a council requires it, and the buttons."""
    return render(
        request,
        "accounts/two_factor_settings.html",
        {"device": confirmed_device(request.user), "required": two_factor_required(request.user)},
    )


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Register an authenticator app: QR code and the secret in text, then one code to confirm.

    Someone who already has an app must first prove it (the code page) before registering another:
    otherwise a stolen password alone would let them replace the victim's authenticator.
    """
    if confirmed_device(request.user) is not None and not request.user.is_verified():
        return redirect("two_factor_verify")
    device = unconfirmed_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and _check_token(request, form, device):
        device_confirm(device=device)
        otp_login(request, device)
        request.session.pop(SESSION_KEY, None)
        messages.success(
            request, "2段階認証を設定しました。次回からはパスワードの後に6桁のコードを入力します。"
        )
        return redirect(_next_url(request))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device),
            "secret": _secret_text(device),
            "next": _next_url(request),
            "required": two_factor_required(request.user),
        },
    )


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the code of the app set up before."""
    device = confirmed_device(request.user)
    if device is None:  # removed meanwhile (by the operator): set up anew, or nothing is owed
        if two_factor_required(request.user):
            request.session[SESSION_KEY] = SETUP
            return redirect("two_factor_setup")
        request.session.pop(SESSION_KEY, None)
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and _check_token(request, form, device):
        otp_login(request, device)
        request.session.pop(SESSION_KEY, None)
        return redirect(_next_url(request))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    """Turn two-factor sign-in off — not possible while a council requires it of the user."""
    if two_factor_required(request.user):
        messages.error(request, "所属する協議会で2段階認証が必須になっているため、解除できません。")
        return redirect("two_factor_settings")
    devices_remove(user=request.user)
    messages.success(request, "2段階認証を解除しました。次回からはパスワードだけでログインします。")
    return redirect("two_factor_settings")


@login_required
@require_POST
def session_extend(request: HttpRequest) -> HttpResponse:
    """「ログインを延長する」: the session starts its idle time again (from the page's warning)."""
    renew(request.session)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"ends_in": settings.SESSION_COOKIE_AGE})
    messages.success(request, "ログインを延長しました。続けて操作できます。")
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        back = "/"
    return redirect(back)


logger = logging.getLogger(__name__)

RESET_WINDOW = 3600  # seconds: the limits count an hour


def _over_limit(key: str, limit: int) -> bool:
    """Count one more request under ``key`` in the cache; True once the hour's count passes ``limit``."""
    cache.add(key, 0, timeout=RESET_WINDOW)  # the window starts with the first request
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr: this request starts a new window
        cache.set(key, 1, timeout=RESET_WINDOW)
        return limit < 1


class PasswordResetView(auth_views.PasswordResetView):
    """「パスワードをお忘れの方」: Django's view with the Japanese mail sent by the worker, limited per
    address and per client. Over a limit the answer is the same page as always, and no mail leaves.
    The other steps (done, confirm, complete) are Django's own views (templates/registration/)."""

    form_class = PasswordResetMailForm

    def form_valid(self, form):
        address = form.cleaned_data["email"].strip().lower()
        by_address = "reset:addr:" + hashlib.sha256(address.encode()).hexdigest()
        by_client = f"reset:client:{get_client_ip_address(self.request) or 'unknown'}"
        # Both are counted, so a client trying many addresses is stopped as well as many tries at one.
        client_over = _over_limit(by_client, settings.PASSWORD_RESET_REQUESTS_PER_CLIENT)
        address_over = _over_limit(by_address, settings.PASSWORD_RESET_MAILS_PER_ADDRESS)
        if client_over or address_over:
            logger.warning("password reset limited (%s)", "client" if client_over else "address")
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


password_reset = PasswordResetView.as_view()


def _invitation_refused(request: HttpRequest, refused: InvitationRefused) -> HttpResponse:
    # 404 for a link that matches nothing; 410 (gone) for one that did work once.
    status = 404 if refused.state == "unknown" else 410
    return render(request, "accounts/invitation_refused.html", {"reason": str(refused)}, status=status)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link of an invitation mail: the invited person sets the password of their account."""
    try:
        invitation = invitation_for_token(token)
    except InvitationRefused as refused:
        return _invitation_refused(request, refused)
    assert invitation.user is not None
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accept_invitation(token=token, password=form.cleaned_data["new_password1"])
        except InvitationRefused as refused:  # used or revoked meanwhile (another tab)
            return _invitation_refused(request, refused)
        except ValidationError as error:
            form.add_error("new_password1", error)
        else:
            messages.success(
                request,
                f"パスワードを設定しました。ユーザー名「{invitation.user.get_username()}」と"
                "新しいパスワードでログインしてください。",
            )
            return redirect("login")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "invitation": invitation, "expires": expiry_text(invitation)},
    )


def _require_site_operator(request: HttpRequest) -> None:
    if not request.user.is_superuser:
        raise PermissionDenied("サイト管理者だけが開ける画面です。")


@login_required
def operator_mailbox(request: HttpRequest) -> HttpResponse:
    """「送信したメール」 (the site operator): the mails written to var/mail/ without an SMTP server,
    newest first, so that an invitation can be followed on a fresh start."""
    _require_site_operator(request)
    to_files = mail_to_files()
    return render(
        request,
        "accounts/operator_mailbox.html",
        {
            "to_files": to_files,
            "mails": mailbox_messages() if to_files else [],
            "folder": settings.EMAIL_FILE_PATH,
        },
    )


@login_required
@require_POST
def operator_mail_test(request: HttpRequest) -> HttpResponse:
    """「確認のメールを送る」: a mail to the operator's own address, to try the mail settings."""
    _require_site_operator(request)
    if not request.user.email:
        messages.error(request, "このアカウントにメールアドレスが登録されていないため、送れません。")
    else:
        mail_send(to=request.user.email, name="test", context={"name": request.user.get_username()})
        messages.success(request, f"{request.user.email} 宛てに確認のメールを送りました。")
    return redirect("operator_mailbox")


INVITATIONS_PAGE = "アカウントの招待"


@login_required
def invitation_list(request: HttpRequest, slug: str) -> HttpResponse:
    """「アカウントの招待」 (事務局): invite an address by mail; the council's invitations with their state."""
    council = get_council_for_secretariat(request.user, slug, page=INVITATIONS_PAGE)
    form = InvitationForm(request.POST or None, council=council, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issued = invitation_create(
                council=council,
                email=data["email"],
                by=request.user,
                person=data["person"],
                kind=data["kind"] or None,
                body=data["body"],
            )
        except InvitationRefused as refused:
            form.add_error("email" if refused.state == "duplicate" else None, str(refused))
        except ValidationError as error:  # the address is another person's of the council
            form.add_error("email", error.messages)
        else:
            messages.success(
                request,
                f"{issued.invitation.email} に招待のメールを送りました（有効期限 {expiry_text(issued.invitation)}）。",
            )
            return redirect("invitation_list", council.slug)
    now = timezone.now()
    rows = [
        (invitation, invitation.state_at(now), expiry_text(invitation))
        for invitation in invitations_of(council.pk, request.user)
    ]
    return render(
        request, "accounts/invitation_list.html", council_context(request, council, form=form, rows=rows)
    )


def _council_invitation(request: HttpRequest, slug: str, pk: int) -> Invitation:
    council = get_council_for_secretariat(request.user, slug, page=INVITATIONS_PAGE)
    return get_object_or_404(for_user(Invitation.objects.filter(council=council), request.user), pk=pk)


@login_required
@require_POST
def invitation_resend_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """「再送する」: a new link by mail (the old one stops working), valid for 7 days from now."""
    invitation = _council_invitation(request, slug, pk)
    try:
        issued = invitation_resend(invitation=invitation, by=request.user)
    except InvitationRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            f"{invitation.email} に招待を再送しました（有効期限 {expiry_text(issued.invitation)}）。"
            "前のメールのリンクは使えなくなりました。",
        )
    return redirect("invitation_list", slug)


@login_required
@require_POST
def invitation_revoke_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """「取り消す」: the link stops working and the unused account is removed."""
    invitation = _council_invitation(request, slug, pk)
    try:
        invitation_revoke(invitation=invitation, by=request.user)
    except InvitationRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{invitation.email} への招待を取り消しました。")
    return redirect("invitation_list", slug)


# --- 初回パスワード: a printed letter's password is replaced at the first sign-in -------------------


@login_required
def first_password_change(request: HttpRequest) -> HttpResponse:
    """「パスワードの変更」: the first password of the printed letter is replaced by the person's own.

    Every other page leads here until it is done (``accounts.middleware.FirstPasswordMiddleware``).
    """
    if not first_password_due(request.user):  # done already (another tab, another device)
        request.session.pop(FIRST_PASSWORD_KEY, None)
        return redirect(_next_url(request))
    form = SetPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change_first_password(user=request.user, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            form.add_error("new_password1", error)
        else:
            update_session_auth_hash(request, request.user)  # stays signed in with the new password
            request.session.pop(FIRST_PASSWORD_KEY, None)
            messages.success(
                request, "パスワードを変更しました。次回からは新しいパスワードでログインしてください。"
            )
            return redirect(_next_url(request))
    return render(request, "accounts/first_password_change.html", {"form": form, "next": _next_url(request)})


# --- Accounts from the person page (人物・構成員, council.people_views) ------------------------------

PEOPLE_PAGE = "人物・構成員"


def _council_person(request: HttpRequest, slug: str, pk: int):
    council = get_council_for_secretariat(request.user, slug, page=PEOPLE_PAGE)
    # The secretariat's scope, as on the people pages: for_admin hides people who sit only in a
    # case conference until the council's pledge is confirmed.
    people = for_admin(Person.objects.filter(council=council), request.user)
    return council, get_object_or_404(people.select_related("user"), pk=pk)


@login_required
@require_POST
def person_invite(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """「メールで招待」: the person's account, with the one-time link mailed to their address."""
    council, person = _council_person(request, slug, pk)
    form = AccountForPersonForm(request.POST, with_email=True, initial={"email": person.email})
    if not form.is_valid():
        messages.error(request, "、".join(form.errors_text()))
        return redirect("person_detail", slug, person.pk)
    try:
        issued = invitation_create(
            council=council,
            email=form.cleaned_data["email"] or person.email,
            by=request.user,
            person=person,
            kind=form.cleaned_data["kind"] or None,
        )
    except InvitationRefused as refused:
        messages.error(request, str(refused))
    except ValidationError as error:  # the address is another person's of the council
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{issued.invitation.email} に招待のメールを送りました（有効期限 {expiry_text(issued.invitation)}）。",
        )
    return redirect("person_detail", slug, person.pk)


def _letter_response(request: HttpRequest, council, person, issued) -> HttpResponse:
    pdf = first_password_letter_pdf(
        council=council,
        person=person,
        username=issued.username,
        password=issued.password,
        login_url=settings.SITE_URL + reverse("login"),
        issued_at=issued.letter.created_at,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="first-password-{issued.username}.pdf"'
    # The only copy of the password: never kept by a cache on the way.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def person_letter(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """「初回パスワード通知書を印刷」: the account with a random first password, as an A4 PDF letter.

    The password is in the PDF only; printing again makes a new password (「再発行」)."""
    council, person = _council_person(request, slug, pk)
    form = AccountForPersonForm(request.POST, with_email=False)
    if not form.is_valid():
        messages.error(request, "、".join(form.errors_text()))
        return redirect("person_detail", slug, person.pk)
    try:
        if person.user_id is None:
            issued = first_password_letter_create(
                council=council, person=person, by=request.user, kind=form.cleaned_data["kind"] or None
            )
        else:
            issued = first_password_letter_reissue(council=council, person=person, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("person_detail", slug, person.pk)
    return _letter_response(request, council, person, issued)
