"""Medians over the repeats, and the issue's targets checked against them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .model import (
    REAL,
    Row,
    median,
    ratio,
)

# Targets of issue 12 (an edit rebuilt near the floor), against the report floor (FLOOR_SCRIPT).
COLD_FLOOR_RATIO = 1.5  # cold build <= 1.5 x the report floor
EDIT_FLOOR_RATIO = 1.2  # one-cell edit <= 1.2 x the report floor
EDIT_HTML_S = 4.0  # the edit's report.html written within 4 s of the build's start
NOOP_SLACK_S = 0.5  # no-op build <= `snakemake --version` + 0.5 s
LARGE_COHORT = 10_000
LARGE_COLD_S = 60.0
LARGE_PEAK_MB = 2000.0  # 2 GB, decimal megabytes
GROWTH_FROM = 1_000
GROWTH_MAX = 10.0  # 10x the patients may cost at most 10x the time (no worse than linear)


@dataclass(frozen=True)
class Target:
    name: str
    measured: float | None
    limit: float
    unit: str
    note: str = ""
    lower_bound: bool = False  # measured on a build stopped by the timeout: the truth is higher

    @property
    def verdict(self) -> str:
        if self.measured is None:
            return "n/a"
        if self.measured > self.limit:
            return "miss"
        return "unknown" if self.lower_bound else "pass"

    @property
    def margin(self) -> str:
        """How far from the limit, as a signed share of it ('-40%' = 40% under, '3.1x' over)."""
        if self.measured is None:
            return ""
        share = self.measured / self.limit
        at_least = ">= " if self.lower_bound else ""
        if share <= 1:
            # Under the limit: a lower bound says nothing about the margin.
            return "" if self.lower_bound else f"{(share - 1) * 100:+.0f}%"
        return f"{at_least}{share:.1f}x the limit"


@dataclass
class Summary:
    """Medians of the repeats of one scenario of one dataset."""

    dataset: str
    patients: int | None
    scenario: str
    runs: int
    ok: int
    status: str  # ok | failed | timeout | mixed
    seconds: float | None
    peak_rss_mb: float | None
    jobs: int | None
    interpreters: int | None
    cpu_s: float | None = None
    timeout_s: float | None = None  # the timeout, when one was hit (a lower bound on the time)
    html_s: float | None = None  # report.html written, seconds from the build's start


def summarise(rows: Iterable[Row], timeout_s: float | None = None) -> list[Summary]:
    """Medians over the repeats of each (dataset, patients, scenario), whole builds only."""
    groups: dict[tuple, list[Row]] = {}
    for row in rows:
        if not row.rule:
            groups.setdefault((row.dataset, row.patients, row.scenario), []).append(row)
    summaries = []
    for (dataset, patients, scenario), members in groups.items():
        ok = [row for row in members if row.status == "ok"]
        statuses = {row.status for row in members}
        summaries.append(
            Summary(
                dataset=dataset,
                patients=patients,
                scenario=scenario,
                runs=len(members),
                ok=len(ok),
                status=next(iter(statuses)) if len(statuses) == 1 else "mixed",
                seconds=median(row.seconds for row in ok),
                # With no complete build, the highest peak seen before the builds stopped.
                peak_rss_mb=median(row.peak_rss_mb for row in ok)
                if ok
                else max((row.peak_rss_mb or 0 for row in members), default=None) or None,
                jobs=_median_int(row.jobs for row in ok),
                interpreters=_median_int(row.interpreters for row in ok),
                cpu_s=median(row.cpu_s for row in ok),
                timeout_s=timeout_s if "timeout" in statuses else None,
                html_s=median(row.html_s for row in ok),
            )
        )
    return summaries


def _median_int(values: Iterable[int | None]) -> int | None:
    middle = median(values)
    return None if middle is None else round(middle)


def find_summary(
    summaries: Iterable[Summary], dataset: str, patients: int | None, scenario: str
) -> Summary | None:
    return next(
        (
            s
            for s in summaries
            if s.dataset == dataset and s.patients == patients and s.scenario == scenario
        ),
        None,
    )


def check_targets(summaries: list[Summary]) -> list[Target]:
    """The issue's targets, from the medians. A timed-out build counts as the timeout (a miss)."""
    floor = find_summary(summaries, "-", None, "floor")
    version = find_summary(summaries, "-", None, "version")
    floor_s = floor.seconds if floor else None
    version_s = version.seconds if version else None
    real_cold = find_summary(summaries, REAL, 3, "cold")
    real_noop = find_summary(summaries, REAL, 3, "noop")
    real_edit = find_summary(summaries, REAL, 3, "edit")
    large = find_summary(summaries, "synthetic", LARGE_COHORT, "cold")
    base = find_summary(summaries, "synthetic", GROWTH_FROM, "cold")
    targets = []
    if floor_s:
        targets.append(
            Target(
                "cold build (real data) / report floor",
                ratio(_time_or_timeout(real_cold), floor_s),
                COLD_FLOOR_RATIO,
                "x",
                f"report floor {floor_s:.2f} s" + _cpu_ratio_note(real_cold, floor),
            )
        )
        targets.append(
            Target(
                "one-cell edit (real data) / report floor",
                ratio(_time_or_timeout(real_edit), floor_s),
                EDIT_FLOOR_RATIO,
                "x",
                f"report floor {floor_s:.2f} s" + _cpu_ratio_note(real_edit, floor),
            )
        )
    targets.append(
        Target(
            "one-cell edit (real data): report.html written, s from the build's start",
            real_edit.html_s if real_edit else None,
            EDIT_HTML_S,
            "s",
            "" if real_edit else "not measured",
        )
    )
    if version_s is not None:
        targets.append(
            Target(
                "no-op build (real data), s",
                _time_or_timeout(real_noop),
                version_s + NOOP_SLACK_S,
                "s",
                f"`snakemake --version` {version_s:.2f} s + {NOOP_SLACK_S:g} s"
                + _cpu_difference_note(real_noop, version),
            )
        )
    targets.append(
        Target(
            f"cold build, {LARGE_COHORT:,} patients, s",
            _time_or_timeout(large),
            LARGE_COLD_S,
            "s",
            _timeout_note(large),
            lower_bound=_timed_out(large),
        )
    )
    targets.append(
        Target(
            f"peak memory, {LARGE_COHORT:,} patients, MB",
            large.peak_rss_mb if large else None,
            LARGE_PEAK_MB,
            "MB",
            "sum of RSS over the process tree"
            + (" until the timeout stopped the build" if _timed_out(large) else ""),
            lower_bound=_timed_out(large),
        )
    )
    targets.append(
        Target(
            f"growth {GROWTH_FROM:,} -> {LARGE_COHORT:,} patients (time ratio)",
            ratio(_time_or_timeout(large), _time_or_timeout(base)),
            GROWTH_MAX,
            "x",
            "no faster than linear",
            lower_bound=_timed_out(large),
        )
    )
    return targets


