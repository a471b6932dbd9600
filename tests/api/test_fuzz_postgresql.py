"""Schemathesis against the spec on PostgreSQL, as each role: no server error, every response as
declared, schema-valid requests accepted or answered with a declared status."""

from __future__ import annotations

import pytest

from tests.api.conftest import ROLES, fuzz_as


@pytest.mark.parametrize("role", ROLES)
def test_the_api_holds_to_its_spec_under_fuzzing_on_postgresql(live_city, role):
    """Coverage, fuzzing and stateful phases with every check pass as this role."""
    fuzz_as(live_city, "postgresql", role)
