"""Dates as the city sees them: the demo city's clock runs 8 hours ahead of UTC, so at
22:00 UTC "tomorrow" by the machine's date is already today in Hangzhou."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

CITY_TZ = ZoneInfo("Asia/Shanghai")  # config/default.toml TIMEZONE


def city_today() -> date:
    return datetime.now(CITY_TZ).date()
