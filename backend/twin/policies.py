"""The policies the twin compares, each with the one knob a city would turn.

- ``static``: the fixed weekly calendar (static.py); knob: visit frequency scale (x1: the
  computed frequencies).
- ``count``: count-driven daily selection, the baseline of Wouda, Aerts-Veenstra and van
  Foreest (2024): no sensors; each morning the K bins estimated to fill soonest, from their
  average fill rates and the time since this policy last emptied them, routed by the same
  planner together with the day's bookings; knob: K as a multiple of the calendar's visits
  per day (x1: as many visits a week as the fixed calendar).
- ``need``: the platform's own need-based planning from sensor readings; knob: the fill
  threshold (percent; none: each bin's own), with the optional margin beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from backend.twin import static
from backend.twin.execute import Executed, Visit
from routing import SolverParams, solve

FAMILIES = ("need", "count", "static")
LABELS = {"need": "need-based (sensors)", "count": "count-driven daily selection", "static": "fixed calendar"}
KNOBS = {"need": "fill threshold %", "count": "K x calendar visits/day", "static": "visit frequency x"}
UNKNOWN_START_FILL = 25.0  # the count policy's guess for a bin it has not emptied yet


@dataclass(frozen=True)
class Policy:
    family: str
    knob: float | None = None  # None: the default setting (x1, or each bin's own threshold)
    margin: float = 20.0  # need only: optional bins this many points below the threshold
    prize_scale: float = 1.0  # need only: an optional bin's worth against its detour (x1: the planner's)

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise ValueError(f"unknown policy {self.family!r}")

    @property
    def key(self) -> str:
        return self.family if self.knob is None else f"{self.family}@{self.knob:g}"

    @property
    def scale(self) -> float:
        return 1.0 if self.knob is None else self.knob


DEFAULT_POLICIES = (Policy("need"), Policy("static"), Policy("count"))


def calendar_visits_per_day(schedule: dict[int, tuple[int, ...]]) -> float:
    """The fixed calendar's bin visits per day, averaged over the whole week."""
    return sum(len(days) for days in schedule.values()) / 7


def count_selection(bins, last_emptied: list[float | None], now_h: float, k: int) -> list[int]:
    """Indices of the ``k`` bins estimated to fill soonest (at average rates since emptied)."""

    def hours_to_full(i: int) -> float:
        b = bins[i]
        rate_h = max(b.daily_rate, 1e-6) / 24
        since = last_emptied[i]
        estimate = UNKNOWN_START_FILL + rate_h * now_h if since is None else rate_h * (now_h - since)
        return (100.0 - min(estimate, 100.0)) / rate_h

    return sorted(range(len(bins)), key=lambda i: (hours_to_full(i), bins[i].id))[: max(0, k)]


def count_routes(twin, day: int, policy: Policy, windows: dict, params: SolverParams) -> list:
    """This morning's K bins and the day's bookings of each center, routed by the planner."""
    last = twin.last_emptied[policy.key]
    k = round(twin.count_k * policy.scale)
    chosen = count_selection(twin.bins, last, day * 24 + 6, k)
    routes = []
    now_h = day * 24 + 12  # expected fill at mid-shift
    for center_id, center in twin.centers.items():
        mine = [i for i in chosen if twin.bins[i].center_id == center_id]
        todays = [bk for bk in twin.world.bookings if bk.day == day and bk.db_id and bk.center_id == center_id]
        if not mine and not todays:
            continue
        m = static.center_model(center, center["vehicles"], twin.provider)
        for i in mine:
            b = twin.bins[i]
            since = last[i]
            fill = min(100.0, b.daily_rate * (now_h - since) / 24) if since is not None else 60.0
            m.add_stop(
                f"bin:{b.id}",
                (b.lat, b.lon),
                kg=b.kg_at(fill),
                m3=b.m3_at(fill),
                service_time=120 + int(b.capacity_l / 1000 * 60),
                categories=[b.code],
                ref=("bin", b.id),
                hazardous=b.code.startswith("hazardous") or b.code.startswith("batteries"),
            )
        for bk in todays:
            a, z = windows[bk.key]
            m.add_stop(
                f"booking:{bk.key}",
                (bk.lat, bk.lon),
                kg=bk.kg,
                m3=bk.kg / 100,
                service_time=300,
                windows=[(int(a), int(z))],
                categories=[c for c, _ in bk.items],
                ref=("booking", bk.key),
            )
        result = solve(m, params)
        vehicles = {v["plate"]: v for v in center["vehicles"]}
        for r in result.routes:
            v = vehicles[r.vehicle_ref]
            visits = [Visit(x.ref[0], x.ref[1], m.stops[x.index].location) for x in r.visits if x.kind == "stop"]
            if visits:
                depot = (center["lat"], center["lon"])
                routes.append((Executed(v["plate"], depot, visits), v["capacity_kg"], v["capacity_m3"], v["shift"][0]))
    return routes
