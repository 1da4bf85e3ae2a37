import django_filters
from django.db.models import Q, QuerySet

from catalog.models import Product


class ProductFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(method="filter_category", label="Category slug")
    min_price = django_filters.NumberFilter(field_name="price", lookup_expr="gte")
    max_price = django_filters.NumberFilter(field_name="price", lookup_expr="lte")

    class Meta:
        model = Product
        fields = ["category", "min_price", "max_price"]

    def filter_category(
        self, queryset: QuerySet[Product], name: str, slug: str
    ) -> QuerySet[Product]:
        """A category includes its sub-categories (one level down, as the shop's menu shows)."""
        return queryset.filter(Q(category__slug=slug) | Q(category__parent__slug=slug))
