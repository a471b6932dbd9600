"""The report of a sweep or of several seeds: the headline at equal service, the policy
curves (km per day against service level) on one plot, and every setting with its 95% CI."""

from __future__ import annotations

import html
import json
from pathlib import Path

from backend.twin.policies import KNOBS, LABELS

COLORS = {"need": "#1b9e77", "static": "#d95f02", "count": "#7570b3"}


def _fmt(value, ci) -> str:
    if value is None:
        return "n/a"
    return f"{value:g} ± {ci:g}" if ci is not None else f"{value:g}"


def _plot(figures: dict, out: Path) -> str:
    # Local: matplotlib is slow to import and must get its headless backend before pyplot loads.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 4.5), dpi=110)
    for family in ("static", "count", "need"):
        rows = sorted((s for s in figures["settings"] if s["family"] == family), key=lambda s: s["service_level_pct"])
        if not rows:
            continue
        ax.errorbar(
            [s["service_level_pct"] for s in rows],
            [s["km_per_day"] for s in rows],
            xerr=[s["service_level_pct_ci"] or 0 for s in rows],
            yerr=[s["km_per_day_ci"] or 0 for s in rows],
            marker="o",
            ms=4,
            capsize=3,
            color=COLORS[family],
            label=f"{LABELS[family]} ({KNOBS[family]})",
        )
        for s in rows:
            knob = "own" if s["knob"] is None else f"{s['knob']:g}"
            ax.annotate(
                knob, (s["service_level_pct"], s["km_per_day"]), fontsize=7, xytext=(3, 3), textcoords="offset points"
            )
    eq = figures.get("equal_service")
    if eq:
        ax.axvline(eq["target_service_level_pct"], color="#888", ls="--", lw=1, label="equal service compared")
    ax.set_xlabel("service level (% of bin-days without overflow)")
    ax.set_ylabel("km per day")
    ax.set_title("Kilometres per day against service level")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "policy_curve.png")
    plt.close(fig)
    return "policy_curve.png"


def headline(figures: dict) -> list[str]:
    eq = figures.get("equal_service")
    if not eq:
        return ["Each policy at its default setting; run with `--sweep` to compare at equal service."]
    fam, target = eq["families"], eq["target_service_level_pct"]
    lines = [
        f"At equal service ({target:g}% of bin-days without overflow, the highest level every policy's curve "
        "reaches unless set with --target-service): km per day interpolated linearly between the two settings "
        "around it on each policy's curve of mean figures (interval: the settings' intervals, interpolated alike)."
    ]
    for f in ("static", "count", "need"):
        if f not in fam:
            continue
        x = fam[f]
        line = f"- {LABELS[f]}: {_fmt(x['interpolated_km_per_day'], x['interpolated_km_per_day_ci'])} km/day"
        if len(x["between"]) == 1:  # the curve starts above the target: its cheapest setting already does better
            line += f" (at {x['between'][0]}, whose service already reaches it: an upper bound)"
        elif x["between"]:
            line += f" (between {x['between'][0]} and {x['between'][1]})"
        if "interpolated_saving_pct" in x:
            line += f", {x['interpolated_saving_pct']:g}% fewer than the fixed calendar"
        if x["nearest"]:
            n = x["nearest"]
            line += (
                f"; nearest setting reaching it: {n['key']} at "
                f"{_fmt(n['service_level_pct'], n['service_level_pct_ci'])}% service, "
                f"{_fmt(n['km_per_day'], n['km_per_day_ci'])} km/day"
            )
            if "nearest_saving_pct" in x:
                line += (
                    f" ({_fmt(x['nearest_saving_pct'], x['nearest_saving_pct_ci'])}% fewer km than the calendar's "
                    "nearest setting, paired by seed)"
                )
        lines.append(line)
    return lines


def write_sweep_report(figures: dict, out_dir: str | Path, command: str | None = None) -> dict[str, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if command:
        figures = {**figures, "command": command}
    (out / "figures.json").write_text(json.dumps(figures, indent=1))
    plot = _plot(figures, out)
    cfg = figures["config"]
    head = (
        f"{figures['bins']} bins, {figures['centers']} sorting centers, {cfg['days']} days from {figures['start']}, "
        f"{len(figures['seeds'])} seeds ({', '.join(map(str, figures['seeds']))}) with common random numbers, solver "
        f"time limit {cfg['time_limit']} s. Kilometres measured by {figures['provider']['label']} "
        f"({figures['provider']['description']}). Took {figures['wall_seconds']:g} s wall time "
        f"({figures['job_seconds']:g} s of simulation jobs)."
    )
    cols = ("service_level_pct", "km_per_day", "overflow_bin_hours", "bookings_late", "bookings_missed", "tonnes")
    names = ("setting", "service level %", "km/day", "overflow bin-hours", "late bookings", "missed bookings", "t")
    rows = [[s["key"], *(_fmt(s[c], s[c + "_ci"]) for c in cols)] for s in figures["settings"]]
    lines = headline(figures)
    md = ["# recyclenet digital twin: policies at equal service", "", head, "", *lines, ""]
    md += [figures["service_level_definition"], "", "Means over the seeds ± half-width of the 95% CI (Student t).", ""]
    md += ["| " + " | ".join(names) + " |", "|---" * len(names) + "|"]
    md += ["| " + " | ".join(r) + " |" for r in rows]
    if figures.get("command"):
        md += ["", f"Command: `{figures['command']}`"]
    md += ["", f"![{plot}]({plot})"]
    (out / "report.md").write_text("\n".join(md) + "\n")
    th = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(x)}</td>" for x in r) + "</tr>" for r in rows)
    items = "".join(f"<p>{html.escape(x)}</p>" for x in lines)
    (out / "report.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>recyclenet digital twin</title>"
        "<style>body{font-family:sans-serif;max-width:900px;margin:2em auto}td,th{padding:4px 10px;"
        "border-bottom:1px solid #ddd}img{max-width:100%}</style></head><body>"
        f"<h1>recyclenet digital twin: policies at equal service</h1><p>{html.escape(head)}</p>{items}"
        f"<p>{html.escape(figures['service_level_definition'])}</p><table><tr>{th}</tr>{body}</table>"
        f'<p><img src="{plot}" alt="km per day against service level"></p></body></html>'
    )
    return {
        "json": out / "figures.json",
        "markdown": out / "report.md",
        "html": out / "report.html",
        "plot": out / plot,
    }
