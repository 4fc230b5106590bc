"""Overview (leadership, first page): the quarter at a glance, every measure in one table,
the board pack, then every measure's card, grouped by theme. England as a whole."""

import streamlit as st

from ui import boardpack, cache, downloads, frame
from viewmodels import overview

frame.ensure_frame()

st.title("Progress towards the 2030 visions", anchor=False)
quarter = st.session_state.get("quarter")
if not quarter:
    frame.no_data_yet()
version = st.session_state.get("data_version")

# ------------------------------------------------------------ the quarter at a glance
top = cache.page_values(overview.top, quarter, version=version)
st.markdown(top.headline_markdown, unsafe_allow_html=True)
st.markdown(top.tallies_markdown)

attention, changes = st.columns([2, 1])  # the reasons are the longer texts
with attention:
    st.markdown(f"**{top.attention_title}**")
    if top.attention:
        st.markdown("\n".join(f"- {line.markdown}" for line in top.attention))
    else:
        st.caption(top.attention_empty)
with changes:
    st.markdown(f"**{top.changes_title}**")
    if top.changes:
        st.markdown("\n".join(f"- {line.markdown}" for line in top.changes))
    else:
        st.caption(top.changes_empty)
    if top.actions:
        with st.expander(top.actions_title, icon=":material/assignment_late:"):
            st.markdown("\n".join(f"- {line.markdown}" for line in top.actions))
    if top.actions_note:
        st.caption(top.actions_note)

# ------------------------------------------------------------ every measure
downloads.compact_table(top.table, key="every-measure", bold_rows=top.theme_rows)
st.caption(top.table_caption)
downloads.file_buttons(top.download)

# ------------------------------------------------------------ the board pack
st.header("Board pack", anchor="board-pack", divider="gray")
boardpack.board_pack(quarter, boardpack.scope_choices(), key="overview_pack")

# ------------------------------------------------------------ the cards
SPARK_CONFIG = {"staticPlot": True, "displayModeBar": False}

for theme in cache.page_values(overview.themes, quarter, version=version):
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
