"""A resident's notifications and the kinds they turned off."""

from __future__ import annotations

from flask.views import MethodView

from backend.core.api import Blueprint, page
from backend.core.auth import current_user, roles
from backend.core.extensions import db
from backend.notifications.schemas import NotificationSchema, OptOutSchema
from backend.notifications.services import outbox as notifications

notes = Blueprint("notifications", __name__, url_prefix="/api/v1/me/notifications", description="My notifications")


@notes.route("")
class MyNotifications(MethodView):
    @roles(notes, "resident")
    @notes.response(200, NotificationSchema(many=True))
    @notes.paginate()
    def get(self, pagination_parameters):
        """Messages sent (or waiting) to me, newest first"""
        return page(notifications.for_user_query(current_user().id), pagination_parameters)


@notes.route("/opt-out")
class OptOut(MethodView):
    @roles(notes, "resident")
    @notes.response(200, OptOutSchema)
    def get(self):
        """The kinds of message I turned off"""
        return {"opt_out": notifications.opt_outs(db.session, current_user().id)}

    @roles(notes, "resident")
    @notes.arguments(OptOutSchema)
    @notes.response(200, OptOutSchema)
    def put(self, data):
        """Turn kinds of message off (the list replaces the previous one)"""
        return {"opt_out": notifications.set_opt_outs(db.session, current_user().id, data["opt_out"])}


BLUEPRINTS = (notes,)
