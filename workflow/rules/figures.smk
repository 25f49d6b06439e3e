# Stage 4: figures, as SVG (HTML report) and 300 dpi PNG (PDF report), with a caption model.


rule figure:
    input:
        tables=lambda wildcards: validated(stages.FIGURES[wildcards.figure]),
        datapackage=DATAPACKAGE,
    output:
        svg=f"{RESULTS}/figures/{{figure}}.svg",
        png=f"{RESULTS}/figures/{{figure}}.png",
        caption=f"{RESULTS}/figures/{{figure}}.json",
    wildcard_constraints:
        figure="|".join(FIGURE_NAMES),
    script:
        "../scripts/build_figure.py"
