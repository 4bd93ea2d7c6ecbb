from django.urls import path

from audit import views

urlpatterns = [
    path("c/<slug:slug>/audit/", views.audit_search, name="audit_search"),
    path("c/<slug:slug>/audit/reads/", views.read_log, name="audit_read_log"),
]
