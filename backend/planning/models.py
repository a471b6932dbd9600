"""Daily collection plans, their routes and stops, and what happened at each stop."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.models import Base, utcnow

# queued -> solving -> done -> dispatched -> superseded (by the dispatched re-plan of its day);
# solving -> failed (with the reason); queued or solving -> cancelled (by a dispatcher).
PLAN_STATUSES = ("queued", "solving", "done", "failed", "dispatched", "superseded", "cancelled")
STOP_STATUSES = ("planned", "arrived", "done", "missed")
PART_STATUSES = ("queued", "solving", "done")
# While a plan solves, its summary holds under this key what the solver is doing (a phase
# of SOLVE_PHASES) and the km of its best plan so far; the solution's summary replaces it.
SOLVING = "solving"
SOLVE_PHASES = ("matrices", "warm_start", "searching", "baseline")


class CityDay(Base):
    """A dispatcher's request to plan the whole city's day: one child plan per sorting center,
    each its own job (and a large one split in parts, each a job of its own)."""

    __tablename__ = "city_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(index=True)
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    plans: Mapped[list[Plan]] = relationship(order_by="Plan.center_id")


class Plan(Base):
    __tablename__ = "plans"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'solving', 'done', 'failed', 'dispatched', 'superseded', 'cancelled')", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    day: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[float] = mapped_column(default=0.0)
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    overrides: Mapped[dict] = mapped_column(JSON, default=dict)  # moves and drops of a re-plan
    summary: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str] = mapped_column(String(500), default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    dispatched_at: Mapped[datetime | None]
    # The solve job's claim: each attempt (a worker taking the plan) counts one, and only the
    # worker holding the latest attempt may write progress or the result (a fencing token).
    attempts: Mapped[int] = mapped_column(default=0)
    # The solving worker's last sign of life: past the lease, another worker may take over.
    heartbeat_at: Mapped[datetime | None]
    # A dispatcher asked to stop a solve; its worker stops at its next progress tick.
    cancel_requested_at: Mapped[datetime | None]
    # The whole city's day this plan is one center's part of (None: planned on its own).
    city_day_id: Mapped[int | None] = mapped_column(ForeignKey("city_days.id"), index=True)
    # A large plan solved as parts, each a job (``services.parts``): how many, and the
    # routing problem they were cut from (pickled; written and read by the workers only),
    # which the merge of the last part needs. 0 and None for a plan solved in one job.
    parts_total: Mapped[int] = mapped_column(default=0)
    problem: Mapped[bytes | None] = mapped_column(LargeBinary)

    routes: Mapped[list[PlanRoute]] = relationship(cascade="all, delete-orphan", order_by="PlanRoute.seq")


class PlanRoute(Base):
    __tablename__ = "plan_routes"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int]
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id"))
    # Set at dispatch: the only driver who may read this route and report at its stops.
    driver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    distance_km: Mapped[float]
    empty_km: Mapped[float]
    collected_kg: Mapped[float]
    trips: Mapped[int]
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]

    stops: Mapped[list[RouteStop]] = relationship(cascade="all, delete-orphan", order_by="RouteStop.seq")


class RouteStop(Base):
    __tablename__ = "route_stops"
    __table_args__ = (
        CheckConstraint("kind IN ('bin', 'booking', 'unload')", name="kind"),
        CheckConstraint("status IN ('planned', 'arrived', 'done', 'missed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("plan_routes.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(8))
    bin_id: Mapped[int | None] = mapped_column(ForeignKey("bins.id"), index=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"), index=True)
    lat: Mapped[float]
    lon: Mapped[float]
    arrival_at: Mapped[datetime]
    start_at: Mapped[datetime]
    departure_at: Mapped[datetime]
    leg_km: Mapped[float]
    load_kg: Mapped[float]
    expected_kg: Mapped[float] = mapped_column(default=0.0)
    status: Mapped[str] = mapped_column(String(8), default="planned")
    quantity_kg: Mapped[float | None]
    reason: Mapped[str] = mapped_column(String(255), default="")
    updated_at: Mapped[datetime | None]


class PlanPart(Base):
    """One part of a large plan (a sector of the plan's stops, or the baseline), solved by
    whichever worker takes its job, under the same claim, lease and attempt rules as a plan."""

    __tablename__ = "plan_parts"
    __table_args__ = (
        UniqueConstraint("plan_id", "seq", name="uq_plan_parts_plan_seq"),
        CheckConstraint("status IN ('queued', 'solving', 'done')", name="status"),
        CheckConstraint("kind IN ('plan', 'baseline')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(8))
    stops: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(8), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    heartbeat_at: Mapped[datetime | None]
    progress: Mapped[float] = mapped_column(default=0.0)
    # Pickled (sub-model, vehicle indices, stop indices, solver parameters), and the result.
    work: Mapped[bytes] = mapped_column(LargeBinary)
    result: Mapped[bytes | None] = mapped_column(LargeBinary)
    solved_by: Mapped[str] = mapped_column(String(64), default="")  # host:pid of the worker that solved it
