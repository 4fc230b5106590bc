"""Methodology: how every figure is made, generated from the configuration (so it cannot
drift), with the exact numbers behind each measure's status in the quarter shown, and
the data sources with their licence attributions."""

import streamlit as st

from metrics import app

app.ensure_frame()

quarter = st.session_state.get("quarter")
cfg = app.config()
bands = cfg.bands

st.title("Methodology", anchor=False)
st.markdown(
    f"Every measure has a baseline in **{cfg.baseline_quarter}** (when the report was published) "
    f'and, where the vision sets one, a target for **{cfg.deadline}**. "Latest" means a council\'s '
    f"most recent value at or before the quarter shown, carried forward at most "
    f"**{cfg.staleness_quarters} quarters**, so a council that missed one return is not counted as zero."
)

st.subheader("How the status is judged", anchor="status", divider="gray")
st.markdown(
    "With the baseline value *b* in quarter *t0*, the target *T* at the deadline *D* and the latest "
    "value *v* in the quarter shown *t* (quarters counted one by one):\n\n"
    "- expected progress by now on the straight path: **E = (T − b) × (t − t0) ÷ (D − t0)**\n"
    "- progress ratio: **R = (v − b) ÷ E**\n"
    f"- **Achieved**: *v* has reached *T*\n"
    f"- **On track**: R ≥ {bands.on_track:g}\n"
    f"- **Acceleration needed**: {bands.acceleration_needed:g} ≤ R < {bands.on_track:g}\n"
    f"- **Limited progress**: {bands.limited_progress:g} ≤ R < {bands.acceleration_needed:g}\n"
    f"- **Deteriorating**: R < {bands.limited_progress:g}\n"
    "- **Not enough data**: no baseline, or fewer than two quarters with data\n\n"
    "A milestone is **achieved** or **not yet**. A measure without a target gets a direction of "
    f"travel over the last {cfg.direction_quarters} quarters (improving, stable, worsening), never a "
    f"status. The projection is a straight line fitted to the last up to {cfg.projection_quarters} "
    f"quarters, extended to {cfg.deadline}."
)
if quarter:
    st.caption(f"The numbers below are those behind the figures for {quarter}, England as a whole.")
else:
    st.caption("No returns are loaded yet, so no measure has figures to show below.")

for theme in app.page_values(
    app.methodology, quarter, version=st.session_state.get("data_version")
):
    st.subheader(theme["title"], anchor=theme["id"], divider="gray")
    for m in theme["measures"]:
        st.container(border=True).markdown(m["markdown"])

st.subheader("Data sources and licences", anchor="sources", divider="gray")
st.markdown(app.SOURCES_MARKDOWN)
st.caption(app.OS_ATTRIBUTION)
