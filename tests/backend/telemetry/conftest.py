"""Helpers for the telemetry tests: one bin's messages at minutes after T0."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from backend.telemetry.services.readings import Incoming

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=6)
TOPIC = "recyclenet/v1/bins/T-BIN-1/telemetry"


def msg(minutes: float, topic: str = TOPIC, **body) -> Incoming:
    ts = T0 + timedelta(minutes=minutes)
    body.setdefault("fill_pct", 20.0)
    return Incoming(topic, json.dumps({"ts": ts.isoformat(), **body}).encode(), ts + timedelta(seconds=1))
