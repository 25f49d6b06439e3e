"""A quiet terminal for this project's builds: one line per job, each error once, the summary.

A Snakemake logger plugin (snakemake-interface-logger-plugins 2.x), selected by
`logger: [casereport]` in profiles/default/config.yaml and installed with the project
(`pip install -e .`: it is the second top-level package under src/; Snakemake finds logger plugins
by their module name, `snakemake_logger_plugin_<name>`).

Why a plugin: Snakemake's `quiet` options keep the scheduler's own lines ("Select jobs to
execute...", "Execute 1 jobs...", a timestamp and a blank line around every job: four lines per
job), and they quiet the full log in .snakemake/log/ as much as the terminal. This handler writes
the terminal only; Snakemake's file log keeps everything (reasons, progress, "Finished jobid"
lines, whole error blocks), and each job's own messages stay in its log under logs/.

What reaches the terminal in a real run (a dry run is printed as Snakemake prints it, but for
the run's header, since its listing of jobs is what a dry run is for):
- each job: `Job N: <the rule's message>` (the benchmark, benchmarks/buildbench/joblog.py, reads
  these lines), so the line of the slow PDF job shows before its layout starts;
- a failed job: one line naming it and its logs; the errors themselves are printed once, at the
  end, by the workflow's onerror handler (workflow/rules/common.smk), after which Snakemake's
  closing lines follow;
- warnings, errors and Snakemake's other messages as they are, except the few listed in NOISE.
Snakemake's own command-line options still apply first (`--quiet`, `--printshellcmds`, ...).
"""

from __future__ import annotations

import re
import sys
from logging import LogRecord

from snakemake_interface_logger_plugins.base import LogHandlerBase
from snakemake_interface_logger_plugins.common import LogEvent

# Snakemake's messages that say nothing a user acts on, dropped from the terminal (they stay in
# .snakemake/log/). Anything not listed passes, so a message new in a later Snakemake still shows.
NOISE = re.compile(
    r"^(Select jobs to execute\.\.\."
    r"|Execute \d+ jobs\.\.\."
    r"|Assuming unrestricted shared filesystem usage\."
    r"|Building DAG of jobs\.\.\."
    r"|Using shell: .*"
    r"|Conda environments: ignored"
    r"|Provided cores: \d+.*"
    r"|Rules claiming more threads will be scaled down\."
    # Said again by "Exiting because a job execution failed" and by the build's last line.
    r"|WorkflowError:\nAt least one job did not complete successfully\.)$",
    re.S,
)
# Events that are the scheduler's bookkeeping: the start of the run, the table of job counts,
# "Finished jobid", "N of M steps done" (but the last: it is the summary).
BOOKKEEPING = {
    LogEvent.WORKFLOW_STARTED,
    LogEvent.RUN_INFO,
    LogEvent.JOB_STARTED,
    LogEvent.JOB_FINISHED,
    LogEvent.RESOURCES_INFO,
    LogEvent.RULEGRAPH,
}
# A job's exception as Snakemake formats it: "RuleException:", then `<Name> in file "...", line
# N:`, the message, and the frames (`  File "...", line N, in ...`).
EXCEPTION_HEAD = re.compile(r'^(\w+) in file ".*", line \d+:$')
FRAME = re.compile(r'^\s+File ".*", line \d+')
# A failed `shell:`/`script:` job's command can be thousands of characters long.
COMMAND = re.compile(r"Command '.*' returned non-zero exit status (\d+)\.", re.S)


def job_name(record: LogRecord) -> str:
    """What a job is called on the terminal: its rule's message, else its rule and wildcards."""
    message = getattr(record, "rule_msg", None)
    if message and message != "None":
        return str(message).strip()
    wildcards = getattr(record, "wildcards", None) or {}
    named = ", ".join(f"{key}={value}" for key, value in dict(wildcards).items())
    return f"rule {record.rule_name}" + (f" ({named})" if named else "")


def job_exception(text: str) -> str:
    """A job's exception in one line, `Name: message`, without its frames and long commands."""
    lines = [line for line in text.splitlines() if line.strip() and not FRAME.match(line)]
    lines = [line for line in lines if line != "RuleException:"]
    name = ""
    if lines and (head := EXCEPTION_HEAD.match(lines[0])):
        name, lines = head[1], lines[1:]
    message = COMMAND.sub(r"the job's command exited with status \1.", " ".join(lines))
    return f"{name}: {message}" if name else message


