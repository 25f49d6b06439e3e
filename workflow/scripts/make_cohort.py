"""Snakemake entry point: write a synthetic raw data directory, drawn by this project's extension
(config key extension; workflow/article/synthetic here, see casereport.synthetic.command).

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

from casereport.project_extension import activate

smk = snakemake  # noqa: F821  (injected by Snakemake's `script:` directive)
# The cohort's shape is the project's own: its extension (imported as casereport_project) draws it.
activate(smk.config.get("extension"))
from casereport_project.synthetic import write_cohort  # noqa: E402

out_dir = Path(smk.output.get("datapackage", smk.output[0])).parent
template_dir = Path(smk.input.get("template", smk.input[0])).parent
write_cohort(
    out_dir,
    n_patients=int(smk.params.patients),
    seed=int(smk.params.get("seed", 0)),
    template_dir=template_dir,
)
