"""Which service time the planner gives each stop: the assumption in the settings, or what
the drivers' reports taught.

The drivers domain (above planning) measures each stop's actual service time from the
phone's events; planning may not import it, so the app registers its figures at start
(``set_service_time_source``, the inversion ``set_crew_source`` uses). A stop kind with at
least PLAN_SERVICE_TIME_MIN_SAMPLES reported stops at the center within the last
PLAN_SERVICE_TIME_DAYS days is planned with their median; any other kind, or every kind
when PLAN_LEARNED_SERVICE_TIMES is off (or nothing is registered: the twin, a bare script),
keeps the assumption. The plan's summary says which was used (``ServiceTimes.summary``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.orm import Session

BIN_SERVICE_S = 120
BIN_SERVICE_S_PER_M3 = 60  # a bigger bin takes longer to lift and empty
BOOKING_SERVICE_S = 300

SETTINGS = {"PLAN_LEARNED_SERVICE_TIMES": True, "PLAN_SERVICE_TIME_MIN_SAMPLES": 20, "PLAN_SERVICE_TIME_DAYS": 56}

# (session, center id, since) -> {stop kind: (median seconds, stops measured)}
Source = Callable[[Session, int, date], Mapping[str, tuple[float, int]]]
_source: Source | None = None


def set_service_time_source(source: Source | None) -> None:
    global _source
    _source = source


@dataclass(frozen=True)
class ServiceTimes:
    """The service times of one plan: ``learned`` holds only the kinds with enough samples."""

    learned: dict[str, float] = field(default_factory=dict)
    samples: dict[str, int] = field(default_factory=dict)
    min_samples: int = 0
    since: date | None = None
    enabled: bool = False

    def bin(self, capacity_l: float) -> int:
        if "bin" in self.learned:
            return round(self.learned["bin"])
        return BIN_SERVICE_S + int(capacity_l / 1000 * BIN_SERVICE_S_PER_M3)

    def booking(self) -> int:
        return round(self.learned["booking"]) if "booking" in self.learned else BOOKING_SERVICE_S

    def summary(self) -> dict:
        assumed = {
            "bin": f"{BIN_SERVICE_S} s + {BIN_SERVICE_S_PER_M3} s per m3 of the bin",
            "booking": f"{BOOKING_SERVICE_S} s",
        }
        kinds = {}
        for kind, rule in assumed.items():
            n = self.samples.get(kind, 0)
            if kind in self.learned:
                kinds[kind] = {"source": "learned", "seconds": round(self.learned[kind]), "samples": n}
            else:
                kinds[kind] = {"source": "assumed", "assumption": rule, "samples": n}
        return {
            "learned_enabled": self.enabled,
            "min_samples": self.min_samples,
            "since": self.since.isoformat() if self.since else None,
            "by_kind": kinds,
        }


def service_times_for(session: Session, center_id: int, day: date, settings: Mapping) -> ServiceTimes:
    """The service times to plan ``day`` at a center with, per the settings."""
    cfg = {k: v if settings.get(k) is None else settings[k] for k, v in SETTINGS.items()}
    enabled = bool(cfg["PLAN_LEARNED_SERVICE_TIMES"]) and _source is not None
    min_samples = int(cfg["PLAN_SERVICE_TIME_MIN_SAMPLES"])
    if not enabled:
        return ServiceTimes(min_samples=min_samples)
    since = day - timedelta(days=int(cfg["PLAN_SERVICE_TIME_DAYS"]))
    measured = _source(session, center_id, since)
    return ServiceTimes(
        learned={k: m for k, (m, n) in measured.items() if n >= min_samples and m >= 0},
        samples={k: n for k, (_m, n) in measured.items()},
        min_samples=min_samples,
        since=since,
        enabled=True,
    )
