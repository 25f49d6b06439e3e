# Stage 6: what changed in the report's numbers since they were last accepted
# (report/numbers.lock.csv, committed; `casereport accept-numbers` updates it).

from pathlib import Path


def accepted_numbers(wildcards):
    """The baseline when it exists, else nothing.

    A missing baseline must not stop the build (every number is then reported as added); listing an
    existing one as an input reruns the rule when it is accepted anew.
    """
    lock = Path(f"{REPORT}/numbers.lock.csv")
    return [lock.as_posix()] if lock.is_file() else []


rule changes:
    input:
        numbers=f"{RESULTS}/numbers.csv",
        lock=accepted_numbers,
    output:
        markdown=f"{RESULTS}/changes.md",
        table=f"{RESULTS}/changes.csv",
    params:
        lock=f"{REPORT}/numbers.lock.csv",
    script:
        "../scripts/changes.py"
