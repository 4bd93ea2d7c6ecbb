from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "ログインと2段階認証"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.sessions import renew_at_sign_in
        from accounts.two_factor import remember_second_factor_due

        user_logged_in.connect(remember_second_factor_due, dispatch_uid="accounts.second_factor_due")
        user_logged_in.connect(renew_at_sign_in, dispatch_uid="accounts.session_renewed")

        from accounts.first_password import remember_first_password_due

        user_logged_in.connect(remember_first_password_due, dispatch_uid="accounts.first_password_due")
