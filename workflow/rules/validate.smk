# Stage 1: check each raw table against the data dictionary and the cross-field rules.
# One job per table, so editing one file revalidates only that file and the files that refer to it.
# Each job writes its findings as a log (kept by Snakemake when the job fails); the onsuccess and
# onerror handlers gather them into results/validation/report.json and print every error at once.


rule validate_table:
    input:
        unpack(validation_inputs),
    output:
        f"{RESULTS}/validated/{{table}}.csv",
    log:
        findings=f"{RESULTS}/validation/{{table}}.json",
    params:
        data_dir=DATA,
    wildcard_constraints:
        table="|".join(RAW_TABLES),
    script:
        "../scripts/validate_table.py"


def _gather_validation(failed):
    from casereport.validation.report import gather_findings

    gather_findings(
        [f"{RESULTS}/validation/{name}.json" for name in RAW_TABLES],
        f"{RESULTS}/validation/report.json",
        print_errors=failed,
    )


onsuccess:
    _gather_validation(failed=False)


onerror:
    _gather_validation(failed=True)
