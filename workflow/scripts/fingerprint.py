"""Snakemake script of rule `input_fingerprint`: report/inputs.sha256.csv (casereport.fingerprint).

Runs only after the report was written, so the file records the inputs of the last successful
build; `casereport status` and `casereport check-numbers` compare data/raw with it.
"""

import sys

from casereport.fingerprint import write_fingerprint

snakemake = globals()["snakemake"]  # injected by Snakemake's `script:` directive
if getattr(snakemake, "log", None):
    sys.stderr = sys.stdout = open(snakemake.log[0], "w", encoding="utf-8", buffering=1)

write_fingerprint(snakemake.input.datapackage, snakemake.output[0])
