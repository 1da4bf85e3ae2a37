from django.contrib import admin

from shipping.models import Carrier, Shipment


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ["order", "carrier", "tracking_number", "shipped_at", "delivered_at"]
    list_filter = ["carrier"]
    search_fields = ["tracking_number"]
    raw_id_fields = ["order"]
