"""Daily plans: create (solved in the background), read, GeoJSON, dispatch, re-plan; the day's
routes and stop events.

Who sees what: plans are for dispatchers, admins and the operators of the plan's center; a
driver is refused plans by role (403) and reads their own routes instead. Where the role is
right but the object is not theirs (another center's plan, another driver's route) the answer
is 404, so ids cannot be probed. The rules are the planning services' (``plan_scope``,
``route_scope``)."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from backend.core.api import Blueprint, page
from backend.core.auth import current_user, roles
from backend.core.errors import Conflict
from backend.core.extensions import db
from backend.core.jobs import has_queue
from backend.planning.jobs import submit_plan
from backend.planning.models import Plan
from backend.planning.schemas import (
    CityDayCreateSchema,
    CityDaySchema,
    DispatchSchema,
    PlanArgs,
    PlanCreateSchema,
    PlanListSchema,
    PlanSchema,
    ReplanSchema,
    RouteArgs,
    RouteSheetSchema,
    RouteStopSchema,
    StopEventSchema,
)
from backend.planning.services import cityday, dispatch, lifecycle, view
from backend.planning.services import routes as route_service

blp = Blueprint("plans", __name__, url_prefix="/api/v1/plans", description="Daily collection plans")
routes = Blueprint("routes", __name__, url_prefix="/api/v1/routes", description="Route execution")
PLANNERS = ("dispatcher", "admin")
PLAN_READERS = (*PLANNERS, "operator")


QUEUE_DOWN = "The job queue did not take the plan (it is kept, failed, with the reason): try again later"


def _queued(plan: Plan):
    submit_plan(plan.id)
    db.session.refresh(plan)  # without a queue it was solved inline, by another connection
    return {"id": plan.id, "status": plan.status, "url": f"/api/v1/plans/{plan.id}"}, 202


@blp.route("")
class Plans(MethodView):
    @roles(blp, *PLAN_READERS)
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
    @blp.alt_response(503, description=QUEUE_DOWN)
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


@blp.route("/city-days")
class CityDays(MethodView):
    @roles(blp, *PLANNERS)
    @blp.arguments(CityDayCreateSchema)
    @blp.response(202, CityDaySchema)
    @blp.alt_response(422, description="No active sorting center has an active truck")
    @blp.alt_response(409, description="This server has no job queue (it solves plans inline)")
    @blp.alt_response(503, description=QUEUE_DOWN)
    def post(self, data):
        """Plan the whole city's day: a plan per sorting center, solved side by side by the workers

        Answered at once (202) with the child plans; a large plan is solved in parts, each a
        job of its own, merged when its last part is done. Follow the day at its own URL.
        """
        if not has_queue(current_app):
            # Ten centers' plans solved inside one request would hold it for many minutes:
            # the city's day is for the workers (`recyclenet plan-day` solves it inline).
            raise Conflict(
                "this server has no job queue to plan the city's day on: serve it with REDIS_URL and "
                "`recyclenet worker`, or run `recyclenet plan-day`"
            )
        options = dispatch.plan_options(current_app.config, data["options"])
        city_day = cityday.create_city_day(db.session, data["date"], options, current_user())
        for plan in city_day.plans:
            submit_plan(plan.id)
        db.session.expire_all()  # without a queue they were solved inline, by other connections
        return cityday.city_day_view(db.session, cityday.get_city_day(db.session, city_day.id))


@blp.route("/city-days/<int:city_day_id>")
class CityDayView(MethodView):
    @roles(blp, *PLANNERS)
    @blp.response(200, CityDaySchema)
    @blp.alt_response(404, description="No such city day")
    def get(self, city_day_id):
        """The city's day: its status, and each center's plan with its status and progress"""
        return cityday.city_day_view(db.session, cityday.get_city_day(db.session, city_day_id))


@blp.route("/<int:plan_id>")
class PlanView(MethodView):
    @roles(blp, *PLAN_READERS)
    @blp.response(200, PlanSchema)
    @blp.alt_response(404, description="No such plan, or another center's (to an operator)")
    def get(self, plan_id):
        """Status and progress; when done, routes, stops, totals, the baseline and the saving"""
        return view.describe_plan(db.session, dispatch.get_visible_plan(db.session, current_user(), plan_id))


@blp.route("/<int:plan_id>/geojson")
class PlanGeoJSON(MethodView):
    @roles(blp, *PLAN_READERS)
    @blp.response(200)
    @blp.alt_response(404, description="No such plan, or another center's (to an operator)")
    def get(self, plan_id):
        """The plan as a GeoJSON FeatureCollection (route LineStrings, stop Points)"""
        plan = dispatch.get_visible_plan(db.session, current_user(), plan_id)
        return dispatch.geojson(db.session, plan, current_app.config)


@blp.route("/<int:plan_id>/dispatch")
class Dispatch(MethodView):
    @roles(blp, *PLANNERS)
    @blp.arguments(DispatchSchema, required=False)
    @blp.response(200, PlanSchema)
    @blp.alt_response(404, description="No such plan")
    @blp.alt_response(409, description="The plan is not solved, or another is dispatched for its center and day")
    @blp.alt_response(422, description="A named route is not in the plan, or a named user is not an active driver")
    def post(self, data, plan_id):
        """Lock the plan for execution and give each route its driver

        The body is optional: routes it does not name get whoever drove the same truck in the
        plan this one re-plans, else the vehicle's default driver (or none).
        """
        plan = dispatch.get_plan(db.session, plan_id)
        return dispatch.dispatch(db.session, plan, current_user(), data.get("drivers"))


@blp.route("/<int:plan_id>/replan")
class Replan(MethodView):
    @roles(blp, *PLANNERS)
    @blp.arguments(ReplanSchema)
    @blp.response(202)
    @blp.alt_response(503, description=QUEUE_DOWN)
    def post(self, data, plan_id):
        """Move stops to other routes or drop them, and plan the rest again (a new plan)"""
        plan = dispatch.get_plan(db.session, plan_id)
        return _queued(dispatch.replan(db.session, plan, current_user(), data["moves"], data["drops"]))


@blp.route("/<int:plan_id>/cancel")
class Cancel(MethodView):
    @roles(blp, *PLANNERS)
    @blp.response(200, PlanSchema)
    @blp.alt_response(404, description="No such plan")
    @blp.alt_response(409, description="The plan is no longer queued or solving (done, failed, dispatched, superseded)")
    def post(self, plan_id):
        """Cancel a queued plan, or stop a solving one

        A queued plan is cancelled at once. A solving plan gets `cancel_requested_at` and
        ends `cancelled` at its worker's next progress tick (about a second). Cancelling a
        cancelled plan again changes nothing.
        """
        plan = dispatch.get_plan(db.session, plan_id)
        return lifecycle.cancel_plan(db.session, plan, current_user())


@routes.route("")
class Routes(MethodView):
    @roles(routes, "driver", *PLAN_READERS)
    @routes.arguments(RouteArgs, location="query")
    @routes.response(200, RouteSheetSchema(many=True))
    @routes.paginate()
    def get(self, args, pagination_parameters):
        """The day's dispatched routes with their stops: a driver's own, an operator's center's, or all

        Dispatchers and admins may filter by center. Each stop says when, where (a booking's
        pickup address only on the route that serves it), what and how much to collect.
        """
        day = args.get("date") or route_service.city_today(current_app.config["TIMEZONE"])
        stmt = route_service.route_query(current_user(), day, args.get("center_id"))
        return route_service.route_sheets(db.session, page(stmt, pagination_parameters))


@routes.route("/<int:route_id>")
class RouteView(MethodView):
    @roles(routes, "driver", *PLAN_READERS)
    @routes.response(200, RouteSheetSchema)
    @routes.alt_response(404, description="No such route, or not one this user may see")
    def get(self, route_id):
        """A route with its stops: a driver only their own, an operator only their center's"""
        return route_service.route_sheet(
            db.session, route_service.get_visible_route(db.session, current_user(), route_id)
        )


@routes.route("/<int:route_id>/stops/<int:seq>/events")
class StopEvents(MethodView):
    @roles(routes, "driver", "dispatcher", "admin")
    @routes.arguments(StopEventSchema)
    @routes.response(200, RouteStopSchema)
    @routes.alt_response(404, description="No such route, or (to a driver) not their own")
    @routes.alt_response(409, description="The plan is not dispatched, or the stop is already past this status")
    @routes.alt_response(422, description="No such stop on the route, or a missed stop without a reason")
    @routes.doc(deprecated=True)
    def post(self, data, route_id, seq):
        """Deprecated: POST /api/v1/drivers/stops/{stop_id}/events instead (the phone's id and time)
        ---
        Arrived, done (with the estimated quantity) or missed (with the reason): a driver on their
        own route. Kept for existing clients; it moves the stop through the same service as the
        drivers' events (planning's advance_stop: the booking, the bin, custody), but has no
        event id (a resend is a 409, not the stored answer) and records no time but the server's,
        so the learned service times do not see it."""
        return dispatch.stop_event(db.session, route_id, seq, current_user(), data)


BLUEPRINTS = (blp, routes)
