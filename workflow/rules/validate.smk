# Stage 1: check each raw table against the data dictionary and the cross-field rules.
# One job per table, so editing one file revalidates only that file and the files that refer to it.
# Each job writes its findings to a JSON log (kept by Snakemake when the job fails) and its messages
# to a text log; the onsuccess and onerror handlers gather the findings into
# results/validation/report.json and, when the run failed, print every error on the terminal.


rule validate_table:
    # `run:`, not `script:`: the profile's force-use-threads runs it in a thread of this Snakemake,
    # so the jobs start no interpreter (start-up was 0.8 s of each job's 1 s, benchmarks/results.md).
    # Hence no conda environment: it runs in Snakemake's own (environment.yml has pandas and PyYAML).
    # The errors are in the job's logs; the onerror handler prints them all once.
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
    params:
        data_dir=DATA,
    message:
        "validate {wildcards.table}"
    run:
        from casereport.validation.job import OK, ValidationFailed, run_in_workflow

        if run_in_workflow(input, output, log, wildcards) != OK:
            raise ValidationFailed(f"{input.table} has errors (listed below)")


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
