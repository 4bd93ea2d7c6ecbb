from django.urls import path

from council import views

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:slug>/", views.council_home, name="council_home"),
    path("c/<slug:slug>/bodies/<int:pk>/", views.body_detail, name="body_detail"),
]
