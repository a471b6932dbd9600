"""Listings, sealed bids, fixed-price purchases and the close.

Bidding is sealed (see docs/markets.md): until the close a buyer sees only their own bid,
may raise it but never lower or withdraw it; at the close the highest bid at or above the
reserve wins, ties going to the earlier bid. Every change of a listing's bids or state
first takes the listing's row lock (``_lock``): a bid, a purchase and a close of the same
listing run one after the other on PostgreSQL, so a bid cannot slip in beside the close
and two buyers can never both win. On SQLite the same statement takes the database's
write lock.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit_log.services import record, snapshot
from backend.core.common import commit, flush, resolve
from backend.core.errors import Conflict, Forbidden, Invalid, NotFound
from backend.intake.models import Lot
from backend.markets.models import Bid, Buyer, Listing
from backend.markets.services.buyers import approved_buyer, buyer_of, is_licensed, needs_licence
from backend.network.models import Site

CENT = Decimal("0.01")
LIVE = ("open", "awarded", "settled")  # a lot in one of these listings cannot be listed again


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def staff_market(session: Session, user: User, market_id: int) -> Site:
    """The market, if ``user`` is its staff (an operator bound to it) or an admin; else 404."""
    site = session.get(Site, market_id)
    if site is None or site.tier != "distribution_market":
        raise NotFound(f"market {market_id} not found")
    if user.role != "admin" and not (user.role == "operator" and user.sorting_center_id == site.id):
        raise NotFound(f"market {market_id} not found")
    return site


def _is_staff_of(user: User, listing: Listing) -> bool:
    return user.role == "admin" or (user.role == "operator" and user.sorting_center_id == listing.market_id)


def visible(session: Session, user: User, listing: Listing) -> bool:
    """Who sees a listing: admins and dispatchers; the market's staff; the selling center's
    operators; buyers the open listings and the ones they won."""
    if user.role in ("admin", "dispatcher"):
        return True
    if user.role == "operator":
        return user.sorting_center_id in (listing.market_id, listing.center_id)
    if user.role == "buyer":
        buyer = buyer_of(session, user)
        return listing.status == "open" or (buyer is not None and listing.buyer_id == buyer.id)
    return False


def get_listing(session: Session, user: User, listing_id: int) -> Listing:
    listing = session.get(Listing, listing_id)
    if listing is None or not visible(session, user, listing):
        raise NotFound(f"listing {listing_id} not found")
    return listing


def listings_query(session: Session, user: User, args: dict):
    """The listings ``user`` may see, newest first, filtered by market and status."""
    stmt = select(Listing).order_by(Listing.id.desc())
    if user.role == "operator":
        stmt = stmt.where(or_(Listing.market_id == user.sorting_center_id, Listing.center_id == user.sorting_center_id))
    elif user.role == "buyer":
        buyer = buyer_of(session, user)
        mine = Listing.buyer_id == buyer.id if buyer is not None else False
        stmt = stmt.where(or_(Listing.status == "open", mine))
    if args.get("market_id") is not None:
        stmt = stmt.where(Listing.market_id == args["market_id"])
    if args.get("status"):
        stmt = stmt.where(Listing.status == args["status"])
    return stmt


def create_listing(session: Session, user: User, data: dict, now: datetime | None = None) -> Listing:
    """List a lot at the market it was shipped to: in transit at its shipped weight, received
    at the weight the market found."""
    now = _now(now)
    lot = resolve(session, Lot, data["lot_id"], "lot_id")
    market = staff_market(session, user, lot.market_id)
    if data["closes_at"] <= now:
        raise Invalid.field("closes_at", "the close must be in the future")
    fixed = data.get("fixed_price_per_kg")
    if data["mode"] == "fixed" and fixed is None:
        raise Invalid.field("fixed_price_per_kg", "a fixed-price offer needs its price")
    if data["mode"] == "auction" and fixed is not None:
        raise Invalid.field("fixed_price_per_kg", "only fixed-price offers have one")
    if fixed is not None and fixed < data["reserve_per_kg"]:
        raise Invalid.field("fixed_price_per_kg", "below the reserve")
    # The lot's row lock: two staff listing the same lot at once cannot both succeed.
    session.execute(
        update(Lot).where(Lot.id == lot.id).values(status=Lot.status).execution_options(synchronize_session=False)
    )
    taken = session.scalar(select(Listing.id).where(Listing.lot_id == lot.id, Listing.status.in_(LIVE)))
    if taken is not None:
        session.rollback()
        raise Conflict(f"lot {lot.id} is already in listing {taken}", {"lot_id": ["already listed"]})
    listing = Listing(
        market_id=market.id,
        lot_id=lot.id,
        center_id=lot.center_id,
        category_id=lot.category_id,
        grade=data["grade"],
        weight_kg=lot.received_kg if lot.status == "received" and lot.received_kg else lot.weight_kg,
        contamination_pct=data["contamination_pct"],
        reserve_per_kg=_money(data["reserve_per_kg"]),
        mode=data["mode"],
        fixed_price_per_kg=_money(fixed) if fixed is not None else None,
        closes_at=data["closes_at"],
        created_by=user.id,
    )
    session.add(listing)
    flush(session)
    record(session, user, "listing.create", "listing", listing.id, None, snapshot(listing))
    commit(session)
    return listing


def _lock(session: Session, listing_id: int) -> Listing:
    """The listing, read after taking its row lock (held to the commit)."""
    session.execute(
        update(Listing)
        .where(Listing.id == listing_id)
        .values(updated_at=Listing.updated_at)
        .execution_options(synchronize_session=False)
    )
    listing = session.get(Listing, listing_id, populate_existing=True)
    if listing is None:
        raise NotFound(f"listing {listing_id} not found")
    return listing


def _check_can_buy(session: Session, user: User, listing_id: int, now: datetime) -> tuple[Buyer, Listing]:
    buyer = approved_buyer(session, user)
    listing = _lock(session, listing_id)
    if listing.status != "open" and listing.buyer_id != buyer.id:
        session.rollback()
        raise NotFound(f"listing {listing_id} not found")
    if listing.status != "open" or now >= listing.closes_at:
        session.rollback()
        raise Conflict(f"closed at {listing.closes_at.isoformat()}: no more bids", {"listing": ["closed"]})
    if needs_licence(listing.category) and not is_licensed(buyer, listing.category):
        session.rollback()
        raise Forbidden(f"{listing.category.code} is sold only to buyers licensed for it; your company is not")
    return buyer, listing


def place_bid(session: Session, user: User, listing_id: int, price: float, now: datetime | None = None):
    """A sealed bid, or the raise of one's bid: (bid, created)."""
    now = _now(now)
    buyer, listing = _check_can_buy(session, user, listing_id, now)
    amount = _money(price)
    if listing.mode == "fixed":
        session.rollback()
        raise Conflict("a fixed-price offer is bought at its price, not bid on", {"listing": ["fixed price"]})
    if amount < listing.reserve_per_kg:
        session.rollback()
        raise Invalid.field("price_per_kg", f"below the reserve price of {listing.reserve_per_kg}/kg")
    bid = session.scalar(select(Bid).where(Bid.listing_id == listing.id, Bid.buyer_id == buyer.id))
    if bid is not None and amount <= bid.price_per_kg:
        session.rollback()
        raise Invalid.field("price_per_kg", f"a bid can only be raised: yours is {bid.price_per_kg}/kg")
    created = bid is None
    if created:
        bid = Bid(listing_id=listing.id, buyer_id=buyer.id, price_per_kg=amount, placed_at=now)
        session.add(bid)
    else:
        bid.price_per_kg, bid.placed_at = amount, now
    commit(session)
    return bid, created


