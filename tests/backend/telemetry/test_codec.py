"""Telemetry contract v1: what a device may send, and the reason for what it may not."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from backend.telemetry import codec, topics

CAL = codec.Calibration(empty_distance_mm=1200, full_distance_mm=200)
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def enc(**body) -> bytes:
    return json.dumps(body).encode()


def test_rfc3339_and_epoch_timestamps_give_the_same_instant():
    """'Z', '+08:00' and epoch seconds all decode to aware UTC, to the millisecond."""
    a = codec.decode(enc(ts="2026-11-23T03:00:00.123456Z", fill_pct=40), CAL, NOW)
    b = codec.decode(enc(ts="2026-11-23T11:00:00.123+08:00", fill_pct=40), CAL, NOW)
    c = codec.decode(enc(ts=datetime(2026, 11, 23, 3, 0, 0, 123000, tzinfo=UTC).timestamp(), fill_pct=40), CAL, NOW)
    assert a.measured_at == b.measured_at == c.measured_at
    assert a.measured_at.tzinfo is not None and a.measured_at.microsecond == 123000


def test_distance_is_converted_with_the_bins_calibration():
    """Raw ultrasonic distance: empty distance is 0%, full distance 100%, clamped outside."""

    def fill(mm):
        return codec.decode(enc(ts="2026-11-23T03:00:00Z", distance_mm=mm), CAL, NOW).fill_pct

    assert fill(1200) == 0 and fill(200) == 100 and fill(700) == 50
    assert fill(1500) == 0 and fill(50) == 100


def test_alarms_battery_temperature_and_seq_are_kept():
    r = codec.decode(
        enc(
            ts="2026-11-23T03:00:00Z", fill_pct=10, battery_pct=55.5, temp_c=-3, alarms=["tilt", "fire", "fire"], seq=42
        ),
        CAL,
        NOW,
    )
    assert r.alarms == ("fire", "tilt") and r.battery_pct == 55.5 and r.temp_c == -3 and r.seq == 42


@pytest.mark.parametrize(
    "payload,reason",
    [
        (b"{not json", "malformed JSON"),
        (b"\xff\xfe", "malformed JSON"),
        (b"[1, 2]", "JSON object"),
        (enc(fill_pct=10), "missing ts"),
        (enc(ts="yesterday", fill_pct=10), "RFC 3339"),
        (enc(ts="2026-11-23T03:00:00", fill_pct=10), "UTC offset"),
        (enc(ts="2035-01-01T00:00:00Z", fill_pct=10), "implausible"),
        (enc(ts=1e20, fill_pct=10), "out of range"),
        (enc(ts="2026-11-23T03:00:00Z"), "fill_pct or distance_mm"),
        (enc(ts="2026-11-23T03:00:00Z", fill_pct=101), "out of range"),
        (enc(ts="2026-11-23T03:00:00Z", fill_pct="80"), "must be a number"),
        (enc(ts="2026-11-23T03:00:00Z", fill_pct=True), "must be a number"),
        (enc(ts="2026-11-23T03:00:00Z", fill_pct=50, battery_pct=-1), "out of range"),
        (enc(ts="2026-11-23T03:00:00Z", fill_pct=50, alarms="fire"), "list of strings"),
        (enc(ts="2026-11-23T03:00:00Z", fill_pct=50, alarms=["meteor"]), "unknown alarms"),
        (enc(ts="2026-11-23T03:00:00Z", fill_pct=50, seq=-4), "seq"),
        (b'{"ts": "2026-11-23T03:00:00Z", "fill_pct": 5, "pad": "' + b"x" * 3000 + b'"}', "exceeds"),
    ],
)
def test_bad_payloads_are_refused_with_a_reason(payload, reason):
    """Each kind of bad payload raises PayloadError whose message names the problem."""
    with pytest.raises(codec.PayloadError, match=reason):
        codec.decode(payload, CAL, NOW)


def test_topics_parse_and_refuse_wrong_shapes():
    """Only recyclenet/v1/bins/{device}/{telemetry|status} is accepted."""
    assert topics.parse("recyclenet/v1/bins/HZ-BIN-00001/telemetry") == ("HZ-BIN-00001", "telemetry")
    assert topics.parse(topics.status("abc")) == ("abc", "status")
    for bad in (
        "recyclenet/v1/bins/HZ-1",
        "recyclenet/v2/bins/HZ-1/telemetry",
        "recyclenet/v1/bins/HZ-1/cmd",
        "recyclenet/v1/bins/a/telemetry",
        "recyclenet/v1/bins/x y z/telemetry",
        "/recyclenet/v1/bins/abc/telemetry",
    ):
        with pytest.raises(topics.TopicError):
            topics.parse(bad)
    assert topics.subscriptions()[0] == "$share/ingest/recyclenet/v1/bins/+/telemetry"


def test_status_payloads():
    assert codec.decode_status(b"online") is True and codec.decode_status(b"offline") is False
    with pytest.raises(codec.PayloadError):
        codec.decode_status(b"sleepy")
