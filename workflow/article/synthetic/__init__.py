"""A seeded, deterministic synthetic cohort shaped like this article's data (data/raw/).

`write_cohort(out_dir, n_patients, seed)` writes a complete raw data directory: the patient-level
tables are drawn for patients 1..N, the reference tables (analytes, protocol, references, ...) are
copied from the template directory, and datapackage.yaml is copied unchanged, so the workflow and
its validation run on the result exactly as on the real data. Same seed and size give byte-identical
files. The benchmarks (10,000 patients) and the tests that look for false sentences use it.

Everything the cohort borrows from the paper is read from the template rather than typed here: the
female-to-male ratio and mean age at onset (background_facts.csv), the pamidronate protocol
(protocol.csv), the drug, site and adverse-event vocabularies (treatments.csv, calcinosis_sites.csv,
adverse_events.csv), the analytes and their units (analytes.csv), the spread of the lab values
(labs.csv), the enums (datapackage.yaml) and the study period (publication.csv).

Timeline model (months are counted as year * 12 + month - 1):
  * every patient is "written up" at the time of writing (publication.csv), so the disease
    duration is the whole years from diagnosis to that month and age_in_narrative = age at
    diagnosis + duration;
  * calcinosis starts within the first duration - 1 years, pamidronate starts after it and at least
    a year before the time of writing (the post-treatment labs and DXA are one year after
    the first course);
  * prednisone starts at diagnosis; the other drugs start between diagnosis and the study's end.

Command line, in the project's folder (casereport.synthetic.command passes every argument to
`main`): casereport cohort OUT_DIR --patients N --seed S [--template-dir DIR]

By concern: spec (what the cohort is drawn from), people (patients, timelines, treatments),
measures (sites, labs, bone density, adverse events, findings), variations (data unlike the
paper's), cohort (the tables, written as a directory; the command line). The package's
casereport.synthetic gives the general pieces: reading the template, small seeded draws, writing
the directory. Tests import this as casereport_project.synthetic (tests/conftest.py activates the
extension).
"""

from .cohort import cohort_tables, generate_cohort, main, write_cohort
from .variations import Variations

__all__ = [
    "Variations",
    "cohort_tables",
    "generate_cohort",
    "main",
    "write_cohort",
]
