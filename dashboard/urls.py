from django.urls import path

from dashboard import views

urlpatterns = [
    path("c/<slug:slug>/", views.council_home, name="council_home"),
    path("c/<slug:slug>/bodies/<int:pk>/", views.body_detail, name="body_detail"),
    path("c/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path("c/<slug:slug>/settings/", views.council_settings, name="council_settings"),
    path("files/<path:name>", views.protected_file, name="protected_file"),
]
