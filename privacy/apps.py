from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "守秘義務・個人情報"

    def ready(self) -> None:
        # The pledge rule lives in council.access; the confirmations it reads are stored here.
        from council.access import register_pledge_source, register_read_recorder
        from privacy.selectors import pledged_council_ids
        from privacy.services import read_record

        register_pledge_source(pledged_council_ids)
        # Every read of case-conference content that council.access lets through is logged here.
        register_read_recorder(read_record)
