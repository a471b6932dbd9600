"""Telemetry payload codec, contract v1. Pure functions: bytes in, a reading or a reason out."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

MAX_PAYLOAD_BYTES = 2048
# Device alarms; where FIWARE's WasteContainer has a status for one, it is given here.
ALARMS = {
    "fire": "burning",
    "tilt": "dropped",
    "lid_open": "lidOpen",
    "moved": "moved",
    "vandalized": "vandalized",
    "low_battery": None,
    "sensor_fault": None,
}
EARLIEST = datetime(2020, 1, 1, tzinfo=UTC)
CLOCK_SKEW = timedelta(minutes=10)


class PayloadError(ValueError):
    """Why a payload cannot become a reading (stored as the dead letter's reason)."""


@dataclass(frozen=True)
class Calibration:
    empty_distance_mm: int
    full_distance_mm: int

    def fill_from_distance(self, distance_mm: float) -> float:
        span = self.empty_distance_mm - self.full_distance_mm
        pct = 100.0 * (self.empty_distance_mm - distance_mm) / span
        return round(min(100.0, max(0.0, pct)), 2)


@dataclass(frozen=True)
class DecodedReading:
    measured_at: datetime
    fill_pct: float
    distance_mm: int | None
    battery_pct: float | None
    temp_c: float | None
    alarms: tuple[str, ...]
    seq: int | None


def _number(data: dict, key: str, lo: float, hi: float, required: bool = False) -> float | None:
    if key not in data or data[key] is None:
        if required:
            raise PayloadError(f"missing {key}")
        return None
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise PayloadError(f"{key} must be a number, got {type(value).__name__}")
    if not lo <= value <= hi:
        raise PayloadError(f"{key} out of range [{lo}, {hi}]: {value}")
    return float(value)


def _timestamp(raw, now: datetime) -> datetime:
    if isinstance(raw, bool) or raw is None:
        raise PayloadError("missing ts")
    if isinstance(raw, (int, float)):
        if not math.isfinite(raw):
            raise PayloadError("ts must be finite")
        try:
            ts = datetime.fromtimestamp(raw, tz=UTC)
        except (OverflowError, OSError, ValueError):
            raise PayloadError(f"ts out of range: {raw}") from None
    elif isinstance(raw, str):
        try:
            ts = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise PayloadError(f"ts is not RFC 3339: {raw[:40]!r}") from None
        if ts.tzinfo is None:
            raise PayloadError("ts needs a UTC offset (RFC 3339)")
        ts = ts.astimezone(UTC)
    else:
        raise PayloadError(f"ts must be RFC 3339 text or epoch seconds, got {type(raw).__name__}")
    if ts < EARLIEST or ts > now + CLOCK_SKEW:
        raise PayloadError(f"ts implausible (device clock?): {ts.isoformat()}")
    # Millisecond resolution: a redelivered copy must collide on (bin, measured_at).
    return ts.replace(microsecond=ts.microsecond // 1000 * 1000)


def decode(payload: bytes, calibration: Calibration, now: datetime | None = None) -> DecodedReading:
    now = now or datetime.now(UTC)
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise PayloadError(f"payload of {len(payload)} bytes exceeds {MAX_PAYLOAD_BYTES}")
    try:
        data = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PayloadError(f"malformed JSON: {exc.__class__.__name__}") from None
    if not isinstance(data, dict):
        raise PayloadError("payload must be a JSON object")
    measured_at = _timestamp(data.get("ts"), now)
    fill = _number(data, "fill_pct", 0, 100)
    distance = _number(data, "distance_mm", 0, 20_000)
    if fill is None and distance is None:
        raise PayloadError("needs fill_pct or distance_mm")
    if fill is None:
        fill = calibration.fill_from_distance(distance)
    alarms = data.get("alarms", [])
    if not isinstance(alarms, list) or not all(isinstance(a, str) for a in alarms):
        raise PayloadError("alarms must be a list of strings")
    unknown = [a for a in alarms if a not in ALARMS]
    if unknown:
        raise PayloadError(f"unknown alarms: {unknown[:5]}")
    seq = data.get("seq")
    if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq < 2**63):
        raise PayloadError("seq must be a non-negative integer")
    return DecodedReading(
        measured_at=measured_at,
        fill_pct=round(fill, 2),
        distance_mm=int(distance) if distance is not None else None,
        battery_pct=_number(data, "battery_pct", 0, 100),
        temp_c=_number(data, "temp_c", -60, 150),
        alarms=tuple(sorted(set(alarms))),
        seq=seq,
    )


def decode_status(payload: bytes) -> bool:
    """True for online, False for offline (the Last Will)."""
    text = payload.decode("utf-8", "replace").strip().lower()
    if text not in ("online", "offline"):
        raise PayloadError(f"status must be 'online' or 'offline', got {text[:20]!r}")
    return text == "online"
