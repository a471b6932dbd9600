"""What PyVRP is given: each load dimension in its coarsest whole unit up to one kg, the same plans fit."""

from __future__ import annotations

from routing import EuclideanProvider, Model
from routing.layout import build_layout
from routing.warmstart import pyvrp_data


def two_stops(kgs: tuple[float, float], capacity_kg: float) -> Model:
    m = Model(provider=EuclideanProvider(scale=1000))
    d = m.add_depot("d", (0, 0))
    m.add_vehicle("a", d, capacity_kg=capacity_kg, capacity_m3=10, shift=(0, 10**7))
    for k, kg in enumerate(kgs):
        m.add_stop(f"s{k}", (k + 1, 0), kg=kg, m3=0.0)
    return m


def test_whole_kilograms_reach_pyvrp_as_whole_units():
    """3 kg and 8 kg into a 20 kg truck: PyVRP sees 3, 8 and 20 (not tenths of a kg)."""
    data = pyvrp_data(build_layout(two_stops((3.0, 8.0), 20.0)), 0.0)
    assert [c.pickup for c in data.clients()] == [[3], [8]]
    assert data.vehicle_type(0).capacity == [20]


def test_a_finer_load_keeps_the_finer_unit():
    """2.5 kg beside 8 kg: the common unit is 0.5 kg, so 5, 16 and a 20 kg truck's 40."""
    data = pyvrp_data(build_layout(two_stops((2.5, 8.0), 20.0)), 0.0)
    assert [c.pickup for c in data.clients()] == [[5], [16]]
    assert data.vehicle_type(0).capacity == [40]


def test_loads_in_tens_of_kilograms_stay_in_kilograms():
    """10 kg and 20 kg into a 700 kg truck: PyVRP sees 10, 20 and 700, not 1, 2 and 70."""
    data = pyvrp_data(build_layout(two_stops((10.0, 20.0), 700.0)), 0.0)
    assert [c.pickup for c in data.clients()] == [[10], [20]]
    assert data.vehicle_type(0).capacity == [700]
