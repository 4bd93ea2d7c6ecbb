from django.urls import path

from privacy import views

urlpatterns = [
    path("c/<slug:slug>/pledge/", views.pledge, name="pledge"),
    path("c/<slug:slug>/pledge/status/", views.pledge_status, name="pledge_status"),
    path("c/<slug:slug>/people/<int:pk>/privacy/", views.person_privacy, name="person_privacy"),
    path("c/<slug:slug>/people/<int:pk>/privacy/export/", views.person_export, name="person_export"),
    path("c/<slug:slug>/people/<int:pk>/privacy/erase/", views.person_erase, name="person_erase"),
]
