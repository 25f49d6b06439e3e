"""A quiet build (issue 11): one line per job plus a short summary, each error once, the full
log kept. The terminal is written by the logger plugin in src/snakemake_logger_plugin_casereport,
selected in profiles/default."""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import pytest
import yaml
from snakemake_interface_logger_plugins.common import LogEvent
from support.project import BUILD_OUTPUT, ROOT, run_snakemake

from snakemake_logger_plugin_casereport import job_exception, quiet_text

JOB_LINE = re.compile(r"^Job (\d+): ")
# Lines a run prints besides its jobs: Snakemake's note on the profile it read, then "N of N
# steps done", "Complete log(s): ...", "Elapsed time: ...".
SUMMARY_LINES = 4


def record(event: LogEvent | None, msg: str | None = None, **fields) -> logging.LogRecord:
    """A log record as Snakemake makes one: the event and its fields as attributes."""
    made = logging.LogRecord("snakemake", logging.INFO, "x.py", 1, msg, None, None)
    if event is not None:
        made.event = event
    for name, value in fields.items():
        setattr(made, name, value)
    return made


# --- what each of Snakemake's records becomes ---------------------------------------------------


def test_the_default_profile_selects_the_plugin_and_thins_no_log():
    profile = yaml.safe_load((ROOT / "profiles/default/config.yaml").read_text(encoding="utf-8"))
    assert profile["logger"] == ["casereport"]
    assert "quiet" not in profile  # `quiet:` would thin .snakemake/log/ as well


def test_a_job_is_one_line_named_by_its_message_else_its_rule():
    names: dict[int, str] = {}
    line = quiet_text(
        record(LogEvent.JOB_INFO, jobid=7, rule_msg="validate labs", rule_name="validate_table"),
        names,
    )
    assert line == "Job 7: validate labs"
    unnamed = record(
        LogEvent.JOB_INFO, jobid=3, rule_msg=None, rule_name="audit", wildcards={"part": "a"}
    )
    assert quiet_text(unnamed, names) == "Job 3: rule audit (part=a)"
    # Snakemake's record of a failed job has no message: the job's start line named it.
    failed = record(
        LogEvent.JOB_ERROR,
        jobid=7,
        rule_msg=None,
        rule_name="validate_table",
        log=["results/validation/labs.json", "logs/validate_table/labs.log"],
    )
    assert quiet_text(failed, names) == (
        "Job 7 failed: validate labs "
        "(logs: results/validation/labs.json, logs/validate_table/labs.log)"
    )
    assert "\n" not in quiet_text(failed, names)


@pytest.mark.parametrize(
    "noise",
    [
        record(None, "Select jobs to execute..."),
        record(None, "Execute 12 jobs..."),
        record(None, "Building DAG of jobs..."),
        record(LogEvent.JOB_FINISHED, "Finished jobid: 3 (Rule: audit)"),
        record(LogEvent.PROGRESS, None, done=3, total=46),
        record(LogEvent.RUN_INFO, "Job stats:\njob count\n"),
        record(None, "WorkflowError:\nAt least one job did not complete successfully."),
    ],
)
def test_the_schedulers_bookkeeping_is_left_to_the_full_log(noise):
    assert quiet_text(noise) is None


def test_a_shell_command_shows_only_when_there_is_one():
    # Snakemake's filter lets these through only with --printshellcmds.
    assert quiet_text(record(LogEvent.SHELLCMD, None, cmd="cp a b")) == "cp a b"
    assert quiet_text(record(LogEvent.SHELLCMD, None, cmd=None)) is None  # a `script:` job


def test_the_rest_passes_and_the_last_progress_is_the_summary():
    assert quiet_text(record(LogEvent.PROGRESS, None, done=46, total=46)) == "46 of 46 steps done"
    for kept in [
        "Nothing to be done (all requested files are present and up to date).",
        "Exiting because a job execution failed. Look above for error messages",
        "MissingInputException in rule x in file Snakefile, line 3:\nMissing input files: a",
        "Some message a later Snakemake adds",
    ]:
        assert quiet_text(record(None, kept)) == kept


