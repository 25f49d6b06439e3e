"""This case report builds, and every number it shows is traced to the data (run: pytest)."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_report_builds_and_every_number_in_the_manuscript_is_a_traced_link():
    subprocess.run(["snakemake", "--cores", "2"], cwd=ROOT, check=True)
    html = (ROOT / "report" / "report.html").read_text(encoding="utf-8")
    article = html.split('<article id="manuscript">')[1].split("</article>")[0]
    traced = r'<a class="number"[^>]*>.*?</a>|<span class="unit"[^>]*>.*?</span>'
    untraced = re.sub(f"{traced}|<[^>]+>", "", article)
    assert not re.findall(r"\d", untraced)
    assert (ROOT / "report" / "report.pdf").stat().st_size > 0
