"""Encryption at rest of passport data: MultiFernet over settings.VISA_FERNET_KEYS.

The first key encrypts; every key decrypts, so a new key goes first, ``rotate_visa_keys``
re-encrypts the rows with it, and the old key can then be dropped (docs/visa.md).
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.views.decorators.debug import sensitive_variables

__all__ = ["InvalidToken", "decrypt", "encrypt", "rotate"]


def _fernet() -> MultiFernet:
    keys = list(getattr(settings, "VISA_FERNET_KEYS", []) or [])
    if not keys:
        raise ImproperlyConfigured("VISA_FERNET_KEYS is empty: set it (see docs/visa.md).")
    return MultiFernet([Fernet(key) for key in keys])


@sensitive_variables("value")
def encrypt(value: str) -> str:
    """The ciphertext of ``value`` ("" stays "")."""
    if not value:
        return ""
    return _fernet().encrypt(value.encode()).decode()


@sensitive_variables("token")
def decrypt(token: str) -> str:
    """The plain text of a ciphertext ("" stays ""); raises InvalidToken for a foreign key."""
    if not token:
        return ""
    return _fernet().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """The same value encrypted with the first key."""
    if not token:
        return ""
    return _fernet().rotate(token.encode()).decode()