def quiet_text(
    record: LogRecord, names: dict[int, str] | None = None, show_failed_logs: bool = False
) -> str | None:
    """The terminal's text for one record of a real run; None to leave it to the full log.
    `names`: job id -> the name its start line gave it (Snakemake's record of a failed job lacks
    the rule's message); filled in here."""
    names = {} if names is None else names
    event = getattr(record, "event", None)
    if event in BOOKKEEPING:
        return None
    if event == LogEvent.PROGRESS:
        return (
            f"{record.done} of {record.total} steps done" if record.done == record.total else None
        )
    if event == LogEvent.JOB_INFO:
        names[record.jobid] = job_name(record)
        return f"Job {record.jobid}: {names[record.jobid]}"
    if event == LogEvent.JOB_ERROR and not show_failed_logs:
        logs = ", ".join(getattr(record, "log", None) or []) or "none"
        name = names.get(record.jobid) or job_name(record)
        return f"Job {record.jobid} failed: {name} (logs: {logs})"
    if event == LogEvent.SHELLCMD:
        # Here only with --printshellcmds (Snakemake's filter decides); a `script:` job has none.
        command = getattr(record, "cmd", None) or record.msg
        return None if command in (None, "", "None") else str(command)
    if record.msg is None:
        return None
    text = record.getMessage()
    if NOISE.match(text.strip()):
        return None
    if event == LogEvent.ERROR and text.startswith("RuleException:"):
        return job_exception(text)
    return None if not text.strip() else text.strip("\n")


class LogHandler(LogHandlerBase):
    """Writes the quiet terminal (module docstring). Snakemake attaches its own filter (the
    `--quiet`, `--printshellcmds`, `--verbose` options) and formatter (used for dry runs and
    for --show-failed-logs) because has_filter and has_formatter are False."""

    def __post_init__(self) -> None:
        from snakemake.logging import ColorizingTextHandler  # colours, as Snakemake's own

        settings = self.common_settings
        stream = sys.stdout if getattr(settings, "stdout", False) else sys.stderr
        self._terminal = ColorizingTextHandler(nocolor=settings.nocolor, stream=stream)
        self._names: dict[int, str] = {}  # job id -> name, for the line of a failed job

    def emit(self, record: LogRecord) -> None:
        try:
            settings = self.common_settings
            if settings.dryrun:
                if getattr(record, "event", None) == LogEvent.WORKFLOW_STARTED:
                    return  # the run's header (host, user, command): for the full log
                self._terminal.setFormatter(self.formatter)
                self._terminal.emit(record)
                return
            show_failed_logs = bool(getattr(settings, "show_failed_logs", False))
            text = quiet_text(record, self._names, show_failed_logs)
            if text is None and getattr(record, "event", None) == LogEvent.JOB_ERROR:
                text = self.format(record)  # --show-failed-logs: Snakemake's whole block
            if text:
                stream = self._terminal.stream
                stream.write(self._terminal.decorate(record, text) + "\n")
                stream.flush()
        except Exception:
            self.handleError(record)

    @property
    def writes_to_stream(self) -> bool:
        return True  # instead of Snakemake's own terminal handler

    @property
    def writes_to_file(self) -> bool:
        return False  # Snakemake's file log in .snakemake/log/ is left as it is

    @property
    def has_filter(self) -> bool:
        return False

    @property
    def has_formatter(self) -> bool:
        return False

    @property
    def needs_rulegraph(self) -> bool:
        return False


def wait_for_terminal(logger_manager) -> None:
    """Write out every message logged so far before printing directly (the onerror handler).

    Snakemake hands a plugin's records to it through a queue read by a thread of its own, so a
    `print` could otherwise overtake the job lines and "Exiting because a job execution failed".
    Stopping the queue's listener writes out what it holds; it is started again at once.
    """
    listener = getattr(logger_manager, "queue_listener", None)
    if listener is not None and getattr(listener, "_thread", None) is not None:
        listener.stop()
        listener.start()
