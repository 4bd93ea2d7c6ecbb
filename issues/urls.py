from django.urls import path

from issues import views

urlpatterns = [
    path("c/<slug:slug>/issues/", views.issue_list, name="issue_list"),
    path("c/<slug:slug>/issues/new/", views.issue_create, name="issue_create"),
    path("c/<slug:slug>/issues/<int:pk>/", views.issue_detail, name="issue_detail"),
    path("c/<slug:slug>/issues/<int:pk>/move/", views.issue_move_view, name="issue_move"),
    path("c/<slug:slug>/issues/<int:pk>/action-plan/", views.action_plan_edit, name="action_plan_edit"),
    path("c/<slug:slug>/bodies/<int:pk>/hand-over/", views.issues_hand_over_view, name="issues_hand_over"),
    path("c/<slug:slug>/reported/", views.reported_issues, name="reported_issues"),
    path("c/<slug:slug>/reported/<int:pk>/", views.reported_issue_detail, name="reported_issue_detail"),
]
