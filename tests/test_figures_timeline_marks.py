"""The package's timeline names none of a project's per-patient events: the lanes of marks above the
drugs, their legend entries and caption words are the project's (casereport.figures.timeline
PatientMarks, the extension's figures.TIMELINE_MARKS), and so is the adverse events' course column
(figures.TIMELINE_EVENT_COURSE). Built in memory from the validated paper data; nothing written."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import pytest
from support.project import DATAPACKAGE

import casereport.figures
from casereport import stages
from casereport.dataset import load_dataset
from casereport.figures import (
    STYLE,
    PatientMarks,
    project_event_course,
    project_marks,
    timeline_data,
    timeline_per_patient,
    timeline_summary,
)
from casereport.model import Ref
from casereport_project.figures import TIMELINE_EVENT_COURSE
from casereport_project.figures.onset import CALCINOSIS_ONSET

ARTICLE_WORDS = re.compile(r"calcinosis|pamidronate|bmd|bone|dermatomyositis", re.IGNORECASE)


@pytest.fixture(scope="module")
def dataset(validated):
    return load_dataset(validated, DATAPACKAGE, list(stages.FIGURES["timeline"]))


def words(caption) -> str:
    return "".join(part for part in caption if not isinstance(part, Ref))


def drawn_text(drawing) -> list[str]:
    """Every label of the figure: lane ticks, panel titles, legend entries, event labels."""
    figure = drawing.figure
    labels = [t.get_text() for ax in figure.axes for t in ax.get_yticklabels() + ax.texts]
    labels += [ax.get_title(loc="left") for ax in figure.axes]
    labels += [t.get_text() for legend in figure.legends for t in legend.get_texts()]
    return labels


def test_the_package_figures_name_none_of_the_articles_data():
    package = Path(casereport.figures.__file__).parent
    named = [
        f"{path.name}:{number}"
        for path in sorted(package.glob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ARTICLE_WORDS.search(line)
    ]
    assert named == []


def test_the_article_supplies_the_onset_marks_and_its_course_column():
    assert project_marks() == (CALCINOSIS_ONSET,)
    assert project_event_course() == TIMELINE_EVENT_COURSE


def test_without_marks_the_timeline_has_only_drug_lanes_and_says_nothing_of_onset(dataset):
    data = timeline_data(dataset, marks=())
    with matplotlib.rc_context(STYLE):
        drawing, model = timeline_per_patient(dataset, data)
    said = [words(model.caption), model.alt, *drawn_text(drawing)]
    # (The study drug, pamidronate, is the data's: publication.csv.)
    assert [s for s in said if re.search("calcinosis|onset|diamond", s, re.IGNORECASE)] == []
    assert [i for i in model.number_ids if "onset" in i] == []
    # The adverse events are still placed, from the column the article names.
    assert any(i.endswith(f".{TIMELINE_EVENT_COURSE}") for i in model.number_ids)


def flare_marks(dataset) -> PatientMarks:
    """A made-up kind of mark: the first patient's 'first flare' at the study period's start."""
    data = timeline_data(dataset, marks=())
    return PatientMarks(
        lane="first flare",
        marker="v",
        caption="Triangles mark the first flare.",
        summary_caption="triangles for the first flare",
        marks=lambda _dataset: {data.pids[0]: ([data.first], ("flares.1.month",))},
    )


def test_a_projects_marks_get_a_lane_a_legend_entry_and_the_captions_words(dataset):
    flare = flare_marks(dataset)
    data = timeline_data(dataset, marks=(flare,))
    with matplotlib.rc_context(STYLE):
        drawing, model = timeline_per_patient(dataset, data)
        summary_drawing, summary = timeline_summary(dataset, data)
    first, *others = drawing.figure.axes[: len(data.pids)]
    assert first.get_yticklabels()[0].get_text() == "First flare"
    assert all(ax.get_yticklabels()[0].get_text() == "First flare" for ax in others)
    # Only the patient who has the mark has a triangle.
    assert [len([ln for ln in ax.lines if ln.get_marker() == "v"]) for ax in (first, *others)] == [
        1,
        *[0] * len(others),
    ]
    assert "first flare" in drawn_text(drawing)
    assert "interval. Triangles mark the first flare. Stars mark" in words(model.caption)
    assert "with marks for each " in model.alt and ", first flare and adverse events." in model.alt
    assert "flares.1.month" in model.number_ids
    assert "ticks for course starts, triangles for the first flare and stars" in words(
        summary.caption
    )
    assert "first flare" in drawn_text(summary_drawing)


@pytest.mark.parametrize(
    ("attribute", "value", "message"),
    [
        ("TIMELINE_MARKS", {"onset": "calcinosis onset"}, "onset must be casereport.figures"),
        ("TIMELINE_EVENT_COURSE", 3, "3 must be a column name"),
    ],
)
def test_a_wrong_timeline_hook_is_one_line_naming_it(monkeypatch, attribute, value, message):
    import casereport_project.figures as article_figures
    from casereport.figures.timeline import project_event_course, project_marks
    from casereport.project_extension import ProjectExtensionError

    monkeypatch.setattr(article_figures, attribute, value)
    with pytest.raises(ProjectExtensionError, match=message) as error:
        project_marks() if attribute == "TIMELINE_MARKS" else project_event_course()
    assert "\n" not in str(error.value) and attribute in str(error.value)
