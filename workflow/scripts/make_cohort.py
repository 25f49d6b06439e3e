"""Snakemake entry point: write a synthetic raw data directory (see casereport.synthetic).

Expected rule shape:

    rule synthetic_cohort:
        input:
            template="data/raw/datapackage.yaml",  # the template is this file's directory
        output:
            datapackage="<out_dir>/datapackage.yaml",  # every CSV is written beside it
        params:
            patients=1000,
            seed=0,
        script:
            "../scripts/make_cohort.py"
"""

from pathlib import Path

from casereport.synthetic import write_cohort

smk = snakemake  # noqa: F821  (injected by Snakemake's `script:` directive)

out_dir = Path(smk.output.get("datapackage", smk.output[0])).parent
template_dir = Path(smk.input.get("template", smk.input[0])).parent
write_cohort(
    out_dir,
    n_patients=int(smk.params.patients),
    seed=int(smk.params.get("seed", 0)),
    template_dir=template_dir,
)
