from django.contrib import admin

from catalog.models import Category, DigitalProduct, Product, ProductImage


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent"]
    prepopulated_fields = {"slug": ["name"]}


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "sku", "category", "price", "is_active"]
    list_filter = ["is_active", "category"]
    search_fields = ["name", "sku"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ProductImageInline]


@admin.register(DigitalProduct)
class DigitalProductAdmin(ProductAdmin):
    list_display = [*ProductAdmin.list_display, "file_size_mb"]
