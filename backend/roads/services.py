"""The active road network and how it is built.

``provider(config)`` is what every distance in the platform comes from: great-circle x 1.3
when ROAD_NETWORK is empty, else OSRM on that network (one engine per network and process,
reopened when a rebuild switched the folder). ``build`` prepares an extract into the
instance folder, atomically: a half-built network is never the active one.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from backend.core.errors import Invalid, NotFound, ServiceError
from backend.roads import streets as street_layer
from routing import GreatCircleProvider, MatrixProvider
from routing.osrm import OsrmProvider, RoadNetworkError, network_base
from routing.roadbuild import BuildError, build_network, read_meta

NETWORK_DIR = Path("roads") / "network"  # inside the instance folder
GREAT_CIRCLE = GreatCircleProvider()


class NetworkUnavailable(ServiceError):
    """ROAD_NETWORK names a folder without a prepared network (503: fix the setting, or build)."""

    status = 503


_providers: dict[tuple[str, str], OsrmProvider] = {}
_lock = threading.Lock()


def is_url(network: str) -> bool:
    return network.startswith(("http://", "https://"))


def network_setting(config: Mapping[str, Any]) -> str:
    """ROAD_NETWORK as configured ('' for none); relative folders are in the instance folder."""
    return str(config.get("ROAD_NETWORK") or "")


def provider_for(network: str | None) -> MatrixProvider:
    """The distance provider of a ROAD_NETWORK value; one OSRM engine per network per process."""
    if not network:
        return GREAT_CIRCLE
    # A rebuild points the folder at a new build: key on where it points now.
    where = network if is_url(network) else str(Path(network).resolve())
    with _lock:
        found = _providers.get((network, where))
        if found is None:
            found = _providers[(network, where)] = OsrmProvider(network)
        return found


def provider(config: Mapping[str, Any]) -> MatrixProvider:
    return provider_for(network_setting(config))


def build(extract: str | Path, instance_path: str | Path) -> dict[str, Any]:
    """Prepare ``extract`` as the instance's road network (``roads/network``), street layer
    included; the previous network stays in place until the new one is complete."""
    target = Path(instance_path) / NETWORK_DIR
    try:
        report = build_network(extract, target, extras=street_layer.write_layer)
    except BuildError as exc:
        raise Invalid.field("extract", str(exc)) from exc
    return {"folder": str(target), "built": str(report.folder), "seconds": round(report.seconds, 2)}


def status(config: Mapping[str, Any]) -> dict[str, Any]:
    """Which provider measures kilometres, and what the loaded network is."""
    network = network_setting(config)
    active = provider_for(network)
    out: dict[str, Any] = {"provider": getattr(active, "label", "great-circle"), "network": network or None}
    if network and not is_url(network):
        try:
            folder = network_base(network).parent
        except RoadNetworkError as exc:
            raise NetworkUnavailable(str(exc)) from exc
        meta = read_meta(folder)
        out.update(extract=meta.get("extract"), extract_sha256=meta.get("extract_sha256"), bbox=meta.get("bbox"))
        out["attribution"] = meta.get("attribution")
    return out


def streets(config: Mapping[str, Any], bbox: tuple[float, float, float, float]) -> dict[str, Any]:
    """The street lines of the loaded network inside ``bbox`` (GeoJSON)."""
    network = network_setting(config)
    if not network or is_url(network):
        raise NotFound("no street layer: no road network folder is loaded (ROAD_NETWORK)")
    try:
        folder = network_base(network).parent
    except RoadNetworkError as exc:
        raise NetworkUnavailable(str(exc)) from exc
    return street_layer.streets_in(folder, bbox)
