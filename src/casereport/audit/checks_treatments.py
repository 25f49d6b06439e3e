"""Checks of the treatments Table I and the narratives list: which drugs, when, by which route,
at which dose."""

from __future__ import annotations

from casereport.audit.index import (
    IndexedDataset,
    cells_of,
    drug_rows,
    drug_words,
    equals,
    event,
    file_name,
    is_true,
    patient_treatments,
    still_given,
)
from casereport.audit.registry import (
    CONSISTENT,
    DISCREPANT,
    POSSIBLY_DISCREPANT,
    Claim,
    Finding,
    NotCheckable,
    check,
)
from casereport.audit.wording import (
    capitalised,
    counted,
    dated_periods,
    format_number,
    join_words,
    numeric_finding,
    quantity,
    recorded,
    unique,
)
from casereport.clinical import month_index, month_label, patient_ids
from casereport.dataset import is_missing as missing


@check("drug_lists_agree", patient="required", arguments=("drugs",))
def drug_lists_agree(dataset: IndexedDataset, claim: Claim) -> Finding:
    """The drugs the narrative names for a patient are those Table I lists, no more, no less."""
    rows = patient_treatments(dataset, claim.patient_id, table_i_only=False)
    in_table_i = patient_treatments(dataset, claim.patient_id, table_i_only=True)
    listed = sorted({r["drug"] for r in in_table_i})
    named = sorted(set(claim.argument_list("drugs")))
    cells = cells_of(dataset, "treatments", rows, ("drug", "listed_in_table_i"))
    rebuilt = f"Table I lists {join_words(listed) or 'no drug'}"
    only_named = [d for d in named if d not in listed]
    only_listed = [d for d in listed if d not in named]
    # A drug the narrative also gives as still taken is the same finding seen a second time: the
    # current-treatment claim leaves it to this row, which says so.
    still_taken = {r["drug"] for r in rows if is_true(r["ongoing"]) and r["drug"] in only_named}
    differences = []
    if only_named:
        named_words = join_words(
            f"{d} (also named as still given)" if d in still_taken else d for d in only_named
        )
        differences.append(f"The narrative names {named_words}; Table I does not.")
    if only_listed:
        differences.append(f"Table I lists {join_words(only_listed)}; the narrative does not.")
    if differences:
        return Finding(rebuilt, DISCREPANT, " ".join(differences), unique(cells))
    return Finding(
        rebuilt, CONSISTENT, "Table I lists the drugs the narrative names.", unique(cells)
    )


@check("current_treatment", patient="required", arguments=("drugs",))
def current_treatment(dataset: IndexedDataset, claim: Claim) -> Finding:
    """The drugs the narrative says the patient still takes are those Table I leaves open (no end
    month, or a later schedule). Read from Table I's dates, not from the `ongoing` column, which
    was itself transcribed from the narratives."""
    rows = patient_treatments(dataset, claim.patient_id, table_i_only=True)
    still = sorted({r["drug"] for r in rows if still_given(r)})
    listed = {r["drug"] for r in rows}
    named = sorted(set(claim.argument_list("drugs")))
    # A drug Table I does not list at all has no dates there to be open or closed: that is one
    # finding (the drug missing from Table I), reported once, by the claim comparing the lists.
    unlisted = [d for d in named if d not in listed]
    named = [d for d in named if d in listed]
    cells = cells_of(dataset, "treatments", rows, ("drug", "end_month", "later_interval_months"))
    rebuilt = f"Table I leaves open {join_words(still) or 'no drug'}"
    only_named = [d for d in named if d not in still]
    only_open = [d for d in still if d not in named]
    differences = []
    if only_named:
        differences.append(
            f"The narrative says {join_words(only_named)} is still given; Table I has no open "
            "entry for it."
        )
    if only_open:
        differences.append(
            f"Table I leaves {join_words(only_open)} open; the narrative does not name it as "
            "still given."
        )
    aside = (
        f" Table I does not list {join_words(unlisted, 'or')} at all, so it cannot say whether "
        f"{'it is' if len(unlisted) == 1 else 'they are'} still given; the comparison of the "
        "drug lists reports that finding once."
        if unlisted
        else ""
    )
    if differences:
        return Finding(rebuilt, DISCREPANT, " ".join(differences) + aside, unique(cells))
    if not still and not named:
        raise NotCheckable(
            f"Table I lists none of the drugs named as still given ({join_words(unlisted)})",
            unique(cells),
        )
    explanation = (
        f"Table I gives {join_words(still)} without an end (or on a later schedule): the drugs the "
        f"narrative says are still given{' that Table I lists' if unlisted else ''}.{aside}"
    )
    return Finding(rebuilt, CONSISTENT, explanation, unique(cells))


