"""Data coverage: which councils have reported each kind of return in each quarter, by
region; the missing returns of the quarter shown; values carried forward. ?kind= in the URL."""
import streamlit as st

from metrics import app, export, figures, views

app.ensure_frame()

st.title("Data coverage", anchor=False)

quarter = st.session_state.get("quarter")
version = st.session_state.get("data_version")
if not quarter:
    st.info("No returns have been loaded yet, so no council has reported. Load a survey or "
            "workforce return on the Upload page (analysts).", icon=":material/hourglass_empty:")
    st.stop()

cfg = app.config()
kinds = {"survey": "Survey return", "workforce": "Workforce return"}

table = app.read(views.coverage, quarter, version=version)
now = app.read(views.coverage_at, quarter, version=version)
cols = st.columns(len(now))
for col, row in zip(cols, now):
    col.metric(f"{kinds[row['kind']]}s for {quarter}", row["text"],
               help="Councils in scope that sent this return for the quarter shown.")

st.subheader(f"Councils reporting each quarter since {views.MISSING_SINCE}", anchor=False)
trend = app.read(views.coverage_lines, quarter, version=version)
if trend:
    fig = figures.lines({kinds[k]: v for k, v in trend.items()}, unit="percent", height=300)
    fig.update_xaxes(nticks=6, tickangle=0)
    st.plotly_chart(fig, config={"displayModeBar": False}, key="coverage_trend")
with st.expander("Numbers"):
    st.dataframe(table, hide_index=True, key="coverage_table",
                 column_config={"kind": "Return", "quarter": "Quarter", "reporting": "Reporting",
                                "total": "Councils in scope",
                                "percent": st.column_config.NumberColumn("%", format="%.1f")})

st.divider()
if "coverage_kind" not in st.session_state:
    wanted = st.query_params.get("kind")
    st.session_state["coverage_kind"] = wanted if wanted in kinds else "survey"
st.radio("Return shown below", list(kinds), key="coverage_kind", format_func=kinds.get,
         horizontal=True)
kind = st.session_state["coverage_kind"]
st.query_params["kind"] = kind

st.subheader(f"{kinds[kind]}: coverage by region", anchor=False)
regions, quarters, z, text = app.read(views.coverage_heatmap, kind, quarter, version=version)
if regions:
    fig = figures.heatmap(regions, quarters, z, text)
    fig.update_traces(showscale=False, textfont_size=11)   # the numbers are in the cells
    fig.update_xaxes(tickangle=-45)                 # six quarters fit a phone
    st.plotly_chart(fig, config={"displayModeBar": False}, key="coverage_heatmap")
    st.caption("Each cell: share of the region's councils that sent this return in that quarter.")
    with st.expander("Numbers"):
        st.dataframe(app.read(views.coverage_by_region, kind, quarter, version=version),
                     hide_index=True, key="coverage_region_table",
                     column_config={"region": "Region", "quarter": "Quarter",
                                    "reporting": "Reporting", "total": "Councils",
                                    "percent": st.column_config.NumberColumn("%", format="%.0f")})
else:
    st.info("No councils in the reference geography.", icon=":material/location_off:")

st.subheader(f"Missing {kind} returns for {quarter}", anchor=False)
missing = app.read(views.missing_for_quarter, kind, quarter, version=version)
if missing.empty:
    st.success(f"Every council in scope has sent its {kind} return for {quarter}.",
               icon=":material/check_circle:")
else:
    st.caption(f"{len(missing)} councils have not sent it. The last column is their latest "
               "earlier return, if any.")
    st.dataframe(missing, hide_index=True, key="coverage_missing",
                 column_config={"council": "Council", "council_code": "GSS code",
                                "council_type": "Type", "region": "Region",
                                "latest_return": "Latest return"})
    st.download_button("Download the list (CSV)", export.to_csv_bytes(missing),
                       file_name=f"missing-{kind}-{quarter}.csv", mime="text/csv",
                       icon=":material/download:", key="coverage_download")

st.subheader("Values carried forward", anchor=False)
stale = app.read(views.stale_values, kind, quarter, version=version)
st.caption(f"A council's latest value counts for up to {cfg.staleness_quarters} quarters after "
           f"it was reported (the staleness window); older ones are not counted in {quarter}'s figures.")
if stale.empty:
    st.success(f"Every council reported in {quarter}: nothing is carried forward.",
               icon=":material/check_circle:")
else:
    st.dataframe(stale, hide_index=True, key="coverage_stale",
                 column_config={"council": "Council", "council_code": "GSS code", "region": "Region",
                                "latest_return": "Latest return",
                                "quarters_old": st.column_config.NumberColumn("Quarters old", format="%d"),
                                "state": "State"})
