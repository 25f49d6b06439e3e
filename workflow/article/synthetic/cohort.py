"""The cohort: its tables, written as a raw data directory; the command line."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from casereport.cli import OneLineParser
from casereport.synthetic.directory import write_data_directory
from casereport.synthetic.template import Template, read_template

from .measures import (
    draw_adverse_events,
    draw_bone_density,
    draw_calcinosis_sites,
    draw_findings,
    draw_labs,
)
from .people import draw_patients, draw_timelines, draw_treatments
from .spec import PATIENT_TABLES, spec_from_template
from .variations import NO_VARIATIONS, Variations, apply_variations

# --- The cohort -----------------------------------------------------------------------------


def synthetic_publication(template: Template, n_patients: int, seed: int) -> pd.DataFrame:
    """publication.csv with a title that says the data are synthetic; the rest unchanged.

    Numbers with thousands separators: a bare 5-digit number (10000 patients, seed 12345) reads as
    a postcode to the privacy check, which would refuse the cohort."""
    publication = template.tables["publication"].copy()
    title = publication.loc[0, "title"]
    publication.loc[0, "title"] = (
        f"Synthetic cohort of {n_patients:,} patient{'' if n_patients == 1 else 's'} "
        f"(seed {seed:,}): {title}"
    )
    return publication


def generate_cohort(
    n_patients: int, seed: int = 0, template_dir: Path | str = "data/raw"
) -> dict[str, pd.DataFrame]:
    """The patient-level tables and publication.csv, as text frames, by resource name."""
    return cohort_tables(read_template(template_dir), n_patients, seed)


def cohort_tables(template: Template, n_patients: int, seed: int) -> dict[str, pd.DataFrame]:
    """Draw the cohort from an already read template (see generate_cohort)."""
    if n_patients < 1:
        raise ValueError("a cohort needs at least one patient")
    spec = spec_from_template(template)
    # One independent stream per table, so changing how one table is drawn leaves the others.
    generators = np.random.default_rng(seed).spawn(len(PATIENT_TABLES))
    streams = dict(zip(PATIENT_TABLES, generators, strict=True))
    columns = {name: list(template.tables[name].columns) for name in PATIENT_TABLES}
    timelines = draw_timelines(streams["patients"], n_patients, spec)
    patients = draw_patients(streams["patients"], timelines, spec)
    draws = {
        "treatments": draw_treatments,
        "calcinosis_sites": draw_calcinosis_sites,
        "labs": draw_labs,
        "bone_density": draw_bone_density,
        "adverse_events": draw_adverse_events,
        "findings": draw_findings,
    }
    tables = {"patients": patients[columns["patients"]]}
    for name, draw in draws.items():
        tables[name] = draw(streams[name], timelines, spec, columns[name])
    tables["publication"] = synthetic_publication(template, n_patients, seed)
    return tables


def readme_text(n_patients: int, seed: int) -> str:
    # No paths in here: the same seed and size give the same bytes wherever the command is run.
    return (
        "# Synthetic cohort\n\n"
        f"Synthetic data: {n_patients} invented patients, drawn with seed {seed} by "
        "`casereport cohort`. No row describes a real patient.\n\n"
        "Same files, columns and data dictionary (datapackage.yaml) as the raw data it is "
        "modelled on (data/raw/ by default). The patient-level tables are drawn; the reference "
        "tables are copied unchanged, and publication.csv's title says the cohort is synthetic.\n\n"
        "Rebuild it, in the project's folder, with:\n\n"
        f"    casereport cohort OUT_DIR --patients {n_patients} --seed {seed}\n"
    )


def write_cohort(
    out_dir: Path | str,
    n_patients: int,
    seed: int = 0,
    template_dir: Path | str = "data/raw",
    variations: Variations = NO_VARIATIONS,
) -> Path:
    """Write a complete synthetic raw data directory; returns its datapackage.yaml. With
    `variations`, the data differ from the paper's as they say, and the dictionary written
    allows any new value they use (with its words)."""
    template = read_template(template_dir)
    tables = cohort_tables(template, n_patients, seed)
    package = None
    if variations.active:
        package = copy.deepcopy(template.datapackage)
        apply_variations(tables, package, variations, seed)
    return write_data_directory(out_dir, template, tables, readme_text(n_patients, seed), package)


def main(argv: Sequence[str] | None = None, prog: str = "casereport cohort") -> int:
    """The command line (`casereport cohort`, which passes every argument on)."""
    parser = OneLineParser(
        prog=prog,
        description="Write a synthetic raw data directory in the format of data/raw/: this"
        " article's patients, treatments, calcinosis sites, labs, bone density, adverse events"
        " and findings, drawn with a seed.",
    )
    parser.add_argument("out_dir", type=Path, help="directory to write (created if missing)")
    parser.add_argument("--patients", type=int, required=True, help="number of patients")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random draws")
    parser.add_argument("--template-dir", type=Path, default=Path("data/raw"))
    knobs = parser.add_argument_group("variations (data unlike the paper's)")
    knobs.add_argument("--missing-share", type=float, default=0.0, help="lab/BMD values missing")
    knobs.add_argument(
        "--untreated-share", type=float, default=0.0, help="patients not given the drug"
    )
    knobs.add_argument("--no-bone-density-share", type=float, default=0.0)
    knobs.add_argument("--extra-site", action="append", default=[], help="another BMD site")
    knobs.add_argument("--extra-sex", action="append", default=[], help="another value of sex")
    args = parser.parse_args(argv)
    if args.patients < 1:
        parser.error("--patients must be at least 1")
    variations = Variations(
        missing_share=args.missing_share,
        untreated_share=args.untreated_share,
        no_bone_density_share=args.no_bone_density_share,
        extra_sites=tuple(args.extra_site),
        extra_sexes=tuple(args.extra_sex),
    )
    datapackage = write_cohort(
        args.out_dir, args.patients, args.seed, args.template_dir, variations
    )
    print(f"wrote {args.patients} synthetic patients (seed {args.seed}) to {datapackage.parent}")
    return 0
