"""Releases in the dashboard: which figures a session is shown (published or loaded), the
frame's banners, and the open-data download of the release shown.

The frame calls, in this order:

    publish.choose_view()            # before cache.data_version(): viewers see the current
                                     # release; analysts choose "loaded" or "published"
    publish.banner(version)          # "Not yet published" / "Nothing has been published yet"
    publish.open_data_button(version)   # in the sidebar: the release's open data (ZIP)

The publish and withdraw buttons are on the upload history page (ui.actions.publish /
withdraw do the work).
"""

from __future__ import annotations

import streamlit as st

from ui import cache, signin
from ui.cache import Source
from viewmodels import publish as vpublish

CHOICE_KEY = "tracker_view_choice"  # the analysts' "Figures shown" radio
VIEWS = {
    "loaded": "Loaded (not yet published)",
    "published": "Published (what viewers see)",
}


def releases_folder() -> str:
    return str(cache.releases_dir())


def choose_view() -> None:
    """Decide what this session is shown this run (cache.VIEW_KEY): the published release
    for everyone, or, for a signed-in analyst who chooses it, the loaded data."""
    analyst = signin.current_analyst()
    if analyst is None:
        st.session_state[cache.VIEW_KEY] = "published"
        return
    if cache.current_release() is None:  # nothing published: everyone sees the loaded data
        st.session_state[cache.VIEW_KEY] = "loaded"
        return
    choice = st.sidebar.radio(
        "Figures shown",
        list(VIEWS),
        format_func=VIEWS.get,
        key=CHOICE_KEY,
        help="Analysts can check what is loaded before it is published; viewers always "
        "see the published release.",
    )
    st.session_state[cache.VIEW_KEY] = choice or "loaded"


def banner(version: Source) -> None:
    """Say when the figures shown are not a published release."""
    if version.release is not None:
        return
    release = cache.current_release()
    if release is None:
        st.warning(
            "**Nothing has been published yet.** These are the figures as loaded, not a "
            "release: they can change while returns are being loaded. Analysts publish "
            "the checked figures on the Upload history page.",
            icon=":material/unpublished:",
        )
        return
    state = cache.page_values(
        vpublish.view, releases_folder(), release.number, version=cache.live_version()
    )
    st.warning(
        f"**Not yet published.** You are seeing the loaded data ({state.short}); viewers "
        f"see release {release.number}. Choose *Published* under *Figures shown* to see "
        "what they see, or publish on the Upload history page.",
        icon=":material/unpublished:",
    )


def open_data_button(version: Source) -> None:
    """The open data of the release shown (ZIP of CSV files, datapackage.json, index.json)."""
    release = version.release
    if release is None or not release.open_data_zip.is_file():
        return
    path = release.open_data_zip
    st.download_button(
        f"Open data, release {release.number} (ZIP)",
        data=path.read_bytes,  # read only when the button is pressed
        file_name=f"blueprint-tracker-{release.tag}-open-data.zip",
        mime="application/zip",
        icon=":material/download:",
        key="open_data_zip",
        on_click="ignore",
        help="Every measure's series and breakdowns as CSV files with a Frictionless Data "
        "Package descriptor (datapackage.json) and an index (index.json)"
        + (": demo data, not real returns." if release.demo else "."),
    )
