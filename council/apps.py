from django.apps import AppConfig


class CouncilConfig(AppConfig):
    name = "council"
    verbose_name = "協議会と会議体"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from council.permissions import sync_secretariat_group

        # Runs after the auth app has created the permissions of new models.
        post_migrate.connect(sync_secretariat_group, dispatch_uid="council.sync_secretariat_group")
