# The picture of the workflow's rules in README.md, drawn from `snakemake --rulegraph`.
# Not part of `rule all` (it shows the rules, not the data); when the rules change, refresh it with
#   snakemake --cores 1 --force docs/rulegraph.svg
# tests/test_snakemake_conventions.py fails while the committed picture is out of date.


rule rulegraph:
    input:
        WORKFLOW_FILES,
    output:
        config["rulegraph"],
    log:
        f"{LOGS}/rulegraph.log",
    benchmark:
        f"{BENCHMARKS}/rulegraph.tsv"
    conda:
        "../envs/docs.yaml"
    message:
        "picture of the rules"
    script:
        "../scripts/rulegraph.py"
