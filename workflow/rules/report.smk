# Stage 5: the report. HTML first, then the PDF from the same HTML; everything the HTML loads or
# links to is copied beside it, so the report directory works offline and moves as a whole.
# Rendering also writes results/numbers.csv: the numbers the report shows.
# The HTML job reads the figures' caption models, not the drawings, and only links to the
# figures and source pages: it waits for neither, so after an edit report.html is written while
# the figures are still drawn. The PDF waits for the figures; the input fingerprint (last), for all.

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
# The package's templates (what every case report needs), then this article's own, kept with the
# workflow: workflow/report/templates, with sections.yaml, the ordered list of the report's sections.
TEMPLATES_DIR = Path("workflow/report/templates")
TEMPLATES = sorted(str(p) for p in (PACKAGE_DIR / "templates").glob("*.j2")) + sorted(
    str(p) for p in [*TEMPLATES_DIR.glob("*.j2"), TEMPLATES_DIR / "sections.yaml"]
)
SOURCE_PAGE_CODE = package_code("casereport.sources") + [
    str(PACKAGE_DIR / "templates/source.html.j2"),
]
# The report reads the numbers from the jobs that computed them (catalog, audit, table models).
RENDER_CODE = package_code("casereport.render") + TEMPLATES + project_code(EXTENSION)
PDF_CODE = package_code("casereport.pdf")
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
    log:
        f"{LOGS}/source_pages.log",
    benchmark:
        f"{BENCHMARKS}/source_pages.tsv"
    conda:
        "../envs/report.yaml"
    message:
        "browsable copies of the raw files"
    script:
        "../scripts/render_sources.py"


# The two copy rules: plain `cp` (a `run:` block would start a new Snakemake process per file).
rule report_asset:
    input:
        ASSETS_DIR / "{asset}",
    output:
        f"{REPORT}/assets/{{asset}}",
    log:
        f"{LOGS}/report_asset/{{asset}}.log",
    benchmark:
        f"{BENCHMARKS}/report_asset/{{asset}}.tsv"
    wildcard_constraints:
        asset="|".join(re.escape(name) for name in ASSET_FILES),
    conda:
        "../envs/coreutils.yaml"
    message:
        "copy {wildcards.asset}"
    shell:
        "cp -v {input:q} {output:q} > {log:q} 2>&1"


rule report_figure:
    input:
        f"{RESULTS}/figures/{{figure}}.{{ext}}",
    output:
        f"{REPORT}/figures/{{figure}}.{{ext}}",
    log:
        f"{LOGS}/report_figure/{{figure}}.{{ext}}.log",
    benchmark:
        f"{BENCHMARKS}/report_figure/{{figure}}.{{ext}}.tsv"
    wildcard_constraints:
        figure="|".join(FIGURE_NAMES),
        ext="|".join(stages.FIGURE_FORMATS),
    conda:
        "../envs/coreutils.yaml"
    message:
        "copy figure {wildcards.figure}.{wildcards.ext}"
    shell:
        "cp -v {input:q} {output:q} > {log:q} 2>&1"


rule report_html:
    input:
        tables=validated(RAW_TABLES),
        datapackage=DATAPACKAGE,
        catalog=f"{RESULTS}/ledger/catalog.csv",
        audit=f"{RESULTS}/audit.csv",
        audit_ledger=f"{RESULTS}/ledger/audit.csv",
        summaries=f"{RESULTS}/ledger/summaries.csv",
        care_checklist=config["care_checklist"],
        # The list of the report's sections; the templates beside it are in `code`.
        sections=TEMPLATES_DIR / "sections.yaml",
        # The project's own context keys for its templates (config `report_context`), if any.
        report_context=REPORT_CONTEXT or [],
        table_models=expand(f"{RESULTS}/tables/{{table}}.json", table=TABLE_NAMES),
        captions=expand(f"{RESULTS}/figures/{{figure}}.json", figure=FIGURE_NAMES),
        # The stylesheet and fonts, so that report.html is never shown without them.
        assets=REPORT_ASSETS,
        code=RENDER_CODE,
    output:
        html=f"{REPORT}/report.html",
        numbers=f"{RESULTS}/numbers.csv",
    log:
        f"{LOGS}/report_html.log",
    benchmark:
        f"{BENCHMARKS}/report_html.tsv"
    # The HTML path first (see rule figure_caption).
    priority: 1
    conda:
        "../envs/report.yaml"
    params:
        # A parameter, so that changing it in the config rebuilds the report.
        large_series_threshold=config["large_series_threshold"],
    message:
        "report.html"
    script:
        "../scripts/render_html.py"


rule report_pdf:
    input:
        html=f"{REPORT}/report.html",
        figures=REPORT_FIGURES,
        assets=REPORT_ASSETS,
        code=PDF_CODE,
    output:
        report(
            f"{REPORT}/report.pdf",
            caption="../report/report.rst",
            category="Report",
            labels={"format": "PDF"},
        ),
    log:
        f"{LOGS}/report_pdf.log",
    benchmark:
        f"{BENCHMARKS}/report_pdf.tsv"
    conda:
        "../envs/report.yaml"
    # WeasyPrint lays out every page and subsets the fonts in memory: the workflow's heaviest and
    # slowest job (about 300 MB; 4.6 s for the paper without the appendix, 13.5 s with it).
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        # Print the table of every number's source? (A parameter: changing it rebuilds the PDF.)
        pdf_appendix=config["pdf_appendix"],
    message:
        "report.pdf: laying out the pages (the slowest job, {resources.runtime} min at most)"
    script:
        "../scripts/render_pdf.py"


# Last: the fingerprint of the raw data the report was built from (SHA-256 of each file of the data
# package). It waits for both reports and all the HTML links to (figures, source pages), so a failed
# build leaves the previous good build's record, and `casereport status` can tell whether report/
# still matches data/raw.
rule input_fingerprint:
    # `run:`, not `script:`: it runs last, after the PDF, so an interpreter started for its few
    # lines (casereport.fingerprint, which this Snakemake has already imported) would be one more
    # second at the end of every build. It runs in a thread of this Snakemake (force-use-threads).
    input:
        tables=list(RAW_TABLES.values()),
        datapackage=DATAPACKAGE,
        html=f"{REPORT}/report.html",
        pdf=f"{REPORT}/report.pdf",
        figures=REPORT_FIGURES,
        sources=rules.source_pages.output,
        code=package_code("casereport.fingerprint"),
    output:
        f"{REPORT}/inputs.sha256.csv",
    log:
        f"{LOGS}/input_fingerprint.log",
    benchmark:
        f"{BENCHMARKS}/input_fingerprint.tsv"
    message:
        "inputs.sha256.csv: the fingerprint of the data the report was built from"
    run:
        from casereport.fingerprint import write_fingerprint

        write_fingerprint(input.datapackage, output[0])
