"""`casereport new DIR`: a case report of your own, written in Markdown, every number traced.

The new project keeps the article's guarantees with the package's generic core: the validator
(casereport.validation: dictionary, cells, keys), the ledger (casereport.ledger), the raw-file
pages (casereport.sources), the reproducible PDF (casereport.pdf), `casereport trace` and
`casereport check-numbers`. What is new here:

- references.py: the `[[table.key.column]]` reference syntax and the detector of numbers typed by
  hand into the prose (pure functions, no I/O);
- cells.py: the catalog of every cell of the project's data and of its computed numbers;
- build.py: the build steps the new project's Snakefile calls;
- command.py: `casereport new`, which copies template/ (the project a student starts from).
"""
