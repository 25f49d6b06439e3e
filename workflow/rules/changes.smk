# Stage 6: what changed in the report's numbers since they were last accepted
# (config numbers_lock, committed; `casereport accept-numbers` updates it).
# The baseline is an input only when it exists: a missing one must not stop the build (every number
# is then reported as added), and listing an existing one reruns the rule when it is accepted anew.


rule changes:
    input:
        numbers=f"{RESULTS}/numbers.csv",
        lock=lambda wildcards: [NUMBERS_LOCK] if exists(NUMBERS_LOCK) else [],
        code=CHANGES_CODE,
    output:
        markdown=f"{RESULTS}/changes.md",
        table=report(
            f"{RESULTS}/changes.csv",
            caption="../report/changes.rst",
            category="Checks",
            labels={"check": "changes since the accepted numbers"},
        ),
    log:
        f"{LOGS}/changes.log",
    benchmark:
        f"{BENCHMARKS}/changes.tsv"
    conda:
        "../envs/tables.yaml"
    params:
        # The lock path comes as a param, not an input: it may not exist yet (no baseline).
        lock=NUMBERS_LOCK,
    message:
        "changes since report/numbers.lock.csv"
    script:
        "../scripts/changes.py"
