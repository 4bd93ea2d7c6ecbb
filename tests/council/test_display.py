"""council.display: one way to name a person (「姓 名」)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.template import Context, Template

from council.display import person_name


def test_family_name_first_then_the_login_name():
    assert person_name(User(username="k-ichiro", last_name="桑原", first_name="一郎")) == "桑原 一郎"
    assert person_name(User(username="k-ichiro")) == "k-ichiro"
    assert person_name(None) == ""


def test_the_template_filter_says_the_same():
    user = User(username="k-ichiro", last_name="桑原", first_name="一郎")
    rendered = Template("{% load display %}{{ user|person_name }}").render(Context({"user": user}))
    assert rendered == "桑原 一郎"
