"""Overview (leadership, first page): every measure at a glance, grouped by theme."""

import streamlit as st

from ui import cache, frame
from viewmodels import overview

frame.ensure_frame()

st.title("Progress towards the 2030 visions", anchor=False)
quarter = st.session_state.get("quarter")
if not quarter:
    frame.no_data_yet()

if st.session_state.get("level", "national") != "national":
    st.caption(
        "The overview shows England as a whole. The Themes page breaks each measure "
        "down by the geography chosen in the sidebar."
    )

SPARK_CONFIG = {"staticPlot": True, "displayModeBar": False}

for theme in cache.page_values(
    overview.themes, quarter, version=st.session_state.get("data_version")
):
    st.header(theme.title, anchor=theme.id, divider="gray")
    if not theme.cards:
        st.caption("No measures are configured for this theme.")
        continue
    columns = st.columns(3)
    for i, item in enumerate(theme.cards):
        card = item.card
        with columns[i % 3].container(border=True):
            # title, value, target, status, change and coverage: one block (cheaper to send)
            st.markdown(card.markdown, unsafe_allow_html=True)
            if card.progress is not None:
                st.progress(card.progress, text=card.progress_text)
            if item.figure is not None:
                st.plotly_chart(
                    item.figure,
                    config=SPARK_CONFIG,
                    key=f"spark-{card.id}",
                    alt=item.figure.alt,
                )
