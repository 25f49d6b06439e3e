"""Calm failure: a failed or blocked build says each thing once and ends saying what to do; the
command line refuses an unusable argument in one line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from support.cli import UNUSABLE_ARGUMENTS, arguments_id
from support.project import copy_project, run_snakemake

from casereport.build_messages import (
    LOCK_DIR,
    failed_jobs,
    failure_summary,
    lock_problem,
    log_tail,
    snakemake_processes_in,
)

# --- the lock left by an interrupted run --------------------------------------------------------


def leave_lock(directory: Path) -> None:
    locks = directory / LOCK_DIR
    locks.mkdir(parents=True)
    (locks / "0.input.lock").write_text("data/raw/labs.csv\n", encoding="utf-8")


def test_no_lock_no_message(tmp_path):
    assert lock_problem(["snakemake"], tmp_path) is None


def test_a_stale_lock_says_run_unlock(tmp_path):
    leave_lock(tmp_path)
    message = lock_problem(["snakemake", "--cores", "1"], tmp_path)
    assert message.startswith("error:") and "snakemake --unlock" in message
    assert "\n" not in message


@pytest.mark.parametrize("option", ["--unlock", "--nolock", "-n", "--dry-run", "--lint"])
def test_runs_that_take_no_lock_are_not_stopped(tmp_path, option):
    leave_lock(tmp_path)
    assert lock_problem(["snakemake", option], tmp_path) is None


def test_a_lock_held_by_a_running_snakemake_says_wait(tmp_path):
    # A stand-in named `snakemake` (as the console script is), working in the directory.
    fake = tmp_path / "bin" / "snakemake"
    fake.parent.mkdir()
    fake.write_text("import time\ntime.sleep(60)\n", encoding="utf-8")
    process = subprocess.Popen([sys.executable, str(fake)], cwd=tmp_path)
    try:
        if snakemake_processes_in(tmp_path) is None:
            pytest.skip("no /proc: running processes cannot be seen")
        # Until the child has exec'd, /proc shows the parent's command line: wait for the exec
        # (on a loaded CI machine this took longer than the first look).
        deadline = time.monotonic() + 20
        while snakemake_processes_in(tmp_path) != [process.pid] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert snakemake_processes_in(tmp_path) == [process.pid]
        leave_lock(tmp_path)
        message = lock_problem(["snakemake"], tmp_path)
        assert str(process.pid) in message and "--unlock" not in message
    finally:
        process.kill()
        process.wait()


# --- after a failed job -------------------------------------------------------------------------

SNAKEMAKE_LOG = textwrap.dedent(
    """\
    Error in rule validate_table:
        message: None
        jobid: 7
        output: results/validated/labs.csv
        log: results/validation/labs.json, logs/validate_table/labs.log (check log file(s) for error details)
    Error in rule audit:
        jobid: 3
        log: {audit_log} (check log file(s) for error details)
    Exiting because a job execution failed. Look above for error messages
    """  # noqa: E501
)

TRACEBACK_LOG = textwrap.dedent(
    """\
    reading claims
    Traceback (most recent call last):
      File "workflow/scripts/audit.py", line 17, in <module>
        results = run_audit(dataset, read_claims(snakemake.input.claims))
      File "src/casereport/audit.py", line 301, in parse_claims
        raise ClaimsError("\\n".join(problems))
    casereport.audit.ClaimsError: data/claims.csv:2: unknown check 'x'
    """
)


def test_failed_jobs_are_read_from_the_snakemake_log():
    jobs = failed_jobs(SNAKEMAKE_LOG.format(audit_log="logs/audit.log"))
    assert jobs == [
        ("validate_table", ["results/validation/labs.json", "logs/validate_table/labs.log"]),
        ("audit", ["logs/audit.log"]),
    ]


def test_a_traceback_is_cut_to_its_error():
    assert log_tail(TRACEBACK_LOG) == [
        "casereport.audit.ClaimsError: data/claims.csv:2: unknown check 'x'"
    ]
    assert log_tail("one\ntwo\n\n") == ["one", "two"]


def test_the_summary_gives_other_jobs_errors_and_ends_with_what_to_do(tmp_path):
    audit_log = tmp_path / "audit.log"
    audit_log.write_text(TRACEBACK_LOG, encoding="utf-8")
    summary = failure_summary(
        SNAKEMAKE_LOG.format(audit_log=audit_log.as_posix()), "validate_table"
    )
    assert "unknown check 'x'" in summary and "Traceback" not in summary
    assert "validate_table" not in summary  # validation errors are printed by their own handler
    last = summary.splitlines()[-1]
    assert last.startswith("What to do:") and audit_log.as_posix() in last


def test_validation_failure_alone_says_fix_the_raw_data():
    log = SNAKEMAKE_LOG.split("Error in rule audit")[0]
    summary = failure_summary(log, "validate_table")
    assert (
        summary.strip() == "What to do: fix the raw data as listed above, then run snakemake again."
    )


# --- the command line ---------------------------------------------------------------------------


def casereport(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "casereport.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")},
    )


@pytest.mark.slow
def test_version(tmp_path):
    result = casereport("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("casereport ") and len(result.stdout.splitlines()) == 1


@pytest.mark.slow
@pytest.mark.parametrize("args", UNUSABLE_ARGUMENTS, ids=arguments_id)
def test_an_unusable_argument_exits_2_in_one_line(tmp_path, args):
    result = casereport(*args, cwd=tmp_path)
    assert result.returncode == 2, result
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "error:" in result.stderr and "Traceback" not in result.stderr


# --- the workflow -------------------------------------------------------------------------------


def report_files(project: Path) -> dict[str, bytes]:
    return {
        p.relative_to(project).as_posix(): p.read_bytes()
        for p in project.rglob("report/**/*")
        if p.is_file()
    }


@pytest.mark.slow
def test_a_stale_lock_stops_the_build_in_one_line(tmp_path):
    project = copy_project(tmp_path / "project")
    leave_lock(project)
    before = report_files(project)
    result = run_snakemake(project)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "snakemake --unlock" in errors[0], result.stderr
    assert "Traceback" not in result.stderr and "LockException" not in result.stderr
    assert report_files(project) == before
    assert run_snakemake(project, "--unlock").returncode == 0


@pytest.mark.slow
def test_a_validation_error_is_printed_once_and_the_build_ends_saying_what_to_do(
    built_project, tmp_path
):
    # A copy of a built project (times kept, so that nothing but the edit is out of date).
    project = tmp_path / "project"
    shutil.copytree(built_project, project)
    labs = project / "data" / "raw" / "labs.csv"
    lines = labs.read_text(encoding="utf-8").splitlines(keepends=True)
    cells = lines[1].split(",")
    cells[3] = "abc"
    lines[1] = ",".join(cells)
    labs.write_text("".join(lines), encoding="utf-8")
    before = report_files(project)
    result = run_snakemake(project)
    assert result.returncode != 0
    printed = result.stdout + result.stderr
    assert printed.count("value 'abc' is not a number") == 1, printed
    assert "Traceback" not in printed
    ours = result.stderr.split("Exiting because a job execution failed")[1]
    last = [line for line in ours.splitlines() if line.startswith("What to do:")]
    assert last and "fix the raw data" in last[0]
    assert report_files(project) == before
