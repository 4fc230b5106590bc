"""Upload history: publishing a release, every batch (filtered by kind, quarter and
uploader, in the URL), its original file, rollback behind a confirmation, and the demo
data removed in one step.

Analysts only (the table names who uploaded what).
"""

import streamlit as st

from ui import actions, boundary, cache, downloads, frame, publish, signin, url
from viewmodels import history
from viewmodels import publish as vpublish
from viewmodels.text import escape_markdown as md

frame.ensure_frame()

analyst = signin.require_analyst("Upload history")
signin.signed_in_sidebar(analyst)

st.title("Upload history")

for kind, text in st.session_state.pop("history_done", []):
    (st.success if kind == "ok" else st.error)(
        text, icon=(":material/check_circle:" if kind == "ok" else ":material/error:")
    )

version = cache.live_version()  # this page is about what is loaded, published or not

# ------------------------------------------------------------------ release
st.header("Release", anchor=False)
current = cache.current_release()
release = cache.page_values(
    vpublish.view,
    publish.releases_folder(),
    current.number if current else None,
    version=version,
)
st.markdown(release.headline)
st.markdown(release.changes)
with st.form("publish_form", clear_on_submit=True, border=False):
    note = st.text_input(
        "What is in this release",
        key="publish_note",
        placeholder="e.g. 2026-Q3 returns, checked",
        help="Kept with the release and shown with it.",
    )
    go = st.form_submit_button(
        f"Publish release {release.next_number}",
        type="primary",
        icon=":material/publish:",
        help="Every viewer sees the loaded figures from their next click; the open data "
        "(CSV files and their descriptor) is written with the release.",
    )
if go:
    try:
        with st.spinner(f"Publishing release {release.next_number}..."):
            made = actions.publish(note, user=analyst.name)
        st.session_state["history_done"] = [
            (
                "ok",
                f"Release {made.number} published: every viewer sees it on their next "
                f"click (data version {made.data_version}).",
            )
        ]
    except boundary.StoreBusy:
        st.session_state["history_done"] = [
            (
                "error",
                "Another publish or a long load held the database; nothing was published. Try again.",
            )
        ]
    except boundary.StoreError as exc:
        st.session_state["history_done"] = [("error", md(str(exc)))]
    st.rerun()

if release.current and release.previous:
    back = release.previous.number
    if st.session_state.get("withdraw_confirm") != release.current.number:
        if st.button(
            f"Withdraw release {release.current.number}...",
            icon=":material/undo:",
            key="withdraw_ask",
            help=f"Viewers go back to release {back}.",
        ):
            st.session_state["withdraw_confirm"] = release.current.number
            st.rerun()
    else:
        with st.container(border=True):
            st.warning(
                f"Withdraw release {release.current.number}? Every viewer sees release "
                f"{back} again from their next click. The loaded data is not changed.",
                icon=":material/warning:",
            )
            yes, no = st.columns(2)
            withdraw_yes = yes.button("Yes, withdraw it", type="primary", key="withdraw_yes")
            withdraw_no = no.button("Cancel", key="withdraw_no")
        if withdraw_no or withdraw_yes:
            st.session_state.pop("withdraw_confirm", None)
        if withdraw_yes:
            try:
                gone, now = actions.withdraw(user=analyst.name)
                st.session_state["history_done"] = [
                    (
                        "ok",
                        f"Release {gone.number} withdrawn: viewers see release {now.number} again.",
                    )
                ]
            except boundary.StoreError as exc:
                st.session_state["history_done"] = [("error", md(str(exc)))]
        if withdraw_no or withdraw_yes:
            st.rerun()

st.header("Batches", anchor=False)
shown = cache.page_values(history.view, version=version)
if not shown.batches:
    st.info(
        "No batches yet: load a return on the Upload returns page or with "
        "`python -m store ingest KIND FILE`.",
        icon=":material/inbox:",
    )
    st.stop()

