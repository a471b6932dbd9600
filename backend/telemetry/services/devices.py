"""Device credentials: issued per bin, stored only as a Mosquitto hash."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit_log.services import record
from backend.core.auth import Principal
from backend.core.common import commit
from backend.network.models import Bin
from backend.telemetry import broker_auth as mqtt_auth


def issue_credentials(session: Session, bins: list[Bin], actor: Principal | None = None) -> dict[str, str]:
    """New passwords for these bins: device id -> password, shown to the caller once.

    Each bin's new password is on record ("bin.credentials", by ``actor``; None: the system,
    as the CLI and the demo launcher), saying whether it replaced one: never the password
    or its hash.
    """
    issued = {}
    for b in bins:
        before = {"device_id": b.device_id, "mqtt_password": "set" if b.mqtt_password_hash else "none"}
        password = mqtt_auth.new_password()
        b.mqtt_password_hash = mqtt_auth.mosquitto_hash(password)
        issued[b.device_id] = password
        record(
            session, actor, "bin.credentials", "bin", b.id, before, {"device_id": b.device_id, "mqtt_password": "new"}
        )
    commit(session)
    return issued


def broker_accounts(session: Session) -> dict[str, str]:
    rows = session.execute(
        select(Bin.device_id, Bin.mqtt_password_hash).where(Bin.active.is_(True), Bin.mqtt_password_hash.is_not(None))
    )
    return dict(rows.all())
