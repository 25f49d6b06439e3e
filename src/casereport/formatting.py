"""How the report writes numbers, dates, doses and lists. Pure functions, no locale.

Month names are spelled out here rather than taken from `strftime("%B")`, whose output depends on
the machine's locale: the report must read the same wherever it is built.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from casereport.model import Part, Ref, Text, text

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Numbers at least this large get thousands separators ("100,000"); smaller ones are printed as
# the paper prints them ("1074" in Table II, years such as "2010").
THOUSANDS_SEPARATOR_FROM = 10_000

EN_DASH = "\u2013"  # between the two months of a date range, as in Table I


def to_decimal(value: int | float | str | Decimal) -> Decimal:
    """Exact decimal of a cell value. Floats go through repr(), their shortest round-trip text,
    so 0.475 stays 0.475 instead of 0.47499999999999997779553950749686919152736663818359375."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(float(value)))  # float() also unwraps numpy.float64
    return Decimal(str(value))


def plain_number(value: int | float | str | Decimal) -> str:
    """Shortest plain notation, never scientific: 1.0 -> "1", 0.680 -> "0.68", 1e5 -> "100000"."""
    number = to_decimal(value).normalize()
    if number == 0:
        return "0"  # also turns "-0" into "0"
    return format(number, "f")


def display_number(value: int | float | str | Decimal) -> str:
    """A number as the report prints it: plain notation, thousands separators from 10,000."""
    number = to_decimal(value).normalize()
    if abs(number) >= THOUSANDS_SEPARATOR_FROM:
        return format(number, ",f")
    return plain_number(number)


def round_half_up(value: Decimal, places: int) -> Decimal:
    """Round as people do by hand (2.25 -> 2.3), not to even as Python's round() does."""
    return value.quantize(Decimal(1).scaleb(-places), rounding="ROUND_HALF_UP")


# --- the rounding rule -------------------------------------------------------------------------
#
# One rule per quantity, from the data dictionary. A value read from a cell is shown with the digits
# the cell holds: they are the article's precision (Table II's "1074", Table III's "0.68"), neither
# padded nor cut. A value computed from a field (a change, a difference) is shown with the field's
# `decimals` (a custom field property in datapackage.yaml: bmd_g_cm2 3, z_score 2, labs value 0),
# rounded half up and padded with zeros, so that a column of changes reads 1.20, 1.08, 0.52 and
# not 1.2, 1.08, 0.52. A field without `decimals` shows its computed values exactly
# (display_number). Validation refuses a recorded value with more places than its field's
# `decimals` (rules.value_within_its_decimals): the change between two values is then exact at
# that many places, so rounding it never hides a rise or a fall.
DECIMALS = "decimals"


def field_decimals(field: Mapping[str, Any]) -> int | None:
    """The `decimals` a field's computed values are shown with, or None when it gives none."""
    places = field.get(DECIMALS)
    if places is None:
        return None
    if isinstance(places, bool) or not isinstance(places, int) or places < 0:
        raise ValueError(f"field {field.get('name')!r}: {DECIMALS} must be a whole number >= 0")
    return places


def rounded_number(value: int | float | str | Decimal, places: int | None) -> str:
    """A computed value as the rule shows it: `places` decimals, half up, zeros kept
    ("1.2" with 2 -> "1.20"); thousands separators as display_number; exact when places is None."""
    if places is None:
        return display_number(value)
    number = round_half_up(to_decimal(value), places)
    if number == 0:
        number = abs(number)  # no "-0.00"
    if abs(number) >= THOUSANDS_SEPARATOR_FROM:
        return format(number, ",f")
    return format(number, "f")


def month_year(yearmonth: str) -> str:
    """'2002-06' -> 'June 2002'."""
    year, month = yearmonth.split("-")[:2]
    return f"{MONTH_NAMES[int(month) - 1]} {int(year)}"


def day_month_year(date: str) -> str:
    """'2009-03-06' -> '6 March 2009'."""
    year, month, day = date.split("-")
    return f"{int(day)} {MONTH_NAMES[int(month) - 1]} {int(year)}"


def plural(word: str, count: int | float | Decimal) -> str:
    """'year' for a count of one, 'years' otherwise (English plural by adding 's')."""
    return word if to_decimal(count) == 1 else f"{word}s"


def capitalise_first(words: str) -> str:
    """Upper-case only the first letter: 'right arm' -> 'Right arm' (str.capitalize would also
    lower-case the rest, breaking abbreviations such as 'MTX')."""
    return words[:1].upper() + words[1:]


def join_texts(items: Sequence[Text], separator: str = ", ", last: str = " and ") -> Text:
    """['a', 'b', 'c'] -> 'a, b and c', keeping the Refs inside each item."""
    parts: list[Part] = []
    for position, item in enumerate(items):
        if position:
            parts.append(last if position == len(items) - 1 else separator)
        parts.extend(item)
    return text(*parts)


def dose_text(dose: Ref | None, dose_upper: Ref | None, unit: str) -> Text:
    """'1-2 mg/kg/day' (a range) or '0.35 mg/kg/week'; empty when no dose is given.

    The hyphen between the bounds is Table I's; the numbers are Refs to the dose cells.
    """
    if dose is None:
        return ()
    bounds: list[Part] = [dose] if dose_upper is None else [dose, "-", dose_upper]
    return text(*bounds, " " if unit else "", unit)


def date_range_text(start: Ref, end: Ref | None) -> Text:
    """'(June 2002–June 2005)', or '(July 2005)' for an exposure with no end month."""
    if end is None:
        return text("(", start, ")")
    return text("(", start, EN_DASH, end, ")")


def interval_text(interval: Ref, months: int) -> Text:
    """'every 3 months'; a one-month interval reads 'each month', as Table I writes it (the Ref
    is then not shown: 'each month' carries the number in words)."""
    if months == 1:
        return text("each month")
    return text("every ", interval, " ", plural("month", months))


def share_form(count: int, total: int) -> str:
    """How a sentence says 'count of total' naturally, with its denominator: 'all' (all 5
    patients), 'both', 'only' (the only patient, who), 'none', 'neither', or 'some' (2 of the 5
    patients). The report's macro `share` words each form; a total of 0 has no share at all."""
    if total <= 0 or not 0 <= count <= total:
        raise ValueError(f"no share of {count} in {total}")
    if count == total:
        return {1: "only", 2: "both"}.get(total, "all")
    if count == 0:
        return {1: "only_not", 2: "neither"}.get(total, "none")
    return "some"
