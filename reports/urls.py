from django.urls import path

from reports import views

urlpatterns = [
    path("c/<slug:slug>/reports/", views.report_list, name="report_list"),
    path("c/<slug:slug>/reports/jobs/<int:pk>/", views.report_job, name="report_job"),
    path(
        "c/<slug:slug>/reports/jobs/<int:pk>/status.json", views.report_job_status, name="report_job_status"
    ),
    path("c/<slug:slug>/reports/jobs/<int:pk>/retry/", views.report_job_retry, name="report_job_retry"),
    path("c/<slug:slug>/reports/jobs/<int:pk>/cancel/", views.report_job_cancel, name="report_job_cancel"),
    path("c/<slug:slug>/reports/preview/<str:kind>/<int:year>/", views.report_preview, name="report_preview"),
]
