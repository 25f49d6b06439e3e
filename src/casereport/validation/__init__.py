"""Stage 1 of the workflow: check every raw table before anything is built from it.

A raw CSV file is checked in three layers, and every problem of every layer is reported at once, as
a `Finding` (file, line, column, value, rule, message; see report.py):

1. files.py   the file as bytes and text: not empty, UTF-8, one record per line, the header's
              columns are the data dictionary's;
2. schema.py  each cell against the data dictionary (data/raw/datapackage.yaml, a Frictionless
              Table Schema): types, required, enum, minimum/maximum, pattern, primary and foreign
              keys. Vectorised with pandas, see the module for why it is not Frictionless itself;
3. rules.py   facts across fields and tables that a Table Schema cannot express, the general ones
              (nothing ends before it starts, a dose has its unit, ...), plus the project's own
              from the file its config key `validation_rules` names (this repository's article:
              workflow/article/validation_rules.py); registry.py says how a rule is declared.

Every text cell is also searched for likely patient identifiers (casereport.privacy). Findings are
bounded: the first 50 of each file and rule on the terminal, 1,000 in the JSON reports, always with
the full count (report.py).

checker.py ties the layers together for one or more tables; job.py is the Snakemake job (one table
per job, run inside the Snakemake process by the `run:` block of workflow/rules/validate.smk) and
command.py the `casereport validate` command (all tables at once). deps.py tells Snakemake which
raw files each job reads.

This file imports nothing: the Snakefile imports `casereport.validation.deps` on every run, and
importing a submodule runs this file first.
"""
