# Reproduction audit: each checkable statement of the paper (data/claims.csv) checked against the
# raw data. A discrepancy is a finding written to results/audit.csv, not a build failure; only a
# malformed claims.csv (unknown check, missing argument) stops the job, naming its line.

# Curated reference material, not raw input: it lives beside data/raw/, not in it.
CLAIMS = "data/claims.csv"

# The validated tables the checks read; must match casereport.audit.AUDIT_TABLES (a test checks).
AUDIT_TABLES = [
    "patients",
    "treatments",
    "bone_density",
    "bmd_categories",
    "adverse_events",
    "protocol",
    "analytes",
    "labs",
    "publication",
]


rule audit:
    input:
        tables=validated(AUDIT_TABLES),
        datapackage=DATAPACKAGE,
        claims=CLAIMS,
    output:
        f"{RESULTS}/audit.csv",
    script:
        "../scripts/audit.py"
