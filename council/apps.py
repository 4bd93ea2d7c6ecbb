from django.apps import AppConfig


class CouncilConfig(AppConfig):
    name = "council"
    verbose_name = "協議会と会議体"
