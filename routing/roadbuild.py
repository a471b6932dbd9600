"""Prepare an OpenStreetMap extract for ``OsrmProvider``: OSRM's extract, partition and
customize (the multi-level Dijkstra pipeline, car profile), run as ``python -m osrm``.

``build_network(extract, target)`` builds into a fresh folder beside ``target`` and then
points ``target`` (a symbolic link) at it with one atomic rename: a reader sees the old
network or the new one, never a half-built one, and a failed build leaves the old in place.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

NETWORK_NAME = "network"  # files are network.osrm.*, whatever the extract was called
META_FILE = "meta.json"


class BuildError(RuntimeError):
    """OSRM's tools failed on the extract (their log tail is in the message)."""


@dataclass(frozen=True)
class BuildReport:
    folder: Path  # the built folder (``target`` resolves to it)
    seconds: float
    extract_sha256: str


def car_profile() -> Path:
    import osrm  # local: only building needs the package's files

    return Path(osrm.__file__).parent / "share" / "profiles" / "car.lua"


def _run(step: list[str], cwd: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "osrm", *step], cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-5:])
        raise BuildError(f"osrm {step[0]} failed ({proc.returncode}):\n{tail}")


def build_folder(extract: str | Path, folder: Path, profile: Path | None = None) -> float:
    """Build the network of ``extract`` into an empty ``folder``; seconds taken."""
    extract = Path(extract).resolve()
    if not extract.is_file():
        raise BuildError(f"{extract}: no such extract")
    started = time.monotonic()
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"{NETWORK_NAME}.osm.pbf"
    shutil.copyfile(extract, source)  # OSRM names its output after its input
    _run(["extract", "-p", str(profile or car_profile()), source.name], folder)
    _run(["partition", f"{NETWORK_NAME}.osrm"], folder)
    _run(["customize", f"{NETWORK_NAME}.osrm"], folder)
    source.unlink()
    return time.monotonic() - started


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_network(
    extract: str | Path,
    target: str | Path,
    profile: Path | None = None,
    extras: Callable[[Path, Path], dict] | None = None,
) -> BuildReport:
    """Build ``extract`` and atomically make ``target`` (a symbolic link) point at it.
    ``extras(extract, folder)`` adds files of its own to the build (before the switch) and
    returns what to add to its ``meta.json``."""
    target = Path(target)
    builds = target.parent / f".{target.name}-builds"
    builds.mkdir(parents=True, exist_ok=True)
    if target.exists() and not target.is_symlink():
        raise BuildError(f"{target} exists and is not a network built here: move it away first")
    stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    folder = builds / stamp
    try:
        seconds = build_folder(extract, folder, profile)
        digest = sha256(Path(extract))
        meta = {"extract": Path(extract).name, "extract_sha256": digest, "built_seconds": round(seconds, 3)}
        if extras is not None:
            meta.update(extras(Path(extract), folder))
        (folder / META_FILE).write_text(json.dumps(meta, indent=2))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    link = builds / f"{stamp}.link"
    link.symlink_to(folder.resolve())
    os.replace(link, target)  # the atomic switch: readers see the old network or the new one
    for old in builds.iterdir():
        # Engines read the network into memory when they open it, so older builds can go.
        if old.is_symlink():
            old.unlink()
        elif old.resolve() != folder.resolve():
            shutil.rmtree(old, ignore_errors=True)
    return BuildReport(folder, seconds, digest)


def read_meta(folder: str | Path) -> dict:
    path = Path(folder) / META_FILE
    return json.loads(path.read_text()) if path.exists() else {}
