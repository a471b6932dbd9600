"""The road network: which provider measures kilometres, and the street layer of the map."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from backend.core.api import Blueprint
from backend.core.auth import STAFF_ROLES, roles
from backend.roads import services as roads
from backend.roads.schemas import RoadsStatusSchema, StreetsArgs

blp = Blueprint("roads", __name__, url_prefix="/api/v1/roads", description="The road network and its street layer")


@blp.route("")
class RoadNetwork(MethodView):
    @roles(blp, *STAFF_ROLES)
    @blp.response(200, RoadsStatusSchema)
    @blp.alt_response(503, description="ROAD_NETWORK names a folder that holds no prepared network")
    def get(self):
        """Which provider measures every kilometre, and the loaded extract (with its attribution)"""
        return roads.status(current_app.config)


@blp.route("/streets")
class Streets(MethodView):
    @roles(blp, *STAFF_ROLES)
    @blp.arguments(StreetsArgs, location="query")
    @blp.response(200)
    @blp.alt_response(404, description="No street layer: no road network is loaded in this process's folder")
    @blp.alt_response(503, description="ROAD_NETWORK names a folder that holds no prepared network")
    def get(self, args):
        """GeoJSON street lines of the loaded extract inside a bounding box (the map's offline layer)"""
        lats, lons = sorted((args["south"], args["north"])), sorted((args["west"], args["east"]))
        bbox = (lats[0], lons[0], lats[1], lons[1])
        return roads.streets(current_app.config, bbox)


BLUEPRINTS = (blp,)
