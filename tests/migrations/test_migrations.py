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


def _insert_bin_with_readings(url: str, instants: list[str]) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO sites (id, tier, name, address, district, lat, lon, opening_hours, active, version) "
                "VALUES (1, 'collection_point', 'P', 'A', 'D', 0, 0, '', true, 1)"
            )
        )
        category = conn.execute(text("SELECT min(id) FROM material_categories")).scalar()
        conn.execute(
            text(
                "INSERT INTO bins (id, site_id, category_id, capacity_l, device_id, empty_distance_mm, "
                "full_distance_mm, fill_threshold_pct, status, active, version) "
                "VALUES (1, 1, :c, 240, 'M-BIN-1', 1000, 100, 80, 'in_service', true, 1)"
            ),
            {"c": category},
        )
        for instant in instants:
            conn.execute(
                text(
                    "INSERT INTO readings (bin_id, measured_at, received_at, fill_pct, alarms) "
                    "VALUES (1, :t, :t, 10, '')"
                ),
                {"t": instant},
            )
    engine.dispose()


def _readings(url: str) -> list[tuple[str, str]]:
    """(measured_at, the table holding it) of every reading, oldest first."""
    engine = create_engine(url)
    where = "tableoid::regclass::text" if engine.dialect.name == "postgresql" else "'readings'"
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT measured_at, {where} FROM readings ORDER BY measured_at")).all()
    engine.dispose()
    return [(str(at)[:10], table) for at, table in rows]


def test_partitioning_migration_keeps_readings_both_ways(empty_url):
    """0008 -> 0009 keeps every reading (on PostgreSQL each moves to its month's partition, one far
    in the past to the default partition) and 0009 -> 0008 gives them back in a plain table."""
    from datetime import UTC, datetime

    this_month = datetime.now(UTC).strftime("%Y-%m-01 12:00:00+00:00")
    instants = ["2001-05-03 10:00:00+00:00", this_month]
    migrate.upgrade(empty_url, "0008")
    _insert_bin_with_readings(empty_url, instants)
    migrate.upgrade(empty_url, "0009")
    stored = _readings(empty_url)
    assert [at for at, _ in stored] == [i[:10] for i in instants]
    if empty_url.startswith("postgresql"):
        month_table = "readings_by_month.readings_" + this_month[:7].replace("-", "_")
        assert [table for _, table in stored] == ["readings_by_month.readings_default", month_table]
    migrate.downgrade(empty_url, "0008")
    assert _readings(empty_url) == [(i[:10], "readings") for i in instants]
    assert "readings_unpartitioned" not in _tables(empty_url)
