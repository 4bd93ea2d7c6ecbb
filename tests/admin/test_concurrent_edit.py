"""Two people editing the same record in the admin: the later save does not silently win."""

from __future__ import annotations

from django.urls import reverse

from issues.models import RegionalIssue
from meetings.models import Meeting


def _post_data(response) -> dict:
    """What the browser would send back for an unchanged admin change form (main form + inlines)."""
    data = {}

    def add(form):
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if isinstance(value, (list, tuple)):
                data[bound.html_name] = [str(v) for v in value]
            elif value is True:
                data[bound.html_name] = "on"
            else:
                data[bound.html_name] = str(value.pk if hasattr(value, "pk") else value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = str(formset.management_form[name].value() or 0)
        for form in formset.initial_forms:
            add(form)
    return data


def test_stale_meeting_save_is_refused(secretariat_client, demo):
    meeting = Meeting.objects.filter(body__council=demo, status="held").first()
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    opened = secretariat_client.get(url)
    data = _post_data(opened)
    assert data["loaded_version"]

    # Someone else changes the meeting meanwhile.
    Meeting.objects.filter(pk=meeting.pk).update(place="別の人が直した会場")
    meeting.refresh_from_db()
    meeting.save(update_fields=["updated_at"])

    data["place"] = "私が入力した会場"
    response = secretariat_client.post(url, data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "他の方が更新しました" in text and "私が入力した会場" in text
    meeting.refresh_from_db()
    assert meeting.place == "別の人が直した会場"

    # After checking, saving again (with the stamp the re-shown form carries) goes through.
    again = _post_data(response)
    again["place"] = "私が入力した会場"
    assert secretariat_client.post(url, again).status_code == 302
    meeting.refresh_from_db()
    assert meeting.place == "私が入力した会場"


def test_unchanged_save_goes_through(secretariat_client, demo):
    issue = RegionalIssue.objects.filter(council=demo).first()
    url = reverse("admin:issues_regionalissue_change", args=[issue.pk])
    data = _post_data(secretariat_client.get(url))
    data["background"] = "背景を書き足しました。"
    response = secretariat_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    issue.refresh_from_db()
    assert issue.background == "背景を書き足しました。"
