"""The admin's body autocomplete names the council to users who work in several (issue 13)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

URL = "/admin/autocomplete/?app_label=council&model_name=body&field_name=parent&term=全体"


def _texts(client) -> list[str]:
    response = client.get(URL)
    assert response.status_code == 200
    return [r["text"] for r in response.json()["results"]]


def test_a_superuser_sees_which_council_each_body_is_of(
    client, superuser, council, other_council, plenary, other_council_plenary
):
    client.force_login(superuser)
    texts = _texts(client)
    assert f"{plenary.name}（{council.name}）" in texts
    assert f"{other_council_plenary.name}（{other_council.name}）" in texts


def test_a_secretariat_of_one_council_sees_the_names_alone(
    client, secretariat, council, plenary, other_council_plenary
):
    client.force_login(secretariat)
    texts = _texts(client)
    assert plenary.name in texts
    assert not any("（" in t for t in texts)
    assert other_council_plenary.name not in texts or texts.count(other_council_plenary.name) == 1
