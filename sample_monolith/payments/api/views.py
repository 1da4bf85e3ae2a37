from django.db.models import QuerySet
from rest_framework import viewsets

from payments.api.serializers import PaymentSerializer
from payments.models import Payment


class PaymentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PaymentSerializer
    filterset_fields = ["status", "order"]

    def get_queryset(self) -> QuerySet[Payment]:
        return Payment.objects.visible_to(self.request.user).prefetch_related("refunds")
