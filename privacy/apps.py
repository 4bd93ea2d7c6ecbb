from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "守秘義務・個人情報"

    def ready(self) -> None:
        # The pledge rule lives in council.access; the confirmations it reads are stored here.
        from council.access import register_pledge_source
        from privacy.selectors import pledged_council_ids

        register_pledge_source(pledged_council_ids)
