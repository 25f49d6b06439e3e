"""Writing results.csv and results.md (reading the CSV back to render again)."""

from __future__ import annotations

import csv
import os
import platform
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from .chart import plot
from .model import CSV_COLUMNS, REAL, Row, Settings, median, ratio
from .targets import Summary, Target, _median_int, check_targets, find_summary, summarise


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A GitHub-flavoured Markdown table; None prints as an empty cell."""

    def cell(value: object) -> str:
        return "" if value is None else str(value).replace("|", "\\|")

    lines = [
        "| " + " | ".join(headers) + " |",
        "| " + " | ".join("---" for _ in headers) + " |",
    ]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def fmt(value: float | None, digits: int = 2, suffix: str = "") -> str | None:
    return None if value is None else f"{value:,.{digits}f}{suffix}"


def write_csv(rows: Iterable[Row], path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            record = {name: getattr(row, name) for name in CSV_COLUMNS}
            for name, value in record.items():
                if isinstance(value, float):
                    record[name] = f"{value:.3f}"
            writer.writerow(record)


def read_csv(path: Path) -> list[Row]:
    """results.csv back into rows (to render the tables again without measuring)."""
    types = {name: kind for name, kind in Row.__annotations__.items()}
    rows = []
    with open(path, encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            values = {}
            for name, text in record.items():
                kind = types[name]
                if text == "" and "None" in kind:
                    values[name] = None
                elif kind.startswith("int"):
                    values[name] = int(text)
                elif kind.startswith("float"):
                    values[name] = float(text)
                else:
                    values[name] = text
            rows.append(Row(**values))
    return rows


def dataset_label(summary: Summary | Row) -> str:
    if summary.dataset == REAL:
        return f"real data ({summary.patients} patients)"
    return f"synthetic, {summary.patients:,} patients"


def seconds_cell(summary: Summary | None, floor_s: float | None = None) -> str | None:
    if summary is None:
        return None
    if summary.ok == 0:
        if summary.timeout_s:
            return f"timeout (> {summary.timeout_s:g} s)"
        return summary.status
    text = f"{summary.seconds:.1f}"
    if floor_s:
        text += f" ({summary.seconds / floor_s:.1f}x)"
    if summary.ok < summary.runs:
        text += f" [{summary.ok} of {summary.runs} ok]"
    return text


def build_table(summaries: list[Summary], floor_s: float | None) -> str:
    headers = [
        "dataset",
        "cold s (x floor)",
        "no-op s",
        "one-cell edit s (x floor)",
        "edit: report.html at s",
        "CPU s cold / no-op / edit",
        "peak MB (cold)",
        "jobs cold / edit",
        "interpreters cold / no-op / edit",
        "repeats",
    ]
    rows = []
    for cold in (s for s in summaries if s.scenario == "cold"):
        noop = find_summary(summaries, cold.dataset, cold.patients, "noop")
        edit = find_summary(summaries, cold.dataset, cold.patients, "edit")
        rows.append(
            [
                dataset_label(cold),
                seconds_cell(cold, floor_s),
                seconds_cell(noop),
                seconds_cell(edit, floor_s),
                fmt(edit.html_s, 1) if edit else None,
                " / ".join(fmt(s.cpu_s, 1) if s and s.cpu_s else "-" for s in (cold, noop, edit)),
                fmt(cold.peak_rss_mb, 0),
                " / ".join(_count(s, "jobs") for s in (cold, edit)),
                " / ".join(_count(s, "interpreters") for s in (cold, noop, edit)),
                cold.runs,
            ]
        )
    return markdown_table(headers, rows)


def _count(summary: Summary | None, name: str) -> str:
    value = getattr(summary, name) if summary else None
    return "-" if value is None else str(value)


def target_table(targets: list[Target]) -> str:
    rows = [
        [t.name, fmt(t.measured, 2), fmt(t.limit, 2), t.verdict, t.margin, t.note] for t in targets
    ]
    return markdown_table(["target", "measured", "limit", "result", "margin", "note"], rows)


def rule_table(rows: list[Row], scenario: str) -> str:
    """Per rule, median over repeats of the summed job time, for each dataset's build."""
    rule_rows_ = [r for r in rows if r.rule and r.scenario == scenario and r.dataset != "-"]
    datasets = list(dict.fromkeys((r.dataset, r.patients) for r in rule_rows_))
    rules = sorted({r.rule for r in rule_rows_})
    headers = ["rule", "jobs / interpreters"]
    headers += [f"{'real' if d == REAL else f'{p:,}'}: s (benchmark s), peak" for d, p in datasets]
    table = []
    for rule in rules:
        line: list[object] = []
        counts = None
        for dataset, patients in datasets:
            mine = [
                r
                for r in rule_rows_
                if r.rule == rule and (r.dataset, r.patients) == (dataset, patients)
            ]
            if not mine:
                line.append(None)
                continue
            counts = counts or f"{_median_int(r.jobs for r in mine)} / " + str(
                _median_int(r.interpreters for r in mine)
            )
            wall = median(r.seconds for r in mine)
            bench = median(r.benchmark_s for r in mine)
            peak = median(r.peak_rss_mb for r in mine)
            cell = f"{fmt(wall, 0)} ({fmt(bench, 1) or '-'})"
            cell += f", {fmt(peak, 0)} MB" if peak else ""
            if any(r.status == "unfinished" for r in mine):
                cell += ", unfinished at timeout"
            line.append(cell)
        table.append([rule, counts, *line])
    return markdown_table(headers, table)


