# Stage 2: the paper's Table I and Table II, and the new Table III, as CSV.


rule table:
    input:
        tables=lambda wildcards: validated(stages.TABLES[wildcards.table]),
        datapackage=DATAPACKAGE,
        code=TABLE_CODE,
    output:
        report(
            f"{RESULTS}/tables/{{table}}.csv",
            caption="../report/table.rst",
            category="Tables",
            labels={"table": "{table}"},
        ),
    log:
        f"{LOGS}/table/{{table}}.log",
    benchmark:
        f"{BENCHMARKS}/table/{{table}}.tsv"
    wildcard_constraints:
        table="|".join(TABLE_NAMES),
    conda:
        "../envs/tables.yaml"
    message:
        "table {wildcards.table}"
    script:
        "../scripts/build_table.py"