@check("starts_not_before", patient="required", arguments=("drugs", "after"))
def starts_not_before(dataset: IndexedDataset, claim: Claim) -> Finding:
    """The named drugs were started no earlier than an event (e.g. another drug's end)."""
    reference = event(dataset, claim.patient_id, claim.arguments["after"])
    cells, starts, undated = list(reference.cells), [], []
    for spec in claim.argument_list("drugs"):
        try:
            start = event(dataset, claim.patient_id, f"{spec}.start")
        except NotCheckable as reason:
            undated.append(drug_words(spec))
            cells += reason.cells
            continue
        cells += start.cells
        starts.append((spec, start))
    if not starts:
        raise NotCheckable(f"none of {join_words(undated)} has a start month", unique(cells))
    early = [(spec, d) for spec, d in starts if d.month < reference.month]
    rebuilt = "; ".join(d.label for _, d in starts)
    skipped = f" {capitalised(join_words(undated))}: no start month to check." if undated else ""
    if early:
        each = join_words(
            f"{drug_words(spec)} in {month_label(d.month)} "
            f"({counted(reference.month - d.month, 'month')} earlier)"
            for spec, d in early
        )
        explanation = (
            f"The paper has them begin after {reference.label}; Table I starts {each}.{skipped}"
        )
        return Finding(rebuilt, DISCREPANT, explanation, unique(cells))
    explanation = f"All start in or after {reference.label}.{skipped}"
    return Finding(rebuilt, CONSISTENT, explanation, unique(cells))


@check("event_not_before", patient="required", arguments=("event", "after"))
def event_not_before(dataset: IndexedDataset, claim: Claim) -> Finding:
    """An event (e.g. a drug's end) came no earlier than each of other events (e.g. the starts of
    the drugs added before it was stopped). Two events of the same month cannot be ordered by the
    data: that is consistent, and said."""
    when = event(dataset, claim.patient_id, claim.arguments["event"])
    others = [event(dataset, claim.patient_id, spec) for spec in claim.argument_list("after")]
    cells = [*when.cells, *(c for d in others for c in d.cells)]
    earlier = [d for d in others if d.month > when.month]
    same = [d for d in others if d.month == when.month]
    rebuilt = f"{when.label}; " + "; ".join(d.label for d in others)
    if earlier:
        each = join_words(
            f"{counted(d.month - when.month, 'month')} before {d.label}" for d in earlier
        )
        explanation = (
            f"The paper has {when.what} come after {join_words(d.what for d in others)}; "
            f"Table I has {when.label}: {each}."
        )
        return Finding(rebuilt, DISCREPANT, explanation, unique(cells))
    tie = (
        f" {capitalised(join_words(d.what for d in same))} fell in the same month, which the "
        "month-precise dates cannot order."
        if same
        else ""
    )
    after = join_words(d.label for d in others)
    explanation = f"{capitalised(when.label)} is no earlier than {after}.{tie}"
    return Finding(rebuilt, CONSISTENT, explanation, unique(cells))


@check("first_route", patient="required", arguments=("drug", "route"))
def first_route(dataset: IndexedDataset, claim: Claim) -> Finding:
    """The route by which a drug was first given, as Table I dates its entries."""
    drug, route = claim.arguments["drug"], claim.arguments["route"]
    rows = [
        r
        for r in patient_treatments(dataset, claim.patient_id, table_i_only=True)
        if equals(r["drug"], drug) and not missing(r["start_month"])
    ]
    if not rows:
        raise NotCheckable(f"Table I dates no {drug} for patient {claim.patient_id}")
    rows.sort(key=lambda r: month_index(r["start_month"]))  # stable: Table I order within a month
    cells = cells_of(dataset, "treatments", rows, ("route", "start_month", "end_month"))
    first = rows[0]
    first_route_words = "no route" if missing(first["route"]) else str(first["route"])
    periods = join_words(
        f"{'no route' if missing(r['route']) else r['route']} {dated_periods([r])}" for r in rows
    )
    rebuilt = f"{first_route_words} from {month_label(month_index(first['start_month']))}"
    if equals(first["route"], route):
        explanation = f"Table I gives {drug} {periods}: it begins {route}, as the paper says."
        return Finding(rebuilt, CONSISTENT, explanation, unique(cells))
    explanation = (
        f"The paper has {drug} begin {route}; Table I gives it {periods}, so it begins "
        f"{first_route_words}."
    )
    return Finding(rebuilt, DISCREPANT, explanation, unique(cells))


