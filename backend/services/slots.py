"""Pickup windows: which sorting center serves an address, and what is left in each window."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Site, SlotUsage
from backend.services.errors import Invalid
from routing.geo import haversine_km


@dataclass(frozen=True)
class SlotPolicy:
    timezone: ZoneInfo
    windows: tuple[tuple[time, time], ...]
    capacity: int
    days_ahead: int
    cutoff: timedelta
    service_radius_km: float

    @classmethod
    def from_config(cls, cfg) -> "SlotPolicy":
        windows = []
        for spec in cfg["SLOT_WINDOWS"]:
            start, end = spec.split("-")
            windows.append((time.fromisoformat(start), time.fromisoformat(end)))
        return cls(ZoneInfo(cfg["TIMEZONE"]), tuple(windows), int(cfg["SLOT_CAPACITY"]),
                   int(cfg["BOOKING_DAYS_AHEAD"]), timedelta(hours=cfg["BOOKING_CUTOFF_HOURS"]),
                   float(cfg["SERVICE_RADIUS_KM"]))

    def windows_on(self, day: date) -> list[tuple[datetime, datetime]]:
        tz = self.timezone
        return [(datetime.combine(day, a, tz), datetime.combine(day, b, tz)) for a, b in self.windows]

    def why_not_bookable(self, start: datetime, now: datetime) -> str | None:
        """Why a window cannot be booked at ``now`` (None: it can)."""
        if start - now < self.cutoff:
            return "too late to book this window"
        if (start.astimezone(self.timezone).date() - now.astimezone(self.timezone).date()).days > self.days_ahead:
            return f"bookings open {self.days_ahead} days ahead"
        return None

    def check_bookable(self, start: datetime, now: datetime) -> tuple[datetime, datetime]:
        """The offered window starting at ``start``, or a 422 naming window_start."""
        local = start.astimezone(self.timezone)
        for a, b in self.windows_on(local.date()):
            if a == start:
                reason = self.why_not_bookable(a, now)
                if reason:
                    raise Invalid.field("window_start", reason)
                return a, b
        raise Invalid.field("window_start", "not one of the offered pickup windows")


def serving_center(session: Session, lat: float, lon: float, radius_km: float) -> Site:
    """The sorting center of the nearest collection point within reach, else the nearest center."""
    sites = session.scalars(select(Site).where(Site.active.is_(True),
                                               Site.tier.in_(("collection_point", "sorting_center")))).all()
    points = [s for s in sites if s.tier == "collection_point" and s.sorting_center_id is not None]
    if points:
        nearest = min(points, key=lambda s: haversine_km(lat, lon, s.lat, s.lon))
        if haversine_km(lat, lon, nearest.lat, nearest.lon) <= radius_km:
            return nearest.sorting_center
    centers = [s for s in sites if s.tier == "sorting_center"]
    if not centers:
        raise Invalid.field("lat", "no sorting center serves this city yet")
    return min(centers, key=lambda s: haversine_km(lat, lon, s.lat, s.lon))


def list_slots(session: Session, policy: SlotPolicy, day: date, lat: float, lon: float,
               now: datetime | None = None) -> list[dict]:
    """The day's windows at the center serving (lat, lon), with the room left and whether
    they can still be booked (the cutoff and the booking horizon, in the city's time)."""
    now = now or datetime.now(timezone.utc)
    center = serving_center(session, lat, lon, policy.service_radius_km)
    windows = policy.windows_on(day)
    used = {u.window_start: u for u in session.scalars(
        select(SlotUsage).where(SlotUsage.center_id == center.id,
                                SlotUsage.window_start.in_([a for a, _ in windows])))}
    out = []
    for a, b in windows:
        usage = used.get(a)
        capacity = usage.capacity if usage else policy.capacity
        booked = usage.booked if usage else 0
        out.append({"center_id": center.id, "window_start": a, "window_end": b, "capacity": capacity,
                    "remaining": max(0, capacity - booked), "bookable": policy.why_not_bookable(a, now) is None})
    return out
