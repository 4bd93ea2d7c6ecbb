"""Spreadsheet import/export of regional issues (地域課題), matched by their title.

A new issue is raised through ``issue_raise``, so its history starts with 提起 like any other.
Moving an existing issue (its 状態 or 検討している会議体) is refused here: those changes belong to
the issue page, where every move is recorded with its reason.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Q
from import_export import fields

from council.models import BodyKind
from issues.models import (
    IssueStatus,
    RegionalIssue,
    council_theme_order,
    known_themes,
    split_theme_marks,
    themes_in_order,
)
from issues.services import issue_raise
from spreadsheets.resources import (
    BodyWidget,
    ChoiceLabelWidget,
    CouncilResource,
    KeyWidget,
    WarekiDateWidget,
    _field,
    _text,
)


class IssueResource(CouncilResource):
    label = "地域課題"
    key_columns = ("地域課題",)
    required_columns = ("地域課題", "検討している会議体")
    preview_columns = ("地域課題", "検討している会議体", "状態", "提起日")
    key_column = "ID"
    key_label = "地域課題"

    title = _field("title", "地域課題")
    background = _field("background", "課題が生じる背景")
    body = _field("body", "検討している会議体", BodyWidget())
    status = _field("status", "状態", ChoiceLabelWidget(IssueStatus, default=IssueStatus.RAISED))
    raised_on = _field("raised_on", "提起日", WarekiDateWidget())
    # 医・障・住 …: read and written here (not by import-export), in the council's order.
    themes = fields.Field(attribute=None, column_name="テーマ", dehydrate_method="dehydrate_themes")
    record_key = _field("pk", "ID", KeyWidget(), readonly=True)

    class Meta(CouncilResource.Meta):
        model = RegionalIssue
        fields = ("title", "background", "body", "status", "raised_on", "themes", "record_key")
        import_id_fields = ("title",)

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # One query for the file, not one per row (the newest first, as the model orders them).
        self._existing: dict[str, RegionalIssue] = {}
        self._by_pk: dict[int, RegionalIssue] = {}
        for issue in (
            RegionalIssue.objects.select_related("body")
            .prefetch_related("themes")
            .filter(council=self.council)
        ):
            self._existing.setdefault(issue.title, issue)
            self._by_pk[issue.pk] = issue
        self._known_themes = known_themes()
        self._row_themes: dict[int, list] = {}

    def find(self, row):
        pk = self.row_pk(row)
        if pk is not None:
            if pk not in self._by_pk:
                raise self.unknown_key(row)
            return self._by_pk[pk]  # the key wins: a changed title renames the issue
        title = _text(row.get("地域課題"))
        return self._existing.get(title) if title else None

    def new_instance(self):
        return RegionalIssue(council=self.council)

    def import_instance(self, instance, row, **kwargs):
        errors: dict = {}
        stored_status, stored_body = instance.status, instance.body_id
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if "テーマ" in row:
            parts = split_theme_marks(_text(row.get("テーマ")), self._known_themes)
            unknown = [part for part in parts if part not in self._known_themes]
            if unknown:
                usable = "・".join(dict.fromkeys(t.mark or t.name for t in self._known_themes.values()))
                errors["themes"] = [
                    f"テーマ「{'」「'.join(unknown)}」はありません。使えるのは {usable} です。"
                ]
            else:
                self._row_themes[self._row_number] = list(
                    dict.fromkeys(self._known_themes[part] for part in parts)
                )
        if instance.pk:
            if "status" not in errors and instance.status != stored_status:
                errors["status"] = [
                    "登録済みの課題の状態は、経過を残すため地域課題の画面で変更してください。"
                ]
            if "body" not in errors and instance.body_id != stored_body:
                errors["body"] = [
                    "登録済みの課題の会議体は、経過を残すため地域課題の画面で変更してください。"
                ]
        elif instance.status == IssueStatus.MERGED:
            errors.setdefault("status", []).append(
                "「統合」の課題は取り込めません。統合先を地域課題の画面で指定してください。"
            )
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        skip = super().skip_row(instance, original, row, import_validation_errors)
        themes = self._row_themes.get(self._row_number)
        stored = {t.pk for t in instance.themes.all()} if instance.pk else None
        if (
            stored is not None
            and themes is not None
            and not import_validation_errors
            and stored != {t.pk for t in themes}
        ):
            self.changes.setdefault(self._row_number, []).append("テーマ")
            _, diffs = self.previews.get(self._row_number, ([], []))
            diffs.append(
                [
                    "テーマ",
                    self._marks(instance.themes.all()) or "（空欄）",
                    self._marks(themes) or "（空欄）",
                ]
            )
            return False
        return skip

    def _marks(self, themes) -> str:
        if not hasattr(self, "_theme_order"):
            self._theme_order = council_theme_order(self.council)
        return "・".join(t.mark or t.name for t in themes_in_order(themes, self._theme_order))

    def dehydrate_themes(self, issue) -> str:
        return self._marks(issue.themes.all())

    def save_new(self, instance) -> None:
        status = instance.status
        issue = issue_raise(
            body=instance.body,
            title=instance.title,
            by=self.user,
            themes=self._row_themes.get(self._row_number, ()),
            background=instance.background,
            raised_on=instance.raised_on,
            reason="表計算ファイルから取り込み"
            + ("" if status == IssueStatus.RAISED else f"（取り込み時の状態: {IssueStatus(status).label}）"),
        )
        if status != IssueStatus.RAISED:
            # An old issue brought in from the secretariat's records: keep the state it had there.
            issue.status = status
            issue.save(update_fields=["status", "updated_at"])
        instance.pk = issue.pk

    def save_changed(self, instance, changed) -> None:
        instance.full_clean()
        instance.save(update_fields=["title", "background", "raised_on", "updated_at"])
        if "テーマ" in changed:
            instance.themes.set(self._row_themes[self._row_number])

    def export_queryset(self):
        return (
            # An issue a case conference holds only for those who read it (as issues.selectors).
            RegionalIssue.objects.filter(council=self.council)
            .filter(~Q(body__kind=BodyKind.CASE_CONFERENCE) | Q(body__in=self.export_bodies()))
            .select_related("body")
            .prefetch_related("themes")
            .order_by("raised_on", "id")
        )

    def example_row(self):
        return {
            "地域課題": "グループホームが不足している",
            "課題が生じる背景": "入所施設からの地域移行の受け皿が足りない。",
            "検討している会議体": "相談支援部会",
            "状態": IssueStatus.RAISED.label,
            "提起日": dt.date(2024, 5, 20),
            "テーマ": "障・住",
        }
