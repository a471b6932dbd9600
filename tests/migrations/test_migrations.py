"""Alembic is the only way the schema changes: it must round-trip and match the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from backend.core import migrate
from backend.core.models import Base
from tests.conftest import BACKENDS, pg_admin


@pytest.fixture(params=BACKENDS)
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    server = request.getfixturevalue("pg_server")
    pg_admin(server, "CREATE DATABASE rn_empty")
    yield server.url("rn_empty")
    pg_admin(server, "DROP DATABASE rn_empty WITH (FORCE)")


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_round_trip(empty_url):
    """Empty -> head -> empty -> head works, and base leaves no table but Alembic's own."""
    migrate.upgrade(empty_url)
    assert set(Base.metadata.tables) <= _tables(empty_url)
    migrate.downgrade(empty_url, "base")
    assert _tables(empty_url) <= {"alembic_version"}
    migrate.upgrade(empty_url)
    assert set(Base.metadata.tables) <= _tables(empty_url)


def test_models_and_migrated_schema_agree(empty_url):
    """Autogenerate finds no difference between the models and the migrated schema."""
    migrate.upgrade(empty_url)
    engine = create_engine(empty_url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    engine.dispose()
    assert diff == []


def test_catalogue_is_seeded_with_hierarchy(empty_url):
    """The catalogue migration seeds parents and children (plastics -> PET) and hazardous flags."""
    migrate.upgrade(empty_url)
    engine = create_engine(empty_url)
    with engine.connect() as conn:
        rows = {
            r.code: r
            for r in conn.execute(
                text(
                    "SELECT c.code, c.hazardous, p.code AS parent FROM material_categories c "
                    "LEFT JOIN material_categories p ON p.id = c.parent_id"
                )
            )
        }
    engine.dispose()
    assert rows["plastics.pet"].parent == "plastics"
    assert rows["ewaste.refrigerator"].parent == "ewaste"
    assert rows["hazardous.fluorescent_lamps"].hazardous
    assert not rows["paper"].hazardous
    assert {"glass", "textiles", "tyres", "batteries.lead_acid", "metals.copper"} <= set(rows)
