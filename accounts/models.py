import urlman
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.names import BilingualName


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("email_verified_at", timezone.now())
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(BilingualName, AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address: organizer, exhibitor or delegate."""

    email = models.EmailField(_("email address"), max_length=254, unique=True)
    name = models.CharField(_("name (Latin script)"), max_length=150)
    name_zh = models.CharField(_("Chinese name"), max_length=60, blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("Mail from the forum comes in this language."),
    )
    receives_announcements = models.BooleanField(
        _("receive announcements"),
        default=True,
        help_text=_("News from the organizers. Mail about your own registrations always arrives."),
    )
    email_verified_at = models.DateTimeField(_("email verified at"), null=True, blank=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self):
        return self.display_name

    class urls(urlman.Urls):
        profile = "/accounts/profile/"

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.name_zh})" if self.name_zh else (self.name or self.email)

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.name
