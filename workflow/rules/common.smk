# Paths and input functions shared by the rule files.

import os
import sys
from pathlib import Path

# The workflow's logic lives in the `casereport` package under src/. Make it importable here and in
# every job (jobs inherit the environment), whether or not it was pip-installed and whichever
# environment a job runs in (conda users: `--sdm conda`).
SOURCE_DIR = str(Path(workflow.basedir) / "src")
sys.path.insert(0, SOURCE_DIR)
os.environ["PYTHONPATH"] = os.pathsep.join(
    filter(None, [SOURCE_DIR, os.environ.get("PYTHONPATH", "")])
)

from casereport import stages
from casereport.validation.deps import raw_tables, validation_dependencies

DATA = config["data_dir"]
DATAPACKAGE = f"{DATA}/{config['datapackage']}"
RESULTS = config["results_dir"]
REPORT = config["report_dir"]

RAW_TABLES = raw_tables(DATAPACKAGE)  # resource name -> raw CSV path
TABLE_NAMES = list(stages.TABLES)
FIGURE_NAMES = list(stages.FIGURES)


def validated(names):
    """Validated copies of the named raw tables."""
    return [f"{RESULTS}/validated/{name}.csv" for name in names]


def validation_inputs(wildcards):
    """The raw file a validation job checks, plus every raw file its cross-file rules read."""
    needed = validation_dependencies(DATAPACKAGE, wildcards.table)
    return {
        "datapackage": DATAPACKAGE,
        "table": RAW_TABLES[wildcards.table],
        "related": [RAW_TABLES[name] for name in needed],
    }
