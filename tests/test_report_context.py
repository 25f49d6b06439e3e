"""A project's own template context (config `report_context`, casereport.render.extension)."""

from __future__ import annotations

import pytest
import yaml
from support.project import REPORT_CONTEXT, ROOT

from casereport.render.extension import ReportContextError, extended, load_report_context


def test_the_article_names_its_report_context_in_its_config():
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    assert ROOT / config["report_context"] == REPORT_CONTEXT
    assert callable(load_report_context(REPORT_CONTEXT))


def test_the_package_render_code_holds_none_of_the_article_context():
    package = ROOT / "src" / "casereport" / "render"
    code = "".join(p.read_text(encoding="utf-8") for p in package.glob("*.py"))
    for name in (
        "ARTICLE_TABLES",
        "def table_notes",
        "def study_drug_context",
        "def bone_density_context",
        "def build_outcomes",
        "bohan_peter_reference",
    ):
        assert name not in code, name


def test_a_missing_file_is_one_clear_error(tmp_path):
    with pytest.raises(ReportContextError, match="is not a file"):
        load_report_context(tmp_path / "absent.py")


def test_a_broken_file_names_the_error(tmp_path):
    broken = tmp_path / "context.py"
    broken.write_text("def report_context(:\n", encoding="utf-8")
    with pytest.raises(ReportContextError, match="cannot be loaded: SyntaxError"):
        load_report_context(broken)


def test_a_file_without_the_function_is_refused(tmp_path):
    empty = tmp_path / "context.py"
    empty.write_text("CONTEXT = {}\n", encoding="utf-8")
    with pytest.raises(ReportContextError, match="defines no function `report_context`"):
        load_report_context(empty)


def test_a_project_adds_keys_and_cannot_replace_the_package_s():
    assert extended({"patients": []}, {"study_drug": "x"}, "c.py") == {
        "patients": [],
        "study_drug": "x",
    }
    with pytest.raises(ReportContextError, match="c.py: .* already has: patients"):
        extended({"patients": []}, {"patients": ["mine"]}, "c.py")
