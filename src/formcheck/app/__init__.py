"""The Streamlit app's pages and their small helpers.

Pages (`*_page.py`) only lay out widgets; everything they show is computed by the
plain modules beside them (uploads, review, tables, charts, progress, ice), which the
tests call without a browser. No rule logic lives here: counting and corrections come
from `formcheck.run.review` / `formcheck.run.session`, exactly as in the CLI.
"""
