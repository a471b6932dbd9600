"""The demo cities: Hangzhou (large, great-circle distances) and central Helsinki (small, on
the real streets of the OpenStreetMap extract the repository carries in ``data/``).

Helsinki's collection points are fixed: street points of the extract checked to lie on its
main network (reachable from each other both ways, within 25 m of a named street), so the
demo's routes follow streets instead of being dropped for a fragment the extract's edge
cut off. ``data/helsinki.osm.pbf.ATTRIBUTION.md`` gives the data's licence (ODbL).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
HELSINKI_EXTRACT = DATA / "helsinki.osm.pbf"


@dataclass(frozen=True)
class City:
    key: str
    name: str
    timezone: str
    # name (local), name (en), centre lat, lon, spread in degrees
    districts: tuple[tuple[str, str, float, float, float], ...]
    # name (local), name (en), district, lat, lon
    centers: tuple[tuple[str, str, str, float, float], ...]
    markets: tuple[tuple[str, str, str, float, float], ...]
    water: tuple[float, float, float] | None  # lat, lon, radius km: no collection point inside
    plate: str  # format with the truck's number
    device: str  # format with the bin's number
    station: str  # format with (district local name, district en name, number)
    # (count, kg, m3, which categories, hazardous licence) per sorting center
    fleet: tuple[tuple[int, float, float, str, bool], ...]
    fixed_points: str | None = None  # a JSON file of street points in data/ (else random points)
    # The twin's bookings lie this far (degrees, one sigma) around a collection point: a few
    # hundred metres in Hangzhou; at the street points themselves in central Helsinki, whose
    # clipped extract has service-road fragments a random point 30 m off a street can snap to.
    booking_spread_deg: float = 0.004
    extract: Path | None = None  # the OpenStreetMap extract the city's routes run on

    def points(self) -> list[tuple[float, float]]:
        if self.fixed_points is None:
            return []
        return [(p["lat"], p["lon"]) for p in json.loads((DATA / self.fixed_points).read_text())]


HANGZHOU = City(
    key="hangzhou",
    name="Hangzhou",
    timezone="Asia/Shanghai",
    districts=(
        ("上城区", "Shangcheng", 30.252, 120.178, 0.016),
        ("拱墅区", "Gongshu", 30.318, 120.146, 0.018),
        ("西湖区", "Xihu", 30.280, 120.100, 0.016),
        ("滨江区", "Binjiang", 30.205, 120.207, 0.016),
    ),
    centers=(
        ("拱墅再生资源分拣中心", "Gongshu sorting center", "Gongshu", 30.345, 120.127),
        ("滨江再生资源分拣中心", "Binjiang sorting center", "Binjiang", 30.188, 120.232),
        ("西湖再生资源分拣中心", "Xihu sorting center", "Xihu", 30.283, 120.062),
    ),
    markets=(
        ("杭州再生资源交易市场", "Hangzhou renewable resources market", "Linping", 30.405, 120.295),
        ("萧山再生资源集散市场", "Xiaoshan recycling distribution market", "Xiaoshan", 30.162, 120.268),
    ),
    water=(30.245, 120.145, 2.2),  # West Lake
    plate="浙A·D{:04d}",
    device="HZ-BIN-{:05d}",
    station="{}回收站 {:03d} / {} station {}",
    fleet=((3, 4000, 16.0, "general", False), (1, 2500, 14.0, "bulky", False), (1, 1200, 6.0, "hazardous", True)),
)

HELSINKI = City(
    key="helsinki",
    name="Helsinki",
    timezone="Europe/Helsinki",
    districts=(
        ("Kluuvi", "Kluuvi", 60.1712, 24.9460, 0.003),
        ("Kaartinkaupunki", "Kaartinkaupunki", 60.1660, 24.9480, 0.003),
        ("Kamppi", "Kamppi", 60.1690, 24.9380, 0.003),
        ("Kruununhaka", "Kruununhaka", 60.1740, 24.9520, 0.003),
    ),
    centers=(("Kampin lajittelukeskus", "Kamppi sorting center", "Kamppi", 60.17113, 24.9368),),
    markets=(
        ("Sörnäisten kierrätystori", "Sörnäinen recycling market", "Sörnäinen", 60.1870, 24.9620),
        ("Vuosaaren satama", "Vuosaari harbour market", "Vuosaari", 60.2090, 25.1950),
    ),
    water=None,
    plate="HEL-{:03d}",
    device="HEL-BIN-{:05d}",
    station="{} keräyspiste {:03d} / {} station {}",
    fleet=((2, 4000, 16.0, "general", False), (1, 2500, 14.0, "bulky", False), (1, 1200, 6.0, "hazardous", True)),
    fixed_points="helsinki_points.json",
    booking_spread_deg=0.0,
    extract=HELSINKI_EXTRACT,
)

CITIES = {c.key: c for c in (HANGZHOU, HELSINKI)}
