from collections.abc import Sequence
from typing import Any

from rest_framework import serializers

from accounts.models import Address
from catalog.models import Product
from inventory.services import InsufficientStock
from orders.models import Order, OrderLine
from orders.services import LineRequest, OrderError, place_order
from promotions.services import InvalidCoupon


class ProductSummarySerializer(serializers.ModelSerializer):
    """The catalog's product, as an order line shows it."""

    class Meta:
        model = Product
        fields = ["id", "name", "price"]


class OrderLineSerializer(serializers.ModelSerializer):
    product = ProductSummarySerializer(read_only=True)
    line_total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = OrderLine
        fields = ["id", "product", "quantity", "unit_price", "line_total"]


class OrderSerializer(serializers.ModelSerializer):
    customer_email = serializers.EmailField(source="user.email", read_only=True)
    lines = OrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = [
            "id", "status", "customer_email", "shipping_address", "coupon_code",
            "subtotal", "discount", "total", "lines", "created_at", "updated_at",
        ]
        read_only_fields = fields


class LineInputSerializer(serializers.Serializer):
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.active())
    quantity = serializers.IntegerField(min_value=1, max_value=100)


class OrderCreateSerializer(serializers.Serializer):
    """The checkout request: what to buy, where to send it, and an optional coupon."""

    shipping_address = serializers.PrimaryKeyRelatedField(queryset=Address.objects.none())
    lines = LineInputSerializer(many=True, allow_empty=False)
    coupon_code = serializers.CharField(max_length=32, required=False, allow_blank=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # Only the customer's own addresses exist as far as this request is concerned.
        fields["shipping_address"].queryset = Address.objects.filter(
            user=self.context["request"].user
        )
        return fields

    def validate_lines(self, lines: Sequence[dict[str, Any]]) -> Sequence[dict[str, Any]]:
        products = [line["product"].pk for line in lines]
        if len(set(products)) != len(products):
            raise serializers.ValidationError("Each product may appear on one line only.")
        return lines

    def create(self, validated_data: dict[str, Any]) -> Order:
        try:
            return place_order(
                user=self.context["request"].user,
                shipping_address=validated_data["shipping_address"],
                lines=[LineRequest(line["product"], line["quantity"]) for line in
                       validated_data["lines"]],
                coupon_code=validated_data.get("coupon_code", ""),
            )
        except InsufficientStock as exc:
            raise serializers.ValidationError({"lines": [str(exc)]}) from exc
        except InvalidCoupon as exc:
            raise serializers.ValidationError({"coupon_code": [str(exc)]}) from exc
        except OrderError as exc:
            raise serializers.ValidationError({"non_field_errors": [str(exc)]}) from exc
