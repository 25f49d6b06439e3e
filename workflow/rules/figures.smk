# Stage 4: figures, as SVG (HTML report) and 300 dpi PNG (PDF report), and their caption models.
# Two jobs per figure: the caption model (results/figures/<figure>.json), which is all the report's
# HTML reads, and the drawings, which only the PDF reads (the HTML links to their copies). The HTML
# is thus not kept waiting for matplotlib to render (most of a figure job's time): after an edit it
# is written while the figures are still drawn (benchmarks/results.md).


rule figure_caption:
    # `run:`, not `script:`: the profile's force-use-threads runs it in a thread of this Snakemake,
    # which imports matplotlib once for all the caption jobs instead of one interpreter each. It
    # builds the figure without laying it out or writing it (casereport.figures.figure_model).
    # Hence no conda environment: it runs in Snakemake's own (environment.yml has matplotlib).
    input:
        tables=lambda wildcards: validated(stages.FIGURES[wildcards.figure]),
        datapackage=DATAPACKAGE,
        code=FIGURE_CODE,
    output:
        f"{RESULTS}/figures/{{figure}}.json",
    log:
        f"{LOGS}/figure_caption/{{figure}}.log",
    benchmark:
        f"{BENCHMARKS}/figure_caption/{{figure}}.tsv"
    wildcard_constraints:
        figure="|".join(FIGURE_NAMES),
    # Before the jobs the HTML does not read (figures, source pages), so that after an edit
    # report.html comes first (the HTML path's rules all have priority 1).
    priority: 1
    params:
        # Above this many patients the figures switch to their summary form (and caption).
        large_series_threshold=config["large_series_threshold"],
    message:
        "caption of figure {wildcards.figure}"
    run:
        from casereport.figures import write_figure_caption

        write_figure_caption(
            wildcards.figure, input, output[0], params.large_series_threshold
        )


rule figure:
    input:
        tables=lambda wildcards: validated(stages.FIGURES[wildcards.figure]),
        datapackage=DATAPACKAGE,
        code=FIGURE_CODE,
    output:
        svg=report(
            f"{RESULTS}/figures/{{figure}}.svg",
            caption="../report/figure.rst",
            category="Figures",
            labels={"figure": "{figure}"},
        ),
        png=f"{RESULTS}/figures/{{figure}}.png",
    log:
        f"{LOGS}/figure/{{figure}}.log",
    benchmark:
        f"{BENCHMARKS}/figure/{{figure}}.tsv"
    wildcard_constraints:
        figure="|".join(FIGURE_NAMES),
    conda:
        "../envs/figures.yaml"
    # matplotlib rasterises the 300 dpi PNG in memory (about 210 MB at 10,000 patients, measured).
    resources:
        mem_mb=500,
        runtime=5,
    params:
        # Above this many patients the figures switch to their summary form.
        large_series_threshold=config["large_series_threshold"],
    message:
        "figure {wildcards.figure}"
    script:
        "../scripts/build_figure.py"
