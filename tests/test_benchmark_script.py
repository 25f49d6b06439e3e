"""benchmarks/run.py: its parsing, arithmetic and table writing, and one `--quick` smoke run.

Nothing here asserts on a duration: the machine is shared and times vary. The smoke run checks that
the script measures, writes its three files and reports every target, whatever the numbers.
"""

from __future__ import annotations

import csv
import importlib.util
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "run.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("benchmark_run", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


bench = _load_script()


# --- Command line ---------------------------------------------------------------------------


def test_sizes_parse_real_and_whole_numbers():
    assert bench.parse_sizes("real, 3,100,10_000") == ["real", 3, 100, 10_000]


@pytest.mark.parametrize("text", ["", "0", "-5", "ten", "3,1.5"])
def test_bad_sizes_are_refused(text):
    with pytest.raises(ValueError):
        bench.parse_sizes(text)


def test_quick_means_three_patients_once(tmp_path):
    settings = bench.parse_args(["--quick", "--out", str(tmp_path), "--workdir", str(tmp_path)])
    assert settings.sizes == [3]
    assert settings.repeats == 1
    assert settings.timeout_s <= 300


def test_defaults_cover_the_issue_sizes(tmp_path):
    settings = bench.parse_args(["--workdir", str(tmp_path)])
    assert settings.sizes == ["real", 3, 100, 1000, 10_000]
    assert settings.repeats >= 3
    assert settings.timeout_s == 600


# --- Parsing what Snakemake writes ----------------------------------------------------------

JOB_LOG = """\
Building DAG of jobs...
[Wed Nov 25 16:39:23 2026]
localrule validate_table:
    input: data/raw/labs.csv
    output: results/validated/labs.csv
    jobid: 11
    benchmark: benchmarks/validate_table/labs.tsv
    reason: Missing output files: results/validated/labs.csv
[Wed Nov 25 16:39:23 2026]
rule report_asset:
    jobid: 17
[Wed Nov 25 16:39:28 2026]
Finished jobid: 17 (Rule: report_asset)
1 of 3 steps (33%) done
[Wed Nov 25 16:39:31 2026]
Finished jobid: 11 (Rule: validate_table)
[Wed Nov  5 16:40:01 2026]
Error in rule table:
    jobid: 12
[Wed Nov 25 16:40:02 2026]
localrule all:
    jobid: 0
"""


def test_job_log_gives_each_job_its_rule_times_and_benchmark():
    jobs = {job.jobid: job for job in bench.parse_job_log(JOB_LOG)}
    assert set(jobs) == {11, 17, 0}  # an "Error in rule" block is not a job start
    assert jobs[11].rule == "validate_table"
    assert jobs[11].seconds == 8
    assert jobs[11].benchmark == "benchmarks/validate_table/labs.tsv"
    assert jobs[17].rule == "report_asset" and jobs[17].seconds == 5
    assert jobs[17].benchmark is None
    assert jobs[0].seconds is None  # started, never finished


def test_rule_all_is_not_a_job_that_works():
    assert [job.rule for job in bench.work_jobs(bench.parse_job_log(JOB_LOG))] == [
        "validate_table",
        "report_asset",
    ]


def test_the_full_log_named_by_a_quiet_terminal_is_read(tmp_path):
    """The quiet terminal has one line per job and no times; the run's full log has them."""
    full = tmp_path / "run.snakemake.log"
    full.write_text(JOB_LOG, encoding="utf-8")
    terminal = f"Job 11: validate labs\nJob 17: copy report.css\nComplete log(s): {full}\n"
    assert bench.snakemake_log(terminal) == JOB_LOG
    jobs = bench.work_jobs(bench.parse_job_log(bench.snakemake_log(terminal)))
    assert [job.rule for job in jobs] == ["validate_table", "report_asset"]
    # No full log named, or gone: the terminal's own lines are read.
    assert bench.snakemake_log("Job 11: validate labs\n") == "Job 11: validate labs\n"
    gone = f"Complete log(s): {tmp_path / 'gone.log'}\n"
    assert bench.snakemake_log(gone) == gone


