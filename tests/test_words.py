"""The dictionary's words for allowed values (casereport.words): checked, and used."""

from __future__ import annotations

from pathlib import Path

import yaml

from casereport import words
from casereport.words import WORDED_FIELDS, label_problems, words_for


def resource(field: dict, name: str = "patients") -> dict:
    return {"name": name, "schema": {"fields": [field]}}


SEX = {
    "name": "sex",
    "constraints": {"enum": ["male", "female"]},
    "enumLabels": {
        "male": {
            "label": "boy",
            "plural": "boys",
            "noun": "a boy",
            "pronoun": "he",
            "possessive": "his",
        },
        "female": {
            "label": "girl",
            "plural": "girls",
            "noun": "a girl",
            "pronoun": "she",
            "possessive": "her",
        },
    },
}


def test_complete_words_pass():
    assert label_problems(resource(SEX)) == []


def test_an_allowed_value_without_words_is_named():
    field = {**SEX, "constraints": {"enum": ["male", "female", "unknown"]}}
    assert label_problems(resource(field)) == [
        "resource 'patients', field 'sex': allowed value 'unknown' has no words in enumLabels"
    ]


def test_a_missing_word_is_named():
    labels = {**SEX["enumLabels"], "female": {"label": "girl", "plural": "girls"}}
    problems = label_problems(resource({**SEX, "enumLabels": labels}))
    assert (
        "resource 'patients', field 'sex': allowed value 'female' has no 'pronoun' in "
        "enumLabels" in problems
    )


def test_a_worded_field_needs_enum_labels():
    field = {"name": "sex", "constraints": {"enum": ["male"]}}
    assert label_problems(resource(field)) == [
        "resource 'patients', field 'sex': every allowed value needs its words in enumLabels"
    ]
    assert ("patients", "sex") in WORDED_FIELDS


def test_words_for_reads_the_dictionary():
    assert words_for(SEX, "female", "possessive") == "her"
    assert words_for({"name": "site"}, "total hip") == "total hip"  # no words: the value


def test_a_word_may_be_given_for_some_values_only():
    """Only `label` (and, for the general model's fields, WORDED_FIELDS) is asked of every value:
    the lumbar spine has a vertebra letter, the hip has none."""
    site = {
        "name": "site",
        "constraints": {"enum": ["lumbar spine", "total hip"]},
        "enumLabels": {
            "lumbar spine": {"label": "lumbar spine", "vertebra_letter": "L"},
            "total hip": {"vertebra_letter": "H"},
        },
    }
    assert label_problems(resource(site)) == [
        "resource 'patients', field 'site': allowed value 'total hip' has no 'label' in enumLabels"
    ]
    site["enumLabels"]["total hip"] = {"label": "total hip"}
    assert label_problems(resource(site)) == []


def test_the_package_asks_words_only_of_the_general_model():
    """WORDED_FIELDS names fields of the general model that `casereport new` starts from, never
    a column only this article has (its words come from its own dictionary)."""
    general = yaml.safe_load(
        (Path(words.__file__).parent / "newcase/template/data/datapackage.yaml").read_text(
            encoding="utf-8"
        )
    )
    worded = {
        (r["name"], f["name"])
        for r in general["resources"]
        for f in r["schema"]["fields"]
        if "enumLabels" in f
    }
    assert set(WORDED_FIELDS) <= worded
