"""The Streamlit glue between the pages and the view-models (the only Streamlit code
besides pages/ and dashboard.py).

- ``ui.frame``: the frame workaround, the database path and the empty states.
- ``ui.boundary``: the error boundary (a busy, missing or broken database or targets
  file becomes a message, never a traceback).
- ``ui.cache``: the data version and every cached read; ``page_values`` and
  ``config_values`` run a view-model once per data version (or targets file).
- ``ui.url``: page filters in the URL.
- ``ui.downloads``: download buttons and tables ready for st.dataframe.
- ``ui.signin``: the sign-in forms and the analyst and viewer gates.
- ``ui.actions``: the writes the analyst pages make (check, load, roll back).
- ``ui.plotly_json``: hands st.plotly_chart a frozen figure's JSON, encoded once.

Importing this package changes nothing: dashboard.py installs ``plotly_json`` itself.
"""
