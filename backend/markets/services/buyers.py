"""Buyers: recycling enterprises' profiles, the credit-code check, licences, approval."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit_log.services import record, snapshot
from backend.core.common import commit, ensure_unique, flush, get_or_404
from backend.core.errors import Conflict, Forbidden, Invalid, NotFound
from backend.markets.models import Buyer
from backend.network.models import MaterialCategory

# GB 32100-2015: 18 characters from this alphabet (no I, O, S, V, Z), the last a check
# character over the first 17 with weights 3^i mod 31.
CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is no valid unified social credit code, or None when it is one."""
    if len(code) != 18:
        return "18 characters"
    bad = sorted({c for c in code if c not in CODE_ALPHABET})
    if bad:
        return f"characters not allowed: {''.join(bad)} (digits and capitals without I, O, S, V, Z)"
    total = sum(CODE_ALPHABET.index(c) * w for c, w in zip(code[:17], CODE_WEIGHTS, strict=True))
    check = CODE_ALPHABET[(31 - total % 31) % 31]
    if code[17] != check:
        return f"check character should be {check}"
    return None


def needs_licence(category: MaterialCategory) -> bool:
    """Hazardous and e-waste material goes only to licensed buyers."""
    node = category
    while node is not None:
        if node.hazardous or node.code == "ewaste":
            return True
        node = node.parent
    return False


def is_licensed(buyer: Buyer, category: MaterialCategory) -> bool:
    """A licence for the category or any of its parents."""
    held = {c.id for c in buyer.licences}
    node = category
    while node is not None:
        if node.id in held:
            return True
        node = node.parent
    return False


def _licences(session: Session, codes: list[str]) -> list[MaterialCategory]:
    found = {c.code: c for c in session.scalars(select(MaterialCategory).where(MaterialCategory.code.in_(codes)))}
    missing = [c for c in codes if c not in found]
    if missing:
        raise Invalid.field("licences", f"unknown categories: {', '.join(missing)}")
    return [found[c] for c in dict.fromkeys(codes)]


def submit_profile(session: Session, user: User, data: dict) -> Buyer:
    """A buyer's company profile (pending until an admin approves it); resubmitting one that
    was rejected puts it back to pending."""
    problem = credit_code_problem(data["credit_code"])
    if problem:
        raise Invalid.field("credit_code", problem)
    buyer = session.scalar(select(Buyer).where(Buyer.user_id == user.id))
    if buyer is not None and buyer.status == "approved":
        raise Conflict("your company is approved; ask an admin to change its profile")
    ensure_unique(session, Buyer, Buyer.credit_code, data["credit_code"], "credit_code", buyer.id if buyer else None)
    before = snapshot(buyer) if buyer else None
    if buyer is None:
        buyer = Buyer(user_id=user.id)
        session.add(buyer)
    for name in ("company_name", "credit_code", "contact_name", "contact_phone"):
        setattr(buyer, name, data[name])
    buyer.licences = _licences(session, data.get("licences", []))
    buyer.status = "pending"
    flush(session)
    record(session, user, "buyer.submit", "buyer", buyer.id, before, snapshot(buyer))
    commit(session)
    return buyer


def decide(session: Session, buyer_id: int, admin: User, approve: bool, note: str, now=None) -> Buyer:
    buyer = get_or_404(session, Buyer, buyer_id, "buyer")
    before = snapshot(buyer)
    buyer.status = "approved" if approve else "rejected"
    buyer.decided_by, buyer.decided_at, buyer.decision_note = admin.id, now or datetime.now(UTC), note
    flush(session)
    record(session, admin, f"buyer.{buyer.status}", "buyer", buyer.id, before, snapshot(buyer))
    commit(session)
    return buyer


def buyer_of(session: Session, user: User) -> Buyer | None:
    return session.scalar(select(Buyer).where(Buyer.user_id == user.id))


def my_profile(session: Session, user: User) -> Buyer:
    buyer = buyer_of(session, user)
    if buyer is None:
        raise NotFound("no company profile yet: POST /api/v1/buyers")
    return buyer


def approved_buyer(session: Session, user: User) -> Buyer:
    buyer = buyer_of(session, user)
    if buyer is None or buyer.status != "approved":
        raise Forbidden("only buyers whose company an admin has approved may bid or buy")
    return buyer


def get_buyer(session: Session, user: User, buyer_id: int) -> Buyer:
    """Admins see every buyer; a buyer only their own (404 for another's)."""
    buyer = session.get(Buyer, buyer_id)
    if buyer is None or (user.role != "admin" and buyer.user_id != user.id):
        raise NotFound(f"buyer {buyer_id} not found")
    return buyer


def buyers_query(status: str | None = None):
    stmt = select(Buyer).order_by(Buyer.id)
    return stmt.where(Buyer.status == status) if status else stmt
