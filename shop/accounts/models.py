from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from shop.core.models import BaseInboxMessage, BaseOutboxMessage

from .fields import CountryField


class UserManager(DjangoUserManager):
    """Users are identified by email; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not (extra_fields["is_staff"] and extra_fields["is_superuser"]):
            raise ValueError("A superuser must have is_staff=True and is_superuser=True.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractUser):
    """A customer or a member of staff, who signs in with their email address."""

    username = None
    email = models.EmailField("email address", unique=True)
    phone = models.CharField(
        "phone number", max_length=32, blank=True, help_text="For the carrier, if needed."
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.email


class Address(models.Model):
    """A shipping address in a user's address book; at most one is the default."""

    user = models.ForeignKey(User, related_name="addresses", on_delete=models.CASCADE)
    full_name = models.CharField("full name", max_length=150)
    line1 = models.CharField("address line 1", max_length=200)
    line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100)
    postal_code = models.CharField("postal code", max_length=20)
    region = models.CharField("state / region", max_length=100, blank=True)
    country = CountryField()
    phone = models.CharField("phone number", max_length=32, blank=True)
    is_default = models.BooleanField("default address", default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "addresses"
        ordering = ["-is_default", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(is_default=True),
                name="accounts_address_one_default",
            ),
        ]

    def __str__(self):
        return f"{self.full_name}, {self.line1}, {self.postal_code} {self.city}, {self.country}"


class OutboxMessage(BaseOutboxMessage):
    """Events the accounts service publishes, written in the transaction that makes the change."""


class InboxMessage(BaseInboxMessage):
    """Events the accounts service's consumers have already acted on."""
