"""report.pdf from report.html with WeasyPrint: same HTML, print CSS, same bytes on every build.

Three things make the PDF reproducible:

- Nothing is fetched from the network. `LocalOnlyFetcher` serves `data:` URLs and files inside the
  allowed directories (the project and the report directory) and refuses anything else; a refused
  or failed fetch stops the build (`PdfBuildError`) instead of leaving a hole in the PDF.
- Fonts are the ones shipped in casereport/assets/fonts, declared with @font-face in report.css,
  and always subset by fontTools (pinned in pyproject.toml). WeasyPrint 70 subsets with the system
  library libharfbuzz-subset when a machine happens to have it and with fontTools otherwise; the two
  give different bytes, so we pin the one a pip install brings everywhere. fontTools stamps the
  current time into each subset font unless SOURCE_DATE_EPOCH is set, so it is set to a constant
  while the PDF is written.
- Metadata is fixed: no creation or modification date (the template sets no dcterms dates) and a
  PDF identifier derived from the HTML, so two builds of the same HTML give the same bytes.
- Nothing depends on where the project sits: the HTML is rendered against a fixed base URL that
  the fetcher maps to the report directory.

Links: the PDF keeps the HTML's links, as links relative to the report folder, so that they work
when the PDF is opened beside report.html and sources/ (in the report folder, or wherever that
folder is copied). A number read as is links to its cell in sources/<file>.csv.html; a computed
number to its row in the appendix: the PDF's own when it prints the appendix, report.html's
otherwise. WeasyPrint resolves every link against the base URL; `relative_links` takes that base
off again after layout (an absolute file:// URL would name the build machine's path).

The PDF is tagged (PDF/UA-1): headings, paragraphs, tables and figures with their alt text, in the
document's language (`<html lang>`) and with its `<title>`.

The appendix (one table row per number shown) is printed only on request (config `pdf_appendix`):
laying out its several hundred rows costs about two thirds of the PDF's build time (9 of 13.5 s for
the paper, measured), on every rebuild, for a table that report.html and results/numbers.csv
already hold. Without it the PDF keeps the appendix heading and says where the sources are.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from html import escape
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from casereport.anchors import appendix_anchor

ALLOWED_SCHEMES = frozenset({"file", "data"})

# The base URL the report is rendered against, whatever directory it is in. WeasyPrint names
# embedded images after a hash of their URL, so the real path would change the PDF's bytes.
PORTABLE_REPORT_URL = "file:///casereport-report/"


class PdfBuildError(RuntimeError):
    """The PDF cannot be built reproducibly (a refused fetch, a missing library)."""


class RefusedFetch(FatalURLFetchingError):
    """Raised by the fetcher; WeasyPrint lets fatal fetch errors stop the rendering."""


def is_allowed(url: str, roots: Iterable[Path]) -> bool:
    """A `data:` URL, or a `file:` URL of a file inside one of `roots` (after resolving '..')."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "data":
        return True
    if scheme != "file" or parts.netloc not in ("", "localhost"):
        return False
    path = Path(url2pathname(unquote(parts.path))).resolve()
    return any(path.is_relative_to(root) for root in roots)


class LocalOnlyFetcher(URLFetcher):
    """WeasyPrint URL fetcher that reads local files under `roots` and `data:` URLs only.

    URLs under `PORTABLE_REPORT_URL` (the base the report is rendered against) are read from
    `report_dir`; the response keeps the portable URL, so relative URLs inside a stylesheet resolve
    against it too.
    """

    def __init__(self, roots: Iterable[Path | str], report_dir: Path | str | None = None):
        super().__init__(allowed_protocols=ALLOWED_SCHEMES, fail_on_errors=True)
        self.roots = tuple(Path(root).resolve() for root in roots)
        self.report_dir = Path(report_dir).resolve() if report_dir else None

    def local_url(self, url: str) -> str:
        """The real file URL behind a portable report URL (other URLs unchanged)."""
        if self.report_dir is None or not url.startswith(PORTABLE_REPORT_URL):
            return url
        relative = unquote(urlsplit(url).path)[len(urlsplit(PORTABLE_REPORT_URL).path) :]
        return (self.report_dir / relative).as_uri()

    def fetch(self, url, headers=None):
        local = self.local_url(url)
        if not is_allowed(local, self.roots):
            allowed = ", ".join(str(root) for root in self.roots)
            raise RefusedFetch(
                f"refused to fetch {url}: the report may only load data: URLs and files inside "
                f"{allowed} (it must not depend on the network or on files outside the project)"
            )
        response = super().fetch(local, headers)
        response.url = url
        return response


# Any constant will do: it is the time fontTools writes into the subset fonts' `head` table.
FONT_TIMESTAMP_EPOCH = "0"


