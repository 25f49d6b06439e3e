"""Words the data dictionary gives for the values of a column, and the study's own words.

The report never keeps its own table of words for a value of the data ("male" -> "a boy", "he"):
each column whose values the report puts into sentences carries, in data/raw/datapackage.yaml, a
custom field property `enumLabels` with the words for every value its `enum` allows:

    - name: sex
      constraints: {enum: [male, female]}
      enumLabels:
        male: {label: boy, plural: boys, noun: a boy, pronoun: he, possessive: his}

So a value the dictionary allows always has words, and one it does not allow is a validation
error. Every allowed value gives at least a `label`; other words may be given for some values
only (`vertebra_letter` for the lumbar spine). `WORDED_FIELDS` adds what the package's own
sentences ask of every value of the general case-report model's fields (patients' sex,
treatments' route); what a project's own sentences need of its own columns, its own validation
rules check (this article's: workflow/article/validation_rules.py). Validation
(casereport.validation.schema.descriptor_problems) reports a missing word as a `datapackage`
finding naming the resource, field and value, before any table is built.

The study drug and the time of writing are data too: the `study_drug` and `time_of_writing`
columns of publication.csv, read here and only here (`study_drug`, `time_of_writing`).

Kept free of heavy imports: validation imports it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LABELS = "enumLabels"

# (resource, field) of the general case-report model -> the words the package's own sentences
# need of every allowed value (only for a field the dictionary has; other fields: see above).
WORDED_FIELDS: dict[tuple[str, str], tuple[str, ...]] = {
    # "2 boys, 1 girl"; "A boy from Morocco ..."; "he had received"; "his age"
    ("patients", "sex"): ("label", "plural", "noun", "pronoun", "possessive"),
    # "intravenous immunoglobulin"; "given intravenously"; "MTX PO" in a table
    ("treatments", "route"): ("label", "adverb", "abbreviation"),
}

# The study's own facts: columns of publication.csv.
PUBLICATION = "publication"
STUDY_DRUG_COLUMN = "study_drug"
TIME_OF_WRITING_COLUMN = "time_of_writing"


def label_problems(resource: Mapping[str, Any]) -> list[str]:
    """What the dictionary lacks for the words of one resource: a worded field without
    `enumLabels`, an allowed value without its words, a word that is not text."""
    name = resource.get("name")
    problems = []
    for field in resource.get("schema", {}).get("fields", []):
        wanted = WORDED_FIELDS.get((name, field.get("name")))
        labels = field.get(LABELS)
        if wanted is None and labels is None:
            continue
        where = f"resource {name!r}, field {field.get('name')!r}"
        allowed = field.get("constraints", {}).get("enum")
        if allowed is None:
            problems.append(f"{where}: {LABELS} needs an enum constraint listing the values")
            continue
        if not isinstance(labels, dict):
            problems.append(f"{where}: every allowed value needs its words in {LABELS}")
            continue
        for value in allowed:
            words = labels.get(value)
            if not isinstance(words, dict):
                problems.append(f"{where}: allowed value {value!r} has no words in {LABELS}")
                continue
            for key in dict.fromkeys(["label", *(wanted or ())]):
                if not isinstance(words.get(key), str) or not words[key].strip():
                    problems.append(f"{where}: allowed value {value!r} has no {key!r} in {LABELS}")
        for value in labels:
            if value not in allowed:
                problems.append(f"{where}: {LABELS} gives words for {value!r}, which enum lacks")
    return problems


def field_labels(field: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """value -> its words, as the dictionary gives them (validated by label_problems)."""
    return dict(field.get(LABELS) or {})


def words_for(field: Mapping[str, Any], value: Any, key: str = "label") -> str:
    """The dictionary's word `key` for one value of a field; the value itself for a field that
    gives no words (a free-text column), so that nothing is ever left out."""
    if value is None:
        return ""
    labels = field_labels(field)
    return str(labels.get(value, {}).get(key, value))


def route_abbreviations(dataset) -> dict[str, str]:
    """route -> its abbreviation in the dictionary ('intravenous' -> 'IV')."""
    field = dataset.tables["treatments"].fields["route"]
    return {route: words.get("abbreviation", route) for route, words in field_labels(field).items()}


def table_words(dataset, table: str, column: str, value: Any, key: str = "label") -> str:
    """words_for() for a column of a loaded dataset (casereport.dataset.Dataset)."""
    return words_for(dataset.tables[table].fields[column], value, key)


# --- the study's own facts (publication.csv) ---------------------------------------------------


def _publication_row(dataset) -> Any:
    return dataset[PUBLICATION].iloc[0]


def study_drug(dataset) -> str:
    """The generic name of the study drug (publication.csv `study_drug`), as treatments.csv
    names it in its `drug` column."""
    return str(_publication_row(dataset)[STUDY_DRUG_COLUMN])


def time_of_writing(dataset) -> str:
    """The month the report speaks from ('2009-03'): publication.csv `time_of_writing`. What is
    "still given" runs to it in the figures, and the audit counts courses up to it."""
    return str(_publication_row(dataset)[TIME_OF_WRITING_COLUMN])
