"""Theme: each measure of one theme (chosen by selector and ?theme= in the URL) against its
trajectory, with its status explained, its breakdown by the chosen geography, a table
view of every chart and CSV/Excel downloads of every table."""

import streamlit as st

from metrics import app

app.ensure_frame()

quarter = st.session_state.get("quarter")
level = st.session_state.get("level", "national")
cfg = app.config()
theme_ids = list(cfg.themes)

app.url_filter("theme", theme_ids, theme_ids[0])
theme = cfg.themes[st.session_state["theme"]]
st.title(theme.title, anchor=False)
theme_id = st.selectbox("Theme", theme_ids, key="theme", format_func=lambda t: cfg.themes[t].title)
app.set_url("theme", theme_id)
if theme.vision:
    st.markdown(f"*By 2030 our vision is:* {theme.vision}")
if not quarter:
    app.no_data_yet()

CHART_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


def download_buttons(table, name):
    columns = st.columns([1, 1, 6])
    for column, spec in zip(columns, app.downloads(table, name)):
        column.download_button(key=f"dl-{name}-{spec['label']}", **spec)


for m in app.page_values(
    app.theme_measures, theme_id, quarter, level, version=st.session_state.get("data_version")
):
    row, card = m["row"], m["card"]
    st.subheader(row["title"], anchor=row["id"], divider="gray")
    st.markdown(card["headline"])
    st.markdown(m["sentence"])
    st.caption(
        " · ".join(
            t for t in (f"{card['value']} in {quarter}", card["coverage"], card["change"]) if t
        )
    )
    # Tabs that rerun: only the open one is drawn (a table and its downloads cost a rerun
    # nothing until someone asks for them).
    chart_tab, table_tab = st.tabs(
        ["Chart", "Table"], key=f"trend-view-{row['id']}", on_change="rerun"
    )
    if chart_tab.open:
        chart_tab.plotly_chart(
            m["trend"],
            config=CHART_CONFIG,
            key=f"trend-{row['id']}",
            alt=f"{row['title']}: {m['sentence']}",
        )
    if table_tab.open:
        with table_tab:
            st.dataframe(m["trend_table"], hide_index=True, key=f"trend-table-{row['id']}")
            download_buttons(m["trend_table"], f"{row['id']}-{quarter}-trajectory")

    if m["groups"] is None:
        continue
    level_name = app.LEVELS[level].lower()
    if m["breakdown"] is None:
        st.info(
            f"No councils to break this measure down by {level_name} in {quarter}.",
            icon=":material/info:",
        )
        continue
    chart_tab, table_tab = st.tabs(
        [f"By {level_name}", "Table"], key=f"breakdown-view-{row['id']}", on_change="rerun"
    )
    if chart_tab.open:
        with chart_tab:
            st.plotly_chart(
                m["breakdown"],
                config=CHART_CONFIG,
                key=f"breakdown-{row['id']}",
                alt=f"{row['title']} by {level_name} in {quarter}",
            )
            if m["note"]:
                st.caption(m["note"])
    if table_tab.open:
        with table_tab:
            st.dataframe(m["group_table"], hide_index=True, key=f"breakdown-table-{row['id']}")
            download_buttons(m["group_table"], f"{row['id']}-{quarter}-by-{level}")
