"""`casereport new DIR && cd DIR && snakemake --cores 2` builds a traced case report.

The project `casereport new` writes is the worked second case: a made-up child with Kawasaki
disease treated with intravenous immunoglobulin, CRP and platelets over time.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
ENV = {
    **os.environ,
    "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
    "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
}
TRACED = r'<a class="number"[^>]*>.*?</a>|<span class="unit"[^>]*>.*?</span>'


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def article_of(html: str) -> str:
    return html.split('<article id="manuscript">')[1].split("</article>")[0]


@pytest.mark.slow
def test_new_refuses_a_directory_that_is_not_empty(tmp_path):
    (tmp_path / "x").write_text("", encoding="utf-8")
    result = run([sys.executable, "-m", "casereport.cli", "new", str(tmp_path)], tmp_path)
    assert result.returncode == 1 and "is not empty" in result.stdout


@pytest.mark.slow
def test_a_new_case_builds_traced_and_reports_hand_typed_numbers_and_edits(tmp_path):
    project = tmp_path / "xyz"
    created = run([sys.executable, "-m", "casereport.cli", "new", str(project)], tmp_path)
    assert created.returncode == 0, created.stdout
    build = run(["snakemake", "--cores", "2"], project)
    assert build.returncode == 0, build.stdout[-3000:]
    html = (project / "report" / "report.html").read_text(encoding="utf-8")
    assert (project / "report" / "report.pdf").read_bytes().startswith(b"%PDF")

    # Every number of the manuscript is a link to the line of the raw file it comes from.
    article = article_of(html)
    assert re.findall(r"\d", re.sub(f"{TRACED}|<[^>]+>", "", article)) == []
    links = re.findall(
        r'<a class="number" data-number="([^"]+)" href="(sources/[^"#]+)#L(\d+)"', html
    )
    assert len(links) > 20
    for _, page, _ in links:
        assert (project / "report" / page).is_file()

    # Two builds give the same bytes (the PDF through casereport.pdf: fontTools, fixed epoch).
    pdf = (project / "report" / "report.pdf").read_bytes()
    assert run(["snakemake", "--cores", "2", "--forceall"], project).returncode == 0
    assert (project / "report" / "report.pdf").read_bytes() == pdf
    assert (project / "report" / "report.html").read_text(encoding="utf-8") == html

    # An edit of one measurement changes the report, and check-numbers names it.
    assert run(["casereport", "accept-numbers"], project).returncode == 0
    measurements = project / "data" / "measurements.csv"
    measurements.write_text(
        measurements.read_text(encoding="utf-8").replace(",CRP,142,", ",CRP,150,"),
        encoding="utf-8",
    )
    assert run(["snakemake", "--cores", "2"], project).returncode == 0
    edited = article_of((project / "report" / "report.html").read_text(encoding="utf-8"))
    assert edited != article and ">150</a>" in edited and ">142</a>" not in edited
    check = run(["casereport", "check-numbers"], project)
    assert check.returncode == 1 and "measurements.1.value" in check.stdout

    # A number typed by hand stops the build, named with file and line.
    manuscript = project / "manuscript" / "manuscript.md"
    lines = manuscript.read_text(encoding="utf-8").splitlines()
    at = lines.index("## Discussion") + 2
    lines.insert(at, "His temperature was 39.5 degrees.")
    manuscript.write_text("\n".join(lines) + "\n", encoding="utf-8")
    broken = run(["snakemake", "--cores", "2"], project)
    assert broken.returncode != 0
    assert f"manuscript/manuscript.md:{at + 1}:21: number typed by hand: '39.5'" in broken.stdout
