"""What a sweep's jobs take and return, as plain JSON, and back.

A sweep's job may run in another process or on another machine (a process pool, the
platform's job workers), so its arguments and results travel as JSON, written and rebuilt
here field by field, never pickled: a queue message or a result in Redis is data, and who
can write to Redis must not be able to run code in the process that reads it. JSON has no
tuples, its numbers keep int or float as written, and its object keys are strings: the
fixed calendars' (center, weekday) keys and their float scales travel as lists instead, and
each is rebuilt with the types the simulation looks it up with. Anything else fails loudly.
"""

from __future__ import annotations

from dataclasses import asdict, fields

from backend.twin.policies import Policy
from backend.twin.run import TwinConfig

_CONFIG_FIELDS = frozenset(f.name for f in fields(TwinConfig))
_POLICY_FIELDS = frozenset(f.name for f in fields(Policy))


def _fields(data, known: frozenset, what: str) -> dict:
    if not isinstance(data, dict) or set(data) - known:
        raise ValueError(f"not a {what}: {data!r}")
    return data


def config_to_json(cfg: TwinConfig) -> dict:
    return asdict(cfg)


def config_from_json(data) -> TwinConfig:
    return TwinConfig(**_fields(data, _CONFIG_FIELDS, "twin config"))


def policies_to_json(policies: list[Policy]) -> list[dict]:
    return [asdict(p) for p in policies]


def policies_from_json(data) -> list[Policy]:
    return [Policy(**_fields(p, _POLICY_FIELDS, "policy")) for p in data]


def calendar_to_json(fixed: dict) -> list:
    """One fixed calendar, ``{(center_id, weekday): [(plate, [bin_id, ...]), ...]}``, as
    ``[[center_id, weekday, [[plate, [bin_id, ...]], ...]], ...]``."""
    return [
        [center, weekday, [[plate, list(bins)] for plate, bins in routes]]
        for (center, weekday), routes in fixed.items()
    ]


def calendar_from_json(data) -> dict:
    return {
        (int(center), int(weekday)): [(str(plate), [int(b) for b in bins]) for plate, bins in routes]
        for center, weekday, routes in data
    }


def calendars_to_json(calendars: dict) -> list:
    """Calendars by visit frequency scale as ``[[scale, calendar], ...]`` (see above)."""
    return [[scale, calendar_to_json(fixed)] for scale, fixed in calendars.items()]


def calendars_from_json(data) -> dict:
    return {float(scale): calendar_from_json(fixed) for scale, fixed in data}
