"""Places: one measure by region, footprint, Centre of Service Innovation or council:
a map (bars for a count by group), a ranking with England, the target and the status,
each group's trend, and two to four groups of the level against England.

Page filters live in the URL too: ?measure=...&places_level=...&layer=...&compare=a,b
A value in the link that does not exist is said, not silently replaced.
"""

import streamlit as st

from ui import boardpack, cache, downloads, frame, url
from viewmodels import places

frame.ensure_frame()

st.title("Places", anchor=False)

quarter = st.session_state.get("quarter")
version = st.session_state.get("data_version")
if not quarter:
    st.info(
        "No returns have been loaded yet, so there is nothing to map. Load a survey or "
        "workforce return on the Upload page (analysts), then come back.",
        icon=":material/map:",
    )
    st.stop()

levels = list(places.LEVELS)
shared_level = st.session_state.get("level")
first_visit = "places_level" not in st.session_state
refused = [
    url.url_filter(
        "places_level",
        levels,
        shared_level if shared_level in levels else "region",
        what="level",
        label=places.LEVEL_SHORT.get,
    )
]

top = st.columns([3, 2])
with top[1]:
    st.radio(
        "Level",
        levels,
        key="places_level",
        format_func=places.LEVEL_SHORT.get,
        horizontal=True,
        help="Footprint: a combined or strategic authority. Centre: a Centre of Service "
        "Innovation. Council: each council's own latest value.",
    )
level = st.session_state["places_level"]
picker = cache.config_values(places.options, level)
options = picker.options
refused.append(
    url.url_filter(
        "places_measure",
        list(options),
        picker.default,
        param="measure",
        what="measure",
        label=options.get,
    )
)
with top[0]:
    st.selectbox("Measure", list(options), key="places_measure", format_func=options.get)
measure = st.session_state["places_measure"]
unit = picker.units[measure]
title = options[measure]

layer = "council"
if level == "council":
    refused.append(
        url.url_filter(
            "places_layer",
            list(places.LAYERS),
            "council",
            param="layer",
            what="map layer",
            label=places.LAYERS.get,
        )
    )
    st.radio(
        "Draw councils as",
        list(places.LAYERS),
        key="places_layer",
        format_func=places.LAYERS.get,
        horizontal=True,
        help="County councils share their area with their districts: the map shows either "
        "the districts (and unitaries) or the counties (and unitaries), each with its "
        "own value. The ranking lists every council.",
    )
    layer = st.session_state["places_layer"]

url.set_url("measure", measure)
url.set_url("places_level", level)
if level == "council":
    url.set_url("layer", layer)
else:
    url.clear_url("layer")

view = cache.page_values(places.view, measure, level, quarter, unit, version=version)
for note in refused:
    if note:
        st.warning(note, icon=":material/link_off:")

frame.set_title(f"{title} by {view.group_name}", "Places")
st.header(f"{title}, as at {quarter}", anchor=False)
if view.empty:
    st.info(
        f"There are no {view.level_name} groups with councils in the reference geography yet.",
        icon=":material/location_off:",
    )
elif not view.has_values:
    st.info(
        f"No data yet for {quarter}: no council in scope has reported {title.lower()} "
        "at or before this quarter (within the staleness window). Pick an earlier quarter "
        "in the sidebar, or another measure.",
        icon=":material/hourglass_empty:",
    )

map_col, note_col = st.columns([3, 2])
with map_col:
    try:
        fig = cache.page_values(
            places.map_figure, measure, level, quarter, layer, title, unit, version=version
        )
        st.plotly_chart(
            fig,
            config={"displayModeBar": False, "scrollZoom": False},
            key="places_map",
            alt=fig.alt,
        )
    except places.BoundaryError as exc:
        st.error(f"The map could not be drawn: {exc}", icon=":material/error:")
    except places.ReferenceDataMissing as exc:  # reference folder missing: say where to put it
        st.warning(f"The map needs the ONS boundary files: {exc}", icon=":material/map:")
with note_col:
    if view.map_note:
        st.caption(view.map_note)
    if view.is_map:
        st.caption(places.ATTRIBUTION)

st.markdown("**Ranking**")
st.dataframe(
    downloads.arrow_table(view.table),
    hide_index=True,
    column_config={
        "rank": st.column_config.TextColumn("Rank", width="small"),
        "group": st.column_config.TextColumn(view.short_name),
        "display": st.column_config.TextColumn("Value", width="small"),
        "coverage": st.column_config.TextColumn("Based on", width="medium"),
        "target": st.column_config.TextColumn("Target", width="small"),
        "status": st.column_config.TextColumn("Status", width="medium"),
    },
    height="auto",
    key="places_ranking",
)
downloads.file_buttons(view.download)

if level != "council":
    st.header("Trends by group", anchor=False)
    if view.trends is not None:
        st.caption(
            f"{title} in each {view.short_name.lower()} up to {quarter}, "
            f"all on the same scale ({view.unit_label})."
        )
        st.plotly_chart(
            view.trends, config={"displayModeBar": False}, key="places_trends", alt=view.trends.alt
        )
        with st.expander("Numbers"):
            st.dataframe(view.trends_table, hide_index=True, key="places_trends_table")
    else:
        st.info("No quarters with data up to this one yet.", icon=":material/hourglass_empty:")
else:
    st.caption("Trends are drawn by group; the Council profile page shows one council over time.")

st.header(view.compare_heading, anchor=False)
groups = view.groups
if len(groups) < 2:
    st.info(
        f"There are fewer than two {view.group_name}s with councils in the reference "
        "geography to compare.",
        icon=":material/location_off:",
    )
else:
    compare_key = f"places_compare_{level}"
    note = url.url_list_filter(
        compare_key, groups, places.MAX_COMPARE, param="compare", what=view.group_name
    )
    if note and first_visit:
        st.warning(note, icon=":material/link_off:")
    st.multiselect(
        view.compare_label,
        list(groups),
        key=compare_key,
        format_func=groups.get,
        max_selections=places.MAX_COMPARE,
        placeholder=f"Type a {view.group_name}'s name",
    )
    chosen = tuple(st.session_state[compare_key])
    url.set_url("compare", list(chosen))
    if len(chosen) < 2:
        st.info(view.compare_prompt, icon=":material/compare_arrows:")
    else:
        fig = cache.page_values(
            places.compare, measure, level, chosen, quarter, title, unit, version=version
        )
        st.plotly_chart(
            fig, config={"displayModeBar": False}, key="places_compare_chart", alt=fig.alt
        )
        with st.expander("Numbers"):
            st.dataframe(
                cache.page_values(
                    places.compare_table,
                    measure,
                    level,
                    chosen,
                    quarter,
                    title,
                    unit,
                    version=version,
                ),
                hide_index=True,
                key="places_compare_table",
            )

st.header("Board pack", anchor="board-pack", divider="gray")
pack_level = places.pack_level(level)
st.caption(places.pack_caption(pack_level, quarter))
boardpack.board_pack(
    quarter,
    boardpack.scope_options(pack_level),
    key=f"places_pack_{pack_level}",
    label=places.LEVEL_SHORT[pack_level],
)
