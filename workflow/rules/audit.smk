# Reproduction audit: each checkable statement of the paper (data/claims.csv) checked against the
# raw data. A discrepancy is a finding written to results/audit.csv, not a build failure; only a
# malformed claims.csv (unknown check, missing argument) stops the job, naming its line.
# The numeric rebuilt values enter the ledger here, once (results/ledger/audit.csv): the report
# reads them, it does not derive them again from audit.csv.


rule audit:
    input:
        tables=validated(stages.AUDIT),
        datapackage=DATAPACKAGE,
        claims=config["claims"],
        code=AUDIT_CODE,
    output:
        table=report(
            f"{RESULTS}/audit.csv",
            caption="../report/audit.rst",
            category="Checks",
            labels={"check": "reproduction audit"},
        ),
        ledger=f"{RESULTS}/ledger/audit.csv",
    log:
        f"{LOGS}/audit.log",
    benchmark:
        f"{BENCHMARKS}/audit.tsv"
    # The HTML path first (see rule figure_caption).
    priority: 1
    conda:
        "../envs/tables.yaml"
    message:
        "reproduction audit"
    script:
        "../scripts/audit.py"
