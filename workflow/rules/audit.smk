# Reproduction audit: each checkable statement of the paper (data/claims.csv) checked against the
# raw data. A discrepancy is a finding written to results/audit.csv, not a build failure; only a
# malformed claims.csv (unknown check, missing argument) stops the job, naming its line.


rule audit:
    input:
        tables=validated(stages.AUDIT),
        datapackage=DATAPACKAGE,
        claims=config["claims"],
    output:
        f"{RESULTS}/audit.csv",
    script:
        "../scripts/audit.py"
