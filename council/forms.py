"""Form fields shared by the admin and the pages."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django import forms

from council.wareki import WarekiParseError, check_date_range, parse_wareki


class WarekiDateField(forms.DateField):
    """A date typed the way an office types it: 令和2年8月6日, R2.8.6, 2020/8/6, full-width digits …

    Django's own formats are tried first (the admin calendar fills in 2020-08-06), then
    ``council.wareki.parse_wareki``, whose Japanese message is shown when nothing fits.
    A form that knows its 年度 sets ``fiscal_year``: a date without its year (「7月15日」) is then
    completed inside that 年度.
    """

    fiscal_year: int | None = None

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            # Django's formats read 1000-01-01 too: keep to the dates 和暦 can show.
            return check_date_range(super().to_python(value), str(value))
        except forms.ValidationError:
            try:
                return parse_wareki(str(value), fiscal_year=self.fiscal_year)
            except WarekiParseError as error:
                raise forms.ValidationError(str(error), code="invalid") from None
        except WarekiParseError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


class OrderedRowsFormSet(forms.BaseFormSet):
    """Rows a user reorders by typing numbers in 順番 (decimals slot a row in between) and removes
    with 削除 — all of it without JavaScript. Use with ``formset_factory(can_order=True,
    can_delete=True)``; read the rows from ``ordered_forms``."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        initial = index + 1 if index is not None and index < self.initial_form_count() else None
        form.fields["ORDER"] = forms.DecimalField(
            label="順番",
            required=False,
            initial=initial,
            max_digits=6,
            decimal_places=2,
            error_messages={"invalid": "順番は数字で入力してください。"},
            widget=forms.NumberInput(attrs={"step": "any", "class": "form-control input-order"}),
        )
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "削除"
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"
        # 順番 first, as in the tables' headers.
        form.fields = {"ORDER": form.fields.pop("ORDER"), **form.fields}


class CouncilSettingsForm(forms.Form):
    """「協議会の設定」: the council's name and the words its pages and documents use (事務局)."""

    name = forms.CharField(label="協議会の名称", max_length=200)
    municipality = forms.CharField(label="自治体名", max_length=100, required=False)
    steering_label = forms.CharField(
        label="運営会議の呼び方",
        max_length=50,
        required=False,
        help_text="帳票の「〇〇への伝達事項等」などに使います（例: 調整会議、連絡調整会議）。"
        "空欄なら、会議体の構成にある運営会議の名称を使います。",
    )
    member_label = forms.CharField(
        label="部会の構成員の呼び方",
        max_length=50,
        required=False,
        help_text="専門部会の帳票の構成員の欄の見出しです（例: 委員、構成員）。空欄なら「部会員」です。",
    )
    require_two_factor = forms.BooleanField(
        label="事務局・福祉課の2段階認証を必須にする",
        required=False,
        help_text="オンにすると、事務局と福祉課（評価担当）の方は、次回のログインから認証アプリの6桁のコードも入力します。",
    )

    FIELDS = ("name", "municipality", "steering_label", "member_label", "require_two_factor")

    def clean(self):
        data = super().clean()
        for key in ("name", "municipality", "steering_label", "member_label"):
            if isinstance(data.get(key), str):
                data[key] = data[key].strip()
        return data


class PledgeTextForm(forms.Form):
    """A new version of the council's 守秘義務 text (everyone confirms it again)."""

    title = forms.CharField(label="表題", max_length=200)
    text = forms.CharField(label="本文", widget=forms.Textarea(attrs={"rows": 10}))


class WideEmailField(forms.EmailField):
    """An e-mail address typed in full-width (ＴＡＮＡＫＡ＠example.jp) is read as its half-width self."""

    def to_python(self, value):
        value = super().to_python(value)
        return unicodedata.normalize("NFKC", value).strip() if value else value
