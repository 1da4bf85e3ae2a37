from django.contrib import admin

from promotions.models import Coupon, CouponRedemption


class CouponRedemptionInline(admin.TabularInline):
    model = CouponRedemption
    extra = 0
    raw_id_fields = ["user", "order"]


@admin.register(Coupon)
class CouponAdmin(admin.ModelAdmin):
    list_display = ["code", "percent_off", "valid_from", "valid_until", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code"]
    filter_horizontal = ["products"]
    inlines = [CouponRedemptionInline]
