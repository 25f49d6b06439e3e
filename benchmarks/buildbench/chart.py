"""results.svg: build time against cohort size, with the targets."""

from __future__ import annotations

from pathlib import Path

from .model import (
    SCENARIOS,
    Row,
    Settings,
)
from .targets import (
    COLD_FLOOR_RATIO,
    GROWTH_FROM,
    LARGE_COHORT,
    LARGE_COLD_S,
    NOOP_SLACK_S,
    Summary,
    _time_or_timeout,
    _timed_out,
    find_summary,
    summarise,
)


def plot(rows: list[Row], settings: Settings, path: Path) -> None:
    """Build time against cohort size (log-log), with the targets as lines."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "casereport-benchmarks"  # stable ids across runs
    from matplotlib.figure import Figure

    summaries = summarise(rows, settings.timeout_s)
    figure = Figure(figsize=(9, 4.5))
    axes = figure.add_subplot()
    for scenario, marker in zip(SCENARIOS, "os^", strict=True):
        points = sorted(
            (s.patients, _time_or_timeout(s), _timed_out(s))
            for s in summaries
            if s.scenario == scenario and s.dataset == "synthetic" and _time_or_timeout(s)
        )
        if not points:
            continue
        x, y, _ = zip(*points, strict=True)
        (line,) = axes.plot(x, y, marker=marker, label=scenario.replace("noop", "no-op"))
        timeouts = [(xi, yi) for xi, yi, out in points if out]
        if timeouts:
            tx, ty = zip(*timeouts, strict=True)
            axes.plot(tx, ty, "^", color="red", markersize=11, label="timed out (lower bound)")
    _plot_targets(axes, summaries)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("patients (synthetic cohort)")
    axes.set_ylabel("wall time, s (median)")
    axes.set_title("Build time against cohort size")
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1))
    axes.grid(True, which="both", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, metadata={"Date": None})


def _plot_targets(axes, summaries: list[Summary]) -> None:
    floor = find_summary(summaries, "-", None, "floor")
    version = find_summary(summaries, "-", None, "version")
    if floor and floor.seconds:
        limit = COLD_FLOOR_RATIO * floor.seconds
        axes.axhline(
            limit,
            color="grey",
            linestyle="--",
            label=f"cold target: {COLD_FLOOR_RATIO}x report floor",
        )
    if version and version.seconds:
        limit = version.seconds + NOOP_SLACK_S
        axes.axhline(
            limit,
            color="grey",
            linestyle=":",
            label=f"no-op target: --version + {NOOP_SLACK_S:g} s",
        )
    axes.plot(
        [LARGE_COHORT], [LARGE_COLD_S], "k*", markersize=10, label=f"target at {LARGE_COHORT:,}"
    )
    base = find_summary(summaries, "synthetic", GROWTH_FROM, "cold")
    if base and base.seconds:
        # Linear growth from the 1,000-patient build: the most the 10,000 build may cost.
        ends = [base.seconds, base.seconds * LARGE_COHORT / GROWTH_FROM]
        axes.plot([GROWTH_FROM, LARGE_COHORT], ends, color="black", linewidth=0.8, label="linear")
