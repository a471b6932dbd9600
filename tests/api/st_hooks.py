"""A Schemathesis check of our own, loaded with SCHEMATHESIS_HOOKS by tests/api/test_fuzz.py."""

from __future__ import annotations

import schemathesis


@schemathesis.check
def schema_valid_request_passes_validation(ctx, response, case):
    """A request the published spec calls valid never fails the server's own schema
    validation: such a 422 (webargs' body, without a domain `message`) is a bound the spec
    does not state. Domain rules answer 422 with a message, and are allowed."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and "message" not in body:
        raise AssertionError(f"the spec allows what the server's validation refuses: {body.get('errors')}")
    return None
