"""Sites of the three tiers and the links between them."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from backend.audit_log.services import record, snapshot
from backend.core.auth import Principal
from backend.core.common import apply, commit, flush, get_or_404, resolve, resolve_many
from backend.core.errors import Invalid, NotFound
from backend.network.models import MaterialCategory, Site
from backend.network.services.versions import sites_version
from routing.geo import bounding_box, haversine_km

FIELDS = ("tier", "name", "address", "district", "lat", "lon", "opening_hours", "active")


def site_query(
    *,
    tier: str | None = None,
    district: str | None = None,
    category_id: int | None = None,
    active: bool | None = None,
    sorting_center_id: int | None = None,
    near: tuple[float, float, float] | None = None,
):
    stmt = select(Site).order_by(Site.id)
    if tier:
        stmt = stmt.where(Site.tier == tier)
    if district:
        stmt = stmt.where(Site.district == district)
    if active is not None:
        stmt = stmt.where(Site.active == active)
    if sorting_center_id is not None:
        stmt = stmt.where(Site.sorting_center_id == sorting_center_id)
    if category_id is not None:
        stmt = stmt.where(Site.categories.any(MaterialCategory.id == category_id))
    if near is not None:
        lat, lon, radius = near
        lat0, lat1, lon0, lon1 = bounding_box(lat, lon, radius)
        stmt = stmt.where(Site.lat.between(lat0, lat1), Site.lon.between(lon0, lon1))
    return stmt


def within(items, near: tuple[float, float, float]):
    """Exact radius filter after the bounding box, nearest first."""
    lat, lon, radius = near
    scored = [(haversine_km(lat, lon, it.lat, it.lon), it) for it in items]
    return [it for d, it in sorted(scored, key=lambda p: (p[0], p[1].id)) if d <= radius]


def _check_links(session: Session, site: Site, data: dict) -> None:
    center_id = data.get("sorting_center_id", site.sorting_center_id)
    if site.tier == "collection_point":
        if center_id is None:
            raise Invalid.field("sorting_center_id", "a collection point must name its sorting center")
        center = resolve(session, Site, center_id, "sorting_center_id")
        if center.tier != "sorting_center":
            raise Invalid.field("sorting_center_id", f"site {center_id} is not a sorting center")
        site.sorting_center = center
    elif center_id is not None:
        raise Invalid.field("sorting_center_id", "only collection points are served by a sorting center")
    else:
        site.sorting_center = None

    market_ids = data.get("market_ids")
    if market_ids is not None:
        if site.tier != "sorting_center" and market_ids:
            raise Invalid.field("market_ids", "only sorting centers ship to markets")
        markets = resolve_many(session, Site, market_ids, "market_ids")
        wrong = [m.id for m in markets if m.tier != "distribution_market"]
        if wrong:
            raise Invalid.field("market_ids", f"not distribution markets: {wrong}")
        site.markets = markets
    elif site.tier != "sorting_center":
        site.markets = []
    if "category_ids" in data:
        site.categories = resolve_many(session, MaterialCategory, data["category_ids"], "category_ids")


def _snapshot(site: Site) -> dict:
    return snapshot(site, extra=("category_ids", "market_ids"))


def create_site(session: Session, data: dict, actor: Principal | None) -> Site:
    site = Site()
    apply(site, data, FIELDS)
    _check_links(session, site, data)
    session.add(site)
    flush(session)
    record(session, actor, "site.create", "site", site.id, None, _snapshot(site))
    commit(session)
    return site


def update_site(session: Session, site: Site, data: dict, actor: Principal | None) -> Site:
    tier_changes = "tier" in data and data["tier"] != site.tier
    if tier_changes and session.scalar(select(Site.id).where(Site.sorting_center_id == site.id)):
        raise Invalid.field("tier", "collection points are still served by this sorting center")
    before = _snapshot(site)
    with session.no_autoflush:
        apply(site, data, FIELDS)
        _check_links(session, site, data)
    flush(session)
    record(session, actor, "site.update", "site", site.id, before, _snapshot(site))
    commit(session)
    return site


def deactivate_site(session: Session, site: Site, actor: Principal | None) -> None:
    before = _snapshot(site)
    site.active = False
    flush(session)
    record(session, actor, "site.deactivate", "site", site.id, before, _snapshot(site))
    commit(session)


def get_site(session: Session, site_id: int) -> Site:
    return get_or_404(session, Site, site_id, "site")


def center_of(session: Session, center_id: int, field: str | None = None) -> Site:
    """The sorting center ``center_id``.

    Named in a URL (``field`` None), a site of another tier is no sorting center: 404, as a
    missing one. Named in a request body ``field``, it is a 422 on that field (the body is
    well-formed but points at the wrong kind of site); a missing one stays a 404.
    """
    site = session.get(Site, center_id)
    if site is None or (field is None and site.tier != "sorting_center"):
        raise NotFound(f"sorting center {center_id} not found")
    if site.tier != "sorting_center":
        raise Invalid.field(field, f"site {center_id} is not a sorting center")
    return site


def serving_center(session: Session, lat: float, lon: float, radius_km: float) -> Site:
    """The sorting center of the nearest collection point within reach, else the nearest center."""
    return session.get(Site, serving_center_id(session, lat, lon, radius_km))


def serving_center_id(session: Session, lat: float, lon: float, radius_km: float, version: tuple | None = None) -> int:
    """The id of ``serving_center``, from this process's copy of the sites' places.

    Every slot read and booking asks it: loading every site as an object each time was a
    sixth of their CPU. The copy is checked against the table's version (``versions``: one
    row of aggregates, read in the caller's transaction, so it sees what the caller itself
    just changed) and reloaded when any site was added, removed or changed, in this process
    or another: the answer is always the one the table gives now. ``version``: the sites'
    version the caller has just read in this transaction (``versions.network_versions``).

    The answers are remembered with the copy, per (lat, lon, radius): a resident reads the
    slots and then books from the same address, and the nearest of some hundred points was
    half of this function's CPU. They go with the copy when the sites change.
    """
    return _answer(placement_copy(session, version), lat, lon, radius_km)


def unchecked_serving_center_id(session: Session, lat: float, lon: float, radius_km: float) -> tuple[int, tuple] | None:
    """``serving_center_id`` by the copy as it is, not checked against the table, with the
    version the copy was made at: for a caller that reads the sites' version itself in a
    statement it runs anyway (a slot read), and uses the answer only if the two agree (else
    it asks ``serving_center_id``). None when there is no copy yet, or no center in it."""
    copy = _placements.get(session.get_bind(Site))
    if copy is None:
        return None
    try:
        return _answer(copy, lat, lon, radius_km), copy.version
    except Invalid:
        return None


def _answer(copy: Placement, lat: float, lon: float, radius_km: float) -> int:
    key = (lat, lon, radius_km)
    center_id = copy.answers.get(key)
    if center_id is None:
        center_id = _nearest(copy, lat, lon, radius_km)
        if len(copy.answers) >= MAX_ANSWERS:
            copy.answers.clear()  # bounded: a burst of new addresses cannot grow it forever
        copy.answers[key] = center_id
    return center_id


def _nearest(copy: Placement, lat: float, lon: float, radius_km: float) -> int:
    if copy.points:
        distance, center_id = min((haversine_km(lat, lon, p_lat, p_lon), c) for p_lat, p_lon, c in copy.points)
        if distance <= radius_km:
            return center_id
    if not copy.centers:
        raise Invalid.field("lat", "no sorting center serves this city yet")
    return min((haversine_km(lat, lon, c_lat, c_lon), c) for c_lat, c_lon, c in copy.centers)[1]


Places = tuple[tuple[float, float, int], ...]  # (lat, lon, sorting center id)
MAX_ANSWERS = 100_000


@dataclass
class Placement:
    version: tuple
    points: Places  # active collection points, with their center
    centers: Places  # active sorting centers
    answers: dict[tuple[float, float, float], int] = dataclass_field(default_factory=dict)


# Per engine (an app, a test's database): the copy of the active sites' places.
_placements: WeakKeyDictionary[Engine, Placement] = WeakKeyDictionary()


def placement(session: Session) -> tuple[Places, Places]:
    """The active collection points (with their center) and active sorting centers, as plain
    tuples, from the cache when the sites' version has not moved."""
    copy = placement_copy(session)
    return copy.points, copy.centers


def placement_copy(session: Session, version: tuple | None = None) -> Placement:
    engine = session.get_bind(Site)
    if version is None:
        version = sites_version(session)
    cached = _placements.get(engine)
    if cached is not None and cached.version == version:
        return cached
    rows = session.execute(
        select(Site.id, Site.tier, Site.lat, Site.lon, Site.sorting_center_id)
        .where(Site.active.is_(True), Site.tier.in_(("collection_point", "sorting_center")))
        .order_by(Site.id)
    ).all()
    points = tuple(
        (r.lat, r.lon, r.sorting_center_id)
        for r in rows
        if r.tier == "collection_point" and r.sorting_center_id is not None
    )
    centers = tuple((r.lat, r.lon, r.id) for r in rows if r.tier == "sorting_center")
    copy = _placements[engine] = Placement(version, points, centers)
    return copy
