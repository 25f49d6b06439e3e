# Stage 3: the catalog of every number the report may show, each traced to its raw cell, and the
# whole series' summaries that no table shows (the adverse events a large series' report counts).


rule catalog:
    input:
        tables=validated(RAW_TABLES),
        datapackage=DATAPACKAGE,
        code=CATALOG_CODE,
    output:
        catalog=f"{RESULTS}/ledger/catalog.csv",
        summaries=f"{RESULTS}/ledger/summaries.csv",
    log:
        f"{LOGS}/catalog.log",
    benchmark:
        f"{BENCHMARKS}/catalog.tsv"
    # The HTML path first (see rule figure_caption).
    priority: 1
    conda:
        "../envs/tables.yaml"
    message:
        "catalog of the numbers the report may show"
    script:
        "../scripts/build_catalog.py"