def test_a_jobs_exception_is_one_line_without_frames_or_its_command():
    validation = (
        "RuleException:\n"
        'ValidationFailed in file "/p/workflow/rules/validate.smk", line 32:\n'
        "data/raw/labs.csv has errors (listed below)\n"
        '  File "/p/workflow/rules/validate.smk", line 32, in __rule_validate_table\n'
    )
    assert job_exception(validation) == (
        "ValidationFailed: data/raw/labs.csv has errors (listed below)"
    )
    command = "set -euo pipefail; python " + "x" * 3000
    script = (
        "RuleException:\n"
        'CalledProcessError in file "/p/workflow/rules/audit.smk", line 9:\n'
        f"Command '{command}' returned non-zero exit status 1.\n"
    )
    assert job_exception(script) == ("CalledProcessError: the job's command exited with status 1.")
    assert quiet_text(record(LogEvent.ERROR, validation)) == job_exception(validation)


# --- real builds -------------------------------------------------------------------------------


def printed_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.slow
def test_a_clean_build_prints_one_line_per_job_and_a_short_summary(built_project):
    lines = printed_lines((built_project.parent / BUILD_OUTPUT).read_text(encoding="utf-8"))
    jobs = [line for line in lines if JOB_LINE.match(line)]
    assert len(jobs) >= 10 and len(jobs) == len({JOB_LINE.match(j)[1] for j in jobs})
    others = [line for line in lines if not JOB_LINE.match(line)]
    assert len(others) <= SUMMARY_LINES, others
    assert not any(line.startswith(("Select jobs", "Execute ", "[")) for line in lines)
    # The PDF job says so before its layout starts: its line precedes the lines of later jobs.
    assert any("report.pdf" in line for line in jobs)
    # The full log keeps what the terminal leaves out: each job's end and rule.
    full_log = re.search(r"^Complete log\(s\): (.+)$", "\n".join(lines), re.M)[1]
    finished = re.findall(r"^Finished jobid: (\d+)", Path(full_log).read_text(), re.M)
    assert len(finished) == len(jobs)
    assert all(len(line) <= 200 for line in jobs)


@pytest.mark.slow
def test_a_failed_build_prints_each_error_once_and_ends_with_what_report_holds(
    built_project, tmp_path
):
    project = tmp_path / "project"
    shutil.copytree(built_project, project)
    labs = project / "data" / "raw" / "labs.csv"
    lines = labs.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    cells = lines[1].split(",")
    cells[header.index("value")] = "abc"
    lines[1] = ",".join(cells)
    labs.write_text("".join(lines), encoding="utf-8")
    result = run_snakemake(project)
    assert result.returncode != 0
    printed = printed_lines(result.stdout + result.stderr)
    errors = [line for line in printed if "value 'abc' is not a number" in line]
    assert len(errors) == 1 and errors[0].startswith("data/raw/labs.csv:2: column 'value'")
    assert not any("Traceback" in line or line.startswith('  File "') for line in printed)
    jobs = [line for line in printed if JOB_LINE.match(line)]
    failed = [line for line in printed if re.match(r"^Job \d+ failed: validate labs", line)]
    assert len(failed) == 1
    # Besides the jobs: the failure, the errors and what to do, the summary; no job blocks.
    assert len(printed) <= len(jobs) + 15, printed
    assert not any(line.startswith(("Error in rule", "    input:")) for line in printed)
    # In order: Snakemake stops, then the errors, what to do, and last what report/ holds.
    exiting = printed.index("Exiting because a job execution failed. Look above for error messages")
    what_to_do = next(i for i, line in enumerate(printed) if line.startswith("What to do:"))
    assert exiting < printed.index(errors[0]) < what_to_do
    assert printed[-1].startswith("Build failed: report/ is from the previous successful build")
