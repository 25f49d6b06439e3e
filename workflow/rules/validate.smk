# Stage 1: check each raw table against the data dictionary and the cross-field rules.
# One job per table, so editing one file revalidates only that file and the files that refer to it.
# Each job writes its findings to a JSON log (kept by Snakemake when the job fails) and its messages
# to a text log; the onsuccess and onerror handlers gather the findings into
# results/validation/report.json and, when the run failed, print every error on the terminal.


rule validate_table:
    input:
        unpack(validation_inputs),
    output:
        f"{RESULTS}/validated/{{table}}.csv",
    log:
        findings=f"{RESULTS}/validation/{{table}}.json",
        messages=f"{LOGS}/validate_table/{{table}}.log",
    benchmark:
        f"{BENCHMARKS}/validate_table/{{table}}.tsv"
    wildcard_constraints:
        table="|".join(RAW_TABLES),
    conda:
        "../envs/validate.yaml"
    params:
        data_dir=DATA,
    message:
        "validate {wildcards.table}"
    script:
        "../scripts/validate_table.py"


onsuccess:
    gather_validation(failed=False)


onerror:
    explain_failure(log)
    # The last line of a failed run says what report/ now holds (casereport.fingerprint). Printed
    # at exit: Snakemake reports the failure itself after this handler returns.
    atexit.register(
        print,
        failed_build_line(report_dir=REPORT, datapackage=DATAPACKAGE),
        file=sys.stderr,
    )
