"""HTML ids that report.html and report.pdf share.

Kept apart from casereport.render, and free of imports, so that the PDF job can use them without
loading pandas, jinja and the rest of the renderer.
"""


def appendix_anchor(number_id: str) -> str:
    """HTML id of a number's row in the appendix (the PDF links numbers there)."""
    return f"number-{number_id}"
