"""`recyclenet audit`: the mass balance from bins and doors to markets."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from backend.core.extensions import db
from backend.reporting.services.audit import audit


@click.command("audit")
@click.option("--tolerance-pct", default=10.0, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@with_appcontext
def audit_command(tolerance_pct: float, fmt: str) -> None:
    """Mass balance per center and category; lists every discrepancy (exit 1 if any)."""
    rows, problems = audit(db.session(), tolerance_pct)
    if fmt == "json":
        click.echo(json.dumps({"rows": rows, "discrepancies": problems}, indent=1))
    else:
        click.echo(
            f"{'center':34} {'category':18} {'collected':>10} {'intake':>10} {'shipped':>10} {'stock':>10} {'sold':>10}"
        )
        for r in rows:
            click.echo(
                f"{r['center'][:34]:34} {r['category']:18} {r['collected_kg']:10.1f} {r['intake_kg']:10.1f} "
                f"{r['shipped_kg']:10.1f} {r['stock_kg']:10.1f} {r['sold_kg']:10.1f}"
            )
        click.echo(f"{len(problems)} discrepancies")
        for p in problems:
            click.echo(
                f"  {p['center']} / {p['category']}: {p['check']}: expected {p['expected']}, "
                f"found {p['actual']} ({p['diff_pct']}%)"
            )
    if problems:
        raise SystemExit(1)


COMMANDS = (audit_command,)
