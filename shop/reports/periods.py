"""
The period the dashboard reports on, chosen in a form of two dates or by a
preset ("the last 30 days", today included), in days of the shop's time
zone (``shop.core.days``). A period that ends before it starts, after today,
or longer than ``MAX_PERIOD_DAYS`` is a form error staff can read, never a
query: what a report reads grows with its period.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django import forms
from django.utils import timezone

from shop.core.days import MAX_PERIOD_DAYS

PRESETS = (7, 30, 90, 365)
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Period:
    first_day: date
    last_day: date

    @classmethod
    def last(cls, days: int, today: date) -> "Period":
        return cls(today - timedelta(days=days - 1), today)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def query(self) -> str:
        """The query string that asks for this period again (links, CSV downloads)."""
        return urlencode({"start": self.first_day.isoformat(), "end": self.last_day.isoformat()})

    @property
    def slug(self) -> str:
        return f"{self.first_day.isoformat()}-to-{self.last_day.isoformat()}"


class DateInput(forms.DateInput):
    """The browser's own date picker, no JavaScript of ours; the value is ISO 8601."""

    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class PeriodForm(forms.Form):
    """
    ``start`` and ``end`` (either may be left out: the end is then today,
    the start a ``DEFAULT_DAYS`` period before the end), or ``days``, one of
    ``PRESETS`` ending today; nothing at all is the last ``DEFAULT_DAYS``.
    """

    start = forms.DateField(label="From", required=False, widget=DateInput())
    end = forms.DateField(label="To", required=False, widget=DateInput())
    days = forms.TypedChoiceField(
        choices=[(days, f"Last {days} days") for days in PRESETS],
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, data=None, *, today: date | None = None):
        super().__init__(data)
        self.today = today or timezone.localdate()
        self.period: Period | None = None

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        start, end, days = cleaned.get("start"), cleaned.get("end"), cleaned.get("days")
        if start is None and end is None:
            period = Period.last(days or DEFAULT_DAYS, self.today)
        else:
            end = end or self.today
            if start is None:
                start = Period.last(DEFAULT_DAYS, end).first_day
            period = Period(start, end)
        if period.last_day > self.today:
            raise forms.ValidationError(
                f"The period cannot end after today ({self.today.isoformat()}).",
                code="invalid_period",
            )
        if period.first_day > period.last_day:
            raise forms.ValidationError(
                "The period must start on or before the day it ends.", code="invalid_period"
            )
        if period.days > MAX_PERIOD_DAYS:
            raise forms.ValidationError(
                f"The period is {period.days:,} days long: choose at most {MAX_PERIOD_DAYS} "
                "days (a year).",
                code="invalid_period",
            )
        self.period = period
        return cleaned

    def shown(self) -> "PeriodForm":
        """The form to show on the page: this one with its errors, or the period chosen."""
        if self.period is None:
            return self
        return PeriodForm(
            {"start": self.period.first_day.isoformat(), "end": self.period.last_day.isoformat()},
            today=self.today,
        )
