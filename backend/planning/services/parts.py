"""A large plan solved as parts, each a job of its own, so that N workers solve them side by
side; the last part done merges them into the plan, exactly once.

The plan's job builds the routing problem, cuts it (``routing.decompose.split``: by depot
and sector; the baseline is one more part), and in one transaction stores the parts and
the problem on the plan, which stays ``solving`` under that job's attempt for its whole
life: the parts are its fence. Each part then follows the plan's own rules
(``lifecycle``): a compare-and-swap claim with a lease and an attempt count, heartbeats by
the holder of the latest attempt only, and a result stored by that holder only. A part's
heartbeat also keeps the plan's lease and tells its solver to stop once the plan was
cancelled, failed or ended.

The merge runs in the job of whichever part finishes last; ``lifecycle.store_solution``
is a compare-and-swap on the plan's attempt, so two parts finishing together, or a part's
job delivered again after its worker died mid-merge, store the plan once.

Pickle (of the routing library's own dataclasses) is only ever written and read by the
workers, in columns no API reads or writes.
"""

from __future__ import annotations

import os
import pickle
import socket
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.orm import Session

from backend.planning.models import SOLVING, Plan, PlanPart
from backend.planning.services import lifecycle
from backend.planning.services.lifecycle import Beat, Busy
from routing import SolverParams
from routing.decompose import merge, part_params, split


def _now() -> datetime:
    return datetime.now(UTC)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def should_split(problem, params: SolverParams) -> bool:
    return len(problem.model.stops) > params.decompose_above


def split_plan(session: Session, plan_id: int, attempt: int, problem, base_problem, params: SolverParams) -> list[int]:
    """Cut the plan in parts and store them with the problem, if ``attempt`` still holds the
    plan; the parts' numbers (none when it does not)."""
    started = time.monotonic()
    pieces = split(problem.model, params.part_size)
    # Parts run side by side on different workers: each gets what is left of the budget.
    sub_params = part_params(params, 1, time.monotonic() - started)
    works = [("plan", len(stops), (sub, vehicles, stops, sub_params)) for sub, vehicles, stops in pieces]
    if base_problem is not None and base_problem.model.stops:
        base_params = SolverParams(**{**vars(params), "num_workers": 1})
        works.append(("baseline", len(base_problem.model.stops), (base_problem.model, None, None, base_params)))
    now = _now()
    won = session.execute(
        update(Plan)
        .where(Plan.id == plan_id, Plan.status == "solving", Plan.attempts == attempt, Plan.parts_total == 0)
        .values(
            parts_total=len(works),
            problem=pickle.dumps(problem),
            heartbeat_at=now,
            # The parts search on several workers: no one best km to show until the merge.
            summary={SOLVING: {"phase": "searching", "best_km": None}},
        )
        .execution_options(synchronize_session=False)
    )
    if won.rowcount != 1:
        session.rollback()
        return []
    for seq, (kind, stops, work) in enumerate(works, start=1):
        session.add(
            PlanPart(plan_id=plan_id, seq=seq, kind=kind, stops=stops, work=pickle.dumps(work), heartbeat_at=now)
        )
    session.commit()
    return list(range(1, len(works) + 1))


def unfinished(session: Session, plan_id: int) -> list[int]:
    seqs = list(
        session.scalars(
            select(PlanPart.seq).where(PlanPart.plan_id == plan_id, PlanPart.status != "done").order_by(PlanPart.seq)
        )
    )
    session.rollback()
    return seqs


def claim_part(
    session: Session, plan_id: int, seq: int, *, lease_s: float, max_attempts: int
) -> tuple[int, int] | None:
    """Take a part: (the part's attempt, the plan's attempt), or None when there is nothing
    to solve (the part is done, or its plan ended). Raises ``Busy`` while another worker's
    lease on the part runs. A part interrupted ``max_attempts`` times fails its plan."""
    now = _now()
    plan = session.get(Plan, plan_id, populate_existing=True)
    part = session.scalar(
        select(PlanPart)
        .where(PlanPart.plan_id == plan_id, PlanPart.seq == seq)
        .execution_options(populate_existing=True)
    )
    if plan is None or part is None or plan.status != "solving" or part.status == "done":
        session.rollback()
        return None
    plan_attempt = plan.attempts
    if plan.cancel_requested_at is not None:
        session.rollback()
        lifecycle.end_cancelled(session, plan_id, plan_attempt)
        return None
    if (
        part.status == "solving"
        and part.heartbeat_at is not None
        and part.heartbeat_at > now - timedelta(seconds=lease_s)
    ):
        session.rollback()
        raise Busy(plan_id, (part.heartbeat_at + timedelta(seconds=lease_s) - now).total_seconds())
    seen = (part.status, part.attempts)
    if part.attempts >= max_attempts:
        session.rollback()
        error = f"part {seq}: its solve was interrupted {seen[1]} times (the worker stopped or died each time)"
        lifecycle.fail(session, plan_id, plan_attempt, error)
        return None
    won = _swap_part(session, part.id, *seen, status="solving", attempts=seen[1] + 1, heartbeat_at=now, progress=0.0)
    session.commit()
    if not won:
        raise Busy(plan_id, lease_s)
    return seen[1] + 1, plan_attempt


