# Stage 4: figures, as SVG (HTML report) and 300 dpi PNG (PDF report), with a caption model.


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
        caption=f"{RESULTS}/figures/{{figure}}.json",
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
