"""「協議会の設定」: the secretariat names the council's words, 2FA and pledge text from a page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from council.models import Council
from privacy.models import Pledge
from reports.rendering import render_pdf
from tests.reports.conftest import pdf_text, squash

pytestmark = pytest.mark.django_db


def _url(council):
    return reverse("council_settings", args=[council.slug])


def _settings(council, **changes):
    data = {
        "part": "settings",
        "name": council.name,
        "municipality": council.municipality,
        "steering_label": council.steering_label,
        "member_label": council.member_label,
    }
    data.update(changes)
    return data


def test_the_words_saved_on_the_page_are_the_documents_words(client, kawasemi):
    client.force_login(kawasemi.secretariat)
    response = client.post(
        _url(kawasemi.council),
        _settings(kawasemi.council, steering_label=" 連絡調整会議 ", member_label="構成員"),
    )
    assert response.status_code == 302
    council = Council.objects.get(pk=kawasemi.council.pk)
    assert (council.steering_label, council.member_label) == ("連絡調整会議", "構成員")
    text = squash(
        pdf_text(render_pdf("progress-report", council=council, fiscal_year=2020, body=kawasemi.soudan))
    )
    assert "連絡調整会議への伝達事項等" in text
    assert "部会員" not in text
    assert "協議会の設定を保存しました。" in client.get(_url(council)).content.decode()


def test_two_factor_is_required_from_the_page(client, kawasemi):
    client.force_login(kawasemi.secretariat)
    client.post(_url(kawasemi.council), _settings(kawasemi.council, require_two_factor="on"))
    assert Council.objects.get(pk=kawasemi.council.pk).require_two_factor
    # it holds the secretariat's own live session from the next page on
    assert client.get(_url(kawasemi.council))["Location"].startswith(reverse("two_factor_setup"))


def test_a_blank_name_is_refused_and_what_was_typed_stays(client, kawasemi):
    client.force_login(kawasemi.secretariat)
    response = client.post(
        _url(kawasemi.council), _settings(kawasemi.council, name="", steering_label="調整部会")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "保存できませんでした" in html
    assert 'value="調整部会"' in html
    assert Council.objects.get(pk=kawasemi.council.pk).name == kawasemi.council.name


def test_a_new_pledge_text_is_a_new_version_and_the_same_text_is_not(client, kawasemi):
    client.force_login(kawasemi.secretariat)
    client.get(_url(kawasemi.council))
    first = Pledge.objects.filter(council=kawasemi.council).order_by("-version").first()
    same = client.post(
        _url(kawasemi.council), {"part": "pledge", "title": first.title, "text": first.text}, follow=True
    )
    assert "新しい版は作りませんでした" in same.content.decode()
    assert Pledge.objects.filter(council=kawasemi.council).count() == 1
    changed = client.post(
        _url(kawasemi.council),
        {
            "part": "pledge",
            "title": "守秘義務に関する誓約",
            "text": "かわせみ町の個別支援会議で知り得た情報を漏らしません。",
        },
        follow=True,
    )
    latest = Pledge.objects.filter(council=kawasemi.council).order_by("-version").first()
    assert latest.version == first.version + 1
    assert latest.created_by == kawasemi.secretariat
    assert f"第{latest.version}版にしました" in changed.content.decode()


def test_only_the_secretariat_opens_it(client, kawasemi, council):
    client.force_login(kawasemi.chair)
    assert client.get(_url(kawasemi.council)).status_code == 403
    assert (
        client.post(_url(kawasemi.council), _settings(kawasemi.council, name="乗っ取り")).status_code == 403
    )
    client.force_login(kawasemi.secretariat)
    assert client.get(_url(council)).status_code == 404
    assert Council.objects.get(pk=kawasemi.council.pk).name == kawasemi.council.name
