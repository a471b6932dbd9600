"""Distance and travel-time matrices behind a Protocol: great-circle, planar, and the road
network (``routing.osrm``) all plug into the solver the same way.

Distances are integer metres (or the instance's unit times ``scale`` for planar data);
durations are integer seconds (or the same scaled ticks).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from routing.geo import EARTH_RADIUS_KM

Location = tuple[float, float]


@dataclass(frozen=True)
class Matrices:
    distance: np.ndarray  # int64, [i, j]
    duration: np.ndarray  # int64, [i, j]
    # Road networks only: True where no street route leads from i to j (the extract is
    # clipped at its edge). Such cells hold UNREACHABLE, never zero, so no plan uses them.
    unreachable: np.ndarray | None = None
    snap_m: np.ndarray | None = None  # per location: metres from the input point to its street


# Larger than any shift in seconds and any day's driving in metres: an arc that costs this
# breaks the time dimension, so the solver can only leave such a stop out (diagnose says why).
UNREACHABLE = 10**9


class MatrixProvider(Protocol):
    def matrices(self, locations: Sequence[Location]) -> Matrices: ...


def provider_label(provider: object) -> str:
    """What measured the kilometres, for every answer and report that gives some."""
    return getattr(provider, "label", type(provider).__name__)


@dataclass(frozen=True)
class SpeedBand:
    """Trucks are slow on the first kilometres of a hop (local streets) and faster beyond."""

    up_to_km: float
    speed_kmh: float


DEFAULT_SPEED_PROFILE = (SpeedBand(1.0, 15.0), SpeedBand(5.0, 25.0), SpeedBand(math.inf, 40.0))


def _hours_for(km: np.ndarray, profile: Sequence[SpeedBand]) -> np.ndarray:
    hours = np.zeros_like(km)
    lower = 0.0
    for band in profile:
        span = np.clip(km - lower, 0.0, band.up_to_km - lower)
        hours += span / band.speed_kmh
        lower = band.up_to_km
    return hours


@dataclass(frozen=True)
class GreatCircleProvider:
    """Great-circle distance times a circuity factor (streets are not straight lines),
    with travel times from a distance-banded speed profile. Locations are (lat, lon)."""

    circuity: float = 1.3
    speed_profile: tuple[SpeedBand, ...] = field(default=DEFAULT_SPEED_PROFILE)

    @property
    def label(self) -> str:
        return f"great-circle x{self.circuity:g}"

    def road_km(self, locations: Sequence[Location]) -> np.ndarray:
        pts = np.radians(np.asarray(locations, dtype=float).reshape(-1, 2))
        lat, lon = pts[:, 0][:, None], pts[:, 1][:, None]
        a = np.sin((lat.T - lat) / 2) ** 2 + np.cos(lat) * np.cos(lat.T) * np.sin((lon.T - lon) / 2) ** 2
        return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1))) * self.circuity

    def matrices(self, locations: Sequence[Location]) -> Matrices:
        km = self.road_km(locations)
        seconds = _hours_for(km, self.speed_profile) * 3600.0
        return Matrices(np.rint(km * 1000).astype(np.int64), np.ceil(seconds).astype(np.int64))


@dataclass(frozen=True)
class EuclideanProvider:
    """Planar coordinates (benchmark instances): distance = travel time = Euclidean length,
    scaled to integers. Travel times are rounded up, so a plan feasible in integers is
    feasible in exact arithmetic too."""

    scale: int = 1000
    label = "euclidean"

    def matrices(self, locations: Sequence[Location]) -> Matrices:
        pts = np.asarray(locations, dtype=float).reshape(-1, 2)
        d = np.sqrt(((pts[:, None, :] - pts[None, :, :]) ** 2).sum(axis=2)) * self.scale
        return Matrices(np.rint(d).astype(np.int64), np.ceil(d - 1e-9).astype(np.int64))
