"""Council profile: one council's returns over time against its region, councils of its
type and England; its standards; what it has not reported. ?council=GSS code in the URL."""
import itertools

import streamlit as st

from metrics import app, views

app.ensure_frame()

st.title("Council profile", anchor=False)

quarter = st.session_state.get("quarter")
version = st.session_state.get("data_version")
councils = app.read(views.council_options, version=version)
if not councils:
    st.info("No councils in the reference geography yet. Create the database with "
            "`python -m store init` to load them.", icon=":material/location_off:")
    st.stop()

if "council" not in st.session_state:
    wanted = st.query_params.get("council")
    st.session_state["council"] = wanted if wanted in councils else None
elif st.session_state["council"] not in councils:
    st.session_state["council"] = None

st.selectbox("Council", list(councils), key="council", format_func=councils.get,
             index=None, placeholder="Type a council's name to search")
code = st.session_state["council"]
if not code:
    if "council" in st.query_params:
        del st.query_params["council"]
    st.info(f"Choose one of the {len(councils)} councils above to see its returns.",
            icon=":material/search:")
    st.stop()
st.query_params["council"] = code

info = app.read(views.council_info, code, version=version)
st.subheader(str(info["name"]), anchor=False)
facts = [f"{info['council_type']}", f"region: {info['region_name']}",
         f"footprint: {info['footprint_name'] or 'none'}",
         f"Centre of Service Innovation: {info['centre'] or 'none'}", f"GSS code {code}"]
st.caption(" · ".join(facts))

if not quarter:
    st.info("No returns have been loaded yet: nothing to show for this council.",
            icon=":material/hourglass_empty:")
    st.stop()

st.markdown(f"**Returns over time, up to {quarter}**: each point is what was reported in "
            "that quarter (nothing carried forward). Lines differ by dash and marker; "
            "the table under each chart gives the numbers.")
cols = st.columns(2)
for col, chart in zip(itertools.cycle(cols), app.page_values(app.council_profile, code, quarter, version=version)):
    with col:
        if not chart["reported"]:
            st.markdown(f"**{chart['title']}**")
            st.caption(f"{info['name']} has not reported this up to {quarter}.")
        if chart["figure"] is not None:
            st.plotly_chart(chart["figure"], config={"displayModeBar": False},
                            key=f"council_{chart['key']}")
            with st.expander("Numbers"):
                st.dataframe(chart["table"], hide_index=True, key=f"council_table_{chart['key']}")
        if chart["key"] == "workforce_share":
            st.caption("Figures resting on fewer than five people are shown as <5 and not drawn.")

st.subheader(f"Standards, as last reported by {quarter}", anchor=False)
standards = app.read(views.standards_status, code, quarter, version=version)
st.dataframe(standards[["standard", "status", "quarter", "note"]], hide_index=True,
             column_config={"standard": "Core standard", "status": "Status",
                            "quarter": "Reported in", "note": "Note"},
             key="council_standards")

st.subheader(f"Returns not received since {views.MISSING_SINCE}", anchor=False)
missing = app.read(views.missing_returns, code, quarter, version=version)
if missing.empty:
    st.success(f"Every survey and workforce return from {views.MISSING_SINCE} to {quarter} "
               "has been received.", icon=":material/check_circle:")
else:
    st.dataframe(missing, hide_index=True,
                 column_config={"kind": "Return", "quarter": "Quarter"}, key="council_missing")
