"""
The shipping service's data: zones (sets of countries), the delivery methods
each zone offers, and each method's rates.

A country belongs to at most one zone; a country no zone lists belongs to the
zone marked "rest of the world", if there is one, and is otherwise not served
at all. A method is priced by the order's value or by its weight, in bands:
each rate says up to which value or weight (inclusive) its price applies, the
band without a limit covers everything above, and an order beyond every band
cannot use the method (a parcel too heavy for the carrier). From
``free_from`` (an order value) the method costs nothing.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django_countries import countries
from django_countries.fields import CountryField

from shop.core.models import BaseInboxMessage, BaseOutboxMessage
from shop.core.money import format_money

MONEY = {"max_digits": 12, "decimal_places": 2}


class OutboxMessage(BaseOutboxMessage):
    """Events the shipping service publishes (none yet)."""


class InboxMessage(BaseInboxMessage):
    """Events the shipping service's consumers have already acted on (none yet)."""


class ShippingZone(models.Model):
    name = models.CharField(max_length=100, unique=True)
    countries = CountryField(
        multiple=True,
        blank=True,
        help_text="The countries this zone serves; a country can be in one zone only.",
    )
    rest_of_world = models.BooleanField(
        "rest of the world",
        default=False,
        help_text="Also serve every country that no other zone lists (one zone at most).",
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rest_of_world"],
                condition=Q(rest_of_world=True),
                name="shipping_one_rest_of_world_zone",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def country_codes(self) -> set[str]:
        return {country.code for country in self.countries}

    def clean(self):
        if not self.countries and not self.rest_of_world:
            raise ValidationError(
                "List the countries this zone serves, or make it the rest of the world."
            )
        others = ShippingZone.objects.exclude(pk=self.pk)
        if self.rest_of_world and others.filter(rest_of_world=True).exists():
            raise ValidationError(
                {"rest_of_world": "Another zone already serves the rest of the world."}
            )
        mine = self.country_codes
        taken = sorted(
            f"{countries.name(code)} ({zone.name})"
            for zone in others
            for code in zone.country_codes & mine
        )
        if taken:
            raise ValidationError(
                {"countries": f"Already in another zone: {', '.join(taken)}."}, code="taken"
            )


class ShippingMethod(models.Model):
    class Basis(models.TextChoices):
        VALUE = "value", "Order value"
        WEIGHT = "weight", "Weight"

    zone = models.ForeignKey(ShippingZone, on_delete=models.CASCADE, related_name="methods")
    code = models.SlugField(
        max_length=20,
        help_text='What a checkout names and an order keeps ("standard"); unique in its zone.',
    )
    name = models.CharField(
        max_length=100, help_text='What customers see ("Standard delivery (2 to 3 days)").'
    )
    basis = models.CharField(
        "priced by",
        max_length=10,
        choices=Basis,
        default=Basis.VALUE,
        help_text="What the rates' limits are: the order value (store currency) or its "
        "weight (grams).",
    )
    free_from = models.DecimalField(
        "free from",
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="An order of this value or more ships free with this method; empty: never.",
    )
    carrier = models.CharField(
        max_length=50,
        blank=True,
        help_text="The carrier that books its parcels (SHIPPING_CARRIERS); empty: the "
        "shop's default carrier (ORDERS_CARRIER).",
    )
    is_active = models.BooleanField("offered", default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["zone__position", "zone", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "code"], name="shipping_method_code"),
        ]

    def __str__(self):
        return f"{self.name} ({self.zone})" if self.zone_id else self.name

    def clean(self):
        if self.carrier and self.carrier not in settings.SHIPPING_CARRIERS:
            names = ", ".join(settings.SHIPPING_CARRIERS) or "none configured"
            raise ValidationError({"carrier": f"Not a carrier of SHIPPING_CARRIERS ({names})."})


class ShippingRate(models.Model):
    """A price band of a method: its price applies up to ``up_to``, inclusive."""

    method = models.ForeignKey(ShippingMethod, on_delete=models.CASCADE, related_name="rates")
    up_to = models.DecimalField(
        "up to",
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="The order value or weight in grams (as the method is priced) this price "
        "applies up to, inclusive; empty: no limit.",
    )
    price = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["method", F("up_to").asc(nulls_last=True)]
        constraints = [
            models.UniqueConstraint(fields=["method", "up_to"], name="shipping_rate_band"),
            models.UniqueConstraint(
                fields=["method"], condition=Q(up_to__isnull=True), name="shipping_rate_one_open"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="shipping_rate_price_gte_0"),
        ]

    def __str__(self):
        return f"{self.limit_label}: {format_money(self.price)}"

    @property
    def limit_label(self) -> str:
        if self.up_to is None:
            return "any more"
        if self.method_id and self.method.basis == ShippingMethod.Basis.WEIGHT:
            return f"up to {self.up_to.normalize():,f} g"
        return f"up to {format_money(self.up_to)}"
