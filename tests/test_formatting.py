"""The rounding rule (casereport.formatting) and the count words: unit tests, no build."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml
from support.project import RAW

from casereport.formatting import field_decimals, rounded_number, share_form


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (Decimal("1.2"), 2, "1.20"),  # padded: a column of changes has one number of places
        (Decimal("1.08"), 2, "1.08"),
        (Decimal("0.2615"), 3, "0.262"),  # half up, not to even
        (Decimal("0.2625"), 3, "0.263"),
        (Decimal("-0.004"), 2, "0.00"),  # no "-0.00"
        (Decimal("-340"), 0, "-340"),
        (Decimal("12345.5"), 0, "12,346"),
        (Decimal("1.50"), None, "1.5"),  # a field without `decimals`: exact, as display_number
    ],
)
def test_a_computed_value_is_shown_with_the_fields_decimals(value, places, shown):
    assert rounded_number(value, places) == shown


@pytest.mark.parametrize("bad", [-1, 1.5, "2", True])
def test_decimals_must_be_a_whole_number(bad):
    with pytest.raises(ValueError, match="decimals must be a whole number"):
        field_decimals({"name": "z_score", "decimals": bad})


def test_the_dictionary_gives_decimals_for_every_measured_quantity():
    """The paper's measured quantities each carry their rule, and it fits the data: no recorded
    value has more places than its field's decimals."""
    import pandas as pd

    package = yaml.safe_load((RAW / "datapackage.yaml").read_text(encoding="utf-8"))
    fields = {
        (r["name"], f["name"]): f for r in package["resources"] for f in r["schema"]["fields"]
    }
    for resource, column in (
        ("labs", "value"),
        ("bone_density", "bmd_g_cm2"),
        ("bone_density", "z_score"),
    ):
        places = field_decimals(fields[(resource, column)])
        assert places is not None, (resource, column)
        values = pd.read_csv(RAW / f"{resource}.csv", dtype=str, keep_default_na=False)[column]
        for value in values[values != ""]:
            decimals = -Decimal(value).normalize().as_tuple().exponent
            assert max(decimals, 0) <= places, (resource, column, value)


@pytest.mark.parametrize(
    ("count", "total", "form"),
    [
        (3, 3, "all"),
        (2, 2, "both"),
        (1, 1, "only"),
        (0, 1, "only_not"),
        (0, 2, "neither"),
        (0, 5, "none"),
        (2, 5, "some"),
        (1, 2, "some"),
    ],
)
def test_share_form(count, total, form):
    assert share_form(count, total) == form


@pytest.mark.parametrize(("count", "total"), [(0, 0), (3, 2), (-1, 2)])
def test_a_share_needs_a_denominator(count, total):
    with pytest.raises(ValueError):
        share_form(count, total)
