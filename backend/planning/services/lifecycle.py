"""A plan's solve as its job sees it (claim, heartbeat, result), and its cancellation.

Several workers may hold a job for the same plan: the queue gives the job of a worker it
presumes dead to another, and the sweep queues again a plan whose worker vanished. Every
transition is therefore a compare-and-swap on the plan row (status and attempt count as
read), so that exactly one worker solves a plan at a time and exactly one result is stored:

- ``claim_plan``: queued -> solving as attempt n+1, or solving -> solving (n+1) once the
  holder's lease has expired; a finished or cancelled plan is not claimed, and one whose
  solve was interrupted ``max_attempts`` times fails with that reason.
- ``beat``: progress and the lease, by the holder of the latest attempt only; it learns
  there whether a dispatcher asked to cancel, or whether another worker took over.
- ``store_solution``, ``fail``, ``end_cancelled``, ``release``: the end of an attempt,
  again by its holder only (the attempt number is a fencing token).
- ``cancel_plan``: a dispatcher's request: a queued plan is cancelled at once, a solving one
  stops at its worker's next heartbeat.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit_log.services import record
from backend.bookings import services as bookings
from backend.bookings.models import Booking
from backend.core.common import commit
from backend.core.errors import Conflict
from backend.planning.models import SOLVING, Plan
from backend.planning.services import adapter

OPEN = ("queued", "solving")


class Busy(Exception):
    """Another worker holds the plan and is alive: try again after ``seconds``."""

    def __init__(self, plan_id: int, seconds: float) -> None:
        super().__init__(f"plan {plan_id} is being solved by another worker")
        self.seconds = seconds


class Beat(enum.Enum):
    GO_ON = "go on"
    CANCEL = "cancel"  # a dispatcher asked to stop
    LOST = "lost"  # another worker took over, or the plan ended meanwhile: write nothing


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _swap(session: Session, plan_id: int, was_status: str, was_attempts: int, **values) -> bool:
    """Set ``values`` if the plan is still as read; the caller commits."""
    result = session.execute(
        update(Plan)
        .where(Plan.id == plan_id, Plan.status == was_status, Plan.attempts == was_attempts)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _read(session: Session, plan_id: int) -> Plan | None:
    return session.get(Plan, plan_id, populate_existing=True)


def claim_plan(
    session: Session, plan_id: int, *, lease_s: float, max_attempts: int, now: datetime | None = None
) -> int | None:
    """Take the plan for a solve: the attempt number to solve it under, or None when there
    is nothing to solve (it ended, or it is cancelled or failed now). Raises ``Busy`` while
    another worker's lease runs."""
    now = _now(now)
    plan = _read(session, plan_id)
    if plan is None or plan.status not in OPEN:
        session.rollback()
        return None
    seen = (plan.status, plan.attempts)
    if plan.cancel_requested_at is not None:
        _swap(session, plan_id, *seen, status="cancelled", finished_at=now)
        session.commit()
        return None
    if plan.parts_total:  # solved as parts (``services.parts``): their jobs carry it now
        session.rollback()
        return None
    if (
        plan.status == "solving"
        and plan.heartbeat_at is not None
        and plan.heartbeat_at > now - timedelta(seconds=lease_s)
    ):
        session.rollback()
        raise Busy(plan_id, (plan.heartbeat_at + timedelta(seconds=lease_s) - now).total_seconds())
    if plan.attempts >= max_attempts:
        error = f"its solve was interrupted {plan.attempts} times (the worker stopped or died each time)"
        _swap(session, plan_id, *seen, status="failed", finished_at=now, error=error)
        session.commit()
        return None
    attempt = plan.attempts + 1
    won = _swap(
        session,
        plan_id,
        *seen,
        status="solving",
        attempts=attempt,
        started_at=now,
        heartbeat_at=now,
        progress=0.0,
        summary=None,
    )
    session.commit()
    if not won:  # another worker claimed it between our read and our write
        raise Busy(plan_id, lease_s)
    return attempt


def beat(
    session: Session,
    plan_id: int,
    attempt: int,
    progress: float,
    now: datetime | None = None,
    *,
    phase: str | None = None,
    best_km: float | None = None,
) -> Beat:
    """The holder's progress and sign of life; whether to go on. ``phase`` and ``best_km``
    (what the solver is doing, the km of its best plan so far) go in the summary, which a
    solving plan has no other use for, under ``SOLVING``: the API reads them from there."""
    values = {"progress": progress, "heartbeat_at": _now(now)}
    if phase is not None:
        values["summary"] = {SOLVING: {"phase": phase, "best_km": best_km}}
    held = _swap(session, plan_id, "solving", attempt, **values)
    session.commit()
    if not held:
        return Beat.LOST
    asked = session.scalar(select(Plan.cancel_requested_at).where(Plan.id == plan_id))
    session.rollback()
    return Beat.CANCEL if asked is not None else Beat.GO_ON


