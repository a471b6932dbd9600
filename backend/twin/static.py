"""The static policy: the best fixed weekly schedule the same engine can plan.

Each bin's visits per week are chosen from its average fill rate so that, at average
rates, it never overflows between two visits (1, 2, 3 or 6 visits a week, Mondays to
Saturdays, spread evenly; a bin too fast even for six visits gets six). For each center
and weekday the scheduled bins are routed once by the planner, with their expected fill
at average rates, and those routes are driven every week unchanged, whatever the bins
actually hold. Bookings are served by a separate daily round, in order of arrival.

The policy's knob is ``scale``, the visit frequency relative to the computed one: a bin is
scheduled as if it filled ``scale`` times as fast (x2: about twice the visits). Raising the
scale never lowers a bin's visits per week.
"""

from __future__ import annotations

from routing import MatrixProvider, Model, SolverParams, solve

# visits per week -> weekday sets (Monday = 0) and the longest gap in days between visits
PATTERNS = {
    1: [(0,), (1,), (2,), (3,), (4,), (5,)],
    2: [(0, 3), (1, 4), (2, 5)],
    3: [(0, 2, 4), (1, 3, 5)],
    6: [(0, 1, 2, 3, 4, 5)],
}
MAX_GAP = {1: 7, 2: 4, 3: 3, 6: 2}
SAFE_FILL = 95.0  # fill the schedule may reach at average rates before the next visit


def visits_per_week(daily_rate: float) -> int:
    for k in (1, 2, 3, 6):
        if daily_rate * MAX_GAP[k] <= SAFE_FILL:
            return k
    return 6


def weekly_schedule(bins, scale: float = 1.0) -> dict[int, tuple[int, ...]]:
    """bin id -> weekdays it is emptied."""
    out = {}
    for n, b in enumerate(sorted(bins, key=lambda b: b.id)):
        options = PATTERNS[visits_per_week(b.daily_rate * scale)]
        out[b.id] = options[n % len(options)]
    return out


def center_model(center, vehicles, provider: MatrixProvider | None = None) -> Model:
    """A routing model holding one center's depot and trucks (stops to be added)."""
    m = Model(provider=provider) if provider is not None else Model()
    depot = m.add_depot(center["name"], (center["lat"], center["lon"]), unload_time=600)
    for v in vehicles:
        m.add_vehicle(
            v["plate"],
            depot,
            capacity_kg=v["capacity_kg"],
            capacity_m3=v["capacity_m3"],
            shift=v["shift"],
            categories=v["categories"],
            hazardous_licence=v["hazardous"],
            cost_per_km=v["cost_per_km"] or 1.0,
            fixed_cost=v["fixed_cost"],
            max_trips=3,
            ref=v["plate"],
        )
    return m


def plan_weekday(center, vehicles, bins, days_between: dict[int, float], params: SolverParams, provider=None):
    """Fixed routes of one center for one weekday: lists of bin ids in driving order, per truck."""
    m = center_model(center, vehicles, provider)
    for b in bins:
        fill = min(100.0, b.daily_rate * days_between[b.id])
        m.add_stop(
            str(b.id),
            (b.lat, b.lon),
            kg=b.kg_at(fill),
            m3=b.m3_at(fill),
            service_time=120 + int(b.capacity_l / 1000 * 60),
            categories=[b.code],
            ref=b.id,
            hazardous=b.code.startswith("hazardous") or b.code.startswith("batteries"),
        )
    if not m.stops:
        return []
    result = solve(m, params)
    return [(r.vehicle_ref, [v.ref for v in r.visits if v.kind == "stop"]) for r in result.routes]
