# Two jobs: the HTML (data checked, numbers resolved, ledger written), then the PDF from it;
# then the fingerprint of the data they were built from (`casereport status` compares with it).
DATAPACKAGE = f"{config['data_dir']}/{config['datapackage']}"
DATA = sorted(Path(config["data_dir"]).glob("*.csv"))
# This project's own validation rules, if config names them: editing them rebuilds the report.
OWN_RULES = [config["validation_rules"]] if config.get("validation_rules") else []


rule report_html:
    input:
        DATA,
        OWN_RULES,
        DATAPACKAGE,
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
        datapackage=DATAPACKAGE,
        html=rules.report_html.output.html,
        pdf=rules.report_pdf.output[0],
    output:
        f"{config['report_dir']}/inputs.sha256.csv",
    log:
        "logs/input_fingerprint.log",
    shell:
        "casereport fingerprint --datapackage {input.datapackage} --output {output} 2> {log}"
