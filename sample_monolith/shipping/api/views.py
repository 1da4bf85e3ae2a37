from django.db.models import QuerySet
from rest_framework import mixins, permissions, viewsets

from core.permissions import IsStaffOrReadOnly
from shipping.api.serializers import CarrierSerializer, ShipmentSerializer
from shipping.models import Carrier, Shipment


class CarrierViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Carrier.objects.all()
    serializer_class = CarrierSerializer


class ShipmentViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Customers follow their parcels; staff hand paid orders to carriers (create)."""

    serializer_class = ShipmentSerializer
    permission_classes = [permissions.IsAuthenticated, IsStaffOrReadOnly]
    filterset_fields = ["order", "carrier__code"]

    def get_queryset(self) -> QuerySet[Shipment]:
        return Shipment.objects.visible_to(self.request.user).select_related("carrier")
