"""Blueprint Tracker: the entry point and frame (navigation and shared filters only).

Run with `make run` (or `streamlit run dashboard.py`).
"""
import streamlit as st

st.set_page_config(page_title="Blueprint Tracker", page_icon=":material/flag:", layout="wide")

PAGES = {
    "Progress": [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/theme.py", title="Themes", icon=":material/trending_up:"),
        st.Page("pages/places.py", title="Places", icon=":material/map:"),
        st.Page("pages/council.py", title="Council profile", icon=":material/account_balance:"),
    ],
    "About the data": [
        st.Page("pages/coverage.py", title="Data coverage", icon=":material/fact_check:"),
        st.Page("pages/methodology.py", title="Methodology", icon=":material/menu_book:"),
    ],
    "Analysts": [
        st.Page("pages/upload.py", title="Upload returns", icon=":material/upload_file:"),
        st.Page("pages/history.py", title="Upload history", icon=":material/history:"),
    ],
}

st.navigation(PAGES).run()
