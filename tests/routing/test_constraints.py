"""One test per constraint, each built so that ignoring the constraint gives a cheaper plan."""

from __future__ import annotations

from routing import EuclideanProvider, Model

DAY = (0, 10**7)


def line_model() -> tuple[Model, object]:
    m = Model(provider=EuclideanProvider(scale=1000))
    depot = m.add_depot("depot", (0, 0), unload_time=0)
    return m, depot


def test_kg_capacity_splits_routes(solve_checked):
    """Three 400 kg stops, 1000 kg trucks, one trip each: no route may carry all three."""
    m, d = line_model()
    for k in range(2):
        m.add_vehicle(f"t{k}", d, capacity_kg=1000, capacity_m3=100, shift=DAY, max_trips=1)
    for x in (10, 11, 12):
        m.add_stop(f"s{x}", (x, 0), kg=400)
    r = solve_checked(m, empty_km_weight=0.0)
    assert r.feasible and len(r.routes) == 2
    assert max(r.collected_kg for r in r.routes) <= 1000


def test_m3_capacity_is_enforced_separately(solve_checked):
    """Light but bulky stops: the m3 limit, not kg, forces a second truck."""
    m, d = line_model()
    for k in range(2):
        m.add_vehicle(f"t{k}", d, capacity_kg=10_000, capacity_m3=10, shift=DAY, max_trips=1)
    for x in (10, 11, 12):
        m.add_stop(f"s{x}", (x, 0), kg=30, m3=4)
    r = solve_checked(m, empty_km_weight=0.0)
    assert r.feasible and len(r.routes) == 2
    assert all(max(v.load_m3 for v in route.visits) <= 10 for route in r.routes)


def test_time_windows_fix_the_order(solve_checked):
    """The far stop's window closes early, so it comes first although near-first is shorter."""
    m, d = line_model()
    m.add_vehicle("t", d, capacity_kg=100, capacity_m3=100, shift=DAY, max_trips=1)
    m.add_stop("near", (5, 0), windows=[(30_000, 40_000)])
    m.add_stop("far", (10, 1), windows=[(0, 12_000)])
    r = solve_checked(m)
    assert r.feasible
    assert [v.name for v in r.routes[0].stops] == ["far", "near"]
    assert r.routes[0].stops[1].start >= 30_000


def test_second_window_is_used_when_the_first_is_missed(solve_checked):
    """A stop with two windows is served in the later one when the first cannot be reached."""
    m, d = line_model()
    m.add_vehicle("t", d, capacity_kg=100, capacity_m3=100, shift=DAY, max_trips=1)
    m.add_stop("twice", (20, 0), windows=[(0, 5_000), (50_000, 60_000)])
    r = solve_checked(m)
    assert r.feasible and 50_000 <= r.routes[0].stops[0].start <= 60_000


def test_shift_end_forces_a_second_truck(solve_checked):
    """One truck could serve both stops by distance, but not before its shift ends."""
    m, d = line_model()
    for k in range(2):
        m.add_vehicle(f"t{k}", d, capacity_kg=100, capacity_m3=100, shift=(0, 50_000), max_trips=1)
    m.add_stop("east", (10, 0), service_time=20_000)
    m.add_stop("east2", (11, 0), service_time=20_000)
    r = solve_checked(m, empty_km_weight=0.0)
    assert r.feasible and len(r.routes) == 2
    assert all(route.end <= 50_000 for route in r.routes)


def test_multi_trip_unloads_mid_shift(solve_checked):
    """One truck, 1000 kg, three 600 kg stops: it unloads twice at the depot and serves all."""
    m = Model(provider=EuclideanProvider(scale=1000))
    d = m.add_depot("depot", (0, 0), unload_time=300)
    m.add_vehicle("t", d, capacity_kg=1000, capacity_m3=100, shift=DAY, max_trips=3)
    for x in (10, 12, 14):
        m.add_stop(f"s{x}", (x, 0), kg=600)
    r = solve_checked(m)
    assert r.feasible and len(r.routes) == 1
    route = r.routes[0]
    assert route.trips == 3 and [v.kind for v in route.visits].count("unload") == 2
    # Empty legs: depot -> first stop, and depot -> first stop after each unload.
    expected_empty = sum(
        v.leg_m
        for i, v in enumerate(route.visits)
        if v.kind == "stop" and (i == 0 or route.visits[i - 1].kind == "unload")
    )
    assert route.empty_m == expected_empty


