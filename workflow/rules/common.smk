# Paths, input functions and helpers shared by the rule files. Rule files hold rules only; any
# function they need lives here (snakemake --lint asks for that, and it keeps the rules readable).
# Kept light: it runs on every `snakemake` call, the no-op one included; the jobs import the heavy
# libraries they need, not this file.

import atexit
import os
import sys
from pathlib import Path

# The workflow's logic lives in the `casereport` package under src/. Make it importable here and in
# every job (jobs inherit the environment), whether or not it was pip-installed and whichever
# environment a job runs in (conda users: `--sdm conda`). The variable is set here, not required
# from the user, hence no `envvars:` directive.
SOURCE_DIR = str(Path(workflow.basedir) / "src")
sys.path.insert(0, SOURCE_DIR)
os.environ.update(
    PYTHONPATH=os.pathsep.join(
        filter(None, [SOURCE_DIR, os.environ.get("PYTHONPATH", "")])
    )
)

from casereport import stages
from casereport.build_messages import failure_summary, lock_problem
from casereport.codedeps import package_code, project_code
from casereport.project_extension import ProjectExtensionError, activate
from casereport.fingerprint import failed_build_line
from casereport.configcheck import config_problems
from casereport.render.extension import ReportContextError, load_report_context
from casereport.validation.deps import (
    DatapackageError,
    raw_tables,
    validation_dependencies,
)
from casereport.validation.registry import ExtensionError, load_extension

# Paths inside the project, distinct, writable: checked before anything reads or writes them.
if problems := config_problems(config, Path.cwd()):
    sys.exit("\n".join(f"config error: {problem}" for problem in problems))

# A run killed midway leaves its lock behind, and Snakemake's LockException buries its advice in
# a paragraph: say in one line whether the lock is stale (run `snakemake --unlock`) or held by a run
# still going, before Snakemake stops on it. Only the run the user started checks (a cluster job's
# own snakemake runs while the lock is held, by design).
if workflow.is_main_process:
    _lock_message = lock_problem(sys.argv)
    if _lock_message and _lock_message.startswith("error:"):
        sys.exit(_lock_message)
    elif _lock_message:
        print(_lock_message, file=sys.stderr)

DATA = config["data_dir"]
DATAPACKAGE = f"{DATA}/{config['datapackage']}"
RESULTS = config["results_dir"]
REPORT = config["report_dir"]
LOGS = config["logs_dir"]
BENCHMARKS = config["benchmarks_dir"]
NUMBERS_LOCK = config["numbers_lock"]

try:
    RAW_TABLES = raw_tables(DATAPACKAGE)  # resource name -> raw CSV path
except DatapackageError as error:
    sys.exit(f"data dictionary error: {error}")

# This project's extension (optional): declares the report's tables and figures (casereport.stages)
# and builds those the package has no builder of. Its files are inputs of the jobs that run them
# (below).
EXTENSION = config.get("extension")
try:
    activate(EXTENSION)
except ProjectExtensionError as error:
    sys.exit(f"config error: key 'extension': {error}")

# This project's own validation rules (optional), run after the package's general rules: an input
# of every validation job, so editing them revalidates the data. Loaded now to stop on a missing
# or broken file with one line.
VALIDATION_RULES = config.get("validation_rules")
if VALIDATION_RULES:
    try:
        load_extension(VALIDATION_RULES)
    except ExtensionError as error:
        sys.exit(f"config error: key 'validation_rules': {error}")

# This project's additions to the report's template context (optional): an input of the report
# job. Loaded now to stop on a missing or broken file with one line.
REPORT_CONTEXT = config.get("report_context")
if REPORT_CONTEXT:
    try:
        load_report_context(REPORT_CONTEXT)
    except ReportContextError as error:
        sys.exit(f"config error: key 'report_context': {error}")

TABLE_NAMES = list(stages.TABLES)
FIGURE_NAMES = list(stages.FIGURES)

# The files that define the rules: the rule graph is redrawn when one of them changes.
WORKFLOW_FILES = [
    "Snakefile",
    *sorted(p.as_posix() for p in Path("workflow/rules").glob("*.smk")),
]


# The package's source files each stage runs (the module its script calls and all it imports):
# inputs of its jobs, so that editing the code reruns exactly the jobs that run it.
VALIDATION_CODE = package_code("casereport.validation.job")
# The extension's files count too: its __init__.py (the declarations) and the modules the stage
# looks up (casereport.project_extension), with what they import.
TABLE_CODE = package_code("casereport.tables") + project_code(EXTENSION, "tables")
CATALOG_CODE = package_code("casereport.catalog", "casereport.summary") + project_code(
    EXTENSION, "numbers"
)
FIGURE_CODE = package_code("casereport.figures") + project_code(EXTENSION, "figures")
AUDIT_CODE = package_code("casereport.audit") + project_code(EXTENSION, "audit_checks")
CHANGES_CODE = package_code("casereport.changes")


def validated(names):
    """Validated copies of the named raw tables."""
    return [f"{RESULTS}/validated/{name}.csv" for name in names]


def validation_inputs(wildcards):
    """The raw file a validation job checks, plus every raw file its cross-file rules read."""
    needed = validation_dependencies(DATAPACKAGE, wildcards.table, VALIDATION_RULES)
    inputs = {
        "datapackage": DATAPACKAGE,
        "table": RAW_TABLES[wildcards.table],
        "related": [RAW_TABLES[name] for name in needed],
        "privacy_allowlist": config["privacy_allowlist"],
        "code": VALIDATION_CODE,
    }
    if VALIDATION_RULES:
        inputs["rules"] = VALIDATION_RULES
    return inputs


def gather_validation(failed):
    """Merge the validation jobs' findings into one report; print every error if the run failed.

    Called by the onsuccess and onerror handlers in validate.smk. The jobs write their messages to
    their logs, so this is where validation errors reach the terminal.
    """
    from casereport.validation.report import gather_findings

    gather_findings(
        [f"{RESULTS}/validation/{name}.json" for name in RAW_TABLES],
        f"{RESULTS}/validation/report.json",
        print_errors=failed,
    )


def explain_failure(snakemake_logs):
    """The onerror handler: every validation error once, the end of the log of any other failed
    job, and a last line that says what to do (casereport.build_messages). `snakemake_logs`: the
    run's log file(s), as Snakemake passes them to onerror (a path, or a list of paths).
    """
    # The terminal's logger plugin writes from a thread of its own: let it write out the job lines
    # and "Exiting because a job execution failed" first, so that this comes after them.
    from snakemake_logger_plugin_casereport import wait_for_terminal

    wait_for_terminal(workflow.logger_manager)
    gather_validation(failed=True)
    paths = (
        [snakemake_logs] if isinstance(snakemake_logs, (str, Path)) else snakemake_logs
    )
    text = ""
    for path in paths or []:
        try:
            text += Path(path).read_text(encoding="utf-8", errors="replace")
        except (OSError, TypeError):
            continue
    print(failure_summary(text, validation_rule="validate_table"), file=sys.stderr)
