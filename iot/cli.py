"""CLI commands of the MQTT side: ingest, telemetry, mqtt-auth, devices, simulate-bins."""

from __future__ import annotations

import csv
import json
import logging
import os
import signal
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from backend.core.extensions import db
from backend.network.models import Bin
from backend.telemetry import broker_auth as mqtt_auth
from backend.telemetry.models import Reading
from backend.telemetry.services import readings as telemetry
from backend.telemetry.services.devices import broker_accounts, issue_credentials
from backend.telemetry.services.retention import apply_retention
from iot import supervisor
from iot.ingest import IngestWorker, Settings
from iot.mqtt import BrokerUrl
from iot.simulator import Simulator


@click.command("ingest")
@click.option(
    "--client-id",
    default=lambda: os.environ.get("RECYCLENET_INGEST_CLIENT_ID", "recyclenet-ingest-1"),
    help="Stable per worker: the broker keeps this worker's session under it.",
)
@click.option(
    "--batch-size",
    type=int,
    default=lambda: int(os.environ.get("RECYCLENET_INGEST_BATCH_SIZE", 2000)),
    show_default="2000",
    help="Messages per transaction at most.",
)
@click.option(
    "--session-expiry",
    type=int,
    default=lambda: int(os.environ.get("RECYCLENET_INGEST_SESSION_EXPIRY", 7 * 24 * 3600)),
    show_default="7 days",
    help="Seconds the broker keeps this worker's session (0: retire it).",
)
@click.option("--no-shared", is_flag=True, help="Plain subscription instead of $share/ingest/...")
@click.option(
    "--processes",
    type=click.IntRange(1, 64),
    default=lambda: int(os.environ.get("RECYCLENET_INGEST_PROCESSES", 1)),
    show_default="1",
    help="Worker processes sharing the subscription (client ids CLIENT_ID-1..N); about one per core.",
)
@with_appcontext
def ingest(client_id: str, batch_size: int, session_expiry: int, no_shared: bool, processes: int) -> None:
    """Run the telemetry ingest worker until SIGTERM/SIGINT."""

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if processes > 1:
        if no_shared:
            raise click.UsageError("--processes needs the shared subscription (drop --no-shared)")

        sys.exit(supervisor.run(processes, client_id, batch_size, session_expiry))
    worker = IngestWorker(
        db,
        Settings(
            current_app.config["MQTT_URL"],
            client_id,
            batch_size=batch_size,
            session_expiry_s=session_expiry,
            shared=not no_shared,
        ),
    )
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: worker.stop())
    worker.run()


@click.group("telemetry", help="Telemetry operations.")
def telemetry_group() -> None:
    pass


@telemetry_group.command("stats")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text")
@with_appcontext
def telemetry_stats(fmt: str) -> None:
    """Counts of readings, dead letters, devices."""

    figures = telemetry.stats(db.session())
    click.echo(json.dumps(figures) if fmt == "json" else "\n".join(f"{k}: {v}" for k, v in figures.items()))


@telemetry_group.command("retention")
@click.option("--keep-raw-days", default=90, show_default=True, help="Raw readings kept this long.")
@click.option(
    "--keep-hourly-days", default=730, show_default=True, help="Older readings thinned to one per hour, kept this long."
)
@with_appcontext
def telemetry_retention(keep_raw_days: int, keep_hourly_days: int) -> None:
    """Thin readings older than --keep-raw-days to one per bin and hour; prune beyond."""

    outcome = apply_retention(db.session(), keep_raw_days, keep_hourly_days)
    click.echo(json.dumps(outcome))


@click.group("devices", help="Smart-bin devices.")
def devices_group() -> None:
    pass


@devices_group.command("credentials")
@click.option(
    "--device", "device_ids", multiple=True, help="Device id (repeatable). Default: every bin without credentials."
)
@click.option("--rotate", is_flag=True, help="Issue new passwords even to bins that have one.")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="CSV of device_id,password (mode 0600).")
@with_appcontext
def devices_credentials(device_ids, rotate: bool, out: str) -> None:
    """Issue MQTT passwords to bins; the clear passwords go to --out, only hashes are stored."""

    stmt = select(Bin).where(Bin.active.is_(True))
    if device_ids:
        stmt = stmt.where(Bin.device_id.in_(device_ids))
    elif not rotate:
        stmt = stmt.where(Bin.mqtt_password_hash.is_(None))
    issued = issue_credentials(db.session(), list(db.session.scalars(stmt)), None)  # the system
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["device_id", "password"])
        writer.writerows(sorted(issued.items()))
    click.echo(f"issued {len(issued)} device credentials -> {out}")


@click.group("mqtt-auth", help="Broker authentication files.")
def mqtt_auth_group() -> None:
    pass


@mqtt_auth_group.command("export")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--simulator-password", envvar="RECYCLENET_SIMULATOR_PASSWORD", help="Add the demo simulator's account.")
@with_appcontext
def mqtt_auth_export(directory: str, simulator_password: str | None) -> None:
    """Write a Mosquitto password file and ACL file to DIRECTORY."""

    broker = BrokerUrl.parse(current_app.config["MQTT_URL"])
    if not broker.username or not broker.password:
        raise click.ClickException("MQTT_URL must carry the ingest worker's user and password (mqtt://user:pw@host)")
    accounts = broker_accounts(db.session())
    accounts[broker.username] = mqtt_auth.mosquitto_hash(broker.password)
    simulator = None
    if simulator_password:
        simulator = "recyclenet-simulator"
        accounts[simulator] = mqtt_auth.mosquitto_hash(simulator_password)
    passwd, acl = mqtt_auth.write_files(directory, accounts, mqtt_auth.acl_text(broker.username, simulator))
    click.echo(f"{len(accounts)} accounts -> {passwd}, ACL -> {acl}")


@click.command("simulate-bins")
@click.option("--interval", default=900.0, show_default=True, help="Simulated seconds between a bin's reports.")
@click.option("--speedup", default=60.0, show_default=True, help="Simulated seconds per real second.")
@click.option("--duration", default=0.0, help="Stop after this many real seconds (0: run until Ctrl-C).")
@click.option("--seed", default=7, show_default=True)
@click.option("--bad-rate", default=0.01, show_default=True, help="Share of deliberately broken payloads.")
@click.option(
    "--backfill-hours", default=0.0, show_default=True, help="Start the simulated clock this far in the past."
)
@click.option(
    "--offline", is_flag=True, help="No broker: write the backfilled history through the ingest service and exit."
)
@with_appcontext
def simulate_bins(
    interval: float, speedup: float, duration: float, seed: int, bad_rate: float, backfill_hours: float, offline: bool
) -> None:
    """Publish realistic telemetry for the registered bins over MQTT."""

    url = os.environ.get("RECYCLENET_SIMULATOR_MQTT_URL", current_app.config["MQTT_URL"])
    sim = Simulator.from_registry(
        db.session(),
        url,
        interval=interval,
        speedup=speedup,
        seed=seed,
        bad_rate=0.0 if offline else bad_rate,
        backfill_hours=backfill_hours,
    )
    if offline:
        if db.session.scalar(select(func.count()).select_from(Reading)):
            click.echo("readings exist already: no backfill")
            return
        click.echo(f"backfilled {sim.backfill()} readings ({backfill_hours:g} hours)")
        return
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: sim.stop())
    sent = sim.run(duration or None)
    click.echo(f"published {sent} messages", err=True)
    sys.stdout.flush()


COMMANDS = (ingest, telemetry_group, devices_group, mqtt_auth_group, simulate_bins)
