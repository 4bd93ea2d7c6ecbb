"""The secretariat's pages for people, memberships and sign-in accounts (人物・構成員): add people
with their organisation, put them in bodies with terms and roles. Writes go through
council.services. The account buttons of the person page (invite, print a first-password letter)
are accounts' (accounts/urls.py, under the same path), a layer above the council app."""

from django.urls import path

from council import people_views as views

urlpatterns = [
    path("c/<slug:slug>/settings/people/", views.people_list, name="people_list"),
    path("c/<slug:slug>/settings/people/new/", views.person_create, name="person_create"),
    path("c/<slug:slug>/settings/people/<int:pk>/", views.person_detail, name="person_detail"),
    path("c/<slug:slug>/settings/people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path(
        "c/<slug:slug>/settings/people/<int:pk>/memberships/new/",
        views.membership_create,
        name="membership_create",
    ),
    path(
        "c/<slug:slug>/settings/people/<int:pk>/memberships/<int:membership_pk>/end/",
        views.membership_end_view,
        name="membership_end",
    ),
]
