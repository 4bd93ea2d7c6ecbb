"""Invitations (招待): a one-time link by mail with which a new person sets the password of the
account made for them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from council import history
from council.models import Council, Person

INVITATION_VALID_FOR = dt.timedelta(days=7)


class InvitationState(models.TextChoices):
    PENDING = "pending", "招待中"
    ACCEPTED = "accepted", "受付済み"
    EXPIRED = "expired", "期限切れ"
    REVOKED = "revoked", "取消済み"


@history.track()
class Invitation(models.Model):
    """One invitation of one e-mail address to one council.

    The account (``user``) is made with the invitation, without a usable password and inactive;
    accepting sets the password and activates it. Only a SHA-256 hash of the link's token is kept:
    the link itself is in the mail alone, and a re-send makes a new one.
    """

    council = models.ForeignKey(
        Council, verbose_name="協議会", on_delete=models.CASCADE, related_name="invitations"
    )
    person = models.ForeignKey(
        Person,
        verbose_name="人物",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="アカウント",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
    )
    email = models.EmailField("メールアドレス")
    token_hash = models.CharField("リンクの照合値", max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="招待した人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("招待日時")
    sent_at = models.DateTimeField("最後に送った日時")
    expires_at = models.DateTimeField("有効期限")
    accepted_at = models.DateTimeField("受付日時", null=True, blank=True)
    revoked_at = models.DateTimeField("取消日時", null=True, blank=True)

    class Meta:
        verbose_name = "招待"
        verbose_name_plural = "招待"
        ordering = ["council", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_not_accepted_and_revoked",
                violation_error_message="受け付けた招待は取り消せません。",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_creation",
                violation_error_message="有効期限は招待した日時より後にしてください。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email}（{self.council}）"

    def state_at(self, now: dt.datetime) -> InvitationState:
        if self.accepted_at is not None:
            return InvitationState.ACCEPTED
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if self.expires_at <= now:
            return InvitationState.EXPIRED
        return InvitationState.PENDING


@history.track()
class FirstPasswordLetter(models.Model):
    """An account made with a printed first password (初回パスワード通知書), for a person without mail.

    The password itself is only in the PDF handed out; the account keeps its hash as usual. Until
    ``changed_at`` is set, every page leads its user to 「パスワードの変更」
    (``accounts.middleware.FirstPasswordMiddleware``).
    """

    council = models.ForeignKey(
        Council, verbose_name="協議会", on_delete=models.CASCADE, related_name="first_password_letters"
    )
    person = models.ForeignKey(
        Person,
        verbose_name="人物",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="first_password_letters",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="アカウント",
        on_delete=models.CASCADE,
        related_name="first_password_letters",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="発行した人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("発行日時")
    changed_at = models.DateTimeField("パスワードを変更した日時", null=True, blank=True)

    class Meta:
        verbose_name = "初回パスワード通知書"
        verbose_name_plural = "初回パスワード通知書"
        ordering = ["council", "-created_at"]

    def __str__(self) -> str:
        return f"{self.user}（{self.council}）"
