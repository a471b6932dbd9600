"""The twin's report: Markdown, HTML, PNG plots and a JSON file of every figure."""

from __future__ import annotations

import html
import json
from itertools import accumulate
from pathlib import Path

from backend.twin.figures import SERVICE_LEVEL_DEFINITION

LABELS = {"need": "need-based", "static": "static schedule", "count": "count-driven selection"}
COLORS = {"need": "#1b9e77", "static": "#d95f02", "count": "#7570b3"}

HOW_STATIC = (
    "The static schedule is the best fixed weekly schedule the same engine can plan: each bin's visits per week "
    "(1, 2, 3 or 6, Monday to Saturday, evenly spread) are the fewest that keep it below 95% between two visits at "
    "its average fill rate; the bins of each weekday are routed once per sorting center by the same planner and the "
    "same time limit, with their expected fill at average rates, and those routes are driven every week. Bookings "
    "are served by a separate daily round in order of arrival. The need-based policy runs the platform's own code: "
    "hourly readings through the ingest service, then each morning the plan job behind POST /api/v1/plans "
    "(forecasts, required and optional bins, bookings in their windows). Both policies see the same bins, the same "
    "hourly fill increments (weekday pattern, noise, festival days) and the same bookings; both start after a "
    "week of warm-up under the fixed round; kilometres come from the planner's own distance provider. The "
    "count-driven selection has no sensors: each morning it takes the K bins estimated (from average fill rates "
    "and the time since it last emptied them) to fill soonest, K being the calendar's visits per day, and routes "
    "them with the day's bookings by the same planner: it separates what daily selection adds from what sensors add."
)


def _policies(figures: dict) -> list[str]:
    return [p for p in ("need", "count", "static") if p in figures["daily"]]


def _plots(figures: dict, out: Path) -> list[str]:
    # Local: matplotlib is slow to import and must get its headless backend before pyplot loads.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    daily = figures["daily"]
    days = range(1, len(daily["need"]) + 1)
    made = []

    def save(name, title, ylabel, draw):
        fig, ax = plt.subplots(figsize=(7, 3.6), dpi=110)
        draw(ax)
        ax.set_title(title)
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(out / name)
        plt.close(fig)
        made.append(name)

    def lines(key, cumulative_ratio=False):
        def draw(ax):
            for p in _policies(figures):
                if cumulative_ratio:
                    km = list(accumulate(d["km"] for d in daily[p]))
                    t = list(accumulate(d["tonnes"] for d in daily[p]))
                    ys = [k / x if x else None for k, x in zip(km, t, strict=True)]
                else:
                    ys = [d[key] for d in daily[p]]
                ax.plot(days, ys, marker="o", ms=3, label=LABELS[p], color=COLORS[p])
            ax.set_xlabel("day")

        return draw

    save("daily_km.png", "Kilometres driven per day", "km", lines("km"))
    save("km_per_tonne.png", "Cumulative kilometres per tonne collected", "km / t", lines(None, True))

    def hist(ax):
        for p in _policies(figures):
            fills = [x for d in daily[p] for x in d["fills_at_emptying"]]
            ax.hist(
                fills, bins=range(0, 105, 5), alpha=0.55, label=f"{LABELS[p]} ({len(fills)} visits)", color=COLORS[p]
            )
        ax.set_xlabel("fill level when emptied (%)")

    save("fill_at_emptying.png", "Fill level at emptying", "visits", hist)

    def overflow(ax):
        shown = _policies(figures)
        width = 0.8 / len(shown)
        for n, p in enumerate(shown):
            ax.bar(
                [d + (n - (len(shown) - 1) / 2) * width for d in days],
                [d["overflow_bin_hours"] for d in daily[p]],
                width,
                label=LABELS[p],
                color=COLORS[p],
            )
        ax.set_xlabel("day")

    save("overflows.png", "Overflow (bin-hours at 100%) per day", "bin-hours", overflow)
    return made


