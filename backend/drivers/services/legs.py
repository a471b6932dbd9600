"""The next leg of a driver's route, for the phone's small map: from where the truck is (the
phone's position, else the last stop finished, else the sorting center) to the next open stop,
along the streets when a road network is loaded (the road provider's leg geometry, the same
as the plan's GeoJSON draws), else straight.

Scoped like every route read: a driver their own route, an operator their center's,
dispatchers and admins any; another's route is 404."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core.errors import Invalid
from backend.network.models import Site
from backend.planning.models import Plan, RouteStop
from backend.planning.services.routes import get_visible_route
from backend.roads import services as roads

OPEN = ("planned", "arrived")
FINISHED = ("done", "missed")


def _start(session: Session, stops: list[RouteStop], plan: Plan) -> tuple[tuple[float, float], str]:
    """Where the truck is when the phone did not say: the last stop finished, else the center."""
    finished = [s for s in stops if s.status in FINISHED]
    if finished:
        last = finished[-1]
        return (last.lat, last.lon), "last_stop"
    center = session.get(Site, plan.center_id)
    return (center.lat, center.lon), "center"


def next_leg(session: Session, config: Mapping[str, Any], user: User, route_id: int, args: dict) -> dict:
    """The leg to the next open stop of a route ``user`` may see (no stop left: no leg), from
    the phone's position when ``args`` gives lat and lon."""
    route = get_visible_route(session, user, route_id)
    given = [k for k in ("lat", "lon") if k in args]
    if len(given) == 1:
        raise Invalid.field("lon" if given == ["lat"] else "lat", "lat and lon go together")
    here = (args["lat"], args["lon"]) if given else None
    stops = sorted(route.stops, key=lambda s: s.seq)
    target = next((s for s in stops if s.status in OPEN), None)
    out: dict[str, Any] = {"route_id": route.id, "stop_id": None, "seq": None, "geometry": None, "points": []}
    if target is None:
        return out
    plan = session.get(Plan, route.plan_id)
    origin, source = (here, "position") if here is not None else _start(session, stops, plan)
    destination = (target.lat, target.lon)
    provider = roads.provider(config)
    leg = provider.leg(origin, destination) if hasattr(provider, "leg") else None
    # A stop the network cannot reach from here (or no network at all) is drawn straight.
    points = leg.points if leg is not None else [origin, destination]
    out.update(
        stop_id=target.id,
        seq=target.seq,
        origin=source,
        geometry="streets" if leg is not None else "straight",
        points=[[lat, lon] for lat, lon in points],
        distance_m=round(leg.distance_m, 1) if leg is not None else None,
        duration_s=round(leg.duration_s, 1) if leg is not None else None,
    )
    return out
