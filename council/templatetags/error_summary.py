"""``{% error_summary form formset … %}``: one summary of everything a failed submit refused.

Placed above a form, it names each problem and links to the field (WCAG 3.3.1, 3.3.3): a field's
label, or 「2行目の取組・検討内容」 for a row of a formset, then the message. ``error-summary.js``
moves focus to it when the page opens, so keyboard and screen-reader users start there; the
fields themselves carry ``aria-invalid`` and ``aria-describedby`` (Django), pointing at the ids
the field templates give their message and help text.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.forms import BaseForm, BaseFormSet

register = template.Library()


@dataclass(frozen=True)
class Problem:
    message: str
    label: str = ""
    href: str = ""


def _field_target(field) -> str:
    if field.is_hidden or not field.auto_id:
        return ""
    target = field.id_for_label or f"{field.auto_id}_0"  # radio and checkbox groups: the first choice
    return f"#{target}"


def _form_problems(form: BaseForm, row: str = "") -> list[Problem]:
    problems = [Problem(str(e), row) for e in form.non_field_errors()]
    for field in form:
        label = f"{row}の{field.label}" if row else str(field.label or "")
        problems.extend(Problem(str(e), label, _field_target(field)) for e in field.errors)
    return problems


def problems_of(*forms) -> list[Problem]:
    problems: list[Problem] = []
    for form in forms:
        if isinstance(form, BaseFormSet):
            if not form.is_bound:
                continue
            problems.extend(Problem(str(e)) for e in form.non_form_errors())
            for n, row in enumerate(form.forms, start=1):
                problems.extend(_form_problems(row, f"{n}行目"))
        elif isinstance(form, BaseForm) and form.is_bound:
            problems.extend(_form_problems(form))
    return problems


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms, action: str = "保存する", heading: str = "保存できませんでした") -> dict:
    return {"problems": problems_of(*forms), "action": action, "heading": heading}
