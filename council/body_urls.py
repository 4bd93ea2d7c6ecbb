"""The secretariat's pages for the council's bodies (会議体の設定): the tree of any 年度, add, rename,
pause/end, successor, order, yearly target. Writes go through council.services."""

from django.urls import path

from council import body_views

urlpatterns = [
    path("c/<slug:slug>/settings/bodies/", body_views.body_settings, name="body_settings"),
    path("c/<slug:slug>/settings/bodies/add/", body_views.body_add, name="body_settings_add"),
    path(
        "c/<slug:slug>/settings/bodies/<int:pk>/",
        body_views.body_settings_detail,
        name="body_settings_detail",
    ),
    path("c/<slug:slug>/settings/bodies/<int:pk>/move/", body_views.body_move, name="body_settings_move"),
]
