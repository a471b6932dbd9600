"""Senders: how a message leaves the platform (NOTIFY_CHANNEL). Each has ``send(message)``
and raises on any failure, so the outbox keeps the message and tries again later.

- ``log``: written to the log (development, a city with no gateway yet).
- ``webhook``: POSTed as JSON to an SMS gateway's HTTP endpoint (NOTIFY_WEBHOOK_URL, with
  NOTIFY_WEBHOOK_TOKEN as a bearer token when set); any 2xx is accepted. The message id is
  sent as ``Idempotency-Key``, so a retry after a lost answer can be dropped by the gateway.
E-mail (SMTP) and WeChat template messages fit the same interface.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

log = logging.getLogger("recyclenet.notifications")


class LogSender:
    def send(self, message) -> None:
        log.info("notification %s to %s (%s): %s", message.id, message.recipient, message.kind, message.body)


class WebhookSender:
    def __init__(self, url: str, token: str = "", timeout_s: float = 5.0) -> None:
        if not url:
            raise ValueError("NOTIFY_CHANNEL = 'webhook' needs NOTIFY_WEBHOOK_URL")
        self.url, self.token, self.timeout_s = url, token, timeout_s

    def send(self, message) -> None:
        payload = {"id": message.id, "to": message.recipient, "kind": message.kind, "text": message.body}
        headers = {"Content-Type": "application/json", "Idempotency-Key": f"recyclenet-notification-{message.id}"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=json.dumps(payload).encode(), headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # raises on 4xx/5xx too
            if not 200 <= response.status < 300:
                raise RuntimeError(f"gateway answered {response.status}")


def from_config(config):
    channel = config["NOTIFY_CHANNEL"]
    if channel == "log":
        return LogSender()
    if channel == "webhook":
        return WebhookSender(config["NOTIFY_WEBHOOK_URL"], config["NOTIFY_WEBHOOK_TOKEN"], config["NOTIFY_TIMEOUT_S"])
    raise ValueError(f"NOTIFY_CHANNEL {channel!r}: 'log' or 'webhook'")
