"""Helpers for synthetic data in a project's raw-data format; the project draws the cohort.

A synthetic cohort has exactly the files, columns and data dictionary of the raw data it is
modelled on, so that the workflow and its validation run on it as on the real data (benchmarks at
10,000 patients, tests of sentences on data unlike the real). What it is drawn from is the
project's own: its extension (casereport.project_extension) provides the module `synthetic`, which
`casereport cohort` runs (casereport.synthetic.command). This package gives what any such
generator needs, by concern:

    template   reading a template data directory as text (read_template, Template.enum, lookup),
               the raw data's CSV dialect (read_raw_table, write_csv), months as YYYY-MM
    draws      small seeded, vectorised draws and the text formats of their values
    directory  writing drawn tables as a complete data directory: the rest copied from the
               template, the data package, a README.md (write_data_directory)
    command    `casereport cohort`, which runs the extension's generator

Import from the modules (this file imports nothing: the command line imports `command` on every
run, and the others load pandas).
"""
