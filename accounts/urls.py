from django.contrib.auth.views import LoginView
from django.urls import path

from accounts import operator_views, views
from accounts.forms import LoginForm

urlpatterns = [
    # Before django.contrib.auth's own accounts/login/: the user name's length is checked (LoginForm).
    path("accounts/login/", LoginView.as_view(authentication_form=LoginForm), name="login"),
    # Before django.contrib.auth's own accounts/password_reset/ (config/urls.py): the Japanese mail.
    path("accounts/password_reset/", views.password_reset, name="password_reset"),
    path("accounts/invite/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("c/<slug:slug>/invitations/", views.invitation_list, name="invitation_list"),
    path(
        "c/<slug:slug>/invitations/<int:pk>/resend/", views.invitation_resend_view, name="invitation_resend"
    ),
    path(
        "c/<slug:slug>/invitations/<int:pk>/revoke/", views.invitation_revoke_view, name="invitation_revoke"
    ),
    path("operator/councils/", operator_views.operator_councils, name="operator_councils"),
    path("accounts/first-password/", views.first_password_change, name="first_password_change"),
    # From the person page of 人物・構成員 (council.people_urls): the account of that person.
    path("c/<slug:slug>/settings/people/<int:pk>/invite/", views.person_invite, name="person_invite"),
    path("c/<slug:slug>/settings/people/<int:pk>/letter/", views.person_letter, name="person_letter"),
    path("operator/mail/", views.operator_mailbox, name="operator_mailbox"),
    path("operator/mail/test/", views.operator_mail_test, name="operator_mail_test"),
    path("accounts/session/extend/", views.session_extend, name="session_extend"),
    path("accounts/two-factor/", views.two_factor_settings, name="two_factor_settings"),
    path("accounts/two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/disable/", views.two_factor_disable, name="two_factor_disable"),
]
