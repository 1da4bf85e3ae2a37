from rest_framework import serializers

from accounts.models import Address, User


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "email", "first_name", "last_name", "date_joined"]
        read_only_fields = ["id", "username", "date_joined"]


class StaffUserSerializer(serializers.ModelSerializer):
    """What support staff see of a customer, e.g. to answer a question about an order."""

    class Meta:
        model = User
        fields = [
            "id", "username", "email", "first_name", "last_name",
            "is_staff", "is_active", "date_joined", "last_login",
        ]
        read_only_fields = fields


class AddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = Address
        fields = [
            "id", "full_name", "line1", "line2", "city", "postal_code", "country", "is_default",
        ]

    def validate_country(self, value: str) -> str:
        if len(value) != 2 or not value.isalpha():
            raise serializers.ValidationError("Use a two-letter ISO country code.")
        return value.upper()
