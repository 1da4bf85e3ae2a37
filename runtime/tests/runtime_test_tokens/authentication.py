"""The monolith's DRF authentication of its API keys: ``Authorization: ApiKey <key>``."""

from rest_framework.authentication import TokenAuthentication

from runtime_test_tokens.models import ApiKey


class ApiKeyAuthentication(TokenAuthentication):
    keyword = "ApiKey"
    model = ApiKey
