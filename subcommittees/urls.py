from django.urls import path

from subcommittees import views

DOC = "c/<slug:slug>/bodies/<int:body_pk>/<int:year>/"

urlpatterns = [
    path(DOC + "progress-report/", views.progress_report_edit, name="progress_report_edit"),
    path(DOC + "evaluation/", views.evaluation_edit, name="evaluation_edit"),
    path(DOC + "evaluation/submit/", views.evaluation_submit, name="evaluation_submit"),
    path(DOC + "evaluation/new-version/", views.evaluation_reopen, name="evaluation_reopen"),
    path(DOC + "policy/", views.policy_edit, name="policy_edit"),
    path("c/<slug:slug>/reviews/", views.review_list, name="review_list"),
    path("c/<slug:slug>/reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("c/<slug:slug>/reviews/<int:pk>/decide/", views.review_decide, name="review_decide"),
]
