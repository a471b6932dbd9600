"""`recyclenet plan --center ID --date D`: plan a day from the command line."""
from __future__ import annotations

from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("plan")
@click.option("--center", "center_id", type=int, required=True, help="Sorting center id.")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), required=True)
@click.option("--time-limit", type=float, help="Solver seconds (for the plan and again for the baseline).")
@click.option("--horizon-hours", type=float)
@with_appcontext
def plan_command(center_id: int, day, time_limit: float | None, horizon_hours: float | None) -> None:
    """Plan one sorting center's day and print routes, km, empty km and the saving."""
    from backend.api.plans import _options
    from backend.extensions import db
    from backend.jobs import run_plan, settings_for_jobs
    from backend.models import Plan, Vehicle
    from backend.services import dispatch
    from backend.services.errors import ServiceError

    raw = {k: v for k, v in (("time_limit", time_limit), ("horizon_hours", horizon_hours)) if v is not None}
    try:
        plan = dispatch.create_plan(db.session(), center_id, day.date() if hasattr(day, "date") else date.fromisoformat(day),
                                    _options(raw), None)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"plan {plan.id}: solving (about {2 * plan.options['time_limit']:.0f} s with the baseline) ...")
    run_plan(settings_for_jobs(current_app.config), plan.id)
    db.session.expire_all()
    plan = db.session.get(Plan, plan.id)
    if plan.status != "done":
        raise click.ClickException(f"plan {plan.id} {plan.status}: {plan.error}")
    click.echo(f"{'route':>5} {'truck':>12} {'stops':>5} {'trips':>5} {'km':>8} {'empty km':>8} {'kg':>8}")
    for r in plan.routes:
        plate = db.session.get(Vehicle, r.vehicle_id).plate
        stops = sum(1 for s in r.stops if s.kind != "unload")
        click.echo(f"{r.seq:5d} {plate:>12} {stops:5d} {r.trips:5d} {r.distance_km:8.1f} {r.empty_km:8.1f} {r.collected_kg:8.0f}")
    s = plan.summary
    p, b, saving = s["plan"], s.get("baseline"), s.get("saving")
    click.echo(f"plan:     {p['vehicles_used']} trucks, {p['stops_served']} stops, {p['distance_km']:.1f} km, "
               f"{p['empty_km']:.1f} empty km, {p['km_per_tonne']} km/t, {len(s['dropped'])} left out")
    if b:
        click.echo(f"baseline: {b['vehicles_used']} trucks, {b['stops_served']} stops, {b['distance_km']:.1f} km, "
                   f"{b['empty_km']:.1f} empty km, {b['km_per_tonne']} km/t (fixed weekly round)")
        click.echo(f"saving:   {saving['km']:.1f} km ({saving['km_pct']}%), {saving['empty_km']:.1f} empty km "
                   f"({saving['empty_km_pct']}%)")


@click.command("audit")
@click.option("--tolerance-pct", default=10.0, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@with_appcontext
def audit_command(tolerance_pct: float, fmt: str) -> None:
    """Mass balance per center and category; lists every discrepancy (exit 1 if any)."""
    import json

    from backend.extensions import db
    from backend.services.audit import audit

    rows, problems = audit(db.session(), tolerance_pct)
    if fmt == "json":
        click.echo(json.dumps({"rows": rows, "discrepancies": problems}, indent=1))
    else:
        click.echo(f"{'center':34} {'category':18} {'collected':>10} {'intake':>10} {'shipped':>10} {'stock':>10}")
        for r in rows:
            click.echo(f"{r['center'][:34]:34} {r['category']:18} {r['collected_kg']:10.1f} {r['intake_kg']:10.1f} "
                       f"{r['shipped_kg']:10.1f} {r['stock_kg']:10.1f}")
        click.echo(f"{len(problems)} discrepancies")
        for p in problems:
            click.echo(f"  {p['center']} / {p['category']}: {p['check']}: expected {p['expected']}, "
                       f"found {p['actual']} ({p['diff_pct']}%)")
    if problems:
        raise SystemExit(1)


@click.command("twin")
@click.option("--days", default=28, show_default=True)
@click.option("--seed", default=7, show_default=True)
@click.option("--bins", "n_bins", default=240, show_default=True, help="Bins of the demo city (ignored with --from-db).")
@click.option("--time-limit", default=5.0, show_default=True, help="Solver seconds per plan.")
@click.option("--report", "report_dir", required=True, type=click.Path(file_okay=False))
@click.option("--from-db", is_flag=True, help="Simulate the network in DATABASE_URL instead of the demo city.")
@click.option("--deterministic", is_flag=True, help="Stop the solver by solution count: same figures on any machine.")
@with_appcontext
def twin_command(days, seed, n_bins, time_limit, report_dir, from_db, deterministic) -> None:
    """Simulate need-based collection against the best fixed schedule and write a report."""
    from backend.twin.report import write_report
    from backend.twin.run import TwinConfig, run_twin

    cfg = TwinConfig(days=days, seed=seed, bins=n_bins, time_limit=time_limit, deterministic=deterministic,
                     source_url=current_app.config["DATABASE_URL"] if from_db else None)
    with click.progressbar(length=days, label="simulated days", file=click.get_text_stream("stderr")) as bar:
        figures = run_twin(cfg, progress=bar.update)
    paths = write_report(figures, report_dir)
    t = figures["totals"]
    for p in ("need", "static"):
        x = t[p]
        click.echo(f"{p:>6}: {x['km']} km, {x['empty_km']} empty km, {x['km_per_tonne']} km/t, "
                   f"{x['overflow_bin_hours']} overflow bin-hours, {x['wasted_visits']} wasted visits, "
                   f"{x['truck_hours']} truck-hours")
    click.echo(f"report: {paths['html']}")