@check("dose_per_month", patient="required", arguments=("drug", "usual"))
def dose_per_month(dataset: IndexedDataset, claim: Claim) -> Finding:
    """A course drug's dose as printed, per month (dose a day x days a course / months between
    courses), against the usual monthly dose (`usual`, in the dose unit without '/day'). Twice the
    usual or more is implausible rather than impossible: possibly discrepant."""
    drug = claim.arguments["drug"]
    rows = drug_rows(dataset, claim.patient_id, drug)
    columns = ("dose", "dose_unit", "course_days", "interval_months")
    cells = cells_of(dataset, "treatments", rows, columns)
    row = rows[0]
    if len(rows) != 1 or any(missing(row[c]) for c in columns):
        raise NotCheckable(f"{drug} of patient {claim.patient_id} lacks one dated schedule", cells)
    unit = str(row["dose_unit"])
    if not unit.endswith("/day"):
        raise NotCheckable(f"{drug}'s dose is in {unit}, not a dose a day", cells)
    base = unit.removesuffix("/day")
    dose, days, interval = float(row["dose"]), int(row["course_days"]), int(row["interval_months"])
    monthly = dose * days / interval
    try:
        usual = float(claim.arguments["usual"])
    except ValueError:
        raise NotCheckable(f"usual={claim.arguments['usual']} is not a number") from None
    per_month = f"{base} a month"
    how = (
        f"{recorded(dose)} {unit} on {counted(days, 'day')} "
        f"{'each month' if interval == 1 else f'every {interval} months'}"
    )
    rebuilt = quantity(monthly, per_month)
    derivation = "dose x course_days / interval_months"
    if monthly >= 2 * usual:
        explanation = (
            f"As printed, {how} comes to {recorded(dose)} x {days} / {interval} = {rebuilt}, "
            f"{format_number(monthly / usual)} times the usual {quantity(usual, per_month)} "
            "(see data/claims.md): implausible rather than impossible, so possibly a dose per "
            "course printed as a dose a day."
        )
        status = POSSIBLY_DISCREPANT
    else:
        explanation = (
            f"{capitalised(how)} comes to {recorded(dose)} x {days} / {interval} = {rebuilt}, "
            f"within twice the usual {quantity(usual, per_month)}."
        )
        status = CONSISTENT
    return Finding(
        rebuilt,
        status,
        explanation,
        unique(cells),
        value=monthly,
        unit=per_month,
        derivation=derivation,
    )


@check("significance_without_test", arguments=("column", "wordings"))
def significance_without_test(dataset: IndexedDataset, claim: Claim) -> Finding:
    """'Significantly' said of an outcome the data record per patient as a category, with no
    statistical test named: the counts are rebuilt, the significance is not checkable. The
    article's own wordings of the conclusion (`wordings`, as it prints them) are quoted."""
    column = claim.arguments["column"]
    patients = dataset["patients"]
    if column not in patients:
        raise NotCheckable(f"{file_name(dataset, 'patients')} has no column {column}")
    cells = cells_of(dataset, "patients", patients, [column])
    counts = patients[column].fillna("not recorded").value_counts(sort=False)
    tally = join_words(f"{value} {int(n)}" for value, n in counts.items())
    wordings = join_words(f"\u201c{w}\u201d" for w in claim.argument_list("wordings"))
    raise NotCheckable(
        f"the data record {column} as a category per patient ({tally}, of "
        f"{counted(len(patients), 'patient')}), not a measurement a test could compare, and the "
        f"article names no statistical test; it also words the conclusion as {wordings}",
        unique(cells),
    )


@check("patients_still_on_drug", expected=True, arguments=("drug",))
def patients_still_on_drug(dataset: IndexedDataset, claim: Claim) -> Finding:
    """How many patients Table I leaves on the drug at the time of writing."""
    drug = claim.arguments["drug"]
    on_drug, cells = [], []
    for patient_id in patient_ids(dataset):
        try:
            rows = drug_rows(dataset, patient_id, drug)
        except NotCheckable:
            continue
        cells += cells_of(dataset, "treatments", rows, ("end_month", "later_interval_months"))
        if any(still_given(r) for r in rows):
            on_drug.append(patient_id)
    who = join_words(f"patient {p}" for p in on_drug) or "no patient"
    how = f"Table I leaves {drug} open (no end, or a later schedule) for {who}"
    derivation = (
        f"patients whose {drug} entry in Table I has no end_month or a later_interval_months"
    )
    return numeric_finding(claim, float(len(on_drug)), how, cells, derivation)