def test_benchmark_file_gives_seconds_and_memory():
    text = (
        "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"
        "2.5012\t0:00:02\t80.25\t500.1\t70.0\t72.0\t0.00\t0.01\t95.0\t2.31\n"
    )
    values = bench.parse_benchmark_tsv(text)
    assert values["s"] == pytest.approx(2.5012)
    assert values["max_rss"] == pytest.approx(80.25)
    assert "h:m:s" not in values


def test_benchmark_file_unknown_values_are_none():
    assert bench.parse_benchmark_tsv("s\tmax_rss\n1.0\t-\n") == {"s": 1.0, "max_rss": None}
    assert bench.parse_benchmark_tsv("s\tmax_rss\n") == {}


def test_a_rules_benchmark_files_are_found_without_the_job_log(tmp_path):
    """The quiet profile's log names no benchmark file: the rule's own are read, this build's."""
    import os

    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.yaml").write_text("benchmarks_dir: logs/bench\n")
    folder = tmp_path / "logs" / "bench" / "figure"
    folder.mkdir(parents=True)
    for name, seconds in [("labs", 1.5), ("timeline", 2.0), ("old", 9.0)]:
        (folder / f"{name}.tsv").write_text(f"s\tmax_rss\n{seconds}\t-\n")
    os.utime(folder / "old.tsv", (1000, 1000))  # written by an earlier build
    found = bench.rule_benchmark_seconds(tmp_path, "figure", since=2000)
    assert sorted(s for s in found if s is not None) == [1.5, 2.0]
    assert bench.rule_benchmark_seconds(tmp_path, "audit", since=2000) == [None]


SMK = """\
rule table:
    input:
        tables="x",
    output:
        "y",
    script:
        "../scripts/build_table.py"


rule report_asset:
    output:
        "z",
    run:
        copy_file(input[0], output[0], log[0])


rule figure:
    script: "../scripts/build_figure.py"
"""


def test_rule_scripts_maps_each_script_to_its_rule():
    assert bench.rule_scripts(SMK) == {"build_table.py": "table", "build_figure.py": "figure"}


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        (["/usr/bin/python3.11", "/p/.snakemake/scripts/tmpab_1x.build_table.py"], "table"),
        (
            ["python3", "-m", "snakemake", "--target-jobs", "report_asset:asset=x.css"],
            "report_asset",
        ),
        (["python", "/p/.snakemake/scripts/tmpq.unknown.py"], "unknown.py"),
        (["/bin/sh", "-c", "python /p/.snakemake/scripts/tmpab.build_table.py"], None),
        (["cp", "a", "b"], None),
        ([], None),
    ],
)
def test_a_job_process_is_attributed_to_its_rule(command, rule):
    scripts = {"build_table.py": "table"}
    assert bench.process_rule(command, scripts) == rule


def test_forks_are_not_counted_as_interpreters():
    job = ["python", "-m", "snakemake", "--target-jobs", "report_figure:figure=labs"]
    processes = [
        bench.Process(1, 0, ["python", "-m", "snakemake", "--cores", "2"], 0.0, 9.0),
        bench.Process(2, 1, job, 1.0, 3.0),
        bench.Process(3, 2, job, 2.0, 2.1),  # the job forking to call a solver
    ]
    measurement = bench.Measurement("ok", 9.0, processes=processes)
    pairs = bench.interpreters(measurement, {})
    assert [(rule, process.pid) for rule, process in pairs] == [("report_figure", 2)]


def test_preamble_and_imports_of_a_script_copy():
    copy = (
        "######## snakemake preamble start (automatically inserted, do not edit) ########\n"
        "import sys; sys.path.extend(['/x']); import pickle; snakemake = pickle.loads(b'')\n"
        "######## snakemake preamble end #########\n"
        '"""Docstring."""\n\n'
        "import sys\n"
        "from pathlib import Path\n\n"
        "from casereport.tables import write_table\n\n"
        "write_table(1)\n"
    )
    preamble, body = bench.split_preamble(copy)
    assert preamble.endswith("preamble end #########\n")
    assert "write_table(1)" in body and "pickle" not in body
    assert bench.import_lines(body) == [
        "import sys",
        "from pathlib import Path",
        "from casereport.tables import write_table",
    ]
    assert bench.split_preamble("print(1)\n") == ("", "print(1)\n")


# --- The one-cell edit ----------------------------------------------------------------------