demo = history.demo_text(shown.demo)
if demo:
    with st.container(border=True):
        st.warning(demo, icon=":material/science:")
        if st.session_state.get("history_demo_confirm"):
            st.markdown(
                f"**Remove the demo data?** Its {len(shown.demo.batches)} batches are rolled "
                "back together, in one step; uploaded returns are not touched."
            )
            yes, no = st.columns(2)
            if yes.button("Yes, remove the demo data", type="primary", key="history_demo_yes"):
                st.session_state.pop("history_demo_confirm", None)
                try:
                    with st.spinner("Removing the demo data..."):
                        removed = actions.remove_demo(user=analyst.name)
                    st.session_state["history_done"] = [("ok", md(removed.summary()))]
                except boundary.StoreBusy:
                    st.session_state["history_done"] = [
                        ("error", "The database stayed busy with another load; try again.")
                    ]
                except boundary.StoreError as exc:
                    st.session_state["history_done"] = [("error", md(str(exc)))]
                st.rerun()
            if no.button("Cancel", key="history_demo_no"):
                st.session_state.pop("history_demo_confirm", None)
                st.rerun()
        elif st.button(
            "Remove the demo data...", icon=":material/delete_sweep:", key="history_demo_ask"
        ):
            st.session_state["history_demo_confirm"] = True
            st.rerun()

filters = {
    "history_kind": ("kind", shown.kinds, "Kind of return", "All kinds"),
    "history_quarter": ("covers", shown.quarters, "Quarter covered", "All quarters"),
    "history_uploader": ("by", shown.uploaders, "Uploaded by", "Everyone"),
}
picked = {}
for col, (key, (param, options, label, anything)) in zip(st.columns(3), filters.items()):
    choices = [history.ALL, *options]
    url.url_filter(key, choices, history.ALL, param=param)
    col.selectbox(label, choices, key=key, format_func=lambda v, a=anything: v or a)
    value = st.session_state[key]
    if value:
        url.set_url(param, value)
    else:
        url.clear_url(param)
    picked[key.removeprefix("history_")] = value
ids = history.matching(shown, **picked)
st.caption(history.filter_text(shown, ids, picked))
table = history.table(shown, ids)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={"Batch": st.column_config.NumberColumn(format="%d")},
)
st.download_button(
    "Download the history (CSV)",
    downloads.csv_bytes(table, shown.notes),
    file_name="upload_history.csv",
    mime="text/csv",
    icon=":material/download:",
    key="history_csv",
)
if not ids:
    st.info("No batch matches these filters.", icon=":material/filter_alt_off:")
    st.stop()

st.header("One batch", anchor=False)
if st.session_state.get("history_batch") not in ids:
    st.session_state.pop("history_batch", None)
chosen = st.selectbox(
    "Batch",
    ids,
    key="history_batch",
    format_func=lambda b: shown.batches[b].label,
)
row = shown.batches[chosen]

original = cache.page_values(history.original, chosen, version=version)
if original is not None and original.is_file():
    st.download_button(
        f"Download the original file ({md(row.file_name)})",
        original.read_bytes(),
        file_name=row.file_name,
        icon=":material/download:",
        key=f"original_{chosen}",
        help=f"Exactly as uploaded (SHA-256 {row.file_sha256}); the upload "
        "refused any cell that starts with =, +, - or @.",
    )
else:
    st.caption(
        "The original file of this batch is not kept (loaded before originals were kept, "
        "or generated demo data)."
    )

if row.status != "active":
    st.caption(f"Batch {chosen} was rolled back; nothing to undo.")
    st.stop()

confirming = st.session_state.get("history_confirm") == chosen
if not confirming:
    if st.button(f"Roll back batch {chosen}...", icon=":material/undo:", key="rollback_ask"):
        st.session_state["history_confirm"] = chosen
        st.rerun()
    st.stop()

frame.set_title(f"Roll back batch {chosen}?", "Upload history")
with st.container(border=True):
    st.warning(
        f"Roll back batch {chosen} ({md(row.kind)}, {md(row.file_name)})? "
        f"Its {row.rows_added} added rows are removed and the {row.rows_replaced} "
        "rows it replaced come back. The loaded figures are without it at once; viewers "
        "see the change with the next release.",
        icon=":material/warning:",
    )
    yes, no = st.columns(2)
    do_it = yes.button("Yes, roll it back", type="primary", key="rollback_yes")
    cancel = no.button("Cancel", key="rollback_no")

if cancel:
    st.session_state.pop("history_confirm", None)
    st.rerun()
if do_it:
    st.session_state.pop("history_confirm", None)
    try:
        with st.spinner(f"Rolling back batch {chosen}..."):
            result = actions.roll_back(chosen, user=analyst.name)
        st.session_state["history_done"] = [("ok", md(result.summary()))]
    except boundary.StoreBusy:
        st.session_state["history_done"] = [
            (
                "error",
                "The database stayed busy with another load; "
                f"batch {chosen} was not rolled back. Try again.",
            )
        ]
    except boundary.StoreError as exc:
        st.session_state["history_done"] = [("error", md(str(exc)))]
    st.rerun()