def purchase(session: Session, user: User, listing_id: int, now: datetime | None = None) -> Listing:
    """Buy a fixed-price offer: the first buyer to take the lock wins, the others get 409."""
    now = _now(now)
    buyer, listing = _check_can_buy(session, user, listing_id, now)
    if listing.mode != "fixed":
        session.rollback()
        raise Conflict("this lot is auctioned: place a bid", {"listing": ["auction"]})
    session.add(Bid(listing_id=listing.id, buyer_id=buyer.id, price_per_kg=listing.fixed_price_per_kg, placed_at=now))
    _award(listing, buyer.id, listing.fixed_price_per_kg, now)
    commit(session)
    return listing


def _award(listing: Listing, buyer_id: int, price: Decimal, now: datetime) -> None:
    listing.status, listing.buyer_id, listing.price_per_kg, listing.awarded_at = "awarded", buyer_id, price, now


def best_bid(session: Session, listing: Listing) -> Bid | None:
    """The highest bid at or above the reserve; ties to the earlier bid."""
    return session.scalar(
        select(Bid)
        .where(Bid.listing_id == listing.id, Bid.price_per_kg >= listing.reserve_per_kg)
        .order_by(Bid.price_per_kg.desc(), Bid.placed_at, Bid.id)
        .limit(1)
    )


