from django.contrib import admin

from payments.models import Payment, Refund


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["reference", "order", "amount", "currency", "status", "created_at"]
    list_filter = ["status", "currency"]
    search_fields = ["reference"]
    raw_id_fields = ["order"]
    inlines = [RefundInline]


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ["payment", "amount", "reason", "created_at"]
    raw_id_fields = ["payment"]
