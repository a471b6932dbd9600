"""How fast the demo city's bins fill: the one fill process the bin simulator publishes
and the digital twin simulates, so both tell the same story."""

from __future__ import annotations

# Percent of a bin's volume per day, by the category's top-level code.
DAILY_FILL = {"paper": 22.0, "plastics": 28.0, "glass": 9.0, "metals": 7.0, "textiles": 11.0, "hazardous": 3.0}
DEFAULT_DAILY_FILL = 10.0
WEEKDAY_FACTOR = (0.9, 0.9, 0.95, 0.95, 1.0, 1.35, 1.3)  # Monday first; weekends fill faster


def daily_fill(category_code: str) -> float:
    """The typical daily fill (percent) of a bin of ``category_code``."""
    return DAILY_FILL.get(category_code.split(".")[0], DEFAULT_DAILY_FILL)
