"""The network registry: categories, sites, bins, vehicles.

Admins write; staff read. Categories and sites are public to signed-in residents too
(they choose categories when booking and look for the nearest collection point).
Updates and deactivations need the resource's ETag in If-Match (428 without, 412 if stale).
`etag` sits under `roles` on each method, so a caller without the role gets 403, not 428.
"""

from __future__ import annotations

from flask.views import MethodView

from backend.core.api import Blueprint, page
from backend.core.auth import STAFF_ROLES, current_user, roles
from backend.core.extensions import db
from backend.core.schemas import NearArgs
from backend.network.schemas import (
    BinArgs,
    BinPatchSchema,
    BinSchema,
    CategoryArgs,
    CategoryPatchSchema,
    CategorySchema,
    SiteArgs,
    SitePatchSchema,
    SiteSchema,
    VehicleArgs,
    VehiclePatchSchema,
    VehicleSchema,
)
from backend.network.services import assets, catalog
from backend.network.services import sites as network

ANY_USER = ()
STAFF = STAFF_ROLES

categories = Blueprint(
    "categories",
    __name__,
    url_prefix="/api/v1/categories",
    description="Material categories (paper, plastics, metals, e-waste ...)",
)
sites = Blueprint(
    "sites",
    __name__,
    url_prefix="/api/v1/sites",
    description="Sites of the three tiers: collection points, sorting centers, markets",
)
bins = Blueprint("bins", __name__, url_prefix="/api/v1/bins", description="Smart bins at collection points")
vehicles = Blueprint("vehicles", __name__, url_prefix="/api/v1/vehicles", description="The fleet")


def _update(blp, schema, obj, data, update):
    blp.check_etag(obj, schema)
    return update(db.session, obj, data, current_user())


def _deactivate(blp, schema, obj, deactivate):
    blp.check_etag(obj, schema)
    deactivate(db.session, obj, current_user())


@categories.route("")
class Categories(MethodView):
    @roles(categories, *ANY_USER)
    @categories.arguments(CategoryArgs, location="query")
    @categories.response(200, CategorySchema(many=True))
    @categories.paginate()
    def get(self, args, pagination_parameters):
        """List categories"""
        return page(catalog.list_categories(db.session, **args), pagination_parameters)

    @roles(categories, "admin")
    @categories.arguments(CategorySchema)
    @categories.response(201, CategorySchema)
    def post(self, data):
        """Create a category"""
        return catalog.create_category(db.session, data, current_user())


@categories.route("/<int:category_id>")
class Category(MethodView):
    @roles(categories, *ANY_USER)
    @categories.etag
    @categories.response(200, CategorySchema)
    def get(self, category_id):
        """Read a category"""
        return catalog.get_category(db.session, category_id)

    @roles(categories, "admin")
    @categories.etag
    @categories.arguments(CategoryPatchSchema(partial=True))
    @categories.response(200, CategorySchema)
    def patch(self, data, category_id):
        """Update a category (If-Match required)"""
        obj = catalog.get_category(db.session, category_id)
        return _update(categories, CategorySchema, obj, data, catalog.update_category)

    @roles(categories, "admin")
    @categories.etag
    @categories.response(204)
    def delete(self, category_id):
        """Deactivate a category (If-Match required); history keeps referring to it"""
        obj = catalog.get_category(db.session, category_id)
        _deactivate(categories, CategorySchema, obj, catalog.deactivate_category)


@sites.route("")
class Sites(MethodView):
    @roles(sites, *ANY_USER)
    @sites.arguments(SiteArgs, location="query")
    @sites.response(200, SiteSchema(many=True))
    @sites.paginate()
    def get(self, args, pagination_parameters):
        """List sites, filtered by tier, district, category, or within radius_km of lat/lon"""
        near = NearArgs.near(args)
        filters = {k: v for k, v in args.items() if k not in ("lat", "lon", "radius_km")}
        refine = (lambda items: network.within(items, near)) if near else None
        return page(network.site_query(near=near, **filters), pagination_parameters, refine)

    @roles(sites, "admin")
    @sites.arguments(SiteSchema)
    @sites.response(201, SiteSchema)
    def post(self, data):
        """Register a site"""
        return network.create_site(db.session, data, current_user())


