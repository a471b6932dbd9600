"""`recyclenet demo`: the whole stack on one machine, stopped cleanly with Ctrl-C.

Starts a Mosquitto and a Redis of its own (each on a free port, so neither collides with a
server already running here; Mosquitto's persistence and the exported password/ACL files
under instance/mosquitto, Redis's append-only file under instance/redis, so plans queued
when the demo stops are solved when it starts again), the ingest worker, the bin simulator,
a job worker and the scheduler, and the web app under gunicorn.
"""

from __future__ import annotations

import getpass
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from backend.core.extensions import db
from backend.network.models import Bin
from backend.telemetry import broker_auth as mqtt_auth
from backend.telemetry.services.devices import broker_accounts, issue_credentials
from iot.supervisor import stop_process


def _free_port(preferred: int) -> int:
    for port in (preferred, 0):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return s.getsockname()[1]
            except OSError:
                continue
    raise RuntimeError("no free port")


def _system_binary(name: str) -> str:
    found = shutil.which(name) or (f"/usr/sbin/{name}" if os.path.exists(f"/usr/sbin/{name}") else None)
    if not found:
        raise click.ClickException(f"{name} is not installed (make demo installs it)")
    return found


def _redis_command(home: Path, port: int) -> list[str]:
    # Append-only: the queue outlives a restart of the demo; protected mode off as it only
    # listens on the loopback interface.
    return [_system_binary("redis-server"), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(home),
            "--appendonly", "yes", "--save", "", "--protected-mode", "no", "--daemonize", "no"]  # fmt: skip


def _recyclenet() -> list[str]:
    script = Path(sys.executable).parent / "recyclenet"
    return [str(script)] if script.exists() else [sys.executable, "-c", "from backend.cli import main; main()"]


@click.command("demo")
@click.option("--port", default=5000, show_default=True)
@click.option("--mqtt-port", default=18830, show_default=True, help="Preferred; a free one is used if taken.")
@click.option("--redis-port", default=16379, show_default=True, help="Preferred; a free one is used if taken.")
@click.option("--speedup", default=120.0, show_default=True, help="Simulated seconds per real second.")
@with_appcontext
def demo(port: int, mqtt_port: int, redis_port: int, speedup: float) -> None:
    """Run broker, queue, ingest worker, bin simulator, job worker, scheduler and web app together."""

    home = Path(current_app.instance_path) / "mosquitto"
    home.mkdir(parents=True, exist_ok=True)
    session = db.session()
    missing = session.query(Bin).filter(Bin.active.is_(True), Bin.mqtt_password_hash.is_(None)).all()
    if missing:
        issue_credentials(session, missing)  # real devices would get theirs at installation
    ingest_pw, sim_pw = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    accounts = broker_accounts(session)
    accounts["recyclenet-ingest"] = mqtt_auth.mosquitto_hash(ingest_pw)
    accounts["recyclenet-simulator"] = mqtt_auth.mosquitto_hash(sim_pw)
    mqtt_auth.write_files(home, accounts, mqtt_auth.acl_text("recyclenet-ingest", "recyclenet-simulator"))
    mqtt_port = _free_port(mqtt_port)
    redis_port = _free_port(redis_port)
    redis_home = Path(current_app.instance_path) / "redis"
    redis_home.mkdir(parents=True, exist_ok=True)

    (home / "mosquitto.conf").write_text(
        f"listener {mqtt_port} 127.0.0.1\npersistence true\npersistence_location {home}/\n"
        f"user {getpass.getuser()}\nallow_anonymous false\npassword_file {home}/passwd\nacl_file {home}/acl\n"
        "max_queued_messages 0\nmax_inflight_messages 0\n"
    )
    env = {
        **os.environ,
        "DATABASE_URL": current_app.config["DATABASE_URL"],
        "MQTT_URL": f"mqtt://recyclenet-ingest:{ingest_pw}@127.0.0.1:{mqtt_port}",
        "RECYCLENET_SIMULATOR_MQTT_URL": f"mqtt://recyclenet-simulator:{sim_pw}@127.0.0.1:{mqtt_port}",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
    }
    logs = Path(current_app.instance_path) / "logs"
    logs.mkdir(exist_ok=True)
    children: list[tuple[str, subprocess.Popen]] = []

    def spawn(name: str, cmd: list[str]) -> None:
        proc = subprocess.Popen(
            cmd, env=env, stdout=open(logs / f"{name}.log", "ab"), stderr=subprocess.STDOUT, start_new_session=True
        )  # Ctrl-C reaches us; we stop them in order
        children.append((name, proc))
        click.echo(f"  {name:10} pid {proc.pid}, log {logs / (name + '.log')}")

    click.echo(
        f"recyclenet demo: MQTT on 127.0.0.1:{mqtt_port}, Redis on 127.0.0.1:{redis_port}, "
        f"web on http://127.0.0.1:{port}"
    )
    spawn("redis", _redis_command(redis_home, redis_port))
    spawn("mosquitto", [_system_binary("mosquitto"), "-c", str(home / "mosquitto.conf")])
    time.sleep(0.5)
    spawn("ingest", [*_recyclenet(), "ingest"])
    time.sleep(1.0)
    spawn(
        "simulator",
        [*_recyclenet(), "simulate-bins", "--interval", "60", "--speedup", str(speedup), "--backfill-hours", "0"],
    )
    spawn("worker", [*_recyclenet(), "worker", "--processes", "1", "--threads", "2", "--shutdown-timeout", "10"])
    spawn("scheduler", [*_recyclenet(), "scheduler"])
    spawn("web", [*_recyclenet(), "serve", "--bind", f"127.0.0.1:{port}"])
    click.echo("Ctrl-C stops everything.")
    stop = {"now": False}
    signal.signal(signal.SIGINT, lambda *_: stop.update(now=True))
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    try:
        while not stop["now"]:
            for name, proc in children:
                if proc.poll() is not None:
                    click.echo(f"{name} exited with {proc.returncode}; stopping the demo (see its log)")
                    stop["now"] = True
            time.sleep(0.5)
    finally:
        # web, scheduler, worker (back on the queue what it cannot finish), simulator, ingest
        # (acks its batch), the brokers last
        for _name, proc in reversed(children):
            stop_process(proc)
        click.echo("demo stopped.")
