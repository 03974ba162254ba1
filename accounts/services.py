"""Every write to accounts: sign-up, email verification, profile changes."""

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.http import local_path
from notifications.services import erase_messages_for, notify

from .models import User

VERIFY_SALT = "accounts.verify-email"


class AccountError(Exception):
    """A request about an account that cannot be carried out; the message is shown to the user."""


def verification_token(user: User, next_path: str = "") -> str:
    # The email is signed too: a token stops working if the address changes. ``next`` is where
    # the account was going (the forum registration): the link leads back there.
    data = {"id": user.pk, "email": user.email}
    if next_path := local_path((next_path or "").strip(), ""):
        data["next"] = next_path
    return signing.dumps(data, salt=VERIFY_SALT)


def verification_url(user: User, token: str | None = None) -> str:
    with translation.override(user.language):
        path = reverse("accounts:verify", kwargs={"token": token or verification_token(user)})
    return f"{settings.SITE_URL}{path}"


def send_verification_mail(user: User, next_path: str = "") -> None:
    """Mail the verification link in the user's language, once the caller commits."""
    token = verification_token(user, next_path)
    context = {"user": user, "url": verification_url(user, token)}
    # One message per token: a token is new for each request (it carries a timestamp).
    notify([user], "accounts/verify", context, key=f"accounts:verify:{token.rsplit(':', 1)[-1]}")


@transaction.atomic
def sign_up(
    *,
    email: str,
    password: str,
    name: str,
    name_zh: str = "",
    language: str = "en",
    next_path: str = "",
) -> User:
    """Create an unverified account and mail its verification link (leading on to ``next_path``)."""
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise AccountError(_("An account with this email address already exists."))
    try:
        with transaction.atomic():  # a savepoint: the same address submitted twice at once
            user = User.objects.create_user(
                email=email, password=password, name=name, name_zh=name_zh, language=language
            )
    except IntegrityError as exc:
        raise AccountError(_("An account with this email address already exists.")) from exc
    send_verification_mail(user, next_path)
    return user


def verification_next(token: str) -> str:
    """Where a verification link leads after confirming ("" when nowhere in particular)."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT)
    except signing.BadSignature:
        return ""
    return local_path(data.get("next", ""), "")


@transaction.atomic
def verify_email(token: str) -> User:
    """Mark the account behind a valid, unexpired token as verified (repeat clicks are fine)."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise AccountError(
            _("This verification link has expired. Ask for a new one below.")
        ) from exc
    except signing.BadSignature as exc:
        raise AccountError(_("This verification link is not valid.")) from exc
    user = (
        User.objects.select_for_update().filter(pk=data.get("id"), email=data.get("email")).first()
    )
    if user is None:
        raise AccountError(_("This verification link is not valid."))
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


def resend_verification(email: str) -> None:
    """Send a new link if an unverified account has this address; silent otherwise."""
    user = User.objects.filter(email__iexact=email.strip(), email_verified_at__isnull=True).first()
    if user is not None:
        send_verification_mail(user)


@transaction.atomic
def update_profile(user: User, **fields) -> User:
    """Save the profile fields that differ from the stored row; returns the fresh user."""
    allowed = {"name", "name_zh", "language", "receives_announcements"}
    # Compare with the stored row: a bound ModelForm has already copied the new values onto ``user``.
    user = User.objects.select_for_update().get(pk=user.pk)
    changed = [
        name for name, value in fields.items() if name in allowed and getattr(user, name) != value
    ]
    for name in changed:
        setattr(user, name, fields[name])
    if changed:
        user.save(update_fields=changed)
    return user


def send_password_reset_mail(user: User, *, uid: str, token: str, protocol: str, domain: str):
    """Mail a password-reset link in the user's language, once the caller commits."""
    context = {"user": user, "uid": uid, "token": token, "protocol": protocol, "domain": domain}
    # The reset token changes with each request second and with the password: one mail per link.
    notify([user], "accounts/password_reset", context, key=f"accounts:password-reset:{uid}:{token}")


@transaction.atomic
def anonymise_user(user: User) -> User:
    """Erase a person's name and address from their account and the mail kept for them.

    The row stays (registrations and counts refer to it) but can no longer log in or be mailed.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    # Mail already sent holds the address and name too; erase it while the address still matches.
    erase_messages_for(user)
    user.email = f"deleted-{user.pk}@anonymised.invalid"
    user.name = ""
    user.name_zh = ""
    user.is_active = False
    user.receives_announcements = False
    user.set_unusable_password()
    user.save()
    return user
