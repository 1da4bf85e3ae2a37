from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from analytics.models import SalesOrder


@admin.register(SalesOrder)
class SalesOrderAdmin(admin.ModelAdmin):
    """Read-only sales view of orders for the back office."""

    list_display = ["id", "user", "status", "subtotal", "discount", "total", "created_at"]
    list_filter = ["status"]
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[SalesOrder]:
        return super().get_queryset(request).completed()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SalesOrder | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SalesOrder | None = None) -> bool:
        return False
