"""Reading claims.csv: each row parsed into a `Claim` of a registered check, with every problem of
the file said at once (`ClaimsError`)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from casereport.audit.registry import (
    CHECKS,
    CLAIM_COLUMNS,
    EVENT_ARGUMENTS,
    EVENT_NAME,
    IDENTITY_CHECK,
    MATCH_RULES,
    Check,
    Claim,
    ClaimsError,
    register_project_checks,
)
from casereport.dataset import SOURCE_LINE


def read_claims(path: Path | str) -> pd.DataFrame:
    """claims.csv as text columns, plus `source_line` (the claim's line in the file, header = 1)."""
    path = Path(path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        absent = [c for c in CLAIM_COLUMNS if c not in header]
        if absent:
            raise ClaimsError(f"{path.as_posix()}:1: missing column(s) {', '.join(absent)}")
        rows, lines = [], []
        previous_end = reader.line_num
        for row in reader:
            rows.append(row)
            lines.append(previous_end + 1)  # a quoted cell may span lines: keep where it starts
            previous_end = reader.line_num
    frame = pd.DataFrame(rows, columns=header, dtype="string")
    frame[SOURCE_LINE] = pd.array(lines, dtype="Int64")
    frame.attrs["source_file"] = path.as_posix()
    return frame


def _text(row: pd.Series, column: str) -> str:
    value = row.get(column)
    return "" if value is None or pd.isna(value) else str(value).strip()


def parse_arguments(text: str) -> dict[str, str]:
    """`key=value; key=value` -> dict. Lists inside a value are separated by commas."""
    arguments = {}
    for pair in text.split(";"):
        if not pair.strip():
            continue
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"argument {pair.strip()!r} is not key=value")
        arguments[key.strip()] = value.strip()
    return arguments


def _parse_number(text: str, kind, what: str, problems: list[str], prefix: str):
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        problems.append(f"{prefix}{what} {text!r} is not a number")
        return None


def _claim_problems(spec: Check, row: pd.Series, arguments: dict, prefix: str) -> list[str]:
    """What the row lacks or has too much of for its check."""
    problems = []
    name = spec.name
    if spec.patient == "required" and not _text(row, "patient_id"):
        problems.append(f"{prefix}check {name!r} needs a patient_id")
    if spec.patient == "forbidden" and _text(row, "patient_id"):
        problems.append(f"{prefix}check {name!r} takes no patient_id")
    if spec.needs_expected:
        if not _text(row, "expected"):
            problems.append(f"{prefix}check {name!r} needs an expected value")
        if _text(row, "match") not in MATCH_RULES:
            problems.append(
                f"{prefix}match {_text(row, 'match')!r} is not {' / '.join(MATCH_RULES)}"
            )
        if spec.units is not None and _text(row, "unit") not in spec.units:
            problems.append(f"{prefix}unit {_text(row, 'unit')!r} is not {' / '.join(spec.units)}")
    problems += [f"{prefix}missing argument {k}=" for k in spec.arguments if k not in arguments]
    problems += [
        f"{prefix}{key}= names no event: {name!r} (see data/claims.md)"
        for key in EVENT_ARGUMENTS
        if key in arguments
        for name in (part.strip() for part in arguments[key].split(","))
        if not EVENT_NAME.fullmatch(name)
    ]
    problems += [
        f"{prefix}unknown argument {k}=" for k in sorted(set(arguments) - set(spec.arguments))
    ]
    return problems


def _parse_claim(row: pd.Series, where: str) -> tuple[Claim | None, list[str]]:
    claim_id = _text(row, "claim_id")
    prefix = f"{where}: claim {claim_id!r}: "
    problems = [
        f"{prefix}empty {c}"
        for c in ("claim_id", "statement", "location", "published")
        if not _text(row, c)
    ]
    try:
        arguments = parse_arguments(_text(row, "arguments"))
    except ValueError as error:
        problems.append(f"{prefix}{error}")
        arguments = {}
    spec = CHECKS.get(_text(row, "check"))
    if spec is None:
        known = ", ".join(sorted(CHECKS))
        problems.append(f"{prefix}unknown check {_text(row, 'check')!r} (known checks: {known})")
    else:
        problems += _claim_problems(spec, row, arguments, prefix)
    patient_id = _parse_number(_text(row, "patient_id"), int, "patient_id", problems, prefix)
    expected = _parse_number(_text(row, "expected"), float, "expected", problems, prefix)
    if problems:
        return None, problems
    claim = Claim(
        claim_id=claim_id,
        statement=_text(row, "statement"),
        location=_text(row, "location"),
        published=_text(row, "published"),
        check=spec.name,
        patient_id=patient_id,
        expected=expected,
        unit=_text(row, "unit"),
        match=_text(row, "match"),
        arguments=arguments,
        where=where,
    )
    return claim, []


def parse_claims(claims_frame: pd.DataFrame) -> list[Claim]:
    """Claims in file order. Every problem of the file is reported at once, each with its line."""
    register_project_checks()  # the project's checks are named in claims.csv too
    claims_file = claims_frame.attrs.get("source_file", "claims.csv")
    claims, problems, first_seen = [], [], {}
    for position, (_, row) in enumerate(claims_frame.iterrows()):
        line = row.get(SOURCE_LINE)
        line = position + 2 if line is None or pd.isna(line) else int(line)
        where = f"{claims_file}:{line}"
        claim, row_problems = _parse_claim(row, where)
        problems += row_problems
        claim_id = _text(row, "claim_id")
        if claim_id in first_seen:
            problems.append(
                f"{where}: claim id {claim_id!r} is already used on {first_seen[claim_id]}"
            )
        first_seen.setdefault(claim_id, where)
        if claim is not None:
            claims.append(claim)
    identities = [c for c in claims if c.check == IDENTITY_CHECK]
    problems += [
        f"{c.where}: claim {c.claim_id!r}: a second {IDENTITY_CHECK} claim (the first is on "
        f"{identities[0].where}); the claims describe one article"
        for c in identities[1:]
    ]
    if problems:
        raise ClaimsError("\n".join(problems))
    return claims
