"""Council profile: one council's returns over time against its region, councils of its
type and England; its standards; what it has not reported. ?council=GSS code in the URL."""

import itertools

import streamlit as st

from ui import cache, downloads, frame, url
from viewmodels import council

frame.ensure_frame()

st.title("Council profile", anchor=False)

quarter = st.session_state.get("quarter")
version = st.session_state.get("data_version")
councils = cache.page_values(council.choices, version=version)
if not councils:
    st.info(
        "No councils in the reference geography yet. Create the database with "
        "`python -m store init` to load them.",
        icon=":material/location_off:",
    )
    st.stop()

refused = url.url_filter(
    "council", councils, None, what="council", missing="is not a council in scope"
)
if refused:
    st.warning(refused, icon=":material/link_off:")
st.selectbox(
    "Council",
    list(councils),
    key="council",
    format_func=councils.get,
    index=None,
    placeholder="Type a council's name to search",
)
code = st.session_state["council"]
if not code:
    url.clear_url("council")
    st.info(
        f"Choose one of the {len(councils)} councils above to see its returns.",
        icon=":material/search:",
    )
    st.stop()
url.set_url("council", code)

header = cache.page_values(council.header, code, version=version)
frame.set_title(header.name, "Council profile")  # the tab's title is plain text
st.header(header.name_md, anchor=False)
st.caption(header.facts_md)
st.caption(header.like_md)

if not quarter:
    st.info(
        "No returns have been loaded yet: nothing to show for this council.",
        icon=":material/hourglass_empty:",
    )
    st.stop()

st.markdown(
    f"**Returns over time, up to {quarter}**: each point is what was reported in "
    "that quarter (nothing carried forward; a quarter without returns is a gap). Lines "
    "differ by dash and marker; the table under each chart gives the numbers."
)
cols = st.columns(2)
for col, chart in zip(
    itertools.cycle(cols), cache.page_values(council.charts, code, quarter, version=version)
):
    with col:
        if not chart.reported:
            st.markdown(f"**{chart.title}**")
            st.caption(f"{header.name_md} has not reported this up to {quarter}.")
        if chart.figure is not None:
            st.plotly_chart(
                chart.figure,
                config={"displayModeBar": False},
                key=f"council_{chart.key}",
                alt=chart.figure.alt,
            )
            with st.expander("Numbers"):
                downloads.scrolling_markdown(chart.table_markdown, f"{chart.title}: numbers")
        if chart.note:
            st.caption(chart.note)

tables = cache.page_values(council.tables, code, quarter, version=version)
st.subheader(f"Standards, as last reported by {quarter}", anchor=False)
downloads.scrolling_markdown(tables.standards, "Core standards")

st.subheader(f"Returns not received since {council.MISSING_SINCE}", anchor=False)
if tables.missing is None:
    st.success(
        f"Every survey and workforce return from {council.MISSING_SINCE} to {quarter} "
        "has been received.",
        icon=":material/check_circle:",
    )
else:
    downloads.scrolling_markdown(tables.missing, "Returns not received")
