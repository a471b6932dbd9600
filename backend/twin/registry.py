"""The network the twin simulates: read from its scratch database, or first copied there
from a city's own database (``recyclenet twin --from-db``)."""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core.db import make_engine
from backend.demo.fill import daily_fill
from backend.network.models import Bin, MaterialCategory, Site, Vehicle
from backend.network.services import assets
from backend.network.services import sites as network
from backend.twin.world import TwinBin


def load_registry(s: Session, seed: int):
    """The scratch city's bins (each with its own fill rate, drawn from ``seed``), its
    centers with their fleets, and its collection points."""
    rng = random.Random(seed)
    rows = s.execute(
        select(Bin, Site, MaterialCategory)
        .join(Site, Bin.site_id == Site.id)
        .join(MaterialCategory, Bin.category_id == MaterialCategory.id)
        .where(Bin.active.is_(True))
        .order_by(Bin.id)
    ).all()
    bins = [
        TwinBin(
            b.id,
            site.sorting_center_id,
            site.lat,
            site.lon,
            cat.code,
            cat.density_kg_m3,
            b.capacity_l,
            b.fill_threshold_pct,
            daily_fill(cat.code) * rng.uniform(0.5, 1.6),
        )
        for b, site, cat in rows
    ]
    centers = {}
    for c in s.scalars(select(Site).where(Site.tier == "sorting_center", Site.active.is_(True)).order_by(Site.id)):
        vehicles = [
            {
                "plate": v.plate,
                "capacity_kg": v.capacity_kg,
                "capacity_m3": v.capacity_m3,
                "shift": (
                    v.shift_start.hour * 3600 + v.shift_start.minute * 60,
                    v.shift_end.hour * 3600 + v.shift_end.minute * 60,
                ),
                "categories": [k.code for k in v.categories] or None,
                "hazardous": v.hazardous_licence,
                "cost_per_km": v.cost_per_km,
                "fixed_cost": v.fixed_cost,
            }
            for v in s.scalars(
                select(Vehicle).where(Vehicle.home_center_id == c.id, Vehicle.active.is_(True)).order_by(Vehicle.id)
            )
        ]
        if vehicles:
            centers[c.id] = {"id": c.id, "name": c.name, "lat": c.lat, "lon": c.lon, "vehicles": vehicles}
    points = [
        (p.sorting_center_id, p.lat, p.lon)
        for p in s.scalars(select(Site).where(Site.tier == "collection_point", Site.active.is_(True)).order_by(Site.id))
        if p.sorting_center_id in centers
    ]
    return bins, centers, points


def copy_registry(source_url: str, s: Session) -> None:
    """Load a city's network (sites, bins, vehicles) from another database into the scratch one."""
    src = Session(make_engine(source_url))
    ids = {}
    cats = {c.code: c.id for c in s.scalars(select(MaterialCategory))}
    src_sites = src.scalars(select(Site).order_by(Site.id)).all()
    for tier in ("distribution_market", "sorting_center", "collection_point"):
        for site in (x for x in src_sites if x.tier == tier and x.active):
            data = {
                "tier": tier,
                "name": site.name,
                "district": site.district,
                "lat": site.lat,
                "lon": site.lon,
                "category_ids": [cats[c.code] for c in site.categories],
            }
            if tier == "collection_point":
                data["sorting_center_id"] = ids[site.sorting_center_id]
            ids[site.id] = network.create_site(s, data, None).id
    for b in src.scalars(select(Bin).where(Bin.active.is_(True))):
        if b.site_id in ids:
            assets.create_bin(
                s,
                {
                    "site_id": ids[b.site_id],
                    "category_id": cats[b.category.code],
                    "capacity_l": b.capacity_l,
                    "device_id": b.device_id,
                    "fill_threshold_pct": b.fill_threshold_pct,
                },
                None,
            )
    for v in src.scalars(select(Vehicle).where(Vehicle.active.is_(True))):
        if v.home_center_id in ids:
            assets.create_vehicle(
                s,
                {
                    "plate": v.plate,
                    "home_center_id": ids[v.home_center_id],
                    "capacity_kg": v.capacity_kg,
                    "capacity_m3": v.capacity_m3,
                    "hazardous_licence": v.hazardous_licence,
                    "shift_start": v.shift_start,
                    "shift_end": v.shift_end,
                    "cost_per_km": v.cost_per_km,
                    "fixed_cost": v.fixed_cost,
                    "category_ids": [cats[c.code] for c in v.categories],
                },
                None,
            )
    src.close()
