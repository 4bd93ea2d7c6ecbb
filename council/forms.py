"""Form fields shared by the admin and the pages."""

from __future__ import annotations

import datetime as dt

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
