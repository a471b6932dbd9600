"""A local SMS gateway (a real HTTP server on a free port, started and stopped by the test)
and residents with proven phone numbers."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from backend.notifications.models import PhoneNumber
from tests.backend.conftest import build_world
from tests.support.servers import free_port


class SmsGateway:
    """Receives the platform's POSTs; ``up`` False answers 503 (the gateway is down)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[dict] = []
        self.up = True
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if not gateway.up:
                    self.send_response(503)
                    self.end_headers()
                    return
                gateway.received.append({**body, "key": self.headers.get("Idempotency-Key")})
                self.send_response(202)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sms"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(app):
    gw = SmsGateway()
    app.config.update(NOTIFY_CHANNEL="webhook", NOTIFY_WEBHOOK_URL=gw.url, NOTIFY_TIMEOUT_S=2, QUIET_HOURS="")
    yield gw
    gw.stop()


@pytest.fixture
def world(client, session):
    w = build_world(client, session)
    for who, number in (("resident", "+8613912345678"), ("resident2", "+8613800138000")):
        session.add(PhoneNumber(user_id=w.ids[f"user_{who}"], e164=number, verified_at=datetime.now(UTC)))
    session.commit()
    return w
