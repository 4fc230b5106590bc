"""Theme: each measure of one theme (chosen by selector and ?theme= in the URL) against its
trajectory, with its status explained, its breakdown by the chosen geography, a table
view of every chart and CSV/Excel downloads of every table."""
import streamlit as st

from metrics import app, figures

quarter = st.session_state.get("quarter")
level = st.session_state.get("level", "national")
cfg = app.config()
theme_ids = list(cfg.themes)

app.url_filter("theme", theme_ids, theme_ids[0])
theme = cfg.themes[st.session_state["theme"]]
st.title(theme.title, anchor=False)
theme_id = st.selectbox("Theme", theme_ids, key="theme",
                        format_func=lambda t: cfg.themes[t].title)
st.query_params["theme"] = theme_id
if theme.vision:
    st.markdown(f"*By 2030 our vision is:* {theme.vision}")
if not quarter:
    app.no_data_yet()

CHART_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


def download_buttons(table, name):
    columns = st.columns([1, 1, 6])
    for column, spec in zip(columns, app.downloads(table, name)):
        column.download_button(on_click="ignore", key=f"dl-{name}-{spec['label']}", **spec)


for m in app.theme_measures(theme_id, quarter, level, st.session_state.get("data_version")):
    row, card = m["row"], m["card"]
    st.subheader(row["title"], anchor=row["id"], divider="gray")
    st.badge(card["status_label"], icon=card["status_icon"], color=card["status_colour"])
    st.markdown(m["sentence"])
    st.caption(" · ".join(t for t in (f"{card['value']} in {quarter}", card["target"],
                                       card["coverage"], card["change"]) if t))

    if row["unit"] == "milestone":
        trend = figures.milestone_steps(m["actual"], title=f"{row['title']}: achieved by quarter")
    else:
        trend = figures.trajectory(row, m["actual"],
                                   title=f"{row['title']} ({figures.unit_label(row['unit'])})")
    chart_tab, table_tab = st.tabs(["Chart", "Table"])
    with chart_tab:
        st.plotly_chart(trend, config=CHART_CONFIG, key=f"trend-{row['id']}",
                        alt=f"{row['title']}: {m['sentence']}")
    with table_tab:
        table = figures.chart_table(trend, unit=row["unit"])
        st.dataframe(table, hide_index=True, key=f"trend-table-{row['id']}")
        download_buttons(table, f"{row['id']}-{quarter}-trajectory")

    if m["groups"] is None:
        continue
    level_name = app.LEVELS[level]
    if m["groups"].empty:
        st.info(f"No councils to break this measure down by {level_name.lower()} in {quarter}.",
                icon=":material/info:")
        continue
    bars = figures.breakdown(m["groups"]["group"], m["groups"]["value"], unit=row["unit"],
                             target=m["group_target"],
                             title=f"By {level_name.lower()}, {quarter} ({figures.unit_label(row['unit'])})")
    chart_tab, table_tab = st.tabs([f"By {level_name.lower()}", "Table"])
    with chart_tab:
        st.plotly_chart(bars, config=CHART_CONFIG, key=f"breakdown-{row['id']}",
                        alt=f"{row['title']} by {level_name.lower()} in {quarter}")
        if m["note"]:
            st.caption(m["note"])
    with table_tab:
        table = app.group_table(m["groups"], row["unit"])
        st.dataframe(table, hide_index=True, key=f"breakdown-table-{row['id']}")
        download_buttons(table, f"{row['id']}-{quarter}-by-{level}")
