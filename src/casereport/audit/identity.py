"""Which dataset the claims describe: the article's identity, and every claim 'not applicable'
to another article's data."""

from __future__ import annotations

from dataclasses import replace

from casereport.audit.index import IndexedDataset, cell, file_name
from casereport.audit.registry import (
    CONSISTENT,
    IDENTITY_CHECK,
    NOT_APPLICABLE,
    Claim,
    Finding,
    NotCheckable,
    check,
)
from casereport.dataset import is_missing as missing

IDENTITY_FIELDS = {"title": "title", "journal": "journal_abbreviation", "year": "year"}


def _same_words(a, b) -> bool:
    """Equal but for case and spacing (a title is transcribed, not computed)."""
    return " ".join(str(a).split()).casefold() == " ".join(str(b).split()).casefold()


def _article_words(values: dict[str, str]) -> str:
    return f"“{values['title']}” ({values['journal']}, {values['year']})"


@check(IDENTITY_CHECK, arguments=tuple(IDENTITY_FIELDS))
def article_identity(dataset: IndexedDataset, claim: Claim) -> Finding:
    """The data are the article's: publication.csv names its title, journal and year."""
    publication = dataset["publication"]
    name = file_name(dataset, "publication")
    if len(publication) != 1:
        raise NotCheckable(f"{name} has {len(publication)} rows, not one article")
    row = publication.iloc[0]
    cells = tuple(cell(dataset, "publication", row, c) for c in IDENTITY_FIELDS.values())
    data = {key: "" if missing(row[c]) else str(row[c]) for key, c in IDENTITY_FIELDS.items()}
    claimed = {key: claim.arguments[key] for key in IDENTITY_FIELDS}
    if all(_same_words(data[k], claimed[k]) for k in IDENTITY_FIELDS):
        explanation = f"{name} names the article these claims describe: title, journal and year."
        return Finding("the same article", CONSISTENT, explanation, cells)
    explanation = (
        f"The article's claims are not applicable to these data: {name} describes "
        f"{_article_words(data)}, not the article the claims describe, {_article_words(claimed)}."
    )
    return Finding("another dataset", NOT_APPLICABLE, explanation, cells)


def not_applicable(claims: list[Claim], identity: Finding) -> dict[str, Finding]:
    """Every claim's finding on data the claims do not describe: one reason, said once per row."""
    explanation = identity.explanation
    if identity.status != NOT_APPLICABLE:  # the data could not be matched at all
        explanation = (
            "The article's claims are not applicable to these data: "
            f"{explanation[:1].lower()}{explanation[1:]}"
        )
    reason = replace(identity, status=NOT_APPLICABLE, rebuilt="", explanation=explanation)
    return {claim.claim_id: reason for claim in claims}
