"""paho-mqtt 2 clients configured the recyclenet way, from an MQTT_URL."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties


@dataclass(frozen=True)
class BrokerUrl:
    host: str
    port: int
    username: str | None
    password: str | None
    tls: bool

    @classmethod
    def parse(cls, url: str) -> BrokerUrl:
        u = urlparse(url)
        if u.scheme not in ("mqtt", "mqtts", "tcp"):
            raise ValueError(f"MQTT_URL must start with mqtt:// or mqtts://, got {url!r}")
        tls = u.scheme == "mqtts"
        return cls(
            u.hostname or "127.0.0.1",
            u.port or (8883 if tls else 1883),
            unquote(u.username) if u.username else None,
            unquote(u.password) if u.password else None,
            tls,
        )


def make_client(
    url: str | BrokerUrl,
    client_id: str = "",
    *,
    manual_ack: bool = False,
    username: str | None = None,
    password: str | None = None,
) -> mqtt.Client:
    broker = BrokerUrl.parse(url) if isinstance(url, str) else url
    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5, manual_ack=manual_ack
    )
    user, pw = username or broker.username, password or broker.password
    if user:
        client.username_pw_set(user, pw)
    if broker.tls:
        client.tls_set(cert_reqs=ssl.CERT_REQUIRED)
    client.reconnect_delay_set(min_delay=1, max_delay=30)
    client._recyclenet_broker = broker  # noqa: SLF001 - where connect() goes
    return client


def connect_properties(session_expiry_s: int | None = None, receive_maximum: int | None = None) -> Properties:
    props = Properties(PacketTypes.CONNECT)
    if session_expiry_s is not None:
        props.SessionExpiryInterval = session_expiry_s
    if receive_maximum is not None:
        props.ReceiveMaximum = receive_maximum
    return props


def connect(
    client: mqtt.Client, *, clean_start: bool = True, properties: Properties | None = None, keepalive: int = 30
) -> None:
    broker: BrokerUrl = client._recyclenet_broker  # noqa: SLF001
    client.connect(broker.host, broker.port, keepalive=keepalive, clean_start=clean_start, properties=properties)
