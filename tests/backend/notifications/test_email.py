"""E-mail over SMTP (both databases), through a real local SMTP server (aiosmtpd) started on
a free port: a resident's address is validated, their pickup messages are e-mailed as well
as texted, each delivered once, kept while the server is down and sent once when it is back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from backend.notifications.models import Notification
from backend.notifications.services import outbox, pickups, senders
from tests.backend.bookings.conftest import book
from tests.backend.notifications.test_pickup_messages import EVE
from tests.support.servers import free_port


class MailServer:
    """A real SMTP server on 127.0.0.1; ``stop`` takes it down, ``start`` brings it back on
    the same port. ``received`` holds (envelope recipients, parsed message)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[tuple[list[str], object]] = []
        self.controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        self.received.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def mail(app):
    server = MailServer()
    server.start()
    app.config.update(
        SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, SMTP_TLS="none", SMTP_FROM="recyclenet <noreply@example.org>",
        NOTIFY_CHANNEL="log", NOTIFY_TIMEOUT_S=2, QUIET_HOURS="",
    )  # fmt: skip
    yield server
    server.stop()


def _add_email(session, app, key="mail-1"):
    outbox.add(
        session, app.config, kind="reminder", channel="email", recipient="ada@example.org", dedupe_key=key, body="hello"
    )
    session.commit()
    return session.scalar(select(Notification).where(Notification.dedupe_key == key))


def _deliver(session, app, now):
    return outbox.deliver_due(session, app.config, senders.from_config(app.config), now=now)


def test_an_email_is_delivered_once_over_smtp(app, session, mail):
    """One message: one mail to its address, with its subject, body and the message id in the
    Message-ID; delivering again sends nothing more."""
    n = _add_email(session, app)
    now = datetime.now(UTC)
    assert _deliver(session, app, now)["sent"] == 1
    assert _deliver(session, app, now + timedelta(hours=1))["sent"] == 0
    assert len(mail.received) == 1
    rcpts, msg = mail.received[0]
    assert rcpts == ["ada@example.org"] and msg["To"] == "ada@example.org"
    assert msg["Subject"] == "Your pickup is tomorrow" and msg.get_payload().strip() == "hello"
    assert f"recyclenet-notification-{n.id}" in msg["Message-ID"]
    session.refresh(n)
    assert (n.status, n.channel, n.attempts) == ("sent", "email", 1)


def test_an_email_survives_the_server_being_down_and_is_delivered_once_when_it_is_back(app, session, mail):
    """Server down: connection refused, the message kept with why and a backoff; server back on
    the same port: delivered, once."""
    n = _add_email(session, app)
    mail.stop()
    now = datetime.now(UTC)
    assert _deliver(session, app, now)["retry"] == 1
    session.refresh(n)
    assert (n.status, n.attempts) == ("pending", 1) and "Connection" in n.last_error
    mail.start()
    assert _deliver(session, app, now)["sent"] == 0  # still backing off
    later = now + timedelta(hours=1)
    assert _deliver(session, app, later)["sent"] == 1
    assert _deliver(session, app, later + timedelta(hours=1))["sent"] == 0
    assert [r for r, _ in mail.received] == [["ada@example.org"]]
    session.refresh(n)
    assert n.status == "sent" and n.attempts == 2


def test_an_sms_still_goes_to_the_sms_channel_beside_email(app, session, mail):
    """The channel decides the sender: an SMS message never reaches the SMTP server."""
    outbox.add(session, app.config, kind="reminder", recipient="+8613912345678", dedupe_key="sms-1", body="hi")
    session.commit()
    assert _deliver(session, app, datetime.now(UTC))["sent"] == 1
    assert mail.received == []


def test_without_smtp_host_an_email_waits_and_says_why(app, session):
    """No relay configured: the e-mail is not lost silently, it retries with the reason."""
    app.config.update(SMTP_HOST="", NOTIFY_CHANNEL="log", QUIET_HOURS="")
    n = _add_email(session, app)
    assert _deliver(session, app, datetime.now(UTC))["retry"] == 1
    session.refresh(n)
    assert "SMTP_HOST" in n.last_error


def test_a_resident_email_is_validated_and_their_reminder_is_emailed_too(world, app, session, mail):
    """A malformed address is a 422 on the field; a valid one gets the reminder by e-mail beside
    the text, once however often the job runs, and resident2 (no address) only the text."""
    bad = world.client.patch("/api/v1/me", json={"email": "not-an-address"}, headers=world.headers("resident"))
    assert bad.status_code == 422 and "email" in str(bad.get_json())
    ok = world.client.patch("/api/v1/me", json={"email": "ada@example.org"}, headers=world.headers("resident"))
    assert ok.status_code == 200 and ok.get_json()["email"] == "ada@example.org"
    first = book(world).get_json()
    book(world, who="resident2", hour=10)
    assert pickups.queue_reminders(session, app.config, now=EVE) == 3
    assert pickups.queue_reminders(session, app.config, now=EVE) == 0
    emails = session.scalars(select(Notification).where(Notification.channel == "email")).all()
    assert [(n.booking_id, n.recipient) for n in emails] == [(first["id"], "ada@example.org")]
    assert _deliver(session, app, EVE)["sent"] == 3
    assert [r for r, _ in mail.received] == [["ada@example.org"]]
    assert "tomorrow" in mail.received[0][1].get_payload()
