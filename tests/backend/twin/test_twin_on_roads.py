"""The twin on the Helsinki demo city with its road network: plans and driven km on streets,
and the report names the provider."""

from __future__ import annotations

import pytest

from backend.demo.cities import HELSINKI_EXTRACT
from backend.twin.report import write_report
from backend.twin.run import TwinConfig, run_twin


@pytest.fixture(scope="module")
def network(tmp_path_factory) -> str:
    from backend.roads import services as roads

    return roads.build(HELSINKI_EXTRACT, tmp_path_factory.mktemp("instance"))["folder"]


def test_twin_runs_on_streets_and_names_its_provider(network, tmp_path):
    """Both policies are measured on the road network, no leg falls off it, and the report says so."""
    cfg = TwinConfig(
        days=1,
        seed=5,
        bins=24,
        time_limit=5.0,
        deterministic=True,
        city="helsinki",
        provider="roads",
        road_network=network,
    )
    figures = run_twin(cfg)
    assert figures["provider"]["label"] == "osrm:helsinki"
    assert figures["off_network_legs"] == 0
    assert figures["totals"]["need"]["km"] > 0 and figures["totals"]["static"]["km"] > 0
    # Every bin of central Helsinki is within a few km on streets: a day's km stay city-sized.
    assert figures["totals"]["static"]["km"] < 100
    paths = write_report(figures, tmp_path)
    assert "Kilometres measured by osrm:helsinki" in paths["markdown"].read_text()
