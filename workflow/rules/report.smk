# Stage 5: the report. HTML first (with the browsable raw files it links to), then the PDF from the
# same HTML. Rendering also writes results/numbers.csv: the numbers the report shows.


rule source_pages:
    input:
        tables=list(RAW_TABLES.values()),
        validated=validated(RAW_TABLES),
        datapackage=DATAPACKAGE,
    output:
        [f"{REPORT}/sources/{Path(path).name}.html" for path in RAW_TABLES.values()],
    script:
        "../scripts/render_sources.py"


rule report_html:
    input:
        tables=validated(RAW_TABLES),
        datapackage=DATAPACKAGE,
        catalog=f"{RESULTS}/ledger/catalog.csv",
        figures=expand(
            f"{RESULTS}/figures/{{figure}}.{{ext}}",
            figure=FIGURE_NAMES,
            ext=["svg", "png", "json"],
        ),
        sources=rules.source_pages.output,
    output:
        html=f"{REPORT}/report.html",
        numbers=f"{RESULTS}/numbers.csv",
    script:
        "../scripts/render_html.py"


rule report_pdf:
    input:
        html=f"{REPORT}/report.html",
    output:
        f"{REPORT}/report.pdf",
    script:
        "../scripts/render_pdf.py"