def store_solution(session: Session, plan_id: int, attempt: int, problem, result, base) -> bool:
    """Routes, summary and baseline, and the plan done, in one transaction, if this attempt
    still holds it and nobody asked to cancel; the bookings it serves are scheduled.
    False (nothing written) otherwise."""
    now = datetime.now(UTC)
    won = session.execute(
        update(Plan)
        .where(
            Plan.id == plan_id,
            Plan.status == "solving",
            Plan.attempts == attempt,
            Plan.cancel_requested_at.is_(None),
        )
        .values(status="done", progress=1.0, finished_at=now, heartbeat_at=now)
        .execution_options(synchronize_session=False)
    )
    if won.rowcount != 1:
        session.rollback()
        return False
    plan = _read(session, plan_id)  # the row is locked by the update until the commit
    adapter.store_result(session, plan, problem, result, base)
    for booking_id in plan.summary["served_bookings"]:
        booking = session.get(Booking, booking_id)
        if booking.status == "requested":
            bookings.transition(session, booking, "scheduled", plan.created_by, f"in plan {plan.id}")
    session.commit()
    return True


def fail(session: Session, plan_id: int, attempt: int, error: str) -> None:
    """The attempt failed for a reason of the plan's own (no vehicle, a solver error)."""
    _swap(session, plan_id, "solving", attempt, status="failed", finished_at=_now(None), error=error[:500])
    session.commit()


def fail_unqueued(session: Session, plan_id: int, error: str) -> None:
    """The queue refused the plan's job: no worker will ever see it, so it fails now."""
    plan = _read(session, plan_id)
    if plan is not None and plan.status == "queued":
        _swap(session, plan_id, "queued", plan.attempts, status="failed", finished_at=_now(None), error=error[:500])
    session.commit()


def end_cancelled(session: Session, plan_id: int, attempt: int) -> None:
    """The holder stopped on a dispatcher's request."""
    _swap(session, plan_id, "solving", attempt, status="cancelled", finished_at=_now(None), progress=0.0)
    session.commit()


def release(session: Session, plan_id: int, attempt: int) -> None:
    """The attempt was interrupted (the worker is stopping): back to queued, at once
    claimable by the job's next delivery."""
    _swap(session, plan_id, "solving", attempt, status="queued", heartbeat_at=None, progress=0.0)
    session.commit()


def lost_plans(session: Session, silent_since: datetime) -> list[int]:
    """Plans solving whose worker has not been heard from since ``silent_since``."""
    return list(
        session.scalars(
            select(Plan.id).where(
                Plan.status == "solving",
                Plan.parts_total == 0,  # a plan solved as parts lives by its parts' leases
                or_(Plan.heartbeat_at < silent_since, Plan.heartbeat_at.is_(None)),
            )
        )
    )


def cancel_plan(session: Session, plan: Plan, user: User, now: datetime | None = None) -> Plan:
    """Cancel a queued plan at once; ask a solving one's worker to stop (it ends cancelled at
    its next progress tick). Cancelling a cancelled plan changes nothing; any other is a 409."""
    now = _now(now)
    for _ in range(5):  # a worker may claim the plan between our read and our write
        plan = _read(session, plan.id)
        seen = (plan.status, plan.attempts)
        before = {"status": plan.status, "cancel_requested_at": plan.cancel_requested_at}
        if plan.status == "cancelled" or (plan.status == "solving" and plan.cancel_requested_at is not None):
            session.rollback()
            return plan
        if plan.status not in OPEN:
            session.rollback()
            raise Conflict(f"only a queued or solving plan can be cancelled (this one is {plan.status})")
        values = {"cancel_requested_at": now}
        if plan.status == "queued":
            values.update(status="cancelled", finished_at=now)
        if _swap(session, plan.id, *seen, **values):
            after = {"status": values.get("status", plan.status), "cancel_requested_at": now}
            record(session, user, "plan.cancel", "plan", plan.id, before, after)
            commit(session)
            return _read(session, plan.id)
        session.rollback()
    raise Conflict("the plan kept changing meanwhile; try again")
