"""report/report.html in a real browser: headless Chromium driven by Playwright for Python.

The browser is Debian's chromium (/usr/bin/chromium, installed by scripts/install-browser.sh; set
CHROMIUM to use another Chromium). Playwright's own browser download is never used. Without
Playwright or Chromium these tests skip on a developer machine and fail when CI is set: CI must
run them. Screenshots of the report land in tests/artifacts/ (see docs/browser-tests.md).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from support.project import ROOT

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import Page, Route, expect, sync_playwright
except ImportError:
    sync_playwright = None

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Headless and quiet: no sandbox (root in CI containers), no GPU, and nothing of Chromium's own
# (updates, sync, field trials, QUIC probes) that would talk to the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--metrics-recording-only",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-quic",
]
ARTIFACTS = ROOT / "tests" / "artifacts"
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
LOCAL_SCHEMES = {"file", "data"}
# What a number's title says: "data/raw/labs.csv, line 4, column value" (read as is) or
# "mean of ... (from data/raw/patients.csv, lines 2–4, 7, column age)" (computed). Groups: the
# file, its first line, the column.
LINES = r"\d+(?:[–-]\d+)?"
PROVENANCE = re.compile(
    rf"(data/raw/[\w.-]+\.csv), lines? ({LINES})(?:, {LINES})*, column ([\w;]+)"
)
# A number read as is: "data/raw/labs.csv, line 4, column value". Groups: file, line, column.
READ_AS_IS = re.compile(r"^(data/raw/[\w.-]+\.csv), line (\d+), column (\w+)$")


def unavailable(reason: str) -> None:
    """Skip on a developer machine; fail in CI, which must run the browser tests."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the browser tests must run)", pytrace=False)
    pytest.skip(reason)


# Session scope, like built_project: pytest sets up wider scopes first, and this one must come
# first so that a machine without a browser skips before the (slow) build.
@pytest.fixture(scope="session")
def browser():
    if sync_playwright is None:
        unavailable("Playwright for Python is not installed (pip install -e '.[test]')")
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(f"no Chromium at {CHROMIUM} (run scripts/install-browser.sh or set CHROMIUM)")
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except PlaywrightError as error:
            unavailable(f"Chromium at {CHROMIUM} did not start: {error.message.splitlines()[0]}")
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def report_html(browser, built_project) -> Path:
    return built_project / "report" / "report.html"


