"""The shop's days: cut in its time zone, a period of them checked before anything is read."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from shop.core.days import MAX_PERIOD_DAYS, days_of, period_bounds
from shop.core.errors import InvalidPeriod


@pytest.fixture(autouse=True)
def shop_in_new_york(settings):
    settings.TIME_ZONE = "America/New_York"
    timezone.deactivate()


def test_a_period_runs_from_the_first_days_midnight_to_the_midnight_after_the_last():
    since, until = period_bounds(date(2026, 3, 8), date(2026, 3, 8))  # 23 hours in New York

    assert since == datetime(2026, 3, 8, 5, tzinfo=ZoneInfo("UTC"))
    assert until == datetime(2026, 3, 9, 4, tzinfo=ZoneInfo("UTC"))
    assert days_of(date(2026, 2, 27), date(2026, 3, 1)) == [
        date(2026, 2, 27),
        date(2026, 2, 28),
        date(2026, 3, 1),
    ]


def test_a_period_backwards_longer_than_a_year_or_past_the_calendar_is_refused():
    first = date(2026, 1, 1)
    period_bounds(first, first + timedelta(days=MAX_PERIOD_DAYS - 1))
    for last in (first - timedelta(days=1), first + timedelta(days=MAX_PERIOD_DAYS)):
        with pytest.raises(InvalidPeriod):
            period_bounds(first, last)
    with pytest.raises(InvalidPeriod):
        period_bounds(date.max, date.max)
