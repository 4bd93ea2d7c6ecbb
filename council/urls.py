from django.urls import path

from council import views

urlpatterns = [
    path("", views.home, name="home"),
]
