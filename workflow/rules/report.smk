# Stage 5: the report. HTML first (with everything it loads or links to copied beside it, so the
# report directory works offline and can be moved as a whole), then the PDF from the same HTML.
# Rendering also writes results/numbers.csv: the numbers the report shows.

import re

import casereport

PACKAGE_DIR = Path(casereport.__file__).parent

# Stylesheet, fonts and their licence, shipped in the package (casereport/assets).
ASSETS_DIR = PACKAGE_DIR / "assets"
ASSET_FILES = sorted(
    p.relative_to(ASSETS_DIR).as_posix() for p in ASSETS_DIR.rglob("*") if p.is_file()
)
REPORT_ASSETS = [f"{REPORT}/assets/{name}" for name in ASSET_FILES]
# The code and templates that write the report: inputs, so that editing them rebuilds the report.
TEMPLATES = sorted(str(p) for p in (PACKAGE_DIR / "templates").glob("*.j2"))
SOURCE_PAGE_CODE = [
    str(PACKAGE_DIR / "sources.py"),
    str(PACKAGE_DIR / "templates/source.html.j2"),
]
RENDER_CODE = [
    str(PACKAGE_DIR / name) for name in ("render.py", "sources.py")
] + TEMPLATES
PDF_CODE = [str(PACKAGE_DIR / "pdf.py")]
REPORT_FIGURES = expand(
    f"{REPORT}/figures/{{figure}}.{{ext}}",
    figure=FIGURE_NAMES,
    ext=stages.FIGURE_FORMATS,
)


rule source_pages:
    input:
        tables=list(RAW_TABLES.values()),
        validated=validated(RAW_TABLES),
        datapackage=DATAPACKAGE,
        code=SOURCE_PAGE_CODE,
    output:
        [f"{REPORT}/sources/{Path(path).name}.html" for path in RAW_TABLES.values()],
    script:
        "../scripts/render_sources.py"


rule report_asset:
    input:
        ASSETS_DIR / "{asset}",
    output:
        f"{REPORT}/assets/{{asset}}",
    wildcard_constraints:
        asset="|".join(re.escape(name) for name in ASSET_FILES),
    shell:
        "cp {input:q} {output:q}"


rule report_figure:
    input:
        f"{RESULTS}/figures/{{figure}}.{{ext}}",
    output:
        f"{REPORT}/figures/{{figure}}.{{ext}}",
    wildcard_constraints:
        figure="|".join(FIGURE_NAMES),
        ext="|".join(stages.FIGURE_FORMATS),
    shell:
        "cp {input:q} {output:q}"


rule report_html:
    input:
        tables=validated(RAW_TABLES),
        datapackage=DATAPACKAGE,
        catalog=f"{RESULTS}/ledger/catalog.csv",
        captions=expand(f"{RESULTS}/figures/{{figure}}.json", figure=FIGURE_NAMES),
        figures=REPORT_FIGURES,
        assets=REPORT_ASSETS,
        sources=rules.source_pages.output,
        code=RENDER_CODE,
    output:
        html=f"{REPORT}/report.html",
        numbers=f"{RESULTS}/numbers.csv",
    script:
        "../scripts/render_html.py"


rule report_pdf:
    input:
        html=f"{REPORT}/report.html",
        figures=REPORT_FIGURES,
        assets=REPORT_ASSETS,
        code=PDF_CODE,
    output:
        f"{REPORT}/report.pdf",
    script:
        "../scripts/render_pdf.py"