def startup_table(rows: list[Row], cold_rows: list[Row], noop_s: float | None) -> str:
    """Start-up cost per job of each rule against the median life of that rule's interpreters.

    `script:` rules: interpreter + preamble + the script's imports, timed alone. Rules whose jobs
    run a whole Snakemake (`run:`) have no probe: their start-up is about a no-op build.
    """
    probes = {r.rule: r.seconds for r in rows if r.scenario == "startup"}
    whole = sorted({r.rule for r in cold_rows if r.interpreters} - set(probes))
    headers = ["what starts", "start-up s", "median interpreter life s", "start-up share"]
    table = []
    for rule in [*probes, *whole]:
        startup = probes.get(rule, noop_s)
        lives = [r for r in cold_rows if r.rule == rule and r.interpreters]
        life = median((r.interpreter_s or 0) / r.interpreters for r in lives)
        share = ratio(startup, life)
        label = rule if rule in probes else f"{rule} (a whole Snakemake: ~ a no-op build)"
        table.append([label, fmt(startup), fmt(life), fmt(share * 100 if share else None, 0, "%")])
    return markdown_table(headers, table)


def _noop_seconds(summaries: list[Summary], first: Row | None) -> float | None:
    noop = first and find_summary(summaries, first.dataset, first.patients, "noop")
    return noop.seconds if noop else None


def environment_lines(settings: Settings, finished: datetime, loads: list[float | None]) -> str:
    import snakemake

    memory = ""
    try:
        import psutil

        memory = f", {psutil.virtual_memory().total / 2**30:.0f} GiB RAM"
    except ImportError:
        pass
    known = [load for load in loads if load is not None]
    load_text = f"{min(known):.1f}-{max(known):.1f}" if known else "unknown"
    return (
        f"- Machine: {platform.machine()}, {os.cpu_count()} CPUs{memory}, {platform.system()}; "
        f"Python {platform.python_version()}, Snakemake {snakemake.__version__}.\n"
        f"- Run finished {finished:%Y-%m-%d %H:%M}: `python benchmarks/run.py "
        f"--sizes {','.join(map(str, settings.sizes))} --repeats {settings.repeats} "
        f"--timeout {settings.timeout_s:g}` with `--cores {settings.cores}`.\n"
        f"- 1-minute load average when each build started: {load_text} (other builds shared "
        "the machine). Every time is the median of the repeats; a build slower than "
        f"{settings.single_run_over_s:g} s was run once.\n"
    )


