"""
The shop's days. A day is one of the shop's time zone (``TIME_ZONE``, what
``timezone.localdate()`` and the admin show), not of UTC: an order placed at
23:30 in Berlin belongs to that evening's day in every report, whichever
clock the server keeps. Every service that reports by day turns a period of
days into instants here, so they all cut the days at the same moments.
"""

from datetime import date, datetime, time, timedelta, tzinfo

from django.utils import timezone

from .errors import InvalidPeriod

# The longest period a report reads (a leap year): what it reads grows with it.
MAX_PERIOD_DAYS = 366


def shop_time_zone() -> tzinfo:
    return timezone.get_default_timezone()


def period_bounds(first_day: date, last_day: date) -> tuple[datetime, datetime]:
    """
    The instants from the start of ``first_day`` to the start of the day
    after ``last_day`` (both days included: ``since <= t < until``), in the
    shop's time zone, across a change of clocks too. Raises ``InvalidPeriod``
    when ``last_day`` is before ``first_day`` or the period is longer than
    ``MAX_PERIOD_DAYS``.
    """
    days = (last_day - first_day).days + 1
    if not 1 <= days <= MAX_PERIOD_DAYS:
        raise InvalidPeriod(first_day=first_day.isoformat(), last_day=last_day.isoformat())
    zone = shop_time_zone()
    try:
        until = datetime.combine(last_day + timedelta(days=1), time.min, zone)
    except OverflowError:
        raise InvalidPeriod(last_day=last_day.isoformat()) from None
    return datetime.combine(first_day, time.min, zone), until


def days_of(first_day: date, last_day: date) -> list[date]:
    """Every day from ``first_day`` to ``last_day``, both included."""
    return [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]