@sites.route("/<int:site_id>")
class SiteView(MethodView):
    @roles(sites, *ANY_USER)
    @sites.etag
    @sites.response(200, SiteSchema)
    def get(self, site_id):
        """Read a site"""
        return network.get_site(db.session, site_id)

    @roles(sites, "admin")
    @sites.etag
    @sites.arguments(SitePatchSchema(partial=True))
    @sites.response(200, SiteSchema)
    def patch(self, data, site_id):
        """Update a site (If-Match required)"""
        obj = network.get_site(db.session, site_id)
        return _update(sites, SiteSchema, obj, data, network.update_site)

    @roles(sites, "admin")
    @sites.etag
    @sites.response(204)
    def delete(self, site_id):
        """Deactivate a site (If-Match required)"""
        _deactivate(sites, SiteSchema, network.get_site(db.session, site_id), network.deactivate_site)


@bins.route("")
class Bins(MethodView):
    @roles(bins, *STAFF)
    @bins.arguments(BinArgs, location="query")
    @bins.response(200, BinSchema(many=True))
    @bins.paginate()
    def get(self, args, pagination_parameters):
        """List bins, filtered by site, category, sorting center or district"""
        return page(assets.bin_query(**args), pagination_parameters)

    @roles(bins, "admin")
    @bins.arguments(BinSchema)
    @bins.response(201, BinSchema)
    def post(self, data):
        """Register a bin"""
        return assets.create_bin(db.session, data, current_user())


@bins.route("/<int:bin_id>")
class BinView(MethodView):
    # GET (the bin with its state and forecast) is telemetry's: backend/telemetry/api.py.
    @roles(bins, "admin")
    @bins.etag
    @bins.arguments(BinPatchSchema(partial=True))
    @bins.response(200, BinSchema)
    def patch(self, data, bin_id):
        """Update a bin (If-Match required)"""
        return _update(bins, BinSchema, assets.get_bin(db.session, bin_id), data, assets.update_bin)

    @roles(bins, "admin")
    @bins.etag
    @bins.response(204)
    def delete(self, bin_id):
        """Retire a bin (If-Match required)"""
        _deactivate(bins, BinSchema, assets.get_bin(db.session, bin_id), assets.deactivate_bin)


@vehicles.route("")
class Vehicles(MethodView):
    @roles(vehicles, *STAFF)
    @vehicles.arguments(VehicleArgs, location="query")
    @vehicles.response(200, VehicleSchema(many=True))
    @vehicles.paginate()
    def get(self, args, pagination_parameters):
        """List vehicles, filtered by home center or category"""
        return page(assets.vehicle_query(**args), pagination_parameters)

    @roles(vehicles, "admin")
    @vehicles.arguments(VehicleSchema)
    @vehicles.response(201, VehicleSchema)
    def post(self, data):
        """Register a vehicle"""
        return assets.create_vehicle(db.session, data, current_user())


@vehicles.route("/<int:vehicle_id>")
class VehicleView(MethodView):
    @roles(vehicles, *STAFF)
    @vehicles.etag
    @vehicles.response(200, VehicleSchema)
    def get(self, vehicle_id):
        """Read a vehicle"""
        return assets.get_vehicle(db.session, vehicle_id)

    @roles(vehicles, "admin")
    @vehicles.etag
    @vehicles.arguments(VehiclePatchSchema(partial=True))
    @vehicles.response(200, VehicleSchema)
    def patch(self, data, vehicle_id):
        """Update a vehicle (If-Match required)"""
        obj = assets.get_vehicle(db.session, vehicle_id)
        return _update(vehicles, VehicleSchema, obj, data, assets.update_vehicle)

    @roles(vehicles, "admin")
    @vehicles.etag
    @vehicles.response(204)
    def delete(self, vehicle_id):
        """Deactivate a vehicle (If-Match required)"""
        obj = assets.get_vehicle(db.session, vehicle_id)
        _deactivate(vehicles, VehicleSchema, obj, assets.deactivate_vehicle)


BLUEPRINTS = (categories, sites, bins, vehicles)
