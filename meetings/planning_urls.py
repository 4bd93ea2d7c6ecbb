from django.urls import path

from meetings import planning_views

urlpatterns = [
    path("c/<slug:slug>/schedule/", planning_views.schedule, name="schedule"),
    path("c/<slug:slug>/calendars/", planning_views.calendars, name="calendars"),
    path("c/<slug:slug>/calendars/<int:pk>/revoke/", planning_views.calendar_revoke, name="calendar_revoke"),
    # No login: calendar apps cannot sign in, the secret token is the credential.
    path("ical/<str:token>.ics", planning_views.ical_feed, name="ical_feed"),
]
