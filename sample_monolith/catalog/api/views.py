from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters, permissions, viewsets

from catalog.api.filters import ProductFilter
from catalog.api.serializers import CategorySerializer, ProductSerializer
from catalog.models import Category, Product


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Category.objects.all()
    serializer_class = CategorySerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "slug"
    filterset_fields = ["parent"]


class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Product.objects.active().select_related("category").prefetch_related("images")
    serializer_class = ProductSerializer
    permission_classes = [permissions.AllowAny]
    filter_backends = [DjangoFilterBackend, filters.SearchFilter, filters.OrderingFilter]
    filterset_class = ProductFilter
    search_fields = ["name", "sku"]
    ordering_fields = ["name", "price"]