@dataclass
class Visit:
    """One browser tab and everything it asked for or complained about."""

    page: Page
    requests: list[str] = field(default_factory=list, repr=False)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def route(self, route: Route) -> None:
        url = route.request.url
        self.requests.append(url)
        if urlsplit(url).scheme in LOCAL_SCHEMES:
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    def watch(self) -> None:
        self.page.on(
            "console",
            lambda m: m.type == "error" and self.errors.append(f"console: {m.text} {m.location}"),
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on(
            "requestfailed",
            lambda r: self.errors.append(f"request failed: {r.url} ({r.failure})"),
        )


@pytest.fixture(scope="module")
def open_report(browser, report_html):
    """open_report(context_options) -> a new tab on the report, loaded with its fonts."""
    contexts = []

    def open_(options=DESKTOP) -> Visit:
        context = browser.new_context(service_workers="block", **options)
        contexts.append(context)
        visit = Visit(context.new_page())
        context.route("**/*", visit.route)
        visit.watch()
        visit.page.goto(report_html.as_uri(), wait_until="load")
        visit.page.evaluate("document.fonts.ready.then(() => true)")
        return visit

    yield open_
    for context in contexts:
        context.close()


# The report is large: tests that only read it share one tab per viewport.
@pytest.fixture(scope="module")
def desktop(open_report) -> Visit:
    return open_report(DESKTOP)


@pytest.fixture(scope="module")
def phone(open_report) -> Visit:
    return open_report(PHONE)


def computed(locator, *properties: str) -> dict[str, str]:
    return locator.evaluate(
        "(e, names) => Object.fromEntries(names.map(n => [n, getComputedStyle(e)[n]]))",
        list(properties),
    )


# --- loading -----------------------------------------------------------------------------------


def test_page_loads_without_console_errors_or_requests_leaving_the_machine(desktop):
    visit = desktop
    print("requests:", *visit.requests, sep="\n  ")
    assert visit.blocked == [], f"requests leaving the machine: {visit.blocked}"
    assert visit.errors == []
    assert any(url.endswith("/assets/report.css") for url in visit.requests), visit.requests
    assert visit.page.evaluate("document.fonts.check('1em \"Report Serif\"')")


# --- figures and images ------------------------------------------------------------------------


def test_every_figure_renders_as_svg_on_screen_and_png_in_print(desktop):
    page = desktop.page
    figures = page.locator("figure")
    assert figures.count() > 0
    for figure in figures.all():
        screen = figure.locator("img.screen-only")
        expect(screen).to_be_visible()
        assert (screen.get_attribute("src") or "").endswith(".svg")
        assert screen.evaluate("img => img.complete && img.naturalWidth > 0"), screen
        assert screen.bounding_box()["width"] > 100
        expect(figure.locator("img.print-only")).to_be_hidden()
    page.emulate_media(media="print")
    try:
        for image in page.locator("figure img.print-only").all():
            expect(image).to_be_visible()
            assert image.evaluate("img => img.complete && img.naturalWidth > 0"), image
    finally:
        page.emulate_media(media="screen")


def test_every_image_has_alt_text(desktop):
    images = desktop.page.locator("img")
    assert images.count() > 0
    for image in images.all():
        alt = (image.get_attribute("alt") or "").strip()
        src = image.get_attribute("src")
        assert len(alt) > 10 and Path(src).name not in alt, (src, alt)


# --- numbers -----------------------------------------------------------------------------------


def test_a_number_names_its_source_on_hover_and_on_keyboard_focus(desktop):
    page = desktop.page
    titles = page.locator("a.number").evaluate_all("els => els.map(e => e.title)")
    assert titles and all(PROVENANCE.search(t) for t in titles), [
        t for t in titles if not PROVENANCE.search(t)
    ][:5]

    number = page.locator("section a.number").first
    at_rest = computed(number, "backgroundColor")
    number.hover()
    assert computed(number, "backgroundColor") != at_rest, "no hover style on a number"
    page.mouse.move(0, 0)

    # Tab reaches a number, and the number shows that it has the focus.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('a.number')"):
            break
    else:
        pytest.fail("Tab never focused a number")
    focused = page.locator(":focus")
    # The tooltip is a mouse thing; on focus, assistive technology reads the title as the
    # number's description.
    expect(focused).to_have_accessible_description(PROVENANCE)
    style = ("outlineStyle", "outlineWidth", "backgroundColor", "boxShadow")
    with_focus = computed(focused, *style)
    focused_id = focused.get_attribute("data-number")
    page.evaluate("document.activeElement.blur()")
    without_focus = computed(page.locator(f'a.number[data-number="{focused_id}"]').first, *style)
    print("focused number:", focused_id, with_focus, "unfocused:", without_focus)
    outline = with_focus["outlineStyle"] != "none" and with_focus["outlineWidth"] != "0px"
    assert outline or with_focus != without_focus, "focus does not show on a number"


# Numbers to follow: one of each kind, each to a different place (tests/test_report.py checks
# every link statically).
SAMPLE_NUMBERS = """numbers => {
  const seen = new Set();
  const first = test => {
    const index = numbers.findIndex(e => test(e) && !seen.has(e.getAttribute('href')));
    if (index >= 0) seen.add(numbers[index].getAttribute('href'));
    return index;
  };
  const asIs = e => !e.title.includes('(from ') && !e.classList.contains('citation');
  return {
    'read as is, in the text': first(e => e.closest('section p') && asIs(e)),
    'in a table': first(e => e.closest('table.data-table') && asIs(e)),
    'in the appendix': first(e => e.closest('#appendix') && asIs(e)),
  };
}"""


def assert_on_highlighted_cell(page: Page, line: str, column: str, what: str) -> None:
    """The page shows the cell `L<line>-<column>`: targeted, in view, highlighted, and under the
    name of its column, which stays in view (sticky header)."""
    cell = page.locator(f'td[id="L{line}-{column}"]')
    expect(cell).to_be_in_viewport()
    assert cell.evaluate("c => c.matches(':target')"), what
    assert cell.get_attribute("data-column") == column
    highlighted = computed(cell, "backgroundColor")["backgroundColor"]
    other = computed(page.locator(f"tr#L{line} td:not([id$='-{column}'])").first, "backgroundColor")
    assert highlighted not in ("rgba(0, 0, 0, 0)", "transparent"), what
    assert highlighted != other["backgroundColor"], what
    header = page.locator("table.source thead th", has_text=re.compile(rf"^{re.escape(column)}$"))
    expect(header).to_be_in_viewport()


def test_following_a_number_lands_on_its_cell_and_the_way_back_returns_to_it(open_report):
    visit = open_report(DESKTOP)
    page = visit.page
    numbers = page.locator("a.number")
    for kind, index in numbers.evaluate_all(SAMPLE_NUMBERS).items():
        assert index >= 0, f"no number {kind}"
        number = numbers.nth(index)
        number.scroll_into_view_if_needed()
        title, anchor = number.get_attribute("title"), number.get_attribute("id")
        raw_file, line, column = READ_AS_IS.match(title).groups()
        number.click()
        page.wait_for_url(re.compile(r"#L\d+-"))
        print(f"{kind}: {title} -> {page.url}")
        assert page.url.endswith(
            f"/sources/{Path(raw_file).name}.html?from={anchor}#L{line}-{column}"
        ), (kind, title)
        assert_on_highlighted_cell(page, line, column, kind)

        page.locator("#back").click()
        page.wait_for_url(re.compile(r"report\.html#"))
        assert page.url.endswith(f"/report.html#{anchor}"), kind
        expect(page.locator(f'[id="{anchor}"]')).to_be_in_viewport()
    assert visit.blocked == [] and visit.errors == []


def test_a_computed_number_leads_to_its_derivation_and_every_cell_it_uses(open_report):
    visit = open_report(DESKTOP)
    page = visit.page
    number = page.locator("section p a.number[href^='#number-']").first
    number_id = number.get_attribute("data-number")
    number.click()
    page.wait_for_url(re.compile(r"#number-"))
    row = page.locator(f'tr[id="number-{number_id}"]')
    expect(row).to_be_in_viewport()
    derivation = number.get_attribute("title").split(" (from ")[0]
    expect(row).to_contain_text(derivation)
    hrefs = row.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    cells = [href for href in hrefs if re.search(r"\.html#L\d+-", href)]
    lines = re.search(r"lines? ([\d–, ]+), column", number.get_attribute("title"))[1]
    wanted = sum(
        int(b) - int(a) + 1 if "–" in run else 1
        for run in lines.split(", ")
        for a, _, b in [run.partition("–")]
    )
    assert len(cells) == min(wanted, 12), (number_id, lines, hrefs)
    href = cells[0]
    row.locator(f'a[href="{href}"]').click()
    line, column = re.search(r"#L(\d+)-(.+)$", href).groups()
    page.wait_for_url(re.compile(r"#L\d+-"))
    assert_on_highlighted_cell(page, line, column, number_id)
    assert visit.blocked == [] and visit.errors == []


def test_negative_numbers_are_set_with_a_minus_sign(desktop):
    texts = desktop.page.locator("a.number").evaluate_all("els => els.map(e => e.textContent)")
    assert any(t.startswith("\u2212") for t in texts)
    assert not [t for t in texts if re.match(r"-\d", t)]


# --- accessibility -----------------------------------------------------------------------------


def axe_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page (axe-playwright-python)."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        unavailable("axe-playwright-python is not installed (pip install -e '.[test]')")
    violations = Axe().run(page).response["violations"]
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def test_the_report_and_a_source_page_pass_axe_core(open_report, report_html):
    visit = open_report(DESKTOP)
    assert axe_violations(visit.page) == []
    visit.page.goto((report_html.parent / "sources" / "labs.csv.html").as_uri() + "#L2-value")
    assert axe_violations(visit.page) == []


# --- tables ------------------------------------------------------------------------------------


def test_every_table_has_a_caption_column_headers_and_row_headers(desktop):
    tables = desktop.page.locator("table").evaluate_all(
        """tables => tables.map(t => ({
            table: `${t.closest('[id]').id} <table class="${t.className}">`,
            caption: (t.caption ? t.caption.textContent : '').trim(),
            column_headers: t.querySelectorAll('thead th[scope=col]').length,
            rows_without_header: [...t.tBodies].flatMap(b => [...b.rows])
                .filter(r => !r.querySelector('th[scope=row]')).length,
        }))"""
    )
    assert tables
    lacking = [
        t for t in tables if not t["caption"] or not t["column_headers"] or t["rows_without_header"]
    ]
    assert not lacking, (
        f"{len(lacking)} of {len(tables)} tables lack a caption or header cells:\n  "
        + "\n  ".join(str(t) for t in lacking)
    )


# --- phone width and screenshots ---------------------------------------------------------------

# The outermost elements reaching past the viewport's right (or left) edge.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const over = e => {
    const r = e.getBoundingClientRect();
    return r.right > width + 1 || r.left < -1;
  };
  return [...document.body.querySelectorAll('*')]
    .filter(e => over(e) && (e.parentElement === document.body || !over(e.parentElement)))
    .map(e => {
      const r = e.getBoundingClientRect(), where = e.closest('[id]');
      return `${where ? '#' + where.id + ' ' : ''}<${e.localName} class="${e.className}">` +
        ` spans x=${Math.round(r.left)}..${Math.round(r.right)}px:` +
        ` "${e.textContent.trim().replace(/\\s+/g, ' ').slice(0, 40)}"`;
    });
}"""


def test_the_page_does_not_scroll_sideways_at_phone_width(phone):
    page = phone.page
    width = PHONE["viewport"]["width"]
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    overflowing = page.evaluate(OVERFLOWING) if scroll_width > width + 1 else []
    assert scroll_width <= width + 1, (
        f"at {width}px the page is {scroll_width}px wide; wide content should scroll inside its "
        f"own container (see {ARTIFACTS / 'report-phone.png'}). Overflowing:\n  "
        + "\n  ".join(overflowing)
    )


def test_screenshots_of_the_report_are_kept_as_artifacts(desktop, phone, record_property, capsys):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    kept = []
    for name, visit in (("desktop", desktop), ("phone", phone)):
        visit.page.mouse.move(0, 0)
        visit.page.evaluate("document.activeElement && document.activeElement.blur()")
        visit.page.evaluate("window.scrollTo(0, 0)")
        path = ARTIFACTS / f"report-{name}.png"
        visit.page.screenshot(path=path, full_page=True)
        assert path.stat().st_size > 10_000
        record_property(f"screenshot-{name}", str(path))
        kept.append(f"  screenshot ({name}): {path}")
    with capsys.disabled():  # on the terminal even when the test passes
        print("", *kept, sep="\n")


# --- tables at phone width, and the PDF ----------------------------------------------------------

TABLES_AT_WIDTH = """() => [...document.querySelectorAll('table')].map(t => {
  let box = t.parentElement;
  while (box && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) {
    box = box.parentElement;
  }
  const frame = box || document.documentElement;
  return {
    table: `${t.closest('[id]').id} <table class="${t.className}">`,
    width: Math.round(t.getBoundingClientRect().width),
    room: frame.clientWidth,
    scrolls: !!box,
    shows_it: !!box && getComputedStyle(box).backgroundAttachment.includes('local'),
  };
})"""


def test_at_phone_width_every_table_fits_or_visibly_scrolls_in_its_frame(phone):
    tables = phone.page.evaluate(TABLES_AT_WIDTH)
    assert tables
    overflowing = [t for t in tables if t["width"] > t["room"] + 1 and not t["scrolls"]]
    assert overflowing == [], overflowing
    unmarked = [t for t in tables if t["width"] > t["room"] + 1 and not t["shows_it"]]
    assert unmarked == [], f"tables that scroll without showing it: {unmarked}"


def test_at_phone_width_figures_keep_a_legible_size(phone):
    widths = phone.page.locator("figure img.screen-only").evaluate_all(
        "imgs => imgs.map(i => i.getBoundingClientRect().width)"
    )
    assert widths and min(widths) >= 500  # about their size on a desktop, scrolled in a frame


def test_every_number_of_the_text_is_a_link_in_the_pdf(browser, built_project):
    """Checked against results/numbers.csv: each number shown as text (not only plotted) links
    to its cell in sources/ or, computed, to its appendix row in report.html; the links are
    relative to the report folder."""
    from pypdf import PdfReader
    from support.report import read_numbers_csv

    reader = PdfReader(built_project / "report" / "report.pdf")
    uris = {
        str(uri)
        for page in reader.pages
        for annotation in page.get("/Annots") or []
        if (uri := annotation.get_object().get("/A", {}).get("/URI"))
    }
    targets = {re.sub(r"\?from=at-.*#", "#", uri) for uri in uris}
    openers = {m[1] for uri in uris if (m := re.search(r"\?from=at-(.*?)(?:-\d+)?#", uri))}
    numbers = read_numbers_csv(built_project / "results" / "numbers.csv")
    shown_as_text = [
        row
        for row in numbers.values()
        if not all(s.startswith("figure-") for s in row["sections"].split(";"))
    ]
    assert len(shown_as_text) > 100
    missing = []
    for row in shown_as_text:
        if row["derivation"]:
            wanted = f"report.html#number-{row['id']}"
        else:
            page = f"sources/{Path(row['source_file']).name}.html"
            wanted = f"{page}#L{row['source_line']}-{row['source_column']}"
            if row["id"] not in openers:
                missing.append(f"{row['id']}: no link back to it")
        if wanted not in targets:
            missing.append(f"{row['id']}: no link to {wanted}")
    assert missing == [], missing[:10]
    assert not [u for u in uris if urlsplit(u).scheme], "absolute links in the PDF"


def test_nothing_in_the_pdf_reaches_past_the_page_margins(browser, built_project):
    """Laid out as report_pdf lays it out: no box (a table, a cell, a line of text) ends to the
    right of the page's content area."""
    from weasyprint import HTML

    report = built_project / "report" / "report.html"
    document = HTML(filename=report, media_type="print").render()
    beyond = []
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        right = page_box.content_box_x() + page_box.width + 1
        for box in page_box.descendants():
            if type(box).__name__ in ("PageBox", "MarginBox") or box.element_tag == "html":
                continue
            if box.position_x + box.margin_width() > right:
                beyond.append(f"page {number}: <{box.element_tag}> {type(box).__name__}")
    assert beyond == [], beyond[:10]
