"""benchmarks/validation.py measures a run of `casereport validate` on a file of bad rows."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_script():
    spec = importlib.util.spec_from_file_location(
        "bench_validation", ROOT / "benchmarks/validation.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_it_measures_a_small_file_of_bad_rows_and_the_output_stays_bounded(tmp_path):
    bench = load_script()
    result = bench.measure(3000, tmp_path)
    assert result["exit"] == 1
    assert result["last_line"].startswith("8500 errors in 1 file")  # 2 per row, 1 unit per 6
    assert result["lines"] < 200 and result["report_mb"] < 5
    results_md = tmp_path / "results.md"
    results_md.write_text("# Benchmark results\n\nbuilds\n", encoding="utf-8")
    bench.write_section(bench.markdown(result), results_md)
    bench.write_section(bench.markdown(result), results_md)
    text = results_md.read_text(encoding="utf-8")
    assert text.startswith("# Benchmark results") and text.count(bench.MARKER) == 1
