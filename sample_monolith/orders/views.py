from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.views.generic import DetailView, ListView

from orders.models import Order


class CustomerOrdersMixin(LoginRequiredMixin):
    def get_queryset(self) -> QuerySet[Order]:
        return Order.objects.visible_to(self.request.user)


class OrderListView(CustomerOrdersMixin, ListView):
    paginate_by = 20


class OrderDetailView(CustomerOrdersMixin, DetailView):
    def get_queryset(self) -> QuerySet[Order]:
        return super().get_queryset().prefetch_related("lines__product", "shipments__carrier")
