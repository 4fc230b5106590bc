"""Data coverage: which councils have reported each kind of return in each quarter, by
region; the missing returns of the quarter shown; values carried forward. ?kind= in the URL."""

import streamlit as st

from metrics import app, views

app.ensure_frame()

st.title("Data coverage", anchor=False)

quarter = st.session_state.get("quarter")
version = st.session_state.get("data_version")
if not quarter:
    st.info(
        "No returns have been loaded yet, so no council has reported. Load a survey or "
        "workforce return on the Upload page (analysts).",
        icon=":material/hourglass_empty:",
    )
    st.stop()

cfg = app.config()
kinds = app.COVERAGE_KINDS

charts = app.page_values(app.coverage_charts, quarter, version=version)
now = charts["now"]
cols = st.columns(len(now))
for col, row in zip(cols, now):
    col.metric(
        f"{kinds[row['kind']]}s for {quarter}",
        row["text"],
        help="Councils in scope that sent this return for the quarter shown.",
    )

st.subheader(f"Councils reporting each quarter since {views.MISSING_SINCE}", anchor=False)
if charts["trend"] is not None:
    st.plotly_chart(charts["trend"], config={"displayModeBar": False}, key="coverage_trend")
with st.expander("Numbers"):
    st.dataframe(
        charts["table"],
        hide_index=True,
        key="coverage_table",
        column_config={
            "kind": "Return",
            "quarter": "Quarter",
            "reporting": "Reporting",
            "total": "Councils in scope",
            "percent": st.column_config.NumberColumn("%", format="%.1f"),
        },
    )

st.divider()
if "coverage_kind" not in st.session_state:
    wanted = st.query_params.get("kind")
    st.session_state["coverage_kind"] = wanted if wanted in kinds else "survey"
st.radio(
    "Return shown below", list(kinds), key="coverage_kind", format_func=kinds.get, horizontal=True
)
kind = st.session_state["coverage_kind"]
app.set_url("kind", kind)

st.subheader(f"{kinds[kind]}: coverage by region", anchor=False)
shown = app.page_values(app.coverage_kind, kind, quarter, version=version)
if shown["heatmap"] is not None:
    st.plotly_chart(shown["heatmap"], config={"displayModeBar": False}, key="coverage_heatmap")
    st.caption("Each cell: share of the region's councils that sent this return in that quarter.")
    with st.expander("Numbers"):
        st.dataframe(
            shown["by_region"],
            hide_index=True,
            key="coverage_region_table",
            column_config={
                "region": "Region",
                "quarter": "Quarter",
                "reporting": "Reporting",
                "total": "Councils",
                "percent": st.column_config.NumberColumn("%", format="%.0f"),
            },
        )
else:
    st.info("No councils in the reference geography.", icon=":material/location_off:")

st.subheader(f"Missing {kind} returns for {quarter}", anchor=False)
missing = shown["missing"]
if not shown["missing_count"]:
    st.success(
        f"Every council in scope has sent its {kind} return for {quarter}.",
        icon=":material/check_circle:",
    )
else:
    st.caption(
        f"{shown['missing_count']} councils have not sent it. The last column is their latest "
        "earlier return, if any."
    )
    st.dataframe(
        missing,
        hide_index=True,
        key="coverage_missing",
        column_config={
            "council": "Council",
            "council_code": "GSS code",
            "council_type": "Type",
            "region": "Region",
            "latest_return": "Latest return",
        },
    )
    st.download_button(
        "Download the list (CSV)",
        shown["missing_csv"],
        file_name=f"missing-{kind}-{quarter}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="coverage_download",
    )

st.subheader("Values carried forward", anchor=False)
stale = shown["stale"]
st.caption(
    f"A council's latest value counts for up to {cfg.staleness_quarters} quarters after "
    f"it was reported (the staleness window); older ones are not counted in {quarter}'s figures."
)
if not shown["stale_count"]:
    st.success(
        f"Every council reported in {quarter}: nothing is carried forward.",
        icon=":material/check_circle:",
    )
else:
    st.dataframe(
        stale,
        hide_index=True,
        key="coverage_stale",
        column_config={
            "council": "Council",
            "council_code": "GSS code",
            "region": "Region",
            "latest_return": "Latest return",
            "quarters_old": st.column_config.NumberColumn("Quarters old", format="%d"),
            "state": "State",
        },
    )
