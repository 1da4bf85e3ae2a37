from django.db.models import QuerySet
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from orders.api.filters import OrderFilter
from orders.api.serializers import OrderCreateSerializer, OrderSerializer
from orders.models import Order
from orders.services import OrderError, cancel_order


class OrderConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Orders of the signed-in customer (all orders for staff); placed, never edited."""

    serializer_class = OrderSerializer
    filterset_class = OrderFilter
    ordering_fields = ["created_at", "total"]

    def get_queryset(self) -> QuerySet[Order]:
        return (
            Order.objects.visible_to(self.request.user)
            .select_related("user")
            .prefetch_related("lines__product")
        )

    def create(self, request: Request) -> Response:
        """Checkout: validate the request, then let ``place_order`` do the work."""
        checkout = OrderCreateSerializer(data=request.data, context=self.get_serializer_context())
        checkout.is_valid(raise_exception=True)
        order = checkout.save()
        order = self.get_queryset().get(pk=order.pk)
        return Response(self.get_serializer(order).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        try:
            cancel_order(order)
        except OrderError as exc:
            raise OrderConflict(str(exc)) from exc
        order.refresh_from_db()
        return Response(self.get_serializer(order).data)
