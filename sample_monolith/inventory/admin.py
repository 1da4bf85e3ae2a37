from django.contrib import admin

from inventory.models import StockItem, Warehouse


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "city", "priority"]


@admin.register(StockItem)
class StockItemAdmin(admin.ModelAdmin):
    list_display = ["product", "warehouse", "quantity", "reserved"]
    list_filter = ["warehouse"]
    search_fields = ["product__name", "product__sku"]
    raw_id_fields = ["product"]
