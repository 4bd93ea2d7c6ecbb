from django.urls import path

from meetings import planning_views

urlpatterns = [
    path("c/<slug:slug>/schedule/", planning_views.schedule, name="schedule"),
    path("c/<slug:slug>/dashboard/", planning_views.dashboard, name="dashboard"),
    path("c/<slug:slug>/calendars/", planning_views.calendars, name="calendars"),
]
