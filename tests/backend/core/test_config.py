"""Settings: files, then environment, then explicit overrides."""

from __future__ import annotations

from backend.core.config import finalize, load_settings


def test_environment_overrides_files():
    """DATABASE_URL and prefixed keys from the environment win over the TOML files, with their types."""
    s = load_settings(environ={"DATABASE_URL": "postgresql+psycopg://x/y", "RECYCLENET_TOKEN_TTL_SECONDS": "42"})
    assert s["DATABASE_URL"] == "postgresql+psycopg://x/y"
    assert s["TOKEN_TTL_SECONDS"] == 42


def test_named_file_then_dict_overrides():
    """config='test' loads config/test.toml; a dict passed to create_app wins over everything."""
    assert load_settings("test", environ={})["PASSWORD_TIME_COST"] == 1
    assert (
        load_settings({"TOKEN_TTL_SECONDS": 5}, environ={"RECYCLENET_TOKEN_TTL_SECONDS": "9"})["TOKEN_TTL_SECONDS"] == 5
    )


def test_embedded_default_is_sqlite_under_instance_and_secret_persists(tmp_path):
    """No DATABASE_URL means an SQLite file under instance/; the generated key is kept between starts."""
    first = finalize(load_settings(environ={}), str(tmp_path / "instance"))
    assert first["DATABASE_URL"] == f"sqlite:///{tmp_path / 'instance' / 'recyclenet.db'}"
    second = finalize(load_settings(environ={}), str(tmp_path / "instance"))
    assert first["SECRET_KEY"] == second["SECRET_KEY"] and len(first["SECRET_KEY"]) > 30
