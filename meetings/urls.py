from django.urls import path

from meetings import views

urlpatterns = [
    path("c/<slug:slug>/bodies/<int:body_pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("c/<slug:slug>/meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("c/<slug:slug>/meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("c/<slug:slug>/meetings/<int:pk>/handouts/", views.handout_upload, name="handout_upload"),
    path(
        "c/<slug:slug>/meetings/<int:pk>/handouts/<int:handout_pk>/delete/",
        views.handout_delete,
        name="handout_delete",
    ),
]
