"""Daily plans: create (solved in the background), read, GeoJSON, dispatch, re-plan; stop events."""
from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from sqlalchemy import select

from backend.api.auth import current_user, roles
from backend.api.common import Blueprint, page
from backend.extensions import db
from backend.jobs import submit_plan
from backend.models import Plan
from backend.schemas.bookings import (
    PlanArgs, PlanCreateSchema, PlanListSchema, PlanSchema, ReplanSchema, RouteStopSchema, StopEventSchema,
)
from backend.services import dispatch
from backend.services.common import get_or_404
from backend.services.errors import NotFound

blp = Blueprint("plans", __name__, url_prefix="/api/v1/plans", description="Daily collection plans")
routes = Blueprint("routes", __name__, url_prefix="/api/v1/routes", description="Route execution")
PLANNERS = ("dispatcher", "admin")


def _options(raw: dict) -> dict:
    cfg = current_app.config
    return {"time_limit": float(raw.get("time_limit", cfg["PLAN_TIME_LIMIT_S"])),
            "horizon_hours": float(raw.get("horizon_hours", cfg["PLAN_HORIZON_HOURS"])),
            "optional_margin_pct": float(raw.get("optional_margin_pct", cfg["PLAN_OPTIONAL_MARGIN_PCT"])),
            **({"fill_threshold": raw["fill_threshold"]} if "fill_threshold" in raw else {})}


def _visible(plan_id: int) -> Plan:
    """A plan the caller may see: an operator only their own center's (plans carry residents'
    pickup locations); another center's plan is 404 to them."""
    plan = get_or_404(db.session, Plan, plan_id, "plan")
    user = current_user()
    if user.role == "operator" and plan.center_id != user.sorting_center_id:
        raise NotFound(f"plan {plan_id} not found")
    return plan


def _queued(plan: Plan):
    submit_plan(current_app.config, plan.id)
    return {"id": plan.id, "status": plan.status, "url": f"/api/v1/plans/{plan.id}"}, 202


@blp.route("")
class Plans(MethodView):
    @roles(blp, *PLANNERS, "operator", "driver")
    @blp.arguments(PlanArgs, location="query")
    @blp.response(200, PlanListSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Plans, newest first, by center, date or status"""
        stmt = select(Plan).order_by(Plan.id.desc())
        if current_user().role == "operator":
            stmt = stmt.where(Plan.center_id == current_user().sorting_center_id)
        if "center_id" in args:
            stmt = stmt.where(Plan.center_id == args["center_id"])
        if "date" in args:
            stmt = stmt.where(Plan.day == args["date"])
        if "status" in args:
            stmt = stmt.where(Plan.status == args["status"])
        return page(stmt, pagination_parameters)

    @roles(blp, *PLANNERS)
    @blp.arguments(PlanCreateSchema)
    @blp.response(202)
    def post(self, data):
        """Plan a sorting center's day: answered at once (202), solved in the background"""
        plan = dispatch.create_plan(db.session, data["center_id"], data["date"], _options(data["options"]), current_user())
        return _queued(plan)


@blp.route("/<int:plan_id>")
class PlanView(MethodView):
    @roles(blp, *PLANNERS, "operator", "driver")
    @blp.response(200, PlanSchema)
    def get(self, plan_id):
        """Status and progress; when done, routes, stops, totals, the baseline and the saving"""
        return _visible(plan_id)


@blp.route("/<int:plan_id>/geojson")
class PlanGeoJSON(MethodView):
    @roles(blp, *PLANNERS, "operator", "driver")
    @blp.response(200)
    def get(self, plan_id):
        """The plan as a GeoJSON FeatureCollection (route LineStrings, stop Points)"""
        return dispatch.geojson(db.session, _visible(plan_id))


@blp.route("/<int:plan_id>/dispatch")
class Dispatch(MethodView):
    @roles(blp, *PLANNERS)
    @blp.response(200, PlanSchema)
    def post(self, plan_id):
        """Lock the plan for execution"""
        return dispatch.dispatch(db.session, get_or_404(db.session, Plan, plan_id, "plan"), current_user())


@blp.route("/<int:plan_id>/replan")
class Replan(MethodView):
    @roles(blp, *PLANNERS)
    @blp.arguments(ReplanSchema)
    @blp.response(202)
    def post(self, data, plan_id):
        """Move stops to other routes or drop them, and plan the rest again (a new plan)"""
        plan = get_or_404(db.session, Plan, plan_id, "plan")
        return _queued(dispatch.replan(db.session, plan, current_user(), data["moves"], data["drops"]))


@routes.route("/<int:route_id>/stops/<int:seq>/events")
class StopEvents(MethodView):
    @roles(routes, "driver", "dispatcher", "admin")
    @routes.arguments(StopEventSchema)
    @routes.response(200, RouteStopSchema)
    def post(self, data, route_id, seq):
        """Arrived, done (with the estimated quantity) or missed (with the reason)"""
        return dispatch.stop_event(db.session, route_id, seq, current_user(), data)


BLUEPRINTS = (blp, routes)
