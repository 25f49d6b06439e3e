"""The scenarios: the floor and `snakemake --version` probes, cold, no-op and edit builds,
the start-up profile, and per-rule accounting of a build."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from .joblog import (
    SCRIPT_COPY,
    Job,
    import_lines,
    parse_benchmark_tsv,
    parse_job_log,
    process_rule,
    rule_scripts,
    snakemake_log,
    split_preamble,
    work_jobs,
)
from .measure import load_average, measure
from .model import EDITED_FILE, FLOOR_SCRIPT, REAL, Measurement, Process, Row, Settings, log, median
from .project import (
    clean,
    copy_project,
    edited,
    job_environment,
    prepare_data,
    report_html,
    snakemake_command,
)
from .results import fmt


def all_rule_scripts(project: Path) -> dict[str, str]:
    scripts: dict[str, str] = {}
    for smk in sorted((project / "workflow" / "rules").glob("*.smk")):
        scripts.update(rule_scripts(smk.read_text(encoding="utf-8")))
    return scripts


def interpreters(measurement: Measurement, scripts: dict[str, str]) -> list[tuple[str, Process]]:
    """(rule, process) for every Python interpreter a build started for a job."""
    commands = {process.pid: process.command for process in measurement.processes}
    pairs = []
    for process in measurement.processes:
        if commands.get(process.parent) == process.command:
            continue  # a fork about to exec something else (Snakemake calling its ILP solver)
        rule = process_rule(process.command, scripts)
        if rule is not None:
            pairs.append((rule, process))
    return pairs


def rule_rows(
    base: Row, measurement: Measurement, project: Path, scripts: dict[str, str], since: float
) -> list[Row]:
    """One row per rule of a build: jobs, job wall time, benchmark time, interpreters."""
    jobs = work_jobs(parse_job_log(snakemake_log(measurement.output)))
    by_rule: dict[str, list[Job]] = {}
    for job in jobs:
        by_rule.setdefault(job.rule, []).append(job)
    procs: dict[str, list[Process]] = {}
    for rule, process in interpreters(measurement, scripts):
        procs.setdefault(rule, []).append(process)
    rows = []
    for rule in sorted(set(by_rule) | set(procs)):
        rule_jobs = by_rule.get(rule, [])
        bench = [benchmark_seconds(project, job.benchmark, since) for job in rule_jobs]
        if not any(bench):  # the quiet profile's log names no benchmark file: find the rule's
            bench = rule_benchmark_seconds(project, rule, since)
        rows.append(
            Row(
                dataset=base.dataset,
                patients=base.patients,
                scenario=base.scenario,
                repeat=base.repeat,
                # A job still running when the build stopped (timeout) has no time of its own.
                status="unfinished" if any(j.finished is None for j in rule_jobs) else base.status,
                rule=rule,
                jobs=len(rule_jobs),
                # Job wall time from the log (one-second stamps); per rule, summed over its jobs.
                seconds=sum(job.seconds or 0.0 for job in rule_jobs),
                benchmark_s=sum(b for b in bench if b is not None) if any(bench) else None,
                interpreters=len(procs.get(rule, [])),
                interpreter_s=sum(p.seconds for p in procs.get(rule, [])),
                peak_rss_mb=max((p.peak_rss_mb for p in procs.get(rule, [])), default=None),
            )
        )
    return rows


def rule_benchmark_seconds(project: Path, rule: str, since: float) -> list[float | None]:
    """Wall seconds of each benchmark file this build wrote for `rule`: the rules name theirs
    `<benchmarks_dir>/<rule>.tsv` or `<benchmarks_dir>/<rule>/<wildcards>.tsv`."""
    import yaml

    config = yaml.safe_load((project / "config" / "config.yaml").read_text(encoding="utf-8"))
    directory = project / config.get("benchmarks_dir", "logs/benchmarks")
    paths = [directory / f"{rule}.tsv", *sorted((directory / rule).glob("**/*.tsv"))]
    relative = [path.relative_to(project).as_posix() for path in paths]
    return [benchmark_seconds(project, name, since) for name in relative]


def benchmark_seconds(project: Path, relative: str | None, since: float) -> float | None:
    """Wall seconds from a job's benchmark file, if this build wrote one."""
    if not relative:
        return None
    path = project / relative
    if not path.is_file() or path.stat().st_mtime < since:
        return None
    return parse_benchmark_tsv(path.read_text(encoding="utf-8")).get("s")


def probe(
    scenario: str, settings: Settings, times: int = 1, project: Path | None = None
) -> list[Row]:
    """Time the report floor or `snakemake --version`, `times` times.

    The floor lays out the report that the last build wrote in `project` (see FLOOR_SCRIPT).
    """
    cwd, env = settings.workdir, None
    if scenario == "floor":
        script = settings.workdir / "floor.py"
        script.write_text(FLOOR_SCRIPT, encoding="utf-8")
        command = [sys.executable, str(script), str(report_html(project))]
        cwd, env = project, job_environment(project)
    else:
        command = [sys.executable, "-m", "snakemake", "--version"]
    rows = []
    for _ in range(times):
        load = load_average()
        result = measure(command, cwd, settings.timeout_s, env)
        rows.append(
            Row(
                dataset="-",
                patients=None,
                scenario=scenario,
                repeat=0,
                status=result.status,
                seconds=result.seconds,
                cpu_s=result.cpu_s,
                peak_rss_mb=result.peak_rss_mb,
                load_1min=load,
            )
        )
        log(f"{scenario}: {result.status} {result.seconds:.2f} s")
    return rows