def close_listing(session: Session, listing_id: int, now: datetime | None = None, early: bool = False) -> Listing:
    """Award a due listing to its best bid, or mark it unsold. Closing a closed listing
    changes nothing (the periodic job and staff may both try)."""
    now = _now(now)
    listing = _lock(session, listing_id)
    if listing.status != "open":
        session.rollback()
        return listing
    if now < listing.closes_at and not early:
        session.rollback()
        raise Conflict(f"bidding is open until {listing.closes_at.isoformat()}", {"listing": ["not due"]})
    best = best_bid(session, listing) if listing.mode == "auction" else None
    if best is not None:
        _award(listing, best.buyer_id, best.price_per_kg, now)
    else:
        listing.status = "unsold"
    commit(session)
    return listing


def close_by_staff(session: Session, user: User, listing_id: int, now: datetime | None = None) -> Listing:
    listing = get_listing(session, user, listing_id)
    if not _is_staff_of(user, listing):
        raise Forbidden("only the market's staff close its listings")
    return close_listing(session, listing_id, now)


def close_due(session: Session, now: datetime | None = None) -> int:
    """Close every open listing past its closing time; the number closed."""
    now = _now(now)
    due = session.scalars(select(Listing.id).where(Listing.status == "open", Listing.closes_at <= now)).all()
    session.rollback()
    for listing_id in due:
        close_listing(session, listing_id, now)
    return len(due)


def bids_for(session: Session, user: User, listing_id: int) -> list[Bid]:
    """A buyer sees their own bid; the market's staff see every bid once bidding closed."""
    listing = get_listing(session, user, listing_id)
    stmt = select(Bid).where(Bid.listing_id == listing.id).order_by(Bid.price_per_kg.desc(), Bid.placed_at, Bid.id)
    if user.role == "buyer":
        buyer = buyer_of(session, user)
        return session.scalars(stmt.where(Bid.buyer_id == (buyer.id if buyer else -1))).all()
    if listing.status == "open":
        raise Forbidden("bids are sealed until the close")
    return session.scalars(stmt).all()


def my_bids(session: Session, user: User) -> list[dict]:
    """My bids, newest first, each with its listing's status and whether I won it."""
    buyer = buyer_of(session, user)
    if buyer is None:
        return []
    rows = session.execute(
        select(Bid, Listing)
        .join(Listing, Listing.id == Bid.listing_id)
        .where(Bid.buyer_id == buyer.id)
        .order_by(Bid.id.desc())
    )
    return [
        {
            "id": bid.id,
            "listing_id": bid.listing_id,
            "buyer_id": bid.buyer_id,
            "price_per_kg": bid.price_per_kg,
            "placed_at": bid.placed_at,
            "listing_status": listing.status,
            "won": listing.buyer_id == buyer.id,
        }
        for bid, listing in rows
    ]