def _swap_part(session: Session, part_id: int, was_status: str, was_attempts: int, **values) -> bool:
    result = session.execute(
        update(PlanPart)
        .where(PlanPart.id == part_id, PlanPart.status == was_status, PlanPart.attempts == was_attempts)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _part_id(session: Session, plan_id: int, seq: int) -> int:
    return session.scalar(select(PlanPart.id).where(PlanPart.plan_id == plan_id, PlanPart.seq == seq))


def work_of(session: Session, plan_id: int, seq: int):
    """(sub-model, vehicle indices, stop indices, solver parameters) of the part."""
    work = session.scalar(select(PlanPart.work).where(PlanPart.plan_id == plan_id, PlanPart.seq == seq))
    session.rollback()
    return pickle.loads(work)


def beat_part(session: Session, plan_id: int, seq: int, attempt: int, plan_attempt: int, progress: float) -> Beat:
    """The part holder's progress and sign of life, which is also the plan's: whether to go on."""
    now = _now()
    held = _swap_part(session, _part_id(session, plan_id, seq), "solving", attempt, progress=progress, heartbeat_at=now)
    if not held:
        session.rollback()
        return Beat.LOST
    done_share = (
        select(func.avg(case((PlanPart.status == "done", 1.0), else_=PlanPart.progress)))
        .where(PlanPart.plan_id == plan_id)
        .scalar_subquery()
    )
    plan_held = session.execute(
        update(Plan)
        .where(Plan.id == plan_id, Plan.status == "solving", Plan.attempts == plan_attempt)
        .values(heartbeat_at=now, progress=done_share * 0.99)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if plan_held.rowcount != 1:
        return Beat.LOST  # the plan failed, ended or was cancelled meanwhile
    asked = session.scalar(select(Plan.cancel_requested_at).where(Plan.id == plan_id))
    session.rollback()
    return Beat.CANCEL if asked is not None else Beat.GO_ON


def store_part(session: Session, plan_id: int, seq: int, attempt: int, result) -> bool:
    """The part's result, if this attempt still holds it."""
    won = _swap_part(
        session,
        _part_id(session, plan_id, seq),
        "solving",
        attempt,
        status="done",
        progress=1.0,
        heartbeat_at=_now(),
        result=pickle.dumps(result),
        solved_by=worker_name(),
    )
    session.commit()
    return won


def release_part(session: Session, plan_id: int, seq: int, attempt: int) -> None:
    """The part's solve was interrupted (the worker is stopping): claimable at once again."""
    _swap_part(session, _part_id(session, plan_id, seq), "solving", attempt, status="queued", heartbeat_at=None)
    session.commit()


def merge_if_complete(session: Session, plan_id: int) -> bool:
    """When every part is done, merge them and store the plan (once, whoever calls): whether
    this call stored it."""
    plan = session.get(Plan, plan_id, populate_existing=True)
    if plan is None or plan.status != "solving" or not plan.parts_total:
        session.rollback()
        return False
    rows = session.execute(
        select(PlanPart.kind, PlanPart.status, PlanPart.work, PlanPart.result)
        .where(PlanPart.plan_id == plan_id)
        .order_by(PlanPart.seq)
    ).all()
    if len(rows) != plan.parts_total or any(status != "done" for _, status, _, _ in rows):
        session.rollback()
        return False
    attempt, problem = plan.attempts, pickle.loads(plan.problem)
    started = plan.started_at or _now()
    pieces, results, base = [], [], None
    for kind, _, work, result in rows:
        if kind == "baseline":
            base = pickle.loads(result)
            continue
        sub, vehicles, stops, _params = pickle.loads(work)
        pieces.append((sub, vehicles, stops))
        results.append(pickle.loads(result))
    session.rollback()
    try:
        merged = merge(problem.model, pieces, results, (_now() - started).total_seconds())
        return lifecycle.store_solution(session, plan_id, attempt, problem, merged, base)
    except Exception as exc:  # a merge that cannot succeed fails the plan, rather than retry forever
        session.rollback()
        lifecycle.fail(session, plan_id, attempt, f"merging its parts: {exc.__class__.__name__}: {exc}")
        raise


def lost_parts(session: Session, silent_since: datetime) -> list[tuple[int, int]]:
    """(plan, part) of solving plans whose part has had no sign of life since ``silent_since``:
    its job was lost with its worker (or never sent)."""
    rows = session.execute(
        select(PlanPart.plan_id, PlanPart.seq)
        .join(Plan, Plan.id == PlanPart.plan_id)
        .where(
            Plan.status == "solving",
            PlanPart.status != "done",
            or_(PlanPart.heartbeat_at < silent_since, PlanPart.heartbeat_at.is_(None)),
        )
        .order_by(PlanPart.plan_id, PlanPart.seq)
    ).all()
    return [(plan_id, seq) for plan_id, seq in rows]
