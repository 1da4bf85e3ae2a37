from django.apps import AppConfig
from django.db.models.signals import post_save


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Importing the module registers its @receiver handlers; the payment one is wired here.
        from notifications import receivers
        from payments.models import Payment

        post_save.connect(
            receivers.notify_payment_saved,
            sender=Payment,
            dispatch_uid="notifications.payment_saved",
        )