def _cpu_ratio_note(build: Summary | None, floor: Summary) -> str:
    """The same ratio in CPU time, which a busy machine inflates less than wall time."""
    cpu = ratio(build.cpu_s if build else None, floor.cpu_s)
    return f"; in CPU time {cpu:.1f}x ({build.cpu_s:.1f} s / {floor.cpu_s:.1f} s)" if cpu else ""


def _cpu_difference_note(build: Summary | None, version: Summary) -> str:
    if not (build and build.cpu_s and version.cpu_s):
        return ""
    extra = build.cpu_s - version.cpu_s
    return f"; in CPU time {build.cpu_s:.2f} s, {extra:+.2f} s over `snakemake --version`"


def _timed_out(summary: Summary | None) -> bool:
    return bool(summary and summary.ok == 0 and summary.timeout_s)


def _time_or_timeout(summary: Summary | None) -> float | None:
    """The median time; for a build that only ever timed out, the timeout (a lower bound)."""
    if summary is None:
        return None
    if _timed_out(summary):
        return summary.timeout_s
    return summary.seconds


def _timeout_note(summary: Summary | None) -> str:
    if summary is None:
        return "not measured"
    if _timed_out(summary):
        return f"timed out after {summary.timeout_s:g} s (a lower bound)"
    return ""
