"""A deterministic demo city: Hangzhou (four urban districts, three sorting centers) or
central Helsinki (one sorting center, on the real streets of the extract in data/).

Coordinates are real (district centres, West Lake kept empty; Helsinki's street points);
everything else is invented but plausible. All writes go through the services, like any
other client's.
"""

from __future__ import annotations

import random
from datetime import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts import services as accounts
from backend.accounts.models import User
from backend.demo.cities import CITIES, HANGZHOU, City
from backend.network.models import MaterialCategory, Site
from backend.network.services import assets
from backend.network.services import sites as network
from routing.geo import haversine_km

# bin category code, weight in the mix, capacities in litres
BIN_MIX = [
    ("paper.mixed", 30, (660, 1100)),
    ("plastics.mixed", 30, (660, 1100)),
    ("metals", 10, (240, 660)),
    ("glass", 15, (240, 660)),
    ("textiles", 12, (660,)),
    ("hazardous", 3, (120, 240)),
]
GENERAL = [
    "paper",
    "paper.mixed",
    "paper.cardboard",
    "plastics",
    "plastics.mixed",
    "plastics.pet",
    "plastics.hdpe",
    "metals",
    "metals.ferrous",
    "metals.aluminium",
    "glass",
    "textiles",
]
BULKY = [
    "ewaste",
    "ewaste.refrigerator",
    "ewaste.air_conditioner",
    "ewaste.washing_machine",
    "ewaste.television",
    "ewaste.computer",
    "tyres",
    "metals.copper",
]
HAZARDOUS = [
    "hazardous",
    "hazardous.fluorescent_lamps",
    "hazardous.mercury_thermometers",
    "hazardous.pesticide_containers",
    "batteries.lead_acid",
]
DEMO_PASSWORD = "recyclenet-demo"


def _point(rng: random.Random, city: City, lat: float, lon: float, spread: float) -> tuple[float, float]:
    while True:
        p = (round(rng.gauss(lat, spread), 6), round(rng.gauss(lon, spread * 1.15), 6))
        if city.water is None or haversine_km(p[0], p[1], city.water[0], city.water[1]) > city.water[2]:
            return p


def _places(rng: random.Random, city: City, n: int) -> list[tuple[int, tuple[float, float]]]:
    """(district index, location) of ``n`` places: the city's fixed street points (nearest
    district), or random points around the district centres in turn."""
    fixed = city.points()
    if not fixed:
        out = []
        for i in range(n):
            _, _, lat0, lon0, spread = city.districts[i % len(city.districts)]
            out.append((i % len(city.districts), _point(rng, city, lat0, lon0, spread)))
        return out
    chosen = rng.sample(fixed, min(n, len(fixed)))

    def nearest(p: tuple[float, float]) -> int:
        return min(range(len(city.districts)), key=lambda d: haversine_km(*p, *city.districts[d][2:4]))

    return [(nearest(p), p) for p in chosen]


FLEET_CATEGORIES = {"general": GENERAL, "bulky": BULKY, "hazardous": HAZARDOUS}


