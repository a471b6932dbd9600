"""Central Helsinki's road network, built once per session into a throwaway instance folder."""

from __future__ import annotations

import pytest

from backend.demo.cities import HELSINKI_EXTRACT


@pytest.fixture(scope="session")
def helsinki_network(tmp_path_factory) -> str:
    """ROAD_NETWORK of a network built by the service behind `recyclenet roads build`."""
    from backend.roads import services as roads

    out = roads.build(HELSINKI_EXTRACT, tmp_path_factory.mktemp("instance"))
    return out["folder"]
