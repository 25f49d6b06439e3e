# Stage 2: the paper's Table I and Table II, and the new Table III, as CSV.


rule table:
    input:
        tables=lambda wildcards: validated(stages.TABLES[wildcards.table]),
        datapackage=DATAPACKAGE,
    output:
        f"{RESULTS}/tables/{{table}}.csv",
    wildcard_constraints:
        table="|".join(TABLE_NAMES),
    script:
        "../scripts/build_table.py"
