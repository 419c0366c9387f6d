"""
The taxes service's data: tax classes and the rate of each class per country,
with the dates it is in force. Other services refer to a class by its
``code`` (catalog stores it per variant), never by a key into these tables.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q

from shop.core.models import BaseInboxMessage, BaseOutboxMessage

COUNTRY = RegexValidator(r"^[A-Z]{2}$", "Two capital letters, ISO 3166-1 (DE, FR, GB …).")


class OutboxMessage(BaseOutboxMessage):
    """Events the taxes service publishes (none yet)."""


class InboxMessage(BaseInboxMessage):
    """Events the taxes service's consumers have acted on (none yet)."""


class TaxClass(models.Model):
    """
    What a product is taxed as. ``standard`` is every variant's default; the
    codes are what catalog stores, so a class in use is never deleted.
    """

    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "tax classes"

    def __str__(self):
        return f"{self.name} ({self.code})"


class TaxRate(models.Model):
    """
    The rate of ``tax_class`` in ``country`` from ``valid_from`` to
    ``valid_until`` (inclusive; open-ended when empty). Two rates of one class
    and country never overlap, so one date gives one rate. A country with a
    rate in force is in the shop's tax zone: orders shipped there are taxed.
    """

    country = models.CharField(max_length=2, validators=[COUNTRY], help_text="DE, FR, GB …")
    tax_class = models.ForeignKey(TaxClass, on_delete=models.PROTECT, related_name="rates")
    rate = models.DecimalField(
        "rate (%)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    valid_from = models.DateField()
    valid_until = models.DateField(
        null=True, blank=True, help_text="The last day it applies; empty: until further notice."
    )

    class Meta:
        ordering = ["country", "tax_class__code", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=100), name="taxes_rate_percentage"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="taxes_rate_valid_until_after_from",
            ),
            models.UniqueConstraint(
                fields=["country", "tax_class", "valid_from"], name="taxes_rate_one_per_start"
            ),
        ]
        indexes = [models.Index(fields=["country", "valid_from"], name="taxes_rate_by_country")]

    def __str__(self):
        return f"{self.country} {self.tax_class.code} {self.rate} %"

    def clean(self):
        if self.country:
            self.country = self.country.upper()
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": "The last day comes before the first."})
        if not (self.country and self.tax_class_id and self.valid_from):
            return
        overlapping = TaxRate.objects.filter(
            country=self.country, tax_class_id=self.tax_class_id
        ).exclude(pk=self.pk)
        if self.valid_until:
            overlapping = overlapping.filter(valid_from__lte=self.valid_until)
        overlapping = overlapping.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=self.valid_from)
        )
        if (other := overlapping.first()) is not None:
            until = other.valid_until or "further notice"
            raise ValidationError(
                f"{self.country} already has a {other.tax_class.code} rate from "
                f"{other.valid_from} until {until}: end it first."
            )
