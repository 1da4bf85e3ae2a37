from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for the shop; kept out of ``core`` so core stays a leaf every app may use."""

    name = "demo"
    verbose_name = "Demo data"
