"""`casereport new DIR`: a case report of your own, written in Markdown, every number traced.

The new project keeps the article's guarantees with the package's general core: the validator
(casereport.validation: dictionary, cells, keys, and the general cross-field rules; a project adds
its own with the config key `validation_rules`), the ledger (casereport.ledger), the raw-file
pages (casereport.sources), the reproducible PDF (casereport.pdf), `casereport trace`,
`casereport check-numbers`, `casereport fingerprint` and `casereport status`. What is new here:

- references.py: the `[[table.key.column]]` reference syntax and the detector of numbers typed by
  hand into the prose (pure functions, no I/O);
- build.py: the build steps the new project's Snakefile calls: the data checked, the catalog of
  every cell and of the computed numbers, the manuscript turned into HTML and PDF;
- command.py: `casereport new`, which copies template/ (the project a student starts from).
"""
