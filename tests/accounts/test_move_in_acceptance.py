"""Issue 13's acceptance, walked through the pages as a new council would: the operator starts
しらさぎ市 with one command; from then on its secretariat, without a shell or the superuser, builds
a tree unlike the demo's (全体会議 → 連絡調整会議 → 部会, a 個別支援会議), enters people who share a
surname, invites three by e-mail over a real SMTP server and prints a letter for a fourth. Each
signs in, sets a password and sees exactly their bodies; a 部会長 edits only their body; the
reviewer finds the sheet waiting; the documents use the council's own words."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from council.models import Body, Council, Person
from council.wareki import fiscal_year_of
from reports.rendering import render_pdf
from subcommittees.services import evaluation_save
from tests.reports.conftest import pdf_text, squash

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/accounts/invite/\S+/)")
SLUG = "shirasagi"


def _accept(link_path: str, email: str, password: str) -> Client:
    """Set the password from the invitation's link, then sign in with it (the user name is the address)."""
    response = Client().post(link_path, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302, response.content.decode()[:400]
    return _sign_in(email, password)


def _sign_in(username: str, password: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:400]
    return client


def _tree_names(client: Client) -> set[str]:
    html = client.get(reverse("council_home", args=[SLUG])).content.decode()
    tree = html[html.index("協議会の構成") :]
    return set(re.findall(r'<a href="/c/shirasagi/bodies/\d+/\?year=\d+">([^<]+)</a>', tree))


def test_a_council_moves_in_without_a_shell(smtp, sent):
    year = fiscal_year_of(timezone.localdate())
    out = io.StringIO()
    with sent():
        call_command(
            "create_council",
            SLUG,
            name="しらさぎ市地域自立支援協議会",
            secretariat_email="office@shirasagi.example.jp",
            stdout=out,
        )
    council = Council.objects.get(slug=SLUG)
    office = _accept(
        LINK.search(smtp.inbox.body()).group(1), "office@shirasagi.example.jp", "shirasagi-office-2026"
    )

    # The tree, from the pages.
    def add(name, kind, parent=None):
        data = {"name": name, "kind": kind, "from_fiscal_year": str(year), "target_meetings_per_year": "4"}
        if parent:
            data["parent"] = str(parent.pk)
        response = office.post(reverse("body_settings_add", args=[SLUG]), data)
        assert response.status_code == 302 and "/settings/bodies/" in response["Location"], (
            response.content.decode()[:600]
        )
        return Body.objects.get(council=council, name=name)

    plenary = add("全体会議", "plenary")
    steering = add("連絡調整会議", "steering", plenary)
    soudan = add("相談支援部会", "subcommittee", steering)
    shuro = add("就労部会", "subcommittee", steering)
    case = add("個別支援会議", "case_conference", soudan)
    assert (
        office.post(
            reverse("body_settings_add", args=[SLUG]),
            {
                "name": "相談支援部会",
                "kind": "subcommittee",
                "parent": str(steering.pk),
                "from_fiscal_year": str(year),
            },
        ).status_code
        == 200
    )  # the same name twice is refused
    assert Body.objects.filter(council=council).count() == 5

    # The council's words.
    office.post(
        reverse("council_settings", args=[SLUG]),
        {
            "part": "settings",
            "name": council.name,
            "municipality": "しらさぎ市",
            "steering_label": "連絡調整会議",
            "member_label": "委員",
        },
    )

    # People who share a surname, and their bodies.
    def person(name, kana, org, email=""):
        response = office.post(
            reverse("person_create", args=[SLUG]),
            {"name": name, "name_kana": kana, "new_organization_name": org, "email": email},
        )
        assert response.status_code == 302, response.content.decode()[:600]
        return Person.objects.get(council=council, name=name, organization__name=org)

    def sit(who, body, role):
        response = office.post(
            reverse("membership_create", args=[SLUG, who.pk]),
            {"body": str(body.pk), "role": role, "term_start": f"令和{year - 2018}年4月1日"},
        )
        assert response.status_code == 302, response.content.decode()[:600]

    ichiro = person(
        "白鷺 一郎", "しらさぎ いちろう", "相談支援センターしらさぎ", "ichiro@shirasagi.example.jp"
    )
    hanako = person("白鷺 花子", "しらさぎ はなこ", "しらさぎ市役所", "hanako@shirasagi.example.jp")
    mori = person("森 和子", "もり かずこ", "しらさぎ市 障害福祉課", "mori@shirasagi.example.jp")
    tanaka = person("田中 正", "たなか ただし", "就労支援センターしらさぎ")  # no e-mail
    sit(ichiro, soudan, "chair")
    # a case conference's members are entered once the secretariat has confirmed the pledge
    office.post(reverse("pledge", args=[SLUG]))
    sit(ichiro, case, "member")
    sit(hanako, shuro, "member")
    sit(tanaka, shuro, "chair")

    # Three invitations by e-mail (one with the reviewer's power), one printed letter.
    for who, kind in ((ichiro, ""), (hanako, ""), (mori, "reviewer")):
        with sent():
            response = office.post(reverse("person_invite", args=[SLUG, who.pk]), {"kind": kind})
        assert response.status_code == 302
    links = {m["To"]: LINK.search(smtp.inbox.body(i)).group(1) for i, m in enumerate(smtp.inbox.messages)}
    letter = office.post(reverse("person_letter", args=[SLUG, tanaka.pk]), {"kind": ""})
    assert letter["Content-Type"] == "application/pdf"
    text = pdf_text(letter.content)
    username = re.search(r"ユーザー名\s+(\S+)", text).group(1)
    # printed in groups of four for reading aloud; typed without the spaces
    first_password = re.search(r"初回パスワード\s+((?:[a-z0-9]{4}\s?){3})", text).group(1)
    first_password = "".join(first_password.split())

    # Each signs in, sets a password and sees exactly their bodies.
    ichiro_c = _accept(
        links["ichiro@shirasagi.example.jp"], "ichiro@shirasagi.example.jp", "ichiro-own-pass-1"
    )
    hanako_c = _accept(
        links["hanako@shirasagi.example.jp"], "hanako@shirasagi.example.jp", "hanako-own-pass-1"
    )
    mori_c = _accept(links["mori@shirasagi.example.jp"], "mori@shirasagi.example.jp", "mori-own-pass-1")
    tanaka_c = _sign_in(username, first_password)
    forced = tanaka_c.get(reverse("council_home", args=[SLUG]))
    assert forced.status_code == 302 and forced["Location"].startswith(reverse("first_password_change"))
    changed = tanaka_c.post(
        reverse("first_password_change"),
        {"new_password1": "tanaka-own-pass-1", "new_password2": "tanaka-own-pass-1"},
    )
    assert changed.status_code == 302

    assert _tree_names(hanako_c) == {"就労部会"}
    assert _tree_names(mori_c) == {
        "全体会議",
        "連絡調整会議",
        "相談支援部会",
        "就労部会",
    }  # not the 個別支援会議
    assert "個別支援会議" in _tree_names(ichiro_c)  # he sits in it (its content waits for his pledge)
    assert _tree_names(tanaka_c) == {"全体会議", "連絡調整会議", "相談支援部会", "就労部会"}

    # A 部会長 edits only their body.
    assert tanaka_c.get(reverse("meeting_create", args=[SLUG, shuro.pk])).status_code == 200
    assert tanaka_c.get(reverse("meeting_create", args=[SLUG, soudan.pk])).status_code == 403
    assert hanako_c.get(reverse("meeting_create", args=[SLUG, shuro.pk])).status_code == 403

    # The reviewer finds the sheet waiting.
    evaluation_save(body=soudan, fiscal_year=year, comments=[], policy="方針", narrative="一年の記録。")
    assert (
        ichiro_c.post(reverse("evaluation_submit", args=[SLUG, soudan.pk, year]), {"comment": ""}).status_code
        == 302
    )
    assert (
        "確認を待っている振り返り・評価シートが<strong>1件</strong>あります。"
        in mori_c.get(reverse("council_home", args=[SLUG])).content.decode()
    )

    # The documents use the council's own words.
    council.refresh_from_db()
    report = squash(pdf_text(render_pdf("progress-report", council=council, fiscal_year=year, body=soudan)))
    assert "連絡調整会議への伝達事項等" in report and "運営会議" not in report
