"""The fixed schedule a city runs without sensors: each bin on set weekdays.

Visits per week by category, as a city without fill data would set them (frequent for
the fast-filling paper and plastics), spread over Monday to Saturday and staggered by
bin so that each day carries a similar load.
"""

from __future__ import annotations

VISITS_PER_WEEK = {"paper": 3, "plastics": 3, "glass": 1, "metals": 1, "textiles": 1, "hazardous": 1}
PATTERNS = {3: ((0, 2, 4), (1, 3, 5)), 2: ((0, 3), (1, 4), (2, 5)), 1: ((0,), (1,), (2,), (3,), (4,), (5,))}


def visits_per_week(category_code: str) -> int:
    return VISITS_PER_WEEK.get(category_code.split(".")[0], 1)


def round_days(bin_id: int, category_code: str) -> tuple[int, ...]:
    """Weekdays (Monday = 0) on which the fixed round empties this bin."""
    options = PATTERNS[visits_per_week(category_code)]
    return options[bin_id % len(options)]
