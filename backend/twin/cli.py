"""`recyclenet twin`: need-based collection against the fixed calendar and count-driven
daily selection, as a report; `--sweep` and `--seeds` compare them at equal service."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


def _floats(text: str | None) -> tuple[float, ...] | None:
    if not text:
        return None
    try:
        return tuple(float(x) for x in text.split(","))
    except ValueError:
        raise click.BadParameter(f"comma-separated numbers expected, got {text!r}") from None


@click.command("twin")
@click.option("--days", default=28, show_default=True)
@click.option("--seed", default=7, show_default=True, help="The city (and the first seed's world).")
@click.option(
    "--bins", "n_bins", default=240, show_default=True, help="Bins of the demo city (ignored with --from-db)."
)
@click.option("--time-limit", default=5.0, show_default=True, help="Solver seconds per plan.")
@click.option("--report", "report_dir", required=True, type=click.Path(file_okay=False))
@click.option("--from-db", is_flag=True, help="Simulate the network in DATABASE_URL instead of the demo city.")
@click.option("--deterministic", is_flag=True, help="Stop the solver by solution count: same figures on any machine.")
@click.option("--sweep", is_flag=True, help="Run several settings of each policy and compare at equal service.")
@click.option(
    "--seeds", default=1, show_default=True, type=click.IntRange(1, 100), help="Worlds (common random numbers)."
)
@click.option("--workers", type=click.IntRange(1, 256), help="Parallel jobs (default: the available cores).")
@click.option(
    "--on-workers",
    is_flag=True,
    help="Run the sweep's jobs on the platform's job workers (`recyclenet worker`, REDIS_URL) instead of here.",
)
@click.option("--static-scales", help="Fixed calendar visit frequency scales, e.g. 0.75,1,1.5,2.")
@click.option("--need-thresholds", help="Need-based fill thresholds (%), e.g. 95,85,75,65.")
@click.option(
    "--need-margin",
    default=20.0,
    show_default=True,
    type=click.FloatRange(0, 100),
    help="Optional-bin margin (points).",
)
@click.option(
    "--need-prize-scale",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0, 100),
    help="Optional bins' worth against their detour (x the planner's; 0: never visited).",
)
@click.option("--count-scales", help="Count-driven K as multiples of the calendar's visits per day.")
@click.option("--target-service", type=click.FloatRange(0, 100), help="Service level (%) to compare at.")
@click.option(
    "--city",
    type=click.Choice(["hangzhou", "helsinki"]),
    default="hangzhou",
    show_default=True,
    help="The demo city (ignored with --from-db); helsinki runs on its streets when ROAD_NETWORK is set.",
)
@click.option(
    "--provider",
    type=click.Choice(["great-circle", "roads"]),
    help="What measures kilometres. [default: roads when ROAD_NETWORK is set, else great-circle]",
)
@with_appcontext
def twin_command(days, seed, n_bins, time_limit, report_dir, from_db, deterministic, sweep, seeds, workers, **knobs):
    """Simulate the collection policies side by side and write a report."""
    # Local: the twin loads matplotlib and the solver, which every other command can do without.
    from backend.twin.policies import Policy
    from backend.twin.run import TwinConfig, run_twin

    if knobs["on_workers"]:
        _check_on_workers(sweep, seeds, workers)
    road_network = current_app.config.get("ROAD_NETWORK") or None
    provider = knobs["provider"] or ("roads" if road_network else "great-circle")
    if provider == "roads" and not road_network:
        raise click.BadParameter("needs ROAD_NETWORK (see `recyclenet roads build`)", param_hint="--provider")
    cfg = TwinConfig(
        days=days,
        seed=seed,
        bins=n_bins,
        time_limit=time_limit,
        deterministic=deterministic,
        source_url=current_app.config["DATABASE_URL"] if from_db else None,
        provider=provider,
        road_network=road_network,
        city=knobs["city"],
    )
    if sweep or seeds > 1:
        _sweep(cfg, sweep, seeds, workers, knobs, report_dir)
        return
    from backend.twin.report import write_report

    with click.progressbar(length=days, label="simulated days", file=click.get_text_stream("stderr")) as bar:
        need = Policy("need", None, knobs["need_margin"], knobs["need_prize_scale"])
        policies = (need, Policy("static"), Policy("count"))
        figures = run_twin(cfg, progress=bar.update, policies=policies)
    paths = write_report(figures, report_dir)
    for p, x in figures["totals"].items():
        if isinstance(x, dict):
            click.echo(
                f"{p:>6}: {x['service_level_pct']}% service, {x['km_per_day']} km/day, {x['km_per_tonne']} km/t, "
                f"{x['overflow_bin_hours']} overflow bin-hours, {x['bookings_late']} late and "
                f"{x['bookings_missed']} missed bookings"
            )
    click.echo(f"took {figures['wall_seconds']} s; report: {paths['html']}")


def _check_on_workers(sweep: bool, seeds: int, workers) -> None:
    if not (sweep or seeds > 1):
        raise click.BadParameter("runs a sweep's jobs: use it with --sweep or --seeds N", param_hint="--on-workers")
    if workers:
        raise click.BadParameter(
            "sizes this machine's pool; with --on-workers, the workers' own --processes and --threads do",
            param_hint="--workers",
        )
    if not current_app.config.get("REDIS_URL"):
        raise click.BadParameter(
            "needs REDIS_URL, the job queue that `recyclenet worker` takes the jobs from", param_hint="--on-workers"
        )


def _sweep(cfg, sweep: bool, seeds: int, workers, knobs: dict, report_dir: str) -> None:
    from backend.core.errors import ServiceError
    from backend.core.jobs import JobFailed, worker_executor
    from backend.twin.sweep import SweepPlan, _groups, run_sweep
    from backend.twin.sweep_report import headline, write_sweep_report

    plan = SweepPlan(
        seeds=seeds,
        sweep=sweep,
        workers=workers,
        target_service=knobs["target_service"],
        need_margin=knobs["need_margin"],
        need_prize_scale=knobs["need_prize_scale"],
    )
    for field, option in (("static_scales", "static_scales"), ("need_thresholds", "need_thresholds")):
        if (values := _floats(knobs[option])) is not None:
            setattr(plan, field, values)
    if (values := _floats(knobs["count_scales"])) is not None:
        plan.count_scales = values
    jobs = seeds * len(_groups(plan))
    out = Path(report_dir)
    out.mkdir(parents=True, exist_ok=True)
    partial = out / "jobs.jsonl"  # each job's totals as it finishes
    partial.write_text("")

    def keep(result: dict) -> None:
        with partial.open("a") as f:
            f.write(json.dumps({k: result[k] for k in ("world_seed", "totals", "wall_seconds")}) + "\n")

    executor = None
    if knobs["on_workers"]:
        executor = worker_executor(current_app._get_current_object())
        if executor is None:  # an app made without the recyclenet command's factory (backend.cli)
            raise click.ClickException("this app reaches no job queue: run the sweep as `recyclenet twin`")
    try:
        with click.progressbar(length=jobs, label="simulation jobs", file=click.get_text_stream("stderr")) as bar:
            figures = run_sweep(cfg, plan, executor=executor, progress=bar.update, on_result=keep)
    except (JobFailed, ServiceError) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        if executor is not None:  # after a failure the workers skip the jobs not started yet
            executor.shutdown(wait=False, cancel_futures=True)
    paths = write_sweep_report(figures, report_dir, command=shlex.join(["recyclenet", *sys.argv[1:]]))
    for s in figures["settings"]:
        click.echo(
            f"{s['key']:>12}: {s['service_level_pct']:g} ± {s['service_level_pct_ci'] or 0:g}% service, "
            f"{s['km_per_day']:g} ± {s['km_per_day_ci'] or 0:g} km/day"
        )
    for line in headline(figures):
        click.echo(line)
    click.echo(f"took {figures['wall_seconds']} s; report: {paths['html']}")


COMMANDS = (twin_command,)