def test_without_multi_trip_the_same_load_is_infeasible(solve_checked):
    """The same instance with one trip per truck leaves a required stop out, with the reason."""
    m, d = line_model()
    m.add_vehicle("t", d, capacity_kg=1000, capacity_m3=100, shift=DAY, max_trips=1)
    for x in (10, 12, 14):
        m.add_stop(f"s{x}", (x, 0), kg=600)
    r = solve_checked(m)
    assert not r.feasible and len(r.dropped) == 2
    assert all(d.reason.startswith("fleet") for d in r.dropped)


def test_hazardous_material_rides_only_on_licensed_trucks(solve_checked):
    """The licensed truck lives far away; the hazardous stop still goes on it (ignoring the
    licence, the truck next door would take it for a fraction of the distance)."""
    m = Model(provider=EuclideanProvider(scale=1000))
    near = m.add_depot("near", (0, 0), unload_time=0)
    far = m.add_depot("far", (50, 0), unload_time=0)
    m.add_vehicle("plain", near, capacity_kg=1000, capacity_m3=100, shift=DAY)
    m.add_vehicle("licensed", far, capacity_kg=1000, capacity_m3=100, shift=DAY, hazardous_licence=True)
    m.add_stop("lamps", (2, 0), kg=20, category="hazardous", hazardous=True)
    m.add_stop("paper", (3, 0), kg=20, category="paper")
    r = solve_checked(m)
    on = {v.name: route.vehicle_name for route in r.routes for v in route.stops}
    assert on["lamps"] == "licensed" and r.feasible


def test_vehicle_categories_restrict_what_it_carries(solve_checked):
    """A truck for e-waste only never takes the paper stop beside its depot."""
    m = Model(provider=EuclideanProvider(scale=1000))
    a = m.add_depot("a", (0, 0), unload_time=0)
    b = m.add_depot("b", (40, 0), unload_time=0)
    m.add_vehicle("ewaste-truck", a, capacity_kg=1000, capacity_m3=100, shift=DAY, categories=["ewaste"])
    m.add_vehicle("paper-truck", b, capacity_kg=1000, capacity_m3=100, shift=DAY, categories=["paper"])
    m.add_stop("paper", (1, 0), kg=20, category="paper")
    r = solve_checked(m)
    assert [route.vehicle_name for route in r.routes] == ["paper-truck"]


def test_optional_stop_served_only_when_its_prize_pays(solve_checked):
    """Far optional stop: dropped with a small prize, served with a large one; required is always served."""
    for prize, expect in ((1.0, False), (1000.0, True)):
        m, d = line_model()
        m.add_vehicle("t", d, capacity_kg=100, capacity_m3=100, shift=DAY)
        m.add_stop("required", (1, 0))
        m.add_stop("optional", (30, 0), required=False, prize=prize)
        r = solve_checked(m)
        served = {v.name for route in r.routes for v in route.stops}
        assert "required" in served and ("optional" in served) == expect
        assert r.feasible
        if not expect:
            assert r.dropped[0].reason.startswith("optional")


def test_fixed_cost_makes_one_truck_do_the_work(solve_checked):
    """Two depots, a stop beside each: two trucks drive least, but a high fixed cost per
    truck makes one truck cross town instead."""
    for fixed, trucks in ((0.0, 2), (1000.0, 1)):
        m = Model(provider=EuclideanProvider(scale=1000))
        a, b = m.add_depot("a", (0, 0), unload_time=0), m.add_depot("b", (100, 0), unload_time=0)
        m.add_vehicle("ta", a, capacity_kg=100, capacity_m3=100, shift=DAY, fixed_cost=fixed)
        m.add_vehicle("tb", b, capacity_kg=100, capacity_m3=100, shift=DAY, fixed_cost=fixed)
        m.add_stop("west", (1, 0), kg=5)
        m.add_stop("east", (99, 0), kg=5)
        r = solve_checked(m)
        assert len(r.routes) == trucks, (fixed, r.summary())


