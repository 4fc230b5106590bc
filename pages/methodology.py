"""Methodology: how every figure is made, generated from the configuration (so it cannot
drift), with the exact numbers behind each measure's status in the quarter shown, and
the data sources with their licence attributions."""

import streamlit as st

from ui import cache, frame
from viewmodels import methodology

frame.ensure_frame()

quarter = st.session_state.get("quarter")
intro = cache.config_values(methodology.intro)

st.title("Methodology", anchor=False)
st.markdown(intro.definitions)

st.header("How the status is judged", anchor="status", divider="gray")
st.markdown(intro.status_rules)
st.caption(methodology.caption(quarter))

for theme in cache.page_values(
    methodology.themes, quarter, version=st.session_state.get("data_version")
):
    st.header(theme.title, anchor=theme.id, divider="gray")
    for m in theme.measures:
        st.container(border=True).markdown(m.markdown)

st.header("Data sources and licences", anchor="sources", divider="gray")
st.markdown(methodology.SOURCES_MARKDOWN)
st.caption(methodology.OS_ATTRIBUTION)
