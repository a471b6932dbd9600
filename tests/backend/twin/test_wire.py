"""A sweep's jobs take and return JSON: the twin's config, its policies and the fixed
calendars written as JSON text and rebuilt, exactly."""

from __future__ import annotations

import json

import pytest

from backend.twin import wire
from backend.twin.execute import make_provider
from backend.twin.policies import Policy
from backend.twin.registry import load_registry
from backend.twin.run import TwinConfig, scratch
from backend.twin.sim import open_city, plan_calendar


def through_json(data):
    return json.loads(json.dumps(data))


def test_a_config_and_its_policies_come_back_from_json_as_they_were():
    """Every field of a TwinConfig and of each Policy survives JSON text; a field the twin does not know is refused."""
    cfg = TwinConfig(
        days=3, seed=9, bins=40, time_limit=1.5, deterministic=True, bookings_per_day=2.5, rate_scale=2.0,
        world_seed=2009, city="helsinki",
    )  # fmt: skip
    policies = [Policy("need", 80.0, 15.0, 2.0), Policy("static", 1.5), Policy("count")]
    assert wire.config_from_json(through_json(wire.config_to_json(cfg))) == cfg
    assert wire.policies_from_json(through_json(wire.policies_to_json(policies))) == policies
    with pytest.raises(ValueError):
        wire.config_from_json({**wire.config_to_json(cfg), "__class__": "os.system"})
    with pytest.raises(ValueError):
        wire.policies_from_json([{"family": "need", "knob": 80.0, "hook": "x"}])


def test_a_fixed_calendar_comes_back_from_json_as_plan_calendar_made_it():
    """A real fixed calendar through JSON text: the same (center, weekday) keys, scale and (plate, [bin ids]) routes."""
    cfg = TwinConfig(days=2, seed=5, bins=16, time_limit=5.0, deterministic=True)
    with scratch() as workdir:
        _, engine, s = open_city(cfg, workdir)
        bins, centers, _ = load_registry(s, cfg.seed)
        fixed = plan_calendar(cfg, s, bins, centers, 1.5, make_provider(cfg.provider))
        s.close()
        engine.dispose()
    assert any(fixed.values())
    back = wire.calendars_from_json(through_json(wire.calendars_to_json({1.5: fixed})))
    assert back == {1.5: fixed}  # == tells a tuple from a list, not 1 from 1.0: the types below
    assert [type(scale) for scale in back] == [float]
    assert {tuple(map(type, key)) for key in back[1.5]} == {(int, int)}
    assert {(type(plate), type(ids)) for routes in back[1.5].values() for plate, ids in routes} == {(str, list)}