def _table(figures: dict) -> list[tuple[str, ...]]:
    keys = [
        ("service_level_pct", "service level (% of bin-days without overflow)"),
        ("overflow_bin_hours", "overflow bin-hours"),
        ("bookings_late", "bookings late"),
        ("bookings_missed", "bookings missed"),
        ("km_per_day", "km per day"),
        ("km", "km"),
        ("empty_km", "empty km"),
        ("truck_hours", "truck-hours"),
        ("tonnes", "tonnes collected"),
        ("km_per_tonne", "km per tonne"),
        ("bin_visits", "bin visits"),
        ("wasted_visits", "wasted visits (< 25% full)"),
        ("bookings_served", "bookings served"),
    ]
    shown = [figures["totals"][p] for p in _policies(figures)]
    return [(label, *(str(t[k]) for t in shown)) for k, label in keys]


def _off_network(figures: dict) -> str:
    legs = figures.get("off_network_legs", 0)
    return f" ({legs} legs with no street route measured great-circle x1.3)" if legs else ""


def write_report(figures: dict, out_dir: str | Path) -> dict[str, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "figures.json").write_text(json.dumps(figures, indent=1))
    plots = _plots(figures, out)
    cfg, totals = figures["config"], figures["totals"]
    head = (
        f"{figures['bins']} bins, {figures['centers']} sorting centers, {cfg['days']} days from "
        f"{figures['start']}, seed {cfg['seed']}, solver time limit {cfg['time_limit']} s"
        f"{' (deterministic)' if cfg['deterministic'] else ''}; festival days: {figures['festival_days'] or 'none'}. "
        f"Kilometres measured by {figures['provider']['label']} ({figures['provider']['description']})"
        f"{_off_network(figures)}; "
        f"the run took {figures.get('wall_seconds', '?')} s."
    )
    sl = {p: totals[p]["service_level_pct"] for p in _policies(figures)}
    saving = (
        "Service level: " + ", ".join(f"{LABELS[p]} {v}%" for p, v in sl.items()) + ". "
        f"Need-based drives {totals.get('km_saving_pct', 'n/a')}% fewer km "
        f"({totals.get('km_per_tonne_saving_pct', 'n/a')}% fewer km per tonne) than the static schedule, at the "
        "service levels each policy's default gives, which differ: compare at equal service with `--sweep`."
    )
    rows = _table(figures)
    names = [LABELS[p] for p in _policies(figures)]
    md = ["# recyclenet digital twin", "", head, "", saving, "", SERVICE_LEVEL_DEFINITION, ""]
    md += ["| figure | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    md += ["| " + " | ".join(r) + " |" for r in rows]
    md += ["", "## How the static schedule was built", "", HOW_STATIC, ""]
    md += [f"![{p}]({p})" for p in plots]
    (out / "report.md").write_text("\n".join(md) + "\n")
    body = "".join("<tr>" + "".join(f"<td>{html.escape(x)}</td>" for x in r) + "</tr>" for r in rows)
    th = "".join(f"<th>{html.escape(x)}</th>" for x in ["figure", *names])
    imgs = "".join(f'<p><img src="{p}" alt="{p}"></p>' for p in plots)
    (out / "report.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>recyclenet digital twin</title>"
        "<style>body{font-family:sans-serif;max-width:860px;margin:2em auto}td,th{padding:4px 10px;"
        "border-bottom:1px solid #ddd}img{max-width:100%}</style></head><body>"
        f"<h1>recyclenet digital twin</h1><p>{html.escape(head)}</p><p><b>{html.escape(saving)}</b></p>"
        f"<p>{html.escape(SERVICE_LEVEL_DEFINITION)}</p><table><tr>{th}</tr>{body}</table>"
        f"<h2>How the static schedule was built</h2><p>{html.escape(HOW_STATIC)}</p>{imgs}</body></html>"
    )
    return {"json": out / "figures.json", "markdown": out / "report.md", "html": out / "report.html"}
