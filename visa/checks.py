from django.conf import settings
from django.core.checks import Error, register


@register()
def fernet_keys(app_configs, **kwargs):
    """Passport data cannot be stored without a key, nor read with a malformed one."""
    from cryptography.fernet import Fernet

    keys = getattr(settings, "VISA_FERNET_KEYS", [])
    if not keys:
        return [
            Error(
                "VISA_FERNET_KEYS is empty: visa requests cannot encrypt passport data.",
                hint="Set VISA_FERNET_KEYS to one or more Fernet keys (docs/visa.md).",
                id="visa.E001",
            )
        ]
    for key in keys:
        try:
            Fernet(key)
        except (ValueError, TypeError):
            return [Error("A key in VISA_FERNET_KEYS is not a Fernet key.", id="visa.E002")]
    return []