def test_empty_km_weight_prefers_routes_that_start_near_the_depot(solve_checked):
    """Empty km are counted from the depot to the first pickup; the weight cuts them."""
    plain, weighted = [], []
    for weight, out in ((0.0, plain), (3.0, weighted)):
        m, d = line_model()
        m.add_vehicle("t", d, capacity_kg=100, capacity_m3=100, shift=DAY)
        for xy in ((1, 0), (6, 3), (8, 0), (6, -3)):
            m.add_stop(str(xy), xy, kg=5)
        r = solve_checked(m, empty_km_weight=weight)
        out.append(r)
    assert weighted[0].empty_km <= plain[0].empty_km
    assert weighted[0].routes[0].stops[0].name == "(1, 0)"


def test_great_circle_plan_in_a_real_city(solve_checked):
    """Lat/lon stops in Hangzhou with shifts in seconds: the checker recomputes great-circle legs."""
    m = Model()
    center = m.add_depot("Gongshu center", (30.345, 120.127), unload_time=600)
    m.add_vehicle("truck", center, capacity_kg=4000, capacity_m3=16, shift=(7 * 3600, 17 * 3600))
    for k, (lat, lon) in enumerate([(30.32, 120.14), (30.31, 120.15), (30.33, 120.16), (30.30, 120.13)]):
        m.add_stop(f"bin{k}", (lat, lon), kg=80, m3=0.9, service_time=180, windows=[(8 * 3600, 12 * 3600)])
    r = solve_checked(m)
    assert r.feasible and 5 < r.distance_km < 40
    assert r.km_per_tonne is not None and r.empty_km > 0


def test_capacity_holds_in_real_numbers_not_just_rounded_units(solve_checked):
    """Four stops of 4.0003 m3 do not fit a 16 m3 truck, although each rounds to 4,000 litres."""
    m, d = line_model()
    for k in range(2):
        m.add_vehicle(f"t{k}", d, capacity_kg=10_000, capacity_m3=16, shift=DAY, max_trips=1)
    for x in (10, 11, 12, 13):
        m.add_stop(f"s{x}", (x, 0), kg=10, m3=4.0003)
    r = solve_checked(m, empty_km_weight=0.0)
    assert r.feasible and len(r.routes) == 2


def test_a_stop_with_several_categories_needs_a_truck_for_all_of_them(solve_checked):
    """Paper and a fridge at one door: only the truck that may carry both takes it."""
    m = Model(provider=EuclideanProvider(scale=1000))
    a = m.add_depot("a", (0, 0), unload_time=0)
    b = m.add_depot("b", (30, 0), unload_time=0)
    m.add_vehicle("paper-only", a, capacity_kg=1000, capacity_m3=100, shift=DAY, categories=["paper"])
    m.add_vehicle("bulky", b, capacity_kg=1000, capacity_m3=100, shift=DAY, categories=["paper", "ewaste"])
    m.add_stop("door", (1, 0), kg=70, categories=["paper", "ewaste"])
    r = solve_checked(m)
    assert [route.vehicle_name for route in r.routes] == ["bulky"]


def test_pinned_stop_goes_on_the_chosen_truck(solve_checked):
    """A dispatcher pins a stop to the far truck; the plan follows although it drives more."""
    m = Model(provider=EuclideanProvider(scale=1000))
    a = m.add_depot("a", (0, 0), unload_time=0)
    b = m.add_depot("b", (30, 0), unload_time=0)
    near = m.add_vehicle("near", a, capacity_kg=1000, capacity_m3=100, shift=DAY)
    far = m.add_vehicle("far", b, capacity_kg=1000, capacity_m3=100, shift=DAY)
    m.add_stop("pinned", (1, 0), kg=5, vehicles=[far])
    m.add_stop("free", (2, 0), kg=5)
    r = solve_checked(m)
    on = {v.name: route.vehicle_name for route in r.routes for v in route.stops}
    assert on["pinned"] == "far" and r.feasible
    assert near.index != far.index
