from django.db import transaction
from django.db.models import QuerySet
from rest_framework import generics, permissions, viewsets

from accounts.api.serializers import AddressSerializer, StaffUserSerializer, UserSerializer
from accounts.models import Address, User


class MeView(generics.RetrieveUpdateAPIView):
    """The signed-in user's own profile."""

    serializer_class = UserSerializer

    def get_object(self) -> User:
        return self.request.user


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = User.objects.all()
    serializer_class = StaffUserSerializer
    permission_classes = [permissions.IsAdminUser]
    filterset_fields = ["is_staff", "is_active"]


class AddressViewSet(viewsets.ModelViewSet):
    serializer_class = AddressSerializer

    def get_queryset(self) -> QuerySet[Address]:
        return Address.objects.filter(user=self.request.user)

    @transaction.atomic
    def perform_create(self, serializer: AddressSerializer) -> None:
        self._clear_default_if_needed(serializer)
        serializer.save(user=self.request.user)

    @transaction.atomic
    def perform_update(self, serializer: AddressSerializer) -> None:
        self._clear_default_if_needed(serializer)
        serializer.save()

    def _clear_default_if_needed(self, serializer: AddressSerializer) -> None:
        """Only one default address per user: a new default demotes the old one."""
        if serializer.validated_data.get("is_default"):
            self.get_queryset().filter(is_default=True).update(is_default=False)
