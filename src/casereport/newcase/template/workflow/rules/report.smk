# Two jobs: the HTML (data checked, numbers resolved, ledger written), then the PDF from it;
# then the fingerprint of the data they were built from (`casereport status` compares with it).
DATA = sorted(Path(config["datapackage"]).parent.glob("*.csv"))


rule report_html:
    input:
        DATA,
        config["datapackage"],
        config["manuscript"],
        config["computed"],
        "config/config.yaml",
    output:
        html=f"{config['report_dir']}/report.html",
        numbers=f"{config['results_dir']}/numbers.csv",
        catalog=f"{config['results_dir']}/ledger/catalog.csv",
    log:
        "logs/report_html.log",
    shell:
        "python -m casereport.newcase.build html --config config/config.yaml --log {log}"


rule report_pdf:
    input:
        rules.report_html.output.html,
    output:
        f"{config['report_dir']}/report.pdf",
    log:
        "logs/report_pdf.log",
    shell:
        "python -m casereport.newcase.build pdf --config config/config.yaml --log {log}"


rule input_fingerprint:
    input:
        DATA,
        datapackage=config["datapackage"],
        html=rules.report_html.output.html,
        pdf=rules.report_pdf.output[0],
    output:
        f"{config['report_dir']}/inputs.sha256.csv",
    log:
        "logs/input_fingerprint.log",
    shell:
        "python -c 'import sys; from casereport.fingerprint import write_fingerprint; "
        "write_fingerprint(sys.argv[1], sys.argv[2])' {input.datapackage} {output} 2> {log}"