@contextmanager
def pinned_font_subsetting() -> Iterator[None]:
    """Subset fonts with fontTools at a fixed timestamp, whatever libraries the machine has."""
    import weasyprint.pdf.fonts as weasyprint_fonts

    saved_subsetter = weasyprint_fonts.harfbuzz_subset
    saved_epoch = os.environ.get("SOURCE_DATE_EPOCH")
    weasyprint_fonts.harfbuzz_subset = None  # WeasyPrint then takes its fontTools path
    os.environ["SOURCE_DATE_EPOCH"] = FONT_TIMESTAMP_EPOCH
    try:
        yield
    finally:
        weasyprint_fonts.harfbuzz_subset = saved_subsetter
        if saved_epoch is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved_epoch


def pdf_identifier(html: bytes) -> bytes:
    """Fixed for a given HTML, different for a different report."""
    return hashlib.sha256(html).hexdigest()[:32].encode("ascii")


# What the PDF prints in place of the appendix's tables when it leaves them out.
APPENDIX_POINTER = (
    "This printed copy leaves out the table of sources to keep the rebuild quick. Its numbers "
    "still link to their sources: a number read as is to its cell in the copy of the raw data "
    "file in the sources folder beside this PDF, a computed number to its row in the appendix of "
    "report.html, which says how it was computed and links to every cell it uses. That appendix "
    "and results/numbers.csv list every number with its raw data file, line and column, and the "
    "command casereport trace VALUE looks one up. Set pdf_appendix: true in config/config.yaml to "
    "print the table here."
)


def retarget_links_for_print(root, number_appendix: bool = True) -> None:
    """A computed number links to its appendix row: in the PDF when it prints the appendix, in
    report.html otherwise. Every other link stays as the HTML has it."""
    in_appendix = f"#{appendix_anchor('')}"
    for element in root.iter("a"):
        href = element.get("href") or ""
        if element.get("data-number") and href.startswith(in_appendix) and not number_appendix:
            element.set("href", f"report.html{href}")


def relative_links(document) -> None:
    """Links to files of the report folder as relative links (`sources/labs.csv.html#L2-value`),
    not as the absolute URLs WeasyPrint resolved them to against PORTABLE_REPORT_URL."""
    for page in document.pages:
        page.links = [
            (kind, target[len(PORTABLE_REPORT_URL) :], *rest)
            if kind == "external" and target.startswith(PORTABLE_REPORT_URL)
            else (kind, target, *rest)
            for kind, target, *rest in page.links
        ]


# The appendix as templates/appendix.html.j2 writes it: its opening tag and heading, the
# introduction and tables, the closing tag (it holds no nested section).
APPENDIX_SECTION = re.compile(r'(<section id="appendix"[^>]*>\s*<h2>.*?</h2>).*?(</section>)', re.S)


def without_appendix_tables(html: str) -> str:
    """The HTML with the appendix's introduction and tables replaced by APPENDIX_POINTER.

    Cut from the text, before WeasyPrint parses it: in a large series the appendix is most of the
    page, and parsing it only to drop it took seconds.
    """
    pointer = f'<p class="appendix-pointer">{escape(APPENDIX_POINTER)}</p>'
    return APPENDIX_SECTION.sub(lambda m: f"{m[1]}\n  {pointer}\n{m[2]}", html, count=1)


def render_pdf(
    html_path: Path | str,
    pdf_path: Path | str,
    allowed_roots: Iterable[Path | str],
    number_appendix: bool = False,
):
    """Write `pdf_path` from `html_path`; resources may come only from `allowed_roots`.

    `number_appendix` prints the appendix's table of every number's source (see above).
    """
    html_path = Path(html_path).resolve()
    fetcher = LocalOnlyFetcher([html_path.parent, *allowed_roots], report_dir=html_path.parent)
    html = html_path.read_text(encoding="utf-8")
    document = HTML(
        string=html if number_appendix else without_appendix_tables(html),
        base_url=PORTABLE_REPORT_URL,
        url_fetcher=fetcher,
        media_type="print",
    )
    retarget_links_for_print(document.etree_element, number_appendix)
    options = {
        "pdf_identifier": pdf_identifier(html_path.read_bytes()),
        "pdf_variant": "pdf/ua-1",  # tagged, with language and title
        "pdf_version": "1.7",
        "full_fonts": False,  # embed subsets, not whole font files
        "hinting": False,
    }
    try:
        with pinned_font_subsetting():
            laid_out = document.render(**options)
            relative_links(laid_out)
            pdf = laid_out.write_pdf(**options)
    except FatalURLFetchingError as error:
        cause = error.__cause__ or error.__context__ or error
        raise PdfBuildError(f"{html_path.name}: {error}; {cause}") from error
    Path(pdf_path).write_bytes(pdf)
