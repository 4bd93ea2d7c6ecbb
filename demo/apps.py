from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The fictional demo councils (``manage.py load_demo``). The top layer: it may import every app,
    and no app imports it."""

    name = "demo"
    verbose_name = "デモデータ"
