"""The report's tables, built once as TableModels whose numbers are Refs into the ledger.

`build_table(name, dataset)` builds one of stages.TABLES from the loaded tables that stage lists;
`write_table_csv(model, ledger, path)` writes what a reader sees. The HTML report renders the same
models, so a table's wording lives in its builder only.

    table2  measurements before and after the study drug: one row per patient, each analyte
            (analytes.csv, measured in long form in labs.csv) at each time point

A project's extension adds the tables only its report has (casereport.project_extension: its
module `tables`, BUILDERS and SUMMARY_BUILDERS); `build_table` and `summary_table` find them
beside the package's own. This repository's Tables I and III are in workflow/article/tables.py.

Nothing here knows how many patients or analytes there are: rows and columns come from the data,
in the order the data gives (patient_id, analytes.csv row order).

A large series (more patients than `large_series_threshold` in config/config.yaml) cannot be read
one patient per row or column. `summary_table(name, dataset)` gives the same table as a summary
(counts and percentages, medians and interquartile ranges) together with the ledger Numbers of its
statistics (casereport.summary); the per-patient tables stay the workflow's CSV files, and
`per_patient_excerpt` gives the first patients of one for the report's appendix.

The package: per_patient (Table II and the pieces every table shares), summaries (its large-series
form, and the summary rows a project's tables build theirs with), output (the CSV and the JSON
table model the table job writes, and the report reads)."""

from casereport.tables.output import (
    ReportTable,
    per_patient_excerpt,
    read_report_table,
    report_table,
    table_cells,
    table_refs,
    transposed,
    write_report_table,
    write_table,
    write_table_csv,
    write_table_outputs,
)
from casereport.tables.per_patient import (
    EXCERPT_PATIENTS,
    LARGE_SERIES_THRESHOLD,
    NOT_COMPUTED,
    NOT_RECORDED,
    UNDATED_TIMEPOINTS,
    analytes_caption_opening,
    analytes_measured,
    build_table,
    drugs_given_by_several_routes,
    follow_up_text,
    joined_values_words,
    measured_when,
    nobody_treated,
    patient_ids,
    patient_label,
    table2,
    untreated_note,
)
from casereport.tables.summaries import grouped, summary_table

__all__ = [
    "EXCERPT_PATIENTS",
    "LARGE_SERIES_THRESHOLD",
    "NOT_COMPUTED",
    "NOT_RECORDED",
    "ReportTable",
    "UNDATED_TIMEPOINTS",
    "analytes_caption_opening",
    "analytes_measured",
    "build_table",
    "drugs_given_by_several_routes",
    "follow_up_text",
    "joined_values_words",
    "measured_when",
    "grouped",
    "nobody_treated",
    "patient_ids",
    "patient_label",
    "per_patient_excerpt",
    "read_report_table",
    "report_table",
    "summary_table",
    "table2",
    "untreated_note",
    "table_cells",
    "table_refs",
    "transposed",
    "write_report_table",
    "write_table",
    "write_table_csv",
    "write_table_outputs",
]
