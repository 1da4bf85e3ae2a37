"""Fresh RSA key pairs for tests that start the monolith and its services with real RS256 keys.

Generated per call and never written anywhere: production settings require keys from the
environment, and each test setup hands over its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


@dataclass(frozen=True)
class KeyPair:
    private: str  # PKCS#8 PEM
    public: str  # SubjectPublicKeyInfo PEM


def key_pair() -> KeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return KeyPair(private, public)
