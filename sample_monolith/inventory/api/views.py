from rest_framework import permissions, viewsets

from inventory.api.serializers import StockItemSerializer, WarehouseSerializer
from inventory.models import StockItem, Warehouse


class WarehouseViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Warehouse.objects.all()
    serializer_class = WarehouseSerializer
    permission_classes = [permissions.IsAdminUser]


class StockItemViewSet(viewsets.ReadOnlyModelViewSet):
    """Stock per product and warehouse: operational data, so staff only."""

    queryset = StockItem.objects.select_related("warehouse")
    serializer_class = StockItemSerializer
    permission_classes = [permissions.IsAdminUser]
    filterset_fields = ["product", "warehouse__code"]
