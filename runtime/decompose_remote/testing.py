"""Test helpers: throwaway key pairs and access tokens signed the way the monolith signs them.

Keys are generated per test process, never written anywhere; production settings require real
ones from the environment.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

# Not imported from auth.py: settings import this module before Django's apps are ready.
ISSUER = "monolith"


@dataclass(frozen=True)
class ThrowawayKeys:
    token_private: str
    token_public: str
    service_private: str
    service_public: str


def _pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


@functools.cache
def throwaway_keys() -> ThrowawayKeys:
    """The monolith's token pair and this service's pair, the same for the whole process."""
    return ThrowawayKeys(*_pair(), *_pair())


def access_token(audience: str, *, lifetime: int = 300, **claims: Any) -> str:
    """A token as the monolith's /_decompose/token issues it (sub "1", user "tester")."""
    now = int(time.time())
    values = {"iss": ISSUER, "aud": [audience], "sub": "1", "username": "tester",
              "email": "tester@example.com", "is_staff": False, "is_superuser": False,
              "iat": now, "exp": now + lifetime, **claims}
    return jwt.encode(values, throwaway_keys().token_private, algorithm="RS256")
