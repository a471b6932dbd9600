"""Building a road network, the provider it switches on, and the street layer the console draws."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.core.errors import Invalid
from backend.demo.cities import HELSINKI_EXTRACT
from backend.roads import services as roads
from routing import GreatCircleProvider


def test_build_is_atomic_and_a_failed_build_keeps_the_old_network(tmp_path):
    """A rebuild switches the folder in one rename; a broken extract fails and leaves the network as it was."""
    first = roads.build(HELSINKI_EXTRACT, tmp_path)
    folder = Path(first["folder"])
    assert folder.is_symlink() and (folder / "network.osrm.properties").exists() and (folder / "streets.json").exists()
    built = folder.resolve()
    broken = tmp_path / "broken.osm.pbf"
    broken.write_bytes(b"not a protobuf")
    with pytest.raises(Invalid):
        roads.build(broken, tmp_path)
    assert folder.resolve() == built and (folder / "network.osrm.properties").exists()
    again = roads.build(HELSINKI_EXTRACT, tmp_path)
    assert Path(again["built"]).resolve() == folder.resolve() != built and not built.exists()


def test_provider_follows_the_setting(helsinki_network):
    """No ROAD_NETWORK: great-circle x1.3; a built folder: OSRM on it, one engine per process."""
    assert isinstance(roads.provider({"ROAD_NETWORK": ""}), GreatCircleProvider)
    on_roads = roads.provider({"ROAD_NETWORK": helsinki_network})
    assert on_roads.label.startswith("osrm:") and roads.provider({"ROAD_NETWORK": helsinki_network}) is on_roads


def test_roads_status_names_the_provider(app, client, world, helsinki_network):
    """GET /roads says which provider measures kilometres, with the extract's attribution when one is loaded."""
    staff = world.headers("dispatcher")
    assert client.get("/api/v1/roads", headers=staff).get_json()["provider"] == "great-circle x1.3"
    assert client.get("/api/v1/roads", headers=world.headers("resident")).status_code == 403
    app.config["ROAD_NETWORK"] = helsinki_network
    body = client.get("/api/v1/roads", headers=staff).get_json()
    assert body["provider"].startswith("osrm:") and body["extract"] == "helsinki.osm.pbf"
    assert "OpenStreetMap" in body["attribution"] and body["bbox"][0] == pytest.approx(60.164, abs=0.01)
    app.config["ROAD_NETWORK"] = str(Path(helsinki_network).parent / "nothing-here")
    assert client.get("/api/v1/roads", headers=staff).status_code == 503


def test_street_layer_by_bounding_box(app, client, world, helsinki_network):
    """The street layer gives the lines in a box (none outside the extract), 404 with no network, 422 off the globe."""
    staff = world.headers("dispatcher")
    box = {"south": 60.168, "west": 24.940, "north": 60.172, "east": 24.950}
    assert client.get("/api/v1/roads/streets", query_string=box, headers=staff).status_code == 404
    app.config["ROAD_NETWORK"] = helsinki_network
    layer = client.get("/api/v1/roads/streets", query_string=box, headers=staff).get_json()
    assert len(layer["features"]) > 50 and "OpenStreetMap" in layer["attribution"]
    assert {f["geometry"]["type"] for f in layer["features"]} == {"LineString"}
    assert "Aleksanterinkatu" in {f["properties"]["name"] for f in layer["features"]}
    far = {"south": 30.0, "west": 120.0, "north": 30.1, "east": 120.1}
    assert client.get("/api/v1/roads/streets", query_string=far, headers=staff).get_json()["features"] == []
    corners_swapped = {"south": box["north"], "west": box["east"], "north": box["south"], "east": box["west"]}
    swapped = client.get("/api/v1/roads/streets", query_string=corners_swapped, headers=staff).get_json()
    assert len(swapped["features"]) == len(layer["features"])
    off_the_globe = {**box, "north": 91}
    assert client.get("/api/v1/roads/streets", query_string=off_the_globe, headers=staff).status_code == 422
