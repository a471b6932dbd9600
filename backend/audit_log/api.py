"""The audit trail, for admins: who changed what and when, newest first, filterable."""

from __future__ import annotations

from flask.views import MethodView

from backend.audit_log import services as audit_log
from backend.audit_log.schemas import AuditEventArgs, AuditEventSchema
from backend.core.api import Blueprint, page
from backend.core.auth import roles

blp = Blueprint(
    "audit_log",
    __name__,
    url_prefix="/api/v1/audit-log",
    description="Who changed the registry, users, plans, prices and intakes: before and after",
)


@blp.route("")
class AuditLog(MethodView):
    @roles(blp, "admin")
    @blp.arguments(AuditEventArgs, location="query")
    @blp.response(200, AuditEventSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Changes, newest first, by object, actor, action, and time in [from, to)"""
        return page(audit_log.audit_event_query(**args), pagination_parameters)


BLUEPRINTS = (blp,)
