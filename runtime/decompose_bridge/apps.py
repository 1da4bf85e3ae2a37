from django.apps import AppConfig


class DecomposeBridgeConfig(AppConfig):
    """The bridge has no models: it only reads and calls what the allowlist names."""

    name = "decompose_bridge"
    label = "decompose_bridge"
    verbose_name = "decompose bridge for extracted services"

    def ready(self) -> None:
        from decompose_bridge import exchange_cache

        exchange_cache.connect()