def build(
    project: Path, data_dir: str, patients: int, scenario: str, repeat: int, settings: Settings
) -> tuple[list[Row], Measurement]:
    scripts = all_rule_scripts(project)
    dataset = REAL if data_dir == "data/raw" else "synthetic"
    load = load_average()
    since = time.time()
    result = measure(
        snakemake_command(settings.cores, data_dir),
        project,
        settings.timeout_s,
        job_environment(project),
        watch=report_html(project),
    )
    row = Row(
        dataset=dataset,
        patients=patients,
        scenario=scenario,
        repeat=repeat,
        status=result.status,
        seconds=result.seconds,
        cpu_s=result.cpu_s,
        peak_rss_mb=result.peak_rss_mb,
        jobs=len(work_jobs(parse_job_log(snakemake_log(result.output)))),
        interpreters=len(interpreters(result, scripts)),
        load_1min=load,
        html_s=result.watched_s,
    )
    html = f", report.html at {result.watched_s:.1f} s" if result.watched_s else ""
    log(
        f"{dataset} {patients} {scenario} #{repeat}: {result.status} {result.seconds:.1f} s{html} "
        f"(CPU {result.cpu_s or 0:.1f} s), "
        f"{row.jobs} jobs, {row.interpreters} interpreters, peak {row.peak_rss_mb or 0:.0f} MB"
    )
    if result.status == "failed":
        log("last lines of the failed build:\n" + "\n".join(result.output.splitlines()[-25:]))
    return [row, *rule_rows(row, result, project, scripts, since)], result


def benchmark_size(size: str | int, settings: Settings, floor: bool = False) -> list[Row]:
    """Cold, no-op and one-cell-edit builds of one dataset, repeated; stops at a failure.

    `floor`: lay out this dataset's report as the report floor after each cold and edit build.
    """
    project = copy_project(settings.workdir / f"project_{size}")
    data_dir, patients = prepare_data(project, size, settings.seed)
    rows: list[Row] = []
    for repeat in range(1, settings.repeats + 1):
        clean(project)
        cold_rows, cold = build(project, data_dir, patients, "cold", repeat, settings)
        rows += cold_rows
        if cold.status != "ok":
            break  # a timeout is not repeated: each one costs the whole timeout
        # The floor and --version are timed again beside each build, so that their medians
        # see the same machine load as the builds they are compared with.
        rows += probe("floor", settings, project=project) if floor else []
        rows += probe("version", settings)
        rows += build(project, data_dir, patients, "noop", repeat, settings)[0]
        with edited(project / data_dir / EDITED_FILE):
            edit_rows, edit = build(project, data_dir, patients, "edit", repeat, settings)
            rows += edit_rows
            if floor and edit.status == "ok":
                rows += probe("floor", settings, project=project)
        if cold.seconds > settings.single_run_over_s:
            log(f"{size}: cold build over {settings.single_run_over_s:g} s, measured once")
            break
    return rows


def startup_profile(project: Path, settings: Settings) -> list[Row]:
    """Interpreter start, Snakemake's script preamble, and each script's imports, timed alone.

    Uses the copies of the scripts that a build left in .snakemake/scripts/ (with the preamble
    Snakemake inserted), so the preamble is exactly what the jobs ran.
    """
    scripts = all_rule_scripts(project)
    copies: dict[str, Path] = {}
    for path in sorted((project / ".snakemake" / "scripts").glob("tmp*.py")):
        if match := SCRIPT_COPY.search(path.name):
            copies.setdefault(match[1], path)
    probes = {"(interpreter: python -c pass)": "pass\n"}
    for name, path in sorted(copies.items()):
        preamble, body = split_preamble(path.read_text(encoding="utf-8"))
        if name == sorted(copies)[0]:
            probes["(interpreter + Snakemake preamble)"] = preamble
        probes[scripts.get(name, name)] = preamble + "\n".join(import_lines(body)) + "\n"
    rows = []
    directory = settings.workdir / "probes"
    directory.mkdir(exist_ok=True)
    for label, source in probes.items():
        path = directory / f"probe_{len(rows)}.py"
        path.write_text(source, encoding="utf-8")
        times = []
        for _ in range(settings.probe_repeats):
            result = measure([sys.executable, str(path)], project, 120, job_environment(project))
            times.append(result.seconds if result.status == "ok" else None)
        rows.append(Row("-", None, "startup", 0, "ok", median(times), rule=label))
        log(f"start-up {label}: {fmt(rows[-1].seconds)} s")
    return rows


def run(settings: Settings) -> list[Row]:
    settings.workdir.mkdir(parents=True, exist_ok=True)
    rows = probe("version", settings, settings.probe_repeats)
    # The report floor is the first dataset's report (the paper's, by default), laid out beside
    # its builds; then as many times more as the other probes, on that dataset's last report.
    first = settings.sizes[0]
    for size in settings.sizes:
        rows += benchmark_size(size, settings, floor=size == first)
        if size == first:
            project = settings.workdir / f"project_{size}"
            if report_html(project).is_file():
                more = settings.probe_repeats - sum(r.scenario == "floor" for r in rows)
                rows += probe("floor", settings, max(more, 0), project)
            rows += startup_profile(project, settings)
    return rows
