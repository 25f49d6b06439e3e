"""report.pdf (casereport.pdf): reproducible bytes, shipped fonts only, no network, the appendix.

The byte-identity and font checks render with the appendix's table printed (config pdf_appendix:
true), the heavier form; the default form without it is checked on its own below.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from support.project import ROOT

from casereport import pdf as pdf_module
from casereport.pdf import PdfBuildError, is_allowed, render_pdf
from casereport.render import ASSETS_DIR

A4_POINTS = (595.28, 841.89)


@pytest.fixture(scope="module")
def two_builds(paper_report, tmp_path_factory):
    """The same report rendered to PDF twice, from two copies in different directories."""
    copies = [tmp_path_factory.mktemp(name) / "report" for name in ("first", "second")]
    pdfs = []
    for report_dir in copies:
        shutil.copytree(paper_report.report_dir, report_dir)
        render_pdf(
            report_dir / "report.html",
            report_dir / "report.pdf",
            allowed_roots=[ROOT],
            number_appendix=True,
        )
        pdfs.append(report_dir / "report.pdf")
    return pdfs


@pytest.fixture(scope="module")
def reader(two_builds):
    return PdfReader(two_builds[0])


def test_two_renders_give_byte_identical_pdfs(two_builds):
    first, second = (path.read_bytes() for path in two_builds)
    assert first == second


def test_pdf_has_fixed_metadata_and_identifier(reader, two_builds):
    info = reader.metadata
    assert "/CreationDate" not in info and "/ModDate" not in info
    assert info["/Producer"].startswith("WeasyPrint")
    html = (two_builds[0].parent / "report.html").read_bytes()
    assert reader.trailer["/ID"][0] == pdf_module.pdf_identifier(html).decode()


def test_pdf_does_not_carry_the_build_directory(two_builds):
    data = two_builds[0].read_bytes()
    assert str(two_builds[0].parent).encode() not in data
    assert b"file://" not in data


def shipped_fonts() -> dict[str, str]:
    """PostScript name -> file, for each shipped font."""
    return {
        TTFont(path)["name"].getDebugName(6): path.name
        for path in sorted((ASSETS_DIR / "fonts").glob("*.ttf"))
    }


def embedded_fonts(reader: PdfReader) -> list[tuple[str, bytes]]:
    """(BaseFont without the subset tag, embedded font program) of every font the pages use."""
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
            assert program is not None, f"font {font['/BaseFont']} is not embedded"
            name = str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1]
            fonts[name] = program.get_object().get_data()
    return sorted(fonts.items())


def test_pdf_embeds_only_the_shipped_fonts(reader):
    shipped = shipped_fonts()
    fonts = embedded_fonts(reader)
    assert fonts
    for name, program in fonts:
        assert name.startswith("Report-"), f"{name} is not one of the report's @font-face fonts"
        postscript = TTFont(io.BytesIO(program))["name"].getDebugName(6)
        assert postscript in shipped, f"{name} embeds {postscript}, not a shipped font"


def test_pdf_is_a4_with_page_numbers_a_running_header_and_the_appendix(reader):
    assert all(
        (round(float(p.mediabox.width), 1), round(float(p.mediabox.height), 1))
        == (round(A4_POINTS[0], 1), round(A4_POINTS[1], 1))
        for p in reader.pages
    )
    count = len(reader.pages)
    texts = [page.extract_text() for page in reader.pages]
    assert f"page 1 of {count}" in texts[0] and f"page {count} of {count}" in texts[-1]
    assert "Pamidronate for calcinosis in juvenile dermatomyositis" in texts[1]
    assert any("Appendix: the source of every number" in text for text in texts)
    assert "labs.1.ESR.pre.value" in "".join(texts).replace("\n", "")


def link_uris(reader) -> list[str]:
    return [
        str(uri)
        for page in reader.pages
        for annotation in page.get("/Annots") or []
        if (uri := annotation.get_object().get("/A", {}).get("/URI"))
    ]


def assert_relative_links_to_existing_anchors(uris: list[str], report_dir: Path) -> None:
    """Every URI is relative to the report folder (works when it is moved or shipped) and names
    an element that exists in a file of that folder."""
    ids: dict[str, set[str]] = {}
    for uri in uris:
        parts = urlsplit(uri)
        assert not parts.scheme and not parts.netloc and not parts.path.startswith("/"), uri
        page = report_dir / parts.path
        assert page.is_file(), uri
        if parts.path not in ids:
            ids[parts.path] = set(re.findall(r' id="([^"]+)"', page.read_text(encoding="utf-8")))
        assert parts.fragment in ids[parts.path], uri


def test_pdf_links_numbers_to_their_cell_or_appendix_row(reader, two_builds):
    uris = link_uris(reader)
    assert "sources/labs.csv.html?from=at-labs.1.ESR.pre.value#L2-value" in uris
    assert_relative_links_to_existing_anchors(uris, two_builds[0].parent)
    destinations = reader.trailer["/Root"]["/Names"]["/Dests"]["/Names"][::2]
    assert "number-labs.1.ESR.pre.value" in destinations
    assert "number-derived.patient_count" in destinations  # a computed number, in this PDF
    assert not [uri for uri in uris if "#number-" in uri]


def test_pdf_is_tagged_with_language_and_title(reader):
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en" and root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root
    assert reader.metadata["/Title"].startswith("Effectiveness of treatment")


@pytest.fixture(scope="module")
def reader_without_appendix(two_builds, tmp_path_factory):
    """The same report rendered the default way: the appendix's table left out."""
    pdf_path = tmp_path_factory.mktemp("default") / "report.pdf"
    render_pdf(two_builds[0].parent / "report.html", pdf_path, allowed_roots=[ROOT])
    return PdfReader(pdf_path)


