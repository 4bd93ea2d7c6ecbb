"""The admin as the secretariat meets it on day one: every page loads, only their council shows,
and change lists cost the same number of queries whatever the amount of data."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from council.models import Council, Role, RoleKind
from council.services import role_grant
from demo import builder as demo_builder

OUR_APPS = {"council", "meetings", "subcommittees", "issues", "reports"}
MODELS = sorted(
    (m for m in admin.site._registry if m._meta.app_label in OUR_APPS), key=lambda m: m._meta.label
)


def changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_changelist_loads_for_secretariat(secretariat_client, model):
    response = secretariat_client.get(changelist_url(model))
    assert response.status_code == 200, response.content[:500]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_add_form_loads_or_is_refused_on_purpose(secretariat_client, demo_secretariat, model):
    model_admin = admin.site._registry[model]
    response = secretariat_client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add"))
    request = type("R", (), {"user": demo_secretariat})()
    if model_admin.has_add_permission(request):
        assert response.status_code == 200
    else:
        # History rows, report jobs and the council itself are not created by hand.
        assert response.status_code == 403


def test_change_forms_load_for_demo_records(secretariat_client, demo):
    from issues.models import RegionalIssue
    from meetings.models import Meeting

    for obj in [
        demo,
        demo.bodies.first(),
        Meeting.objects.filter(body__council=demo).first(),
        RegionalIssue.objects.filter(council=demo).first(),
    ]:
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
        response = secretariat_client.get(url)
        assert response.status_code == 200, url


def test_admin_index_is_japanese_and_hides_inline_only_models(secretariat_client):
    response = secretariat_client.get(reverse("admin:index"))
    text = response.content.decode()
    assert "会議体" in text and "地域課題" in text and "会議" in text
    assert "会議体の状態履歴" not in text  # edited inline on the body page


def test_council_page_shows_the_body_tree(secretariat_client, demo):
    response = secretariat_client.get(reverse("admin:council_council_change", args=[demo.pk]))
    page = response.content.decode()
    # the council's own fields (e.g. the steering label's help text) also name bodies: read the tree
    text = page[page.index("class='body-tree'") :]
    plenary = demo.bodies.get(kind="plenary")
    steering = demo.bodies.get(kind="steering")
    assert text.index(plenary.name) < text.index(steering.name)
    assert "休止" in text  # the paused subcommittee is marked


def test_secretariat_sees_nothing_of_another_council(secretariat_client, demo):
    other = Council.objects.get(slug="demo-other")
    from issues.models import RegionalIssue
    from meetings.models import Meeting

    foreign = [
        other,
        other.bodies.first(),
        Meeting.objects.filter(body__council=other).first(),
        RegionalIssue.objects.filter(council=other).first(),
    ]
    for obj in foreign:
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
        response = secretariat_client.get(url, follow=True)
        # The admin answers an object outside the user's queryset with "does not exist" and the index.
        assert response.redirect_chain and response.redirect_chain[-1][0] == reverse("admin:index")
    for model in MODELS:
        response = secretariat_client.get(changelist_url(model))
        for row in response.context["cl"].result_list:
            council_id = _council_id_of(row)
            assert council_id is None or council_id == demo.pk, (model, row)


def _council_id_of(obj):
    from council.access import COUNCIL_PATHS

    path = COUNCIL_PATHS.get(obj._meta.label_lower)
    if path is None:
        return None
    value = obj
    for part in path.removesuffix("_id").split("__"):
        value = getattr(value, part if part != "id" else "pk")
        if part == "id":
            return value
    return value.pk if hasattr(value, "pk") else value


def test_other_council_secretariat_sees_only_theirs(client, demo):
    other_user = get_user_model().objects.get(username="other-secretariat")
    client.force_login(other_user)
    response = client.get(changelist_url(Council))
    assert [c.slug for c in response.context["cl"].result_list] == ["demo-other"]


def test_chair_and_reviewer_cannot_use_the_admin(client, demo):
    for username in ["demo-chair", "demo-reviewer", "demo-member"]:
        client.force_login(get_user_model().objects.get(username=username))
        response = client.get(changelist_url(Council))
        assert response.status_code == 302 and "/login/" in response["Location"], username


def _changelist_query_counts(client) -> dict[str, int]:
    counts = {}
    for model in MODELS:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(changelist_url(model))
        assert response.status_code == 200
        counts[model._meta.label] = len(ctx.captured_queries)
    return counts


def test_changelist_query_count_is_constant_for_ten_times_the_data(secretariat_client, demo_secretariat):
    small = _changelist_query_counts(secretariat_client)
    demo_builder.load(scale=10)
    for council in Council.objects.filter(slug__startswith="demo-").exclude(
        slug__in=["demo-other", "demo-pref"]
    ):
        role_grant(user=demo_secretariat, council=council, kind=RoleKind.SECRETARIAT)
    assert Role.objects.filter(user=demo_secretariat, kind=RoleKind.SECRETARIAT).count() == 10
    large = _changelist_query_counts(secretariat_client)
    assert large == small


def test_tampered_autocomplete_value_is_a_form_error_not_a_server_error(secretariat_client, demo):
    """A posted autocomplete value that is no key at all (found by tests/fuzz) re-renders the form."""
    from council.models import Person

    before = Person.objects.count()
    response = secretariat_client.post(
        reverse("admin:council_person_add"),
        {"council": demo.pk, "name": "委員 次郎", "organization": "<script>alert(1)</script>"},
    )
    assert response.status_code == 200
    assert "organization" in response.context["adminform"].form.errors
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert Person.objects.count() == before


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_fiscal_year_field_refuses_years_wareki_cannot_print(rf, superuser, model):
    """年度 0 was accepted by the evaluation admin and then broke its change list (found by tests/fuzz)."""
    from council.admin_base import FISCAL_YEAR_FIELDS

    request = rf.get("/")
    request.user = superuser
    form_class = admin.site._registry[model].get_form(request)
    for name in FISCAL_YEAR_FIELDS & set(form_class.base_fields):
        field = form_class.base_fields[name]
        if hasattr(field, "min_value"):  # typed as a number (a choice list limits itself)
            assert (field.min_value, field.max_value) == (1869, 2117), name
        with pytest.raises(ValidationError):
            field.clean(0)


def test_admin_speaks_japanese_to_a_browser_asking_for_english(client, superuser):
    client.force_login(superuser)
    page = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "サイト管理" in page or "ログアウト" in page
    assert "Log out" not in page and "View site" not in page
