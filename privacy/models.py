"""The confidentiality pledge (守秘義務の確認) and requests about a person's data (開示・削除の求め).

Since R6.4 the members of a council carry a statutory duty of confidentiality (障害者総合支援法
第89条の3). Before anyone sees case-conference content (個別支援会議), they confirm the council's
current pledge text; each confirmation is a row that is never changed. A new version of the text
asks everyone to confirm again.
"""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone

from council import history
from council.models import Council, Person


@history.track()
class Pledge(models.Model):
    """One version of a council's pledge text. Versions count up; old ones are kept.

    A version that someone has confirmed is never edited again (the admin shows it read-only):
    a change of wording is a new version, which everyone confirms anew.
    """

    council = models.ForeignKey(
        Council, verbose_name="協議会", on_delete=models.CASCADE, related_name="pledges"
    )
    version = models.PositiveIntegerField("版", editable=False)
    title = models.CharField("表題", max_length=200, default="守秘義務に関する確認")
    text = models.TextField("本文")
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="作成者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "守秘義務の確認文"
        verbose_name_plural = "守秘義務の確認文"
        ordering = ["council", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["council", "version"], name="pledge_version_unique_per_council"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"


class PledgeConfirmation(models.Model):
    """A user confirmed one version of a council's pledge. Append-only (a trigger refuses updates)."""

    pledge = models.ForeignKey(
        Pledge, verbose_name="確認文", on_delete=models.CASCADE, related_name="confirmations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="利用者",
        on_delete=models.CASCADE,
        related_name="pledge_confirmations",
    )
    confirmed_at = models.DateTimeField("確認日時", default=timezone.now)

    class Meta:
        verbose_name = "守秘義務の確認記録"
        verbose_name_plural = "守秘義務の確認記録"
        ordering = ["-confirmed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["pledge", "user"], name="pledgeconfirmation_once_per_version"),
        ]
        triggers = [pgtrigger.Protect(name="pledgeconfirmation_append_only", operation=pgtrigger.Update)]

    def __str__(self) -> str:
        return f"{self.user} : {self.pledge}"


class RequestKind(models.TextChoices):
    DISCLOSURE = "disclosure", "開示（記録の書き出し）"
    ERASURE = "erasure", "削除（匿名化）"


class Requester(models.TextChoices):
    SELF = "self", "本人"
    PROXY = "proxy", "代理人・家族"
    SECRETARIAT = "secretariat", "事務局の判断（退任後の整理など）"


class PersonalDataRequest(models.Model):
    """A request about one person's data and how it was handled. Append-only.

    The person is kept as a link and an id label only: the request record itself must not become
    a second copy of the data that was erased.
    """

    council = models.ForeignKey(
        Council, verbose_name="協議会", on_delete=models.CASCADE, related_name="personal_data_requests"
    )
    person = models.ForeignKey(
        Person,
        verbose_name="人物",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="data_requests",
    )
    person_label = models.CharField("対象（人物ID）", max_length=50)
    kind = models.CharField("種別", max_length=20, choices=RequestKind.choices)
    requested_by = models.CharField("求めた人", max_length=20, choices=Requester.choices)
    reason = models.TextField(
        "理由・経緯", blank=True, help_text="個人が特定できる内容（氏名・病名など）は書かないでください。"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="対応者",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_by_name = models.CharField("対応者名", max_length=150)
    handled_at = models.DateTimeField("対応日時", default=timezone.now)

    class Meta:
        verbose_name = "個人情報の開示・削除の記録"
        verbose_name_plural = "個人情報の開示・削除の記録"
        ordering = ["-handled_at", "-id"]
        triggers = [
            # Only Django clearing the links when a person or an account is deleted may change a row.
            pgtrigger.Protect(
                name="personaldatarequest_append_only",
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange(exclude=["person", "handled_by"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.person_label}"


class ReadRecord(models.Model):
    """Someone opened case-conference content (個別支援会議): who, what, when. Append-only.

    Written by ``council.access`` whenever a case conference's page, meeting, file, document or an
    export carrying it is let through (``privacy.services.read_record``); kept for
    ``READ_LOG_RETENTION_DAYS`` and then removed by the beat task ``privacy.purge_read_records``.
    Names are copied in, so the record still says who and what after the account or body is gone.
    """

    council = models.ForeignKey(
        Council, verbose_name="協議会", on_delete=models.CASCADE, related_name="read_records"
    )
    body = models.ForeignKey(
        "council.Body", verbose_name="会議体", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body_name = models.CharField("会議体名", max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="閲覧者",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user_name = models.CharField("閲覧者名", max_length=150)
    subject_kind = models.CharField("閲覧した記録の種類", max_length=50)
    subject_id = models.BigIntegerField("記録の番号", null=True)
    subject_label = models.CharField("閲覧した内容", max_length=300)
    read_at = models.DateTimeField("閲覧日時", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "閲覧記録"
        verbose_name_plural = "閲覧記録"
        ordering = ["-read_at", "-id"]
        indexes = [models.Index(fields=["council", "-read_at"], name="readrecord_council_read_at")]
        triggers = [
            # Only Django clearing the links when an account or a body is deleted may change a row.
            pgtrigger.Protect(
                name="readrecord_append_only",
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange(exclude=["body", "user"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_name} : {self.subject_label}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("閲覧記録は変更できません。")
        super().save(*args, **kwargs)
