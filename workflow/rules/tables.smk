# Stage 2: the paper's Table I and Table II, and the new Table III: each as CSV (what a reader
# sees) and as the table model the report reads (results/tables/<table>.json: the table with its
# numbers as ledger ids, or for a large series its summary, the summary's numbers and the first
# patients' rows), so the report never builds a table itself.


rule table:
    input:
        tables=lambda wildcards: validated(stages.TABLES[wildcards.table]),
        datapackage=DATAPACKAGE,
        code=TABLE_CODE,
    output:
        csv=report(
            f"{RESULTS}/tables/{{table}}.csv",
            caption="../report/table.rst",
            category="Tables",
            labels={"table": "{table}"},
        ),
        model=f"{RESULTS}/tables/{{table}}.json",
    log:
        f"{LOGS}/table/{{table}}.log",
    benchmark:
        f"{BENCHMARKS}/table/{{table}}.tsv"
    wildcard_constraints:
        table="|".join(TABLE_NAMES),
    # The HTML path first (see rule figure_caption).
    priority: 1
    conda:
        "../envs/tables.yaml"
    params:
        # A parameter, so that changing it in the config rebuilds the tables the report shows.
        large_series_threshold=config["large_series_threshold"],
    message:
        "table {wildcards.table}"
    script:
        "../scripts/build_table.py"
