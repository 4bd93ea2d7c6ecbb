from django.urls import path

from council import views

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:slug>/settings/access/", views.access_overview, name="access_overview"),
]