def test_by_default_the_pdf_points_to_the_sources_instead_of_listing_them(
    reader, reader_without_appendix
):
    text = "".join(page.extract_text() for page in reader_without_appendix.pages)
    flat = " ".join(text.split())
    assert "Appendix: the source of every number" in flat
    assert "results/numbers.csv" in flat and "pdf_appendix: true" in flat
    assert "labs.1.ESR.pre.value" not in text.replace("\n", "")  # no per-number rows
    assert len(reader_without_appendix.pages) < len(reader.pages)


def test_without_the_appendix_computed_numbers_link_to_the_html_appendix(
    reader_without_appendix, two_builds
):
    root = reader_without_appendix.trailer["/Root"]
    destinations = root.get("/Names", {}).get("/Dests", {}).get("/Names", [])[::2]
    assert not [d for d in destinations if str(d).startswith("number-")]
    uris = link_uris(reader_without_appendix)
    assert "report.html#number-derived.patient_count" in uris
    assert_relative_links_to_existing_anchors(uris, two_builds[0].parent)


# --- the fetcher ------------------------------------------------------------------------------


def write_html(directory: Path, body: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "page.html"
    path.write_text(f"<!DOCTYPE html><html><body>{body}</body></html>", encoding="utf-8")
    return path


def test_a_network_url_fails_the_build(tmp_path):
    html = write_html(tmp_path / "report", '<p>x</p><img src="http://example.com/x.png">')
    with pytest.raises(PdfBuildError, match=r"refused to fetch http://example\.com/x\.png"):
        render_pdf(html, tmp_path / "out.pdf", allowed_roots=[])
    assert not (tmp_path / "out.pdf").exists()


def test_a_stylesheet_from_the_network_fails_the_build(tmp_path):
    html = write_html(
        tmp_path / "report", '<link rel="stylesheet" href="https://cdn.example.com/x.css"><p>x</p>'
    )
    with pytest.raises(PdfBuildError, match="refused to fetch https://cdn.example.com/x.css"):
        render_pdf(html, tmp_path / "out.pdf", allowed_roots=[])


def test_a_file_outside_the_project_fails_the_build(tmp_path):
    outside = tmp_path / "elsewhere" / "picture.png"
    outside.parent.mkdir()
    shutil.copy(ROOT / "src" / "casereport" / "assets" / "fonts" / "LICENSE-DejaVu.txt", outside)
    html = write_html(tmp_path / "report", f'<img src="{outside.as_uri()}">')
    with pytest.raises(PdfBuildError, match="refused to fetch file://"):
        render_pdf(html, tmp_path / "out.pdf", allowed_roots=[])


def test_a_missing_local_file_fails_the_build(tmp_path):
    html = write_html(tmp_path / "report", '<img src="figures/missing.png">')
    with pytest.raises(PdfBuildError, match="missing.png"):
        render_pdf(html, tmp_path / "out.pdf", allowed_roots=[])


@pytest.mark.slow
def test_local_files_and_data_urls_are_allowed(tmp_path):
    shutil.copytree(ASSETS_DIR, tmp_path / "report" / "assets")
    pixel = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
        "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    )
    html = write_html(
        tmp_path / "report",
        f'<link rel="stylesheet" href="assets/report.css"><p>text</p><img src="{pixel}">',
    )
    render_pdf(html, tmp_path / "out.pdf", allowed_roots=[])
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("data:text/plain,hi", True),
        ("file:///project/report/figures/a.png", True),
        ("file:///project/data/raw/labs.csv", True),
        ("file:///project/report/../../etc/passwd", False),
        ("file:///etc/passwd", False),
        ("file://otherhost/project/x.png", False),
        ("http://example.com/x.png", False),
        ("https://example.com/x.png", False),
        ("ftp://example.com/x.png", False),
    ],
)
def test_is_allowed(url, allowed):
    assert is_allowed(url, [Path("/project").resolve()]) is allowed


@pytest.mark.slow
def test_pdf_bytes_do_not_depend_on_the_clock_or_on_libharfbuzz_subset(monkeypatch, tmp_path):
    # fontTools stamps the time into subset fonts unless SOURCE_DATE_EPOCH is set, and WeasyPrint
    # would subset with libharfbuzz-subset where a machine has it: neither may change the bytes.
    import time

    import weasyprint.pdf.fonts as weasyprint_fonts

    html = write_html(tmp_path / "report", "<p>Same bytes 0123456789</p>")
    render_pdf(html, tmp_path / "first.pdf", allowed_roots=[])
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 10_000_000)
    monkeypatch.setattr(weasyprint_fonts, "harfbuzz_subset", None)
    render_pdf(html, tmp_path / "second.pdf", allowed_roots=[])
    assert (tmp_path / "first.pdf").read_bytes() == (tmp_path / "second.pdf").read_bytes()


def test_portable_report_urls_map_to_the_report_directory_and_stay_inside_it(tmp_path):
    fetcher = pdf_module.LocalOnlyFetcher([tmp_path], report_dir=tmp_path)
    base = pdf_module.PORTABLE_REPORT_URL
    assert fetcher.local_url(f"{base}figures/a.png") == (tmp_path / "figures" / "a.png").as_uri()
    assert not is_allowed(fetcher.local_url(f"{base}../../etc/passwd"), fetcher.roots)
    with pytest.raises(pdf_module.RefusedFetch):
        fetcher.fetch(f"{base}../../etc/passwd")
