"""Daily plans: create (solved in the background), read, GeoJSON, dispatch, re-plan; stop events."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from backend.core.api import Blueprint, page
from backend.core.auth import current_user, roles
from backend.core.extensions import db
from backend.planning.jobs import submit_plan
from backend.planning.models import Plan
from backend.planning.schemas import (
    PlanArgs,
    PlanCreateSchema,
    PlanListSchema,
    PlanSchema,
    ReplanSchema,
    RouteStopSchema,
    StopEventSchema,
)
from backend.planning.services import dispatch

blp = Blueprint("plans", __name__, url_prefix="/api/v1/plans", description="Daily collection plans")
routes = Blueprint("routes", __name__, url_prefix="/api/v1/routes", description="Route execution")
PLANNERS = ("dispatcher", "admin")


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
        stmt = dispatch.plan_query(current_user(), **args)
        return page(stmt, pagination_parameters)

    @roles(blp, *PLANNERS)
    @blp.arguments(PlanCreateSchema)
    @blp.response(202)
    def post(self, data):
        """Plan a sorting center's day: answered at once (202), solved in the background"""
        plan = dispatch.create_plan(
            db.session,
            data["center_id"],
            data["date"],
            dispatch.plan_options(current_app.config, data["options"]),
            current_user(),
        )
        return _queued(plan)


@blp.route("/<int:plan_id>")
class PlanView(MethodView):
    @roles(blp, *PLANNERS, "operator", "driver")
    @blp.response(200, PlanSchema)
    def get(self, plan_id):
        """Status and progress; when done, routes, stops, totals, the baseline and the saving"""
        return dispatch.get_visible_plan(db.session, current_user(), plan_id)


@blp.route("/<int:plan_id>/geojson")
class PlanGeoJSON(MethodView):
    @roles(blp, *PLANNERS, "operator", "driver")
    @blp.response(200)
    def get(self, plan_id):
        """The plan as a GeoJSON FeatureCollection (route LineStrings, stop Points)"""
        return dispatch.geojson(db.session, dispatch.get_visible_plan(db.session, current_user(), plan_id))


@blp.route("/<int:plan_id>/dispatch")
class Dispatch(MethodView):
    @roles(blp, *PLANNERS)
    @blp.response(200, PlanSchema)
    def post(self, plan_id):
        """Lock the plan for execution"""
        return dispatch.dispatch(db.session, dispatch.get_plan(db.session, plan_id), current_user())


@blp.route("/<int:plan_id>/replan")
class Replan(MethodView):
    @roles(blp, *PLANNERS)
    @blp.arguments(ReplanSchema)
    @blp.response(202)
    def post(self, data, plan_id):
        """Move stops to other routes or drop them, and plan the rest again (a new plan)"""
        plan = dispatch.get_plan(db.session, plan_id)
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