def seed_demo_city(session: Session, *, seed: int = 7, n_bins: int = 240, city: str | City = HANGZHOU) -> dict:
    city = CITIES[city] if isinstance(city, str) else city
    if session.scalar(select(User.id).where(User.username == "admin")) is not None:
        return {"status": "already seeded (user 'admin' exists); nothing written"}
    rng = random.Random(seed)
    cats = {c.code: c for c in session.scalars(select(MaterialCategory))}
    ids = lambda codes: [cats[c].id for c in codes]  # noqa: E731

    markets = [
        network.create_site(
            session,
            {
                "tier": "distribution_market",
                "name": f"{zh} {en}",
                "district": d,
                "lat": lat,
                "lon": lon,
                "address": f"{d}, {city.name}",
                "opening_hours": "Mo-Sa 06:00-18:00",
                "category_ids": ids(GENERAL + BULKY),
            },
            None,
        )
        for zh, en, d, lat, lon in city.markets
    ]
    centers = [
        network.create_site(
            session,
            {
                "tier": "sorting_center",
                "name": f"{zh} {en}",
                "district": d,
                "lat": lat,
                "lon": lon,
                "address": f"{d}, {city.name}",
                "opening_hours": "Mo-Su 06:00-20:00",
                "category_ids": ids(GENERAL + BULKY + HAZARDOUS),
                "market_ids": [m.id for m in markets],
            },
            None,
        )
        for zh, en, d, lat, lon in city.centers
    ]

    n_points = max(4, round(n_bins / 3.5))
    points: list[Site] = []
    for i, (district, (lat, lon)) in enumerate(_places(rng, city, n_points)):
        zh, en = city.districts[district][:2]
        nearest = min(centers, key=lambda c: haversine_km(lat, lon, c.lat, c.lon))
        points.append(
            network.create_site(
                session,
                {
                    "tier": "collection_point",
                    "name": city.station.format(zh, i + 1, en, i + 1),
                    "district": en,
                    "lat": lat,
                    "lon": lon,
                    "address": f"{en} community {i + 1}, {city.name}",
                    "opening_hours": "Mo-Su 07:00-20:00",
                    "sorting_center_id": nearest.id,
                },
                None,
            )
        )

    n_points = len(points)
    accepted: dict[int, set[str]] = {p.id: set() for p in points}
    codes, weights = [m[0] for m in BIN_MIX], [m[1] for m in BIN_MIX]
    capacities = {m[0]: m[2] for m in BIN_MIX}
    for b in range(n_bins):
        point = points[b % n_points] if b < n_points else rng.choice(points)
        code = codes[b % 2] if b < n_points else rng.choices(codes, weights)[0]
        accepted[point.id].add(code)
        assets.create_bin(
            session,
            {
                "site_id": point.id,
                "category_id": cats[code].id,
                "capacity_l": float(rng.choice(capacities[code])),
                "device_id": city.device.format(b + 1),
                "empty_distance_mm": 1200,
                "full_distance_mm": 150,
                "fill_threshold_pct": 80.0,
            },
            None,
        )
    for point in points:
        network.update_site(session, point, {"category_ids": ids(sorted(accepted[point.id]))}, None)

    plate, trucks = 0, []
    for center in centers:
        for count, kg, m3, which, licence in city.fleet:
            codes_allowed = FLEET_CATEGORIES[which]
            for _ in range(count):
                plate += 1
                truck = assets.create_vehicle(
                    session,
                    {
                        "plate": city.plate.format(plate),
                        "home_center_id": center.id,
                        "capacity_kg": kg,
                        "capacity_m3": m3,
                        "tare_kg": round(kg * 1.6),
                        "hazardous_licence": licence,
                        "category_ids": ids(codes_allowed),
                        "shift_start": time(7, 0),
                        "shift_end": time(17, 0),
                        "cost_per_km": 4.5,
                        "fixed_cost": 300.0,
                    },
                    None,
                )
                trucks.append(truck)

    staff = [("admin", "admin", None), ("dispatcher", "dispatcher", None), ("driver", "driver", None)]
    staff += [(f"operator{i + 1}", "operator", c.id) for i, c in enumerate(centers)]
    for username, role, center_id in staff:
        user = accounts.create_user(
            session,
            {
                "username": username,
                "password": DEMO_PASSWORD,
                "role": role,
                "sorting_center_id": center_id,
                "display_name": username.title(),
            },
            None,
        )
        if role == "driver":  # drives the first center's first truck unless dispatched otherwise
            assets.update_vehicle(session, trucks[0], {"default_driver_id": user.id}, None)
    for i, (district, (lat, lon)) in enumerate(_places(rng, city, 6)):
        en = city.districts[district][1]
        accounts.register_resident(
            session,
            {
                "username": f"resident{i + 1}",
                "password": DEMO_PASSWORD,
                "display_name": f"Resident {i + 1}",
                "address": f"{en} residence {i + 1}, {city.name}",
                "district": en,
                "lat": lat,
                "lon": lon,
            },
        )
    return {
        "city": city.name,
        "markets": len(markets),
        "sorting_centers": len(centers),
        "collection_points": len(points),
        "bins": n_bins,
        "vehicles": plate,
        "users": len(staff) + 6,
        "demo_password": DEMO_PASSWORD,
    }
