"""The twin's calendar: when simulated time starts, in which timezone, and the booking windows."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
START = date(2026, 3, 2)  # a Monday
WARMUP_DAYS = 7
WINDOWS = ((8, 10), (10, 12), (13, 15), (15, 17))
