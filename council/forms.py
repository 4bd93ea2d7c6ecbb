"""Form fields shared by the admin and the pages."""

from __future__ import annotations

import datetime as dt

from django import forms

from council.wareki import WarekiParseError, parse_wareki


class WarekiDateField(forms.DateField):
    """A date typed the way an office types it: 令和2年8月6日, R2.8.6, 2020/8/6, full-width digits …

    Django's own formats are tried first (the admin calendar fills in 2020-08-06), then
    ``council.wareki.parse_wareki``, whose Japanese message is shown when nothing fits.
    """

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return super().to_python(value)
        except forms.ValidationError:
            try:
                return parse_wareki(str(value))
            except WarekiParseError as error:
                raise forms.ValidationError(str(error), code="invalid") from None
