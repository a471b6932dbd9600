"""paho-mqtt 2 clients configured the recyclenet way, from an MQTT_URL."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

# Reconnect back-off: paho waits about RECONNECT_MIN_S after a failed attempt, doubling
# after each further failure up to RECONNECT_MAX_S, and starts again from the minimum once
# connected.
RECONNECT_MIN_S = 1
RECONNECT_MAX_S = 30


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
    client.reconnect_delay_set(min_delay=RECONNECT_MIN_S, max_delay=RECONNECT_MAX_S)
    client._recyclenet_broker = broker  # noqa: SLF001 - where connect() goes
    return client


def connect_properties(session_expiry_s: int | None = None, receive_maximum: int | None = None) -> Properties:
    props = Properties(PacketTypes.CONNECT)
    if session_expiry_s is not None:
        props.SessionExpiryInterval = session_expiry_s
    if receive_maximum is not None:
        props.ReceiveMaximum = receive_maximum
    return props


def broker_of(client: mqtt.Client) -> BrokerUrl:
    return client._recyclenet_broker  # noqa: SLF001


def connect(
    client: mqtt.Client, *, clean_start: bool = True, properties: Properties | None = None, keepalive: int = 30
) -> None:
    """Connect now; raises if the broker cannot be reached."""
    broker = broker_of(client)
    client.connect(broker.host, broker.port, keepalive=keepalive, clean_start=clean_start, properties=properties)


def connect_async(
    client: mqtt.Client, *, clean_start: bool = True, properties: Properties | None = None, keepalive: int = 30
) -> None:
    """Connect from the network thread that ``loop_start`` starts: a broker that is not up
    yet is tried again with the back-off above (``on_connect_fail`` after each failure)
    rather than raising here."""
    broker = broker_of(client)
    client.connect_async(broker.host, broker.port, keepalive=keepalive, clean_start=clean_start, properties=properties)
