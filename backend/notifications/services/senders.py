"""Senders: how a message leaves the platform (NOTIFY_CHANNEL). Each has ``send(message)``
and raises on any failure, so the outbox keeps the message and tries again later.

- ``log``: written to the log (development, a city with no gateway yet).
- ``webhook``: POSTed as JSON to an SMS gateway's HTTP endpoint (NOTIFY_WEBHOOK_URL, with
  NOTIFY_WEBHOOK_TOKEN as a bearer token when set); any 2xx is accepted. The message id is
  sent as ``Idempotency-Key``, so a retry after a lost answer can be dropped by the gateway.
- ``SmtpSender``: e-mail over SMTP (SMTP_HOST, SMTP_PORT, SMTP_TLS "none", "starttls" or
  "ssl", SMTP_USER and SMTP_PASSWORD when the relay wants a login, SMTP_FROM), for messages
  whose channel is "email" (residents who gave an e-mail address). The message id is the
  Message-ID, so a repeat after a lost answer is recognisable downstream.
``from_config`` gives one sender that hands each message to its channel's sender.
WeChat template messages fit the same interface.
"""

from __future__ import annotations

import json
import logging
import smtplib
import ssl
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import make_msgid

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


SUBJECTS = {
    "one_time_code": "Your recyclenet code",
    "reminder": "Your pickup is tomorrow",
    "on_its_way": "The truck is on its way",
    "collected": "Collected, thank you",
}
SMTP_TLS_MODES = ("none", "starttls", "ssl")


class SmtpSender:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        tls: str = "starttls",
        user: str = "",
        password: str = "",
        sender: str = "",
        timeout_s: float = 5.0,
    ) -> None:
        if not host:
            raise ValueError("e-mail notifications need SMTP_HOST")
        if tls not in SMTP_TLS_MODES:
            raise ValueError(f"SMTP_TLS {tls!r}: one of {', '.join(SMTP_TLS_MODES)}")
        if not sender:
            raise ValueError("e-mail notifications need SMTP_FROM")
        self.host, self.port, self.tls = host, int(port), tls
        self.user, self.password, self.sender, self.timeout_s = user, password, sender, timeout_s

    def _connect(self) -> smtplib.SMTP:
        if self.tls == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout_s, context=ssl.create_default_context())
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout_s)
        if self.tls == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        return smtp

    def send(self, message) -> None:
        mail = EmailMessage()
        mail["From"], mail["To"] = self.sender, message.recipient
        mail["Subject"] = SUBJECTS.get(message.kind, "recyclenet")
        mail["Message-ID"] = make_msgid(f"recyclenet-notification-{message.id}", domain="recyclenet")
        mail.set_content(message.body)
        with self._connect() as smtp:  # raises on refusal, timeout or a rejected recipient
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(mail)


class ByChannel:
    """Hands each message to its channel's sender; e-mail is built only when SMTP_HOST is set,
    so a city without a relay keeps texting (an e-mail message then waits and fails with why)."""

    def __init__(self, sms, email) -> None:
        self.sms, self.email = sms, email

    def send(self, message) -> None:
        if getattr(message, "channel", "sms") == "email":
            if self.email is None:
                raise RuntimeError("no SMTP_HOST configured for e-mail")
            self.email.send(message)
        else:
            self.sms.send(message)


def email_enabled(config) -> bool:
    return bool(config.get("SMTP_HOST"))


def smtp_from_config(config) -> SmtpSender:
    return SmtpSender(
        config["SMTP_HOST"],
        config["SMTP_PORT"],
        tls=config["SMTP_TLS"],
        user=config["SMTP_USER"],
        password=config["SMTP_PASSWORD"],
        sender=config["SMTP_FROM"],
        timeout_s=config["NOTIFY_TIMEOUT_S"],
    )


def sms_from_config(config):
    channel = config["NOTIFY_CHANNEL"]
    if channel == "log":
        return LogSender()
    if channel == "webhook":
        return WebhookSender(config["NOTIFY_WEBHOOK_URL"], config["NOTIFY_WEBHOOK_TOKEN"], config["NOTIFY_TIMEOUT_S"])
    raise ValueError(f"NOTIFY_CHANNEL {channel!r}: 'log' or 'webhook'")


def from_config(config) -> ByChannel:
    return ByChannel(sms_from_config(config), smtp_from_config(config) if email_enabled(config) else None)
