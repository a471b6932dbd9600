"""`recyclenet twin`: need-based collection against the best fixed schedule, as a report."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("twin")
@click.option("--days", default=28, show_default=True)
@click.option("--seed", default=7, show_default=True)
@click.option(
    "--bins", "n_bins", default=240, show_default=True, help="Bins of the demo city (ignored with --from-db)."
)
@click.option("--time-limit", default=5.0, show_default=True, help="Solver seconds per plan.")
@click.option("--report", "report_dir", required=True, type=click.Path(file_okay=False))
@click.option("--from-db", is_flag=True, help="Simulate the network in DATABASE_URL instead of the demo city.")
@click.option(
    "--city",
    type=click.Choice(["hangzhou", "helsinki"]),
    default="hangzhou",
    show_default=True,
    help="The demo city (ignored with --from-db); helsinki runs on its streets when ROAD_NETWORK is set.",
)
@click.option("--deterministic", is_flag=True, help="Stop the solver by solution count: same figures on any machine.")
@with_appcontext
def twin_command(days, seed, n_bins, time_limit, report_dir, from_db, city, deterministic) -> None:
    """Simulate need-based collection against the best fixed schedule and write a report."""
    # Local: the twin loads matplotlib and the solver, which every other command can do without.
    from backend.twin.report import write_report
    from backend.twin.run import TwinConfig, run_twin

    cfg = TwinConfig(
        days=days,
        seed=seed,
        bins=n_bins,
        time_limit=time_limit,
        deterministic=deterministic,
        source_url=current_app.config["DATABASE_URL"] if from_db else None,
        road_network=current_app.config.get("ROAD_NETWORK") or None,
        city=city,
    )
    with click.progressbar(length=days, label="simulated days", file=click.get_text_stream("stderr")) as bar:
        figures = run_twin(cfg, progress=bar.update)
    paths = write_report(figures, report_dir)
    t = figures["totals"]
    for p in ("need", "static"):
        x = t[p]
        click.echo(
            f"{p:>6}: {x['km']} km, {x['empty_km']} empty km, {x['km_per_tonne']} km/t, "
            f"{x['overflow_bin_hours']} overflow bin-hours, {x['wasted_visits']} wasted visits, "
            f"{x['truck_hours']} truck-hours"
        )
    click.echo(f"distances: {figures['provider']}")
    click.echo(f"report: {paths['html']}")


COMMANDS = (twin_command,)