def render_markdown(rows: list[Row], settings: Settings, finished: datetime) -> str:
    summaries = summarise(rows, settings.timeout_s)
    floor = find_summary(summaries, "-", None, "floor")
    version = find_summary(summaries, "-", None, "version")
    floor_s = floor.seconds if floor else None
    loads = [r.load_1min for r in rows if not r.rule]
    # Interpreter lives for the start-up shares: the cold builds of the first dataset measured.
    cold_rules = [r for r in rows if r.rule and r.scenario == "cold"]
    first = cold_rules[0] if cold_rules else None
    profiled = [
        r
        for r in cold_rules
        if first and (r.dataset, r.patients) == (first.dataset, first.patients)
    ]
    parts = [
        "# Benchmark results\n",
        "Written by `benchmarks/run.py` (see benchmarks/README.md for the method). Times are wall "
        "seconds.\n",
        environment_lines(settings, finished, loads),
        "## Builds\n",
        "Report floor (one interpreter importing pandas, PyYAML, Jinja2, matplotlib and WeasyPrint "
        "and laying out the report the build wrote, without the appendix, as a PDF, with the PDF "
        f"job's own call): **{fmt(floor_s)} s** (CPU {fmt(floor.cpu_s if floor else None)}"
        " s); `snakemake --version`: "
        f"**{fmt(version.seconds if version else None)} s** (medians of "
        f"{floor.runs if floor else 0} and {version.runs if version else 0} runs, spread over "
        "the benchmark beside the builds).\n",
        build_table(summaries, floor_s),
        "\n## Targets\n",
        target_table(check_targets(summaries)),
        "\n## Where the time goes (cold builds)\n",
        "Per rule: summed wall time of its jobs from the job log (one-second stamps), and in "
        "brackets from Snakemake's benchmark files where the rules have `benchmark:`; then the "
        "largest resident memory of one of its interpreters (psutil). Jobs run "
        f"{settings.cores} at a time, so the rules add up to more than the build.\n",
        rule_table(rows, "cold"),
        "\n## Where the time goes (one-cell edit of labs.csv)\n",
        "The same, for the jobs the edit reruns: the HTML waits for every job it reads (the "
        "figures' caption models, not their drawings), the PDF for the HTML and the drawings.\n",
        rule_table(rows, "edit"),
        "\n## Start-up cost per job\n",
        "Each `script:` job starts an interpreter, runs Snakemake's preamble (unpickling the job) "
        "and imports its libraries before any work; a `run:` job runs in a thread of Snakemake "
        "itself (the default profile's force-use-threads) and starts nothing. "
        "Start-up measured alone (median of "
        f"{settings.probe_repeats}); interpreter life (psutil) from the cold builds of "
        f"{dataset_label(first) if first else '-'}.\n",
        startup_table(rows, profiled, _noop_seconds(summaries, first)),
        "\n![build time against cohort size](results.svg)\n",
    ]
    return "\n".join(parts)


def write_results(rows: list[Row], settings: Settings, finished: datetime) -> None:
    settings.out.mkdir(parents=True, exist_ok=True)
    if not settings.render:  # when rendering, the CSV is the input: leave it as measured
        write_csv(rows, settings.out / "results.csv")
    # Keep the section benchmarks/validation.py writes below its marker.
    results_md = settings.out / "results.md"
    kept = results_md.read_text(encoding="utf-8") if results_md.exists() else ""
    marker = "<!-- benchmarks/validation.py writes below this line"
    tail = kept[kept.index(marker) :] if marker in kept else ""
    text = render_markdown(rows, settings, finished)
    results_md.write_text(f"{text.rstrip()}\n\n{tail}" if tail else text, encoding="utf-8")
    plot(rows, settings, settings.out / "results.svg")