@pytest.mark.parametrize(("before", "after"), [("14", "15"), ("8.5", "8.6"), ("0.09", "0.10")])
def test_bump_last_digit(before, after):
    assert bench.bump_last_digit(before) == after


def test_edit_changes_one_cell_and_keeps_every_other_byte():
    text = (
        "patient_id,analyte,timepoint,value,unit,source\n"
        '1,calcium,pre,9.8,mg/dL,"Table II, row 1"\n'
        '1,calcium,post,9.9,mg/dL,"Table II, row 1"\n'
    )
    edited = bench.edit_one_cell(text, "value")
    before, after = text.splitlines(), edited.splitlines()
    assert after[1] == '1,calcium,pre,9.9,mg/dL,"Table II, row 1"'
    assert [before[0], before[2]] == [after[0], after[2]]
    assert edited.endswith("\n")


def test_edited_file_is_restored(tmp_path):
    labs = tmp_path / "labs.csv"
    labs.write_bytes(b"id,value\n1,14\n2,15\n")
    with bench.edited(labs):
        assert labs.read_text() == "id,value\n1,15\n2,15\n"
    assert labs.read_bytes() == b"id,value\n1,14\n2,15\n"


# --- Medians, ratios, targets ---------------------------------------------------------------


def test_median_ignores_unknown_values():
    assert bench.median([3.0, None, 1.0, 2.0]) == 2.0
    assert bench.median([None]) is None
    assert bench.ratio(10.0, 4.0) == 2.5
    assert bench.ratio(None, 4.0) is None and bench.ratio(1.0, 0.0) is None


def _row(dataset, patients, scenario, seconds, status="ok", repeat=1, **extra):
    return bench.Row(dataset, patients, scenario, repeat, status, seconds, **extra)


def _rows(large_status="ok"):
    rows = [_row("-", None, "floor", s, repeat=i) for i, s in enumerate([4.0, 5.0, 6.0])]
    rows += [_row("-", None, "version", s, repeat=i) for i, s in enumerate([1.5, 1.6, 1.4])]
    rows += [_row("real", 3, "cold", s, repeat=i) for i, s in enumerate([11.0, 12.0, 50.0])]
    rows += [_row("real", 3, "noop", s, repeat=i) for i, s in enumerate([2.0, 3.0, 2.5])]
    rows += [
        _row("real", 3, "edit", s, repeat=i, html_s=h)
        for i, (s, h) in enumerate([(5.5, 3.0), (6.5, 5.0), (7.0, 3.5)])
    ]
    rows += [_row("synthetic", 1000, "cold", 20.0, peak_rss_mb=500.0)]
    large = 300.0 if large_status == "ok" else 600.0
    rows += [_row("synthetic", 10_000, "cold", large, large_status, peak_rss_mb=1500.0)]
    rows += [_row("real", 3, "cold", 99.0, rule="report_pdf")]  # a per-rule row: not a build
    return rows


def test_summaries_are_medians_of_whole_builds():
    summaries = bench.summarise(_rows(), timeout_s=600)
    cold = bench.find_summary(summaries, "real", 3, "cold")
    assert cold.seconds == 12.0 and cold.runs == 3 and cold.ok == 3
    assert bench.find_summary(summaries, "-", None, "floor").seconds == 5.0


def test_targets_pass_and_miss():
    targets = {t.name: t for t in bench.check_targets(bench.summarise(_rows(), 600))}
    floor_ratio = targets["cold build (real data) / report floor"]
    assert floor_ratio.measured == pytest.approx(12.0 / 5.0)
    assert floor_ratio.verdict == "miss" and floor_ratio.margin == "1.6x the limit"
    edit = targets["one-cell edit (real data) / report floor"]
    assert edit.measured == pytest.approx(6.5 / 5.0) and edit.limit == 1.2
    assert edit.verdict == "miss"
    html = targets["one-cell edit (real data): report.html written, s from the build's start"]
    assert html.measured == pytest.approx(3.5) and html.verdict == "pass" and html.margin == "-12%"
    noop = targets["no-op build (real data), s"]
    assert noop.limit == pytest.approx(2.0) and noop.verdict == "miss"
    large = targets["cold build, 10,000 patients, s"]
    assert large.verdict == "miss" and large.margin == "5.0x the limit"
    assert targets["peak memory, 10,000 patients, MB"].verdict == "pass"
    growth = targets["growth 1,000 -> 10,000 patients (time ratio)"]
    assert growth.measured == pytest.approx(15.0) and growth.verdict == "miss"


