"""Data coverage: which councils have reported each kind of return in each quarter, by
region; the missing returns of the quarter shown; values carried forward. ?kind= in the URL."""

import streamlit as st

from ui import cache, downloads, frame, url
from viewmodels import coverage

frame.ensure_frame()

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

kinds = coverage.KINDS

charts = cache.page_values(coverage.charts, quarter, version=version)
cols = st.columns(len(charts.now))
for col, now in zip(cols, charts.now):
    col.metric(
        now.label,
        now.text,
        help="Councils in scope that sent this return for the quarter shown.",
    )

st.header(f"Councils reporting each quarter since {coverage.MISSING_SINCE}", anchor=False)
if charts.trend is not None:
    st.plotly_chart(
        charts.trend, config={"displayModeBar": False}, key="coverage_trend", alt=charts.trend.alt
    )
with st.expander("Numbers"):
    st.dataframe(
        downloads.arrow_table(charts.table),
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
refused = url.url_filter(
    "coverage_kind", kinds, "survey", param="kind", what="return", label=kinds.get
)
if refused:
    st.warning(refused, icon=":material/link_off:")
st.radio(
    "Return shown below", list(kinds), key="coverage_kind", format_func=kinds.get, horizontal=True
)
kind = st.session_state["coverage_kind"]
url.set_url("kind", kind)
frame.set_title(f"{kinds[kind]}s", "Data coverage")

st.header(f"{kinds[kind]}: coverage by region", anchor=False)
shown = cache.page_values(coverage.kind, kind, quarter, version=version)
if shown.heatmap is not None:
    st.plotly_chart(
        shown.heatmap,
        config={"displayModeBar": False},
        key="coverage_heatmap",
        alt=shown.heatmap.alt,
    )
    st.caption("Each cell: share of the region's councils that sent this return in that quarter.")
    with st.expander("Numbers"):
        st.dataframe(
            None if shown.by_region is None else downloads.arrow_table(shown.by_region),
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

st.header(f"Missing {kind} returns for {quarter}", anchor=False)
if not shown.missing_count:
    st.success(
        f"Every council in scope has sent its {kind} return for {quarter}.",
        icon=":material/check_circle:",
    )
else:
    st.caption(
        f"{shown.missing_count} councils have not sent it. The last column is their latest "
        "earlier return, if any."
    )
    st.dataframe(
        downloads.arrow_table(shown.missing),
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
        shown.missing_csv,
        file_name=f"missing-{kind}-{quarter}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="coverage_download",
    )

st.header("Values carried forward", anchor=False)
st.caption(
    f"A council's latest value counts for up to {charts.staleness_quarters} quarters after "
    f"it was reported (the staleness window); older ones are not counted in {quarter}'s figures."
)
if not shown.stale_count:
    st.success(
        f"Every council reported in {quarter}: nothing is carried forward.",
        icon=":material/check_circle:",
    )
else:
    st.dataframe(
        downloads.arrow_table(shown.stale),
        hide_index=True,
        key="coverage_stale",
        column_config={
            "council": "Council",
            "council_code": "GSS code",
            "region": "Region",
            "latest_return": "Latest return",
            "quarters_old": "Quarters old",
            "state": "State",
        },
    )
