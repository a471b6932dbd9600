"""Topic contract v1 (docs/telemetry.md)."""

from __future__ import annotations

import re

PREFIX = "recyclenet/v1/bins"
DEVICE_ID = re.compile(r"^[A-Za-z0-9_.:-]{3,64}$")
KINDS = ("telemetry", "status")
SHARE_GROUP = "ingest"


class TopicError(ValueError):
    pass


def telemetry(device_id: str) -> str:
    return f"{PREFIX}/{device_id}/telemetry"


def status(device_id: str) -> str:
    return f"{PREFIX}/{device_id}/status"


def subscriptions(shared: bool = True) -> list[str]:
    """What the ingest worker subscribes to; shared so several workers split the load."""
    topics = [f"{PREFIX}/+/{kind}" for kind in KINDS]
    return [f"$share/{SHARE_GROUP}/{t}" for t in topics] if shared else topics


def parse(topic: str) -> tuple[str, str]:
    """(device_id, kind) of a topic, or TopicError."""
    parts = topic.split("/")
    if len(parts) != 5 or "/".join(parts[:3]) != PREFIX or parts[4] not in KINDS:
        raise TopicError(f"topic of the wrong shape: {topic[:120]!r}")
    if not DEVICE_ID.match(parts[3]):
        raise TopicError(f"invalid device id in topic: {parts[3][:64]!r}")
    return parts[3], parts[4]
