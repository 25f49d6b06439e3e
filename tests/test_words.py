"""The dictionary's words for allowed values (casereport.words): checked, and used."""

from __future__ import annotations

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
