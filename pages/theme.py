"""Theme: each measure of one theme (chosen by selector and ?theme= in the URL) against its
trajectory, with its status explained, its breakdown by the chosen geography, a table
view of every chart and CSV/Excel downloads of every table; beside them the theme's
actions of the register, each linked to its page on the Delivery page."""

import streamlit as st

from ui import cache, downloads, frame, url
from viewmodels import theme as themes

frame.ensure_frame()

quarter = st.session_state.get("quarter")
level = st.session_state.get("level", "national")
picker = cache.config_values(themes.choices)

refused = url.url_filter("theme", picker.ids, picker.ids[0], what="theme", label=picker.titles.get)
st.title(picker.titles[st.session_state["theme"]], anchor=False)
if refused:
    st.warning(refused, icon=":material/link_off:")
vision = picker.visions[st.session_state["theme"]]
theme_id = st.selectbox("Theme", picker.ids, key="theme", format_func=picker.titles.get)
url.set_url("theme", theme_id)
frame.set_title(picker.titles[theme_id], "Themes")
if vision:
    st.markdown(f"*By 2030 our vision is:* {vision}")
if not quarter:
    frame.no_data_yet()

# No plotly toolbar: on a phone it covered the chart titles; the Table tab has the numbers.
CHART_CONFIG = {"displayModeBar": False}

shown = cache.page_values(
    themes.measures, theme_id, quarter, level, version=st.session_state.get("data_version")
)
acts = cache.page_values(
    themes.actions,
    theme_id,
    quarter,
    cache.register_state(),
    version=st.session_state.get("data_version"),
)
with_actions = st.expander(
    acts.label, icon=":material/task_alt:", key=f"theme-actions-{theme_id}", on_change="rerun"
)
if with_actions.open:  # drawn only when opened
    with with_actions:
        st.markdown(acts.table, unsafe_allow_html=True)
for m in shown.measures:
    card = m.card
    st.header(m.title, anchor=m.id, divider="gray")
    st.markdown(card.headline)
    st.markdown(m.sentence)
    st.caption(
        " · ".join(t for t in (f"{card.value} in {quarter}", card.coverage, card.change) if t)
    )
    if m.id in acts.by_measure:
        st.markdown(acts.by_measure[m.id], unsafe_allow_html=True)  # links: not faded
    # Tabs that rerun: only the open one is drawn (a table and its downloads cost a rerun
    # nothing until someone asks for them).
    chart_tab, table_tab = st.tabs(["Chart", "Table"], key=f"trend-view-{m.id}", on_change="rerun")
    if chart_tab.open:
        chart_tab.plotly_chart(
            m.trend,
            config=CHART_CONFIG,
            key=f"trend-{m.id}",
            alt=f"{m.title}: {m.sentence}",
        )
        if m.projection:
            chart_tab.caption(m.projection)
    if table_tab.open:
        with table_tab:
            st.dataframe(m.trend_table, hide_index=True, key=f"trend-table-{m.id}")
            downloads.download_buttons(m.trend_table, m.trend_file, m.trend_notes)

    if m.groups is None:
        continue
    if m.breakdown is None:
        st.info(
            f"No councils to break this measure down by {shown.level_name} in {quarter}.",
            icon=":material/info:",
        )
        continue
    chart_tab, table_tab = st.tabs(
        [f"By {shown.level_name}", "Table"], key=f"breakdown-view-{m.id}", on_change="rerun"
    )
    if chart_tab.open:
        with chart_tab:
            st.plotly_chart(
                m.breakdown,
                config=CHART_CONFIG,
                key=f"breakdown-{m.id}",
                alt=m.breakdown.alt,
            )
            if m.note:
                st.caption(m.note)
    if table_tab.open and m.group_table is not None and m.group_file is not None:
        with table_tab:
            st.dataframe(m.group_table, hide_index=True, key=f"breakdown-table-{m.id}")
            downloads.download_buttons(m.group_table, m.group_file, m.group_notes)
