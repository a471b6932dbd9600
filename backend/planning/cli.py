"""`recyclenet plan --center ID --date D`: plan a day from the command line."""

from __future__ import annotations

from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext

from backend.core.errors import ServiceError
from backend.core.extensions import db
from backend.network.models import Vehicle
from backend.planning.jobs import run_plan, settings_for_jobs
from backend.planning.models import Plan
from backend.planning.services import dispatch


@click.command("plan")
@click.option("--center", "center_id", type=int, required=True, help="Sorting center id.")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), required=True)
@click.option("--time-limit", type=float, help="Solver seconds (for the plan and again for the baseline).")
@click.option("--horizon-hours", type=float)
@with_appcontext
def plan_command(center_id: int, day, time_limit: float | None, horizon_hours: float | None) -> None:
    """Plan one sorting center's day and print routes, km, empty km and the saving."""
    raw = {k: v for k, v in (("time_limit", time_limit), ("horizon_hours", horizon_hours)) if v is not None}
    try:
        plan = dispatch.create_plan(
            db.session(),
            center_id,
            day.date() if hasattr(day, "date") else date.fromisoformat(day),
            dispatch.plan_options(current_app.config, raw),
            None,
        )
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"plan {plan.id}: solving (about {2 * plan.options['time_limit']:.0f} s with the baseline) ...")
    # In a child process as on a worker: it reports progress (so no sweep takes it for a
    # vanished worker's) and a dispatcher can cancel it.
    run_plan(settings_for_jobs(current_app.config), plan.id, isolated=True)
    db.session.expire_all()
    plan = db.session.get(Plan, plan.id)
    if plan.status != "done":
        raise click.ClickException(f"plan {plan.id} {plan.status}: {plan.error}")
    click.echo(f"{'route':>5} {'truck':>12} {'stops':>5} {'trips':>5} {'km':>8} {'empty km':>8} {'kg':>8}")
    for r in plan.routes:
        plate = db.session.get(Vehicle, r.vehicle_id).plate
        stops = sum(1 for s in r.stops if s.kind != "unload")
        click.echo(
            f"{r.seq:5d} {plate:>12} {stops:5d} {r.trips:5d} "
            f"{r.distance_km:8.1f} {r.empty_km:8.1f} {r.collected_kg:8.0f}"
        )
    s = plan.summary
    p, b, saving = s["plan"], s.get("baseline"), s.get("saving")
    click.echo(
        f"plan:     {p['vehicles_used']} trucks, {p['stops_served']} stops, {p['distance_km']:.1f} km, "
        f"{p['empty_km']:.1f} empty km, {p['km_per_tonne']} km/t, {len(s['dropped'])} left out"
    )
    if b:
        click.echo(
            f"baseline: {b['vehicles_used']} trucks, {b['stops_served']} stops, {b['distance_km']:.1f} km, "
            f"{b['empty_km']:.1f} empty km, {b['km_per_tonne']} km/t (fixed weekly round)"
        )
        click.echo(
            f"saving:   {saving['km']:.1f} km ({saving['km_pct']}%), {saving['empty_km']:.1f} empty km "
            f"({saving['empty_km_pct']}%)"
        )
    click.echo(f"km measured by: {s.get('provider') or 'great-circle x1.3'}")
    for far in s.get("far_from_street", []):
        click.echo(f"warning: {far['kind']} {far['name']} is {far['snap_m']} m from the nearest street")


COMMANDS = (plan_command,)
