"""Settings: config/default.toml, then a named settings file, then the environment.

The order is deliberate: files hold what an operator edits rarely, the environment holds
what differs per deployment (DATABASE_URL, MQTT_URL, REDIS_URL, SECRET_KEY) and secrets, and a dict
passed to ``create_app`` (tests, tools) wins over both.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

CONFIG_DIR = Path(__file__).resolve().parents[2] / "config"
ENV_PREFIX = "RECYCLENET_"
# Well-known names that are read without the prefix, as twelve-factor deployments expect.
UNPREFIXED_ENV = ("DATABASE_URL", "MQTT_URL", "REDIS_URL", "SECRET_KEY")


def _read_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _resolve_file(name_or_path: str) -> Path:
    """A bare name (``test``) means config/<name>.toml; anything else is a path."""
    candidate = Path(name_or_path)
    if candidate.suffix != ".toml":
        candidate = CONFIG_DIR / f"{name_or_path}.toml"
    if not candidate.is_file():
        raise FileNotFoundError(f"settings file not found: {candidate}")
    return candidate


def _coerce(raw: str, like: Any) -> Any:
    """Environment values are strings; give them the type of the default they override."""
    if isinstance(like, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(like, int):
        return int(raw)
    if isinstance(like, float):
        return float(raw)
    return raw


def load_settings(
    config: str | Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    environ = os.environ if environ is None else environ
    settings = _read_toml(CONFIG_DIR / "default.toml")
    overrides: Mapping[str, Any] = {}
    if isinstance(config, str):
        settings.update(_read_toml(_resolve_file(config)))
    elif config is not None:
        overrides = config
    named = environ.get(ENV_PREFIX + "CONFIG")
    if named and not isinstance(config, str):
        settings.update(_read_toml(_resolve_file(named)))
    for key, value in list(settings.items()):
        env_key = key if key in UNPREFIXED_ENV else ENV_PREFIX + key
        if env_key in environ:
            settings[key] = _coerce(environ[env_key], value)
    settings.update(overrides)
    return settings


def finalize(settings: dict[str, Any], instance_path: str) -> dict[str, Any]:
    """Fill the embedded defaults that depend on the instance folder."""
    instance = Path(instance_path)
    if not settings.get("DATABASE_URL"):
        instance.mkdir(parents=True, exist_ok=True)
        settings["DATABASE_URL"] = f"sqlite:///{instance / 'recyclenet.db'}"
    network = str(settings.get("ROAD_NETWORK") or "")
    if network and "://" not in network and not Path(network).is_absolute():
        settings["ROAD_NETWORK"] = str(instance / network)  # a relative road network is the instance's
    if not settings.get("SECRET_KEY"):
        settings["SECRET_KEY"] = _persistent_secret(instance / "secret_key")
    return settings


def _persistent_secret(path: Path) -> str:
    """A key generated once per instance, so issued tokens survive a restart."""
    if path.is_file():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
