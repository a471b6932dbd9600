"""Phone numbers: parsed and validated with libphonenumber (mainland China by default,
PHONE_REGION and PHONE_ALLOWED_REGIONS), kept in E.164, masked where a list does not need
them whole; and one-time codes that prove a person holds a number."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

import phonenumbers
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.channels.models import PhoneCode
from backend.core.errors import Invalid

CODE_DIGITS = 6


def normalize(text: str, config, field: str = "phone") -> str:
    """``text`` as E.164 (+8613812345678), or a 422 naming ``field``. A number without a
    country code is read as one of PHONE_REGION; only PHONE_ALLOWED_REGIONS are accepted."""
    try:
        number = phonenumbers.parse(text, config["PHONE_REGION"])
    except phonenumbers.NumberParseException:
        raise Invalid.field(field, "not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise Invalid.field(field, "not a valid phone number")
    allowed = [r.strip().upper() for r in str(config["PHONE_ALLOWED_REGIONS"]).split(",") if r.strip()]
    if allowed and phonenumbers.region_code_for_number(number) not in allowed:
        raise Invalid.field(field, f"only numbers of {', '.join(allowed)} are accepted")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask(e164: str) -> str:
    """+86 138****5678: enough to tell two callers apart, not enough to call them."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return "****"
    national = str(number.national_number)
    keep_head = min(3, max(0, len(national) - 6))
    hidden = len(national) - keep_head - 4
    return f"+{number.country_code} {national[:keep_head]}{'*' * hidden}{national[-4:]}"


def _digest(secret: str, e164: str, code: str) -> str:
    return hmac.new(secret.encode(), f"{e164}:{code}".encode(), hashlib.sha256).hexdigest()


def issue_code(session: Session, config, e164: str, now: datetime | None = None) -> str:
    """A fresh code for ``e164`` (earlier unused ones die with it); the caller commits and
    sends it. Only its keyed hash is stored."""
    now = now or datetime.now(UTC)
    session.execute(
        update(PhoneCode)
        .where(PhoneCode.e164 == e164, PhoneCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    session.add(
        PhoneCode(
            e164=e164,
            code_hash=_digest(config["SECRET_KEY"], e164, code),
            expires_at=now + timedelta(seconds=int(config["PHONE_CODE_TTL_S"])),
        )
    )
    return code


def redeem_code(session: Session, config, e164: str, code: str, now: datetime | None = None) -> None:
    """Use up the live code of ``e164`` if ``code`` is it; otherwise a 422 (a wrong try
    counts, and a code tried PHONE_CODE_MAX_ATTEMPTS times dies)."""
    now = now or datetime.now(UTC)
    live = session.scalar(
        select(PhoneCode)
        .where(PhoneCode.e164 == e164, PhoneCode.used_at.is_(None), PhoneCode.expires_at > now)
        .order_by(PhoneCode.id.desc())
        .limit(1)
    )
    if live is None:
        raise Invalid.field("code", "no live code for this number: ask for a new one")
    if not hmac.compare_digest(live.code_hash, _digest(config["SECRET_KEY"], e164, code)):
        live.attempts += 1
        if live.attempts >= int(config["PHONE_CODE_MAX_ATTEMPTS"]):
            live.used_at = now
        session.commit()  # the wrong try counts even though the request fails
        raise Invalid.field("code", "wrong code")
    # Guarded: two requests with the same code cannot both use it.
    taken = session.execute(
        update(PhoneCode)
        .where(PhoneCode.id == live.id, PhoneCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        raise Invalid.field("code", "this code was just used")
