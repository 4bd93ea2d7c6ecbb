from django.urls import include, path

from bench_site import views

urlpatterns = [
    path("bench/minimal/", views.minimal, name="bench_minimal"),
    path("bench/c/<slug:slug>/frame/", views.frame, name="bench_frame"),
    path("", include("config.urls")),
]
