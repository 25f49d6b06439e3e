"""How findings are worded: numbers as recorded, quantities and counts in words, and the finding of
a numeric claim compared by its match rule."""

from __future__ import annotations

import math
from dataclasses import replace

from casereport.audit.index import Row
from casereport.audit.registry import CONSISTENT, DISCREPANT, MATCH_RULES, Claim, Finding
from casereport.clinical import month_index, month_label
from casereport.dataset import is_missing as missing


def format_number(value: float) -> str:
    """A computed number as the report prints it: whole numbers plainly, others to one decimal."""
    text = str(int(round(value))) if math.isclose(value, round(value)) else f"{value:.1f}"
    return text.replace("-", "−")


def recorded(value) -> str:
    """A raw value as recorded (no rounding): -0.97 stays −0.97."""
    return f"{float(value):g}".replace("-", "−")


def machine_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.4f}".rstrip("0").rstrip(".")


def unit_for(value: float, unit: str) -> str:
    """The unit as it reads after this number: 1 month, 2 months, 0.5 months; 1 g/kg."""
    words = unit.split(" ", 1)  # "courses", or "g/kg a month": only a plural word is changed
    if words[0].endswith("s") and math.isclose(abs(value), 1) and "/" not in words[0]:
        words[0] = words[0][:-1]
    return " ".join(words)


def quantity(value: float, unit: str) -> str:
    return f"{format_number(value)} {unit_for(value, unit)}".strip()


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """'1 month', '3 months'; '1 reaction'; plural given when it is not singular + s."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def join_words(items, conjunction: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def unique(cells) -> tuple[str, ...]:
    return tuple(dict.fromkeys(cells))


def whole_range(claim: Claim) -> str:
    """What a whole published number covers, in words (for the `whole` match)."""
    low, high = claim.expected - 0.5, claim.expected + 1
    if claim.unit == "years":
        return (
            f"{quantity(claim.expected, 'years')}, as completed or rounded years, covers "
            f"{int(low * 12)} to {int(high * 12) - 1} months"
        )
    stated = quantity(claim.expected, claim.unit)
    return f"{stated} covers {format_number(low)} up to (not including) {format_number(high)}"


def numeric_finding(
    claim: Claim, value: float, how: str, cells, derivation: str, note: str = ""
) -> Finding:
    """Compare a rebuilt number with the claim's published one, and say so with the values.

    `how` says where the number comes from ("from diagnosis (June 2002) to ..."); the explanation
    reads "<how>: <rebuilt>, as published" or "The paper says <published>; <how>: <rebuilt>".
    """
    consistent = MATCH_RULES[claim.match](value, claim.expected)
    rebuilt = quantity(value, claim.unit)
    same = math.isclose(value, claim.expected, abs_tol=0.05)  # equal as the report prints them
    if consistent and same:
        explanation = f"{capitalised(how)}: {rebuilt}, as published ({claim.published})."
    elif consistent and claim.match == "at_least":
        # A different number that is consistent: say by which convention, so that a reader
        # seeing 11 against 15 in the table reads why they agree.
        explanation = (
            f"{capitalised(how)}: {rebuilt}. The paper's \u201c{claim.published}\u201d is read as "
            f"a lower bound, reached by then, and {rebuilt} is at least "
            f"{quantity(claim.expected, claim.unit)}."
        )
    elif consistent:
        explanation = (
            f"{capitalised(how)}: {rebuilt}. The paper states a whole number "
            f"(\u201c{claim.published}\u201d), and {whole_range(claim)}, so the two agree."
        )
    else:
        rule = {
            "exact": "",
            "whole": f"; {whole_range(claim)}",
            "at_least": f", fewer than the published {quantity(claim.expected, claim.unit)}",
        }[claim.match]
        explanation = f"The paper says {claim.published}; {how}: {rebuilt}{rule}."
    return Finding(
        rebuilt=rebuilt,
        status=CONSISTENT if consistent else DISCREPANT,
        explanation=f"{explanation} {note}".strip(),
        sources=unique(cells),
        value=value,
        unit=claim.unit,
        derivation=derivation,
    )


def all_or_discrepant(finding: Finding, exceptions: list[str]) -> Finding:
    """A count of 'all N patients' is only consistent if there are no exceptions."""
    if exceptions and finding.status == CONSISTENT:
        return replace(finding, status=DISCREPANT)
    return finding


def dated_periods(rows: list[Row]) -> str:
    """A drug's dated Table I entries in words: 'June 2005 to August 2007 and May 2008 to no
    end'."""
    periods = [
        f"{month_label(month_index(r['start_month']))} to "
        + ("no end" if missing(r["end_month"]) else month_label(month_index(r["end_month"])))
        for r in rows
        if not missing(r["start_month"])
    ]
    return join_words(periods) or "no dates"
