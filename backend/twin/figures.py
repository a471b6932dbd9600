"""What one policy did on one day, and its totals over a run, with the service level first.

Service level: the share of bin-days without overflow. A bin-day is one bin on one measured
day; it overflowed when the bin stood at 100% at the end of any hour of that day (the fill
process caps at 100%: whatever arrives then is left beside the bin). Overflow bin-hours,
late and missed bookings are reported beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SERVICE_LEVEL_DEFINITION = (
    "Service level is the share of bin-days without overflow: each bin on each measured day counts once, and it "
    "overflowed when the bin stood at 100% at the end of any hour of that day. Overflow bin-hours (hours a bin "
    "spent full), late bookings (served after their window) and missed bookings (never served) stand beside it."
)


@dataclass
class DayFigures:
    km: float = 0.0
    empty_km: float = 0.0
    truck_hours: float = 0.0
    tonnes: float = 0.0
    bin_visits: int = 0
    wasted_visits: int = 0
    overflow_bin_hours: int = 0
    overflow_bins: int = 0  # bins that stood full at some hour of the day
    bin_days: int = 0  # bins simulated that day
    bookings_served: int = 0
    bookings_late: int = 0
    bookings_missed: int = 0
    fills_at_emptying: list[float] = field(default_factory=list)
    routes: list[dict] = field(default_factory=list)


def service_level(days: list[DayFigures]) -> float | None:
    bin_days = sum(d.bin_days for d in days)
    return 1 - sum(d.overflow_bins for d in days) / bin_days if bin_days else None


def totals(days: list[DayFigures]) -> dict:
    """One policy's figures over the measured days."""
    km, tonnes = sum(d.km for d in days), sum(d.tonnes for d in days)
    sl = service_level(days)
    return {
        "service_level_pct": round(100 * sl, 3) if sl is not None else None,
        "bin_days": sum(d.bin_days for d in days),
        "overflow_bin_days": sum(d.overflow_bins for d in days),
        "overflow_bin_hours": sum(d.overflow_bin_hours for d in days),
        "bookings_late": sum(d.bookings_late for d in days),
        "bookings_missed": sum(d.bookings_missed for d in days),
        "km": round(km, 1),
        "km_per_day": round(km / len(days), 2) if days else None,
        "empty_km": round(sum(d.empty_km for d in days), 1),
        "truck_hours": round(sum(d.truck_hours for d in days), 1),
        "tonnes": round(tonnes, 2),
        "km_per_tonne": round(km / tonnes, 3) if tonnes else None,
        "bin_visits": sum(d.bin_visits for d in days),
        "wasted_visits": sum(d.wasted_visits for d in days),
        "bookings_served": sum(d.bookings_served for d in days),
    }
