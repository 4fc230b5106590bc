"""Blueprint Tracker: the entry point and frame (navigation and shared filters only).

Run with `make run` (or `streamlit run dashboard.py`).

What the frame gives every page (read these, do not set them):

- ``st.session_state["quarter"]``: the quarter shown, 'YYYY-Qn' (default: the latest
  quarter with data), or None when no data has been loaded yet.
- ``st.session_state["level"]``: the geography level, one of viewmodels.text.LEVELS:
  'national', 'region', 'footprint', 'centre', 'council_type'. ``viewmodels.text.by(level)``
  turns it into the ``by`` argument of metrics.summary.
- ``st.session_state["data_version"]``: what this run reads (ui.cache.Source: the
  current release, or the loaded data for an analyst who chose it) and its data version;
  pass it to ui.cache.page_values as ``version=`` so the page shows the same release as
  the frame. ``ui.cache.release_label(version)`` names it.

Both filters live in the sidebar and in the URL (``?quarter=2026-Q3&level=region``) so
a link reproduces the view. The frame also shows the demo-data banner while demo data is
loaded, the "not yet published" banner when the figures are not a release (ui.publish),
and the quarter and release shown. Without a database, every page shows how to create one.
"""

import streamlit as st

from ui import cache, frame, plotly_json, publish, signin, url
from viewmodels.overview import GEOGRAPHY_NOTE
from viewmodels.text import LEVELS, quarter_label

# A flag as a data URL: a Material-icon favicon would be fetched from fonts.gstatic.com,
# and the dashboard makes no request beyond its own server.
FAVICON = (
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 64 64'%3E"
    "%3Crect x='12' y='4' width='6' height='56' fill='%230072B2'/%3E"
    "%3Cpolygon points='18,6 58,19 18,32' fill='%230072B2'/%3E%3C/svg%3E"
)

st.set_page_config(page_title="Blueprint Tracker", page_icon=FAVICON, layout="wide")
plotly_json.install()  # frozen figures reach the browser as JSON encoded once (ui/plotly_json.py)

PAGES = {
    "Progress": [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/theme.py", title="Themes", icon=":material/trending_up:"),
        st.Page("pages/delivery.py", title="Delivery", icon=":material/task_alt:"),
        st.Page("pages/places.py", title="Places", icon=":material/map:"),
        st.Page("pages/council.py", title="Council profile", icon=":material/account_balance:"),
    ],
    "About the data": [
        st.Page("pages/coverage.py", title="Data coverage", icon=":material/fact_check:"),
        st.Page("pages/methodology.py", title="Methodology", icon=":material/menu_book:"),
        st.Page(
            "pages/accessibility.py",
            title="Accessibility statement",
            icon=":material/accessibility:",
        ),
    ],
    "Analysts": [
        st.Page("pages/upload.py", title="Upload returns", icon=":material/upload_file:"),
        st.Page("pages/history.py", title="Upload history", icon=":material/history:"),
        st.Page("pages/accounts.py", title="Analyst accounts", icon=":material/manage_accounts:"),
        st.Page("pages/sign_in.py", title="Analyst sign-in", icon=":material/login:"),
    ],
}

page = st.navigation(PAGES)
frame.set_title(page.title)  # each page its own <title>; a page names the view it shows
frame.accessible_focus()  # a visible ring on whatever the keyboard focuses
signin.require_viewer()  # stops here only when viewing needs sign-in (ui/signin.py)


if not frame.db_exists():
    st.session_state["quarter"] = None
    st.session_state["level"] = "national"
    st.title("Blueprint Tracker")
    st.info(
        f"There is no database yet at `{frame.db_path()}`. {frame.CREATE_HINT}",
        icon=":material/database:",
    )
    st.stop()

publish.choose_view()  # viewers: the current release; analysts may choose the loaded data
version = cache.data_version()
st.session_state["data_version"] = version
available = cache.quarters(version)
levels = list(LEVELS)

refused = []
with st.sidebar:
    st.header("Show", anchor=False)
    if available:
        newest_first = available[::-1]
        refused.append(
            url.url_filter(
                "quarter", newest_first, newest_first[0], what="quarter", missing="has no data"
            )
        )
        st.selectbox(
            "Quarter",
            newest_first,
            key="quarter",
            format_func=lambda x: f"{x} ({quarter_label(x)})",
            help="Figures as at the end of this quarter; the latest quarter with data "
            "is the default.",
        )
    else:
        st.session_state["quarter"] = None
        st.caption("No quarter to choose yet: no returns have been loaded.")
    refused.append(url.url_filter("level", levels, "national", what="level", label=LEVELS.get))
    on_overview = page.url_path == ""  # the default page: the overview shows England
    st.selectbox(
        "Geography",
        levels,
        key="level",
        format_func=LEVELS.get,
        disabled=on_overview,
        help=GEOGRAPHY_NOTE
        if on_overview
        else "Cut each measure by region, footprint, Centre of Service Innovation or council type.",
    )
    if on_overview:
        st.caption(GEOGRAPHY_NOTE)
    publish.open_data_button(version)

for key in ("quarter", "level"):
    if st.session_state.get(key):
        url.set_url(key, st.session_state[key])

if cache.demo_loaded(version):
    st.warning(
        "**Demo data: generated figures, not real returns.** Analysts remove it in one "
        "step on the Upload history page.",
        icon=":material/science:",
    )
publish.banner(version)  # the figures shown are not a published release

for note in refused:
    if note:
        st.warning(note, icon=":material/link_off:")

shown = st.session_state.get("quarter")
if shown:
    where = "England" if on_overview else LEVELS[st.session_state["level"]]
    st.caption(
        f"Figures as at **{shown}** ({quarter_label(shown)}) · {where}"
        f" · {cache.release_label(version)}"
    )

page.run()
