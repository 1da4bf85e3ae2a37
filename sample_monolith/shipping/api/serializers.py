from typing import Any

from rest_framework import serializers

from orders.models import Order
from shipping.models import Carrier, Shipment
from shipping.services import NotShippable, ship_order


class CarrierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Carrier
        fields = ["id", "code", "name"]


class ShipmentSerializer(serializers.ModelSerializer):
    order = serializers.PrimaryKeyRelatedField(queryset=Order.objects.all())
    carrier = serializers.SlugRelatedField(slug_field="code", queryset=Carrier.objects.all())
    tracking_url = serializers.CharField(read_only=True)

    class Meta:
        model = Shipment
        fields = [
            "id", "order", "carrier", "tracking_number", "tracking_url",
            "shipped_at", "delivered_at",
        ]
        read_only_fields = ["shipped_at", "delivered_at"]

    def create(self, validated_data: dict[str, Any]) -> Shipment:
        try:
            return ship_order(**validated_data)
        except NotShippable as exc:
            raise serializers.ValidationError({"order": [str(exc)]}) from exc