def test_a_timeout_counts_as_the_timeout_and_misses():
    summaries = bench.summarise(_rows(large_status="timeout"), timeout_s=600)
    targets = {t.name: t for t in bench.check_targets(summaries)}
    large = targets["cold build, 10,000 patients, s"]
    assert large.measured == 600 and large.verdict == "miss"
    assert "timed out" in large.note
    # 1,500 MB before it was stopped: under the limit, but the build had not finished.
    assert targets["peak memory, 10,000 patients, MB"].verdict == "unknown"
    growth = targets["growth 1,000 -> 10,000 patients (time ratio)"]
    assert growth.measured == pytest.approx(30.0) and growth.verdict == "miss"
    assert growth.margin == ">= 3.0x the limit"


def test_a_lower_bound_under_the_limit_proves_nothing():
    target = bench.Target("t", 5.0, 10.0, "s", lower_bound=True)
    assert target.verdict == "unknown" and target.margin == ""


def test_targets_also_give_cpu_time_when_known():
    rows = _rows()
    for row in rows:
        if row.scenario in ("floor", "version", "noop", "cold") and not row.rule:
            row.cpu_s = {"floor": 2.0, "version": 1.5, "noop": 1.75, "cold": 20.0}[row.scenario]
    targets = {t.name: t for t in bench.check_targets(bench.summarise(rows, 600))}
    assert (
        "in CPU time 10.0x (20.0 s / 2.0 s)"
        in targets["cold build (real data) / report floor"].note
    )
    assert "+0.25 s over `snakemake --version`" in targets["no-op build (real data), s"].note


def test_targets_not_measured_are_not_applicable():
    targets = bench.check_targets(bench.summarise([], 600))
    assert {t.verdict for t in targets} == {"n/a"}


# --- Writing --------------------------------------------------------------------------------


def test_markdown_table_escapes_pipes_and_blanks_none():
    table = bench.markdown_table(["a", "b"], [["x|y", None], [1, 2.5]])
    assert table.splitlines() == ["| a | b |", "| --- | --- |", "| x\\|y |  |", "| 1 | 2.5 |"]


def test_csv_round_trip(tmp_path):
    rows = _rows()
    bench.write_csv(rows, tmp_path / "results.csv")
    with open(tmp_path / "results.csv", encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == bench.CSV_COLUMNS
    again = bench.read_csv(tmp_path / "results.csv")
    assert [(r.dataset, r.patients, r.scenario, r.rule, r.seconds) for r in again] == [
        (r.dataset, r.patients, r.scenario, r.rule, r.seconds) for r in rows
    ]


def test_results_markdown_has_every_section(tmp_path):
    settings = bench.parse_args(["--workdir", str(tmp_path), "--out", str(tmp_path)])
    text = bench.render_markdown(_rows(), settings, datetime(2026, 1, 1))
    for heading in ["## Builds", "## Targets", "## Where the time goes", "## Start-up cost"]:
        assert heading in text
    assert "| real data (3 patients) | 12.0 (2.4x) |" in text


# --- Smoke run ------------------------------------------------------------------------------


@pytest.mark.slow
def test_quick_run_writes_results(tmp_path):
    """The real thing, once, on 3 synthetic patients (a few minutes: it builds the report)."""
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert {p.name for p in out.iterdir()} >= {"results.csv", "results.md", "results.svg"}
    rows = bench.read_csv(out / "results.csv")
    builds = {r.scenario: r for r in rows if r.dataset == "synthetic" and not r.rule}
    assert set(builds) == {"cold", "noop", "edit"}, builds
    assert builds["cold"].status == "ok", (out / "results.md").read_text()
    assert builds["cold"].jobs > builds["edit"].jobs > builds["noop"].jobs == 0
    assert {r.scenario for r in rows} >= {"floor", "version", "startup"}
    # The report floor laid out the report the build wrote; the edit's build rewrote report.html.
    assert all(r.status == "ok" for r in rows if r.scenario == "floor")
    assert 0 < builds["edit"].html_s < builds["edit"].seconds
    markdown = (out / "results.md").read_text()
    assert "## Targets" in markdown and "synthetic, 3 patients" in markdown
