"""Which stops and routes a user may report on or look at: the planning rules (a driver their
own route, an operator their center's, dispatchers and admins all), 404 for anything else."""

from __future__ import annotations

from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core.errors import Conflict, NotFound
from backend.planning.models import Plan, PlanRoute, RouteStop
from backend.planning.services.routes import get_visible_route

REPORTERS = ("driver", "dispatcher", "admin")


def visible_stop(session: Session, user: User, stop_id: int) -> tuple[RouteStop, PlanRoute]:
    """A stop on a route ``user`` may see; another driver's stop is 404 to them."""
    stop = session.get(RouteStop, stop_id)
    if stop is None:
        raise NotFound(f"stop {stop_id} not found")
    try:
        route = get_visible_route(session, user, stop.route_id)
    except NotFound:
        raise NotFound(f"stop {stop_id} not found") from None
    return stop, route


def reportable_stop(session: Session, user: User, stop_id: int) -> tuple[RouteStop, PlanRoute]:
    """A stop ``user`` may report at: on their own route (a driver) or any (dispatchers,
    admins), of a dispatched plan."""
    stop, route = visible_stop(session, user, stop_id)
    if user.role not in REPORTERS:
        raise NotFound(f"stop {stop_id} not found")
    if session.get(Plan, route.plan_id).status != "dispatched":
        raise Conflict("stop events are for routes of dispatched plans")
    return stop, route


def reportable_route(session: Session, user: User, route_id: int) -> PlanRoute:
    route = get_visible_route(session, user, route_id)
    if user.role not in REPORTERS:
        raise NotFound(f"route {route_id} not found")
    if session.get(Plan, route.plan_id).status != "dispatched":
        raise Conflict("positions are for routes of dispatched plans")
    return route
