"""Upload returns: pick or recognise the kind, check the files, preview, confirm, load.

Analysts only. Every file is checked in full before anything is written (a dry run of
store.ingest); nothing is loaded until every file in the drop is valid and the analyst
confirms. Each file becomes one batch. Text from the files is only ever shown as text.
"""

import streamlit as st

from ui import actions, boundary, cache, downloads, frame, signin
from viewmodels import upload
from viewmodels.text import escape_markdown as md

frame.ensure_frame()

analyst = signin.require_analyst("Upload returns")
signin.signed_in_sidebar(analyst)

st.title("Upload returns")

RECOGNISE = upload.RECOGNISE
KIND_NAMES = list(upload.KIND_NAMES)
kind_label = upload.kind_label
st.session_state.setdefault("upload_nonce", 0)
checked: dict = st.session_state.setdefault("upload_checked", {})
recognised: dict = st.session_state.setdefault("upload_recognised", {})

for line in st.session_state.pop("upload_done", []):
    (st.success if line[0] == "ok" else st.error)(
        line[1], icon=(":material/check_circle:" if line[0] == "ok" else ":material/error:")
    )


left, right = st.columns([3, 2], gap="large")

with left:
    chosen = st.selectbox(
        "Kind of return",
        [RECOGNISE] + KIND_NAMES,
        format_func=kind_label,
        key="upload_kind",
        help="Leave on 'Recognise' to have the kind worked out from each "
        "file's headers; the guess is shown for every file.",
    )
    files = st.file_uploader(
        "Drop one or more CSV or XLSX files",
        type=["csv", "xlsx"],
        accept_multiple_files=True,
        key=f"upload_files_{st.session_state['upload_nonce']}",
        help=f"Each file up to {frame.upload_limit_mb()} MB (setting server.maxUploadSize).",
    )

# Once files are dropped, their results matter more than the guidance: it folds away.
with right, st.expander("What each kind of return holds", expanded=not files):
    if chosen == RECOGNISE:
        guide = st.selectbox("Guidance for", KIND_NAMES, format_func=kind_label, key="upload_guide")
    else:
        guide = chosen
    guidance = upload.guidance(guide)
    st.header(guidance.title, anchor=False)
    st.write(guidance.text)
    st.dataframe(list(guidance.columns), hide_index=True, width="stretch")
    if guidance.template is not None:
        st.download_button(
            f"Download the {guide} template (CSV)",
            guidance.template.read_bytes(),
            file_name=guidance.template_name,
            mime="text/csv",
            icon=":material/download:",
            key=f"template_{guide}",
        )
    else:
        st.caption(f"The {guide} template is not available yet.")

if not files:
    st.caption("Nothing checked yet: drop a file above.")
    st.stop()

version = cache.live_version()  # uploads check against the loaded data
ready: list[tuple] = []  # (file name, kind, data) of files that passed
blocked: list[str] = []  # names of files that cannot be loaded
replaced = 0  # stored rows the ready files replace

st.header("Files checked", anchor=False)
for n, f in enumerate(files, start=1):
    name = f.name
    with st.container(border=True):
        st.subheader(md(name), anchor=False)
        too_large = upload.too_large(name, f.size, frame.upload_limit_mb())
        if too_large:
            st.error(md(too_large), icon=":material/error:")
            blocked.append(name)
            continue
        data = f.getvalue()
        if chosen == RECOGNISE:
            if f.file_id not in recognised:  # (once per file: it reads only the header)
                recognised[f.file_id] = actions.detect_kind(data, name)
            detected, why = recognised[f.file_id]
            if detected is None:
                st.error(
                    f"The kind could not be recognised: {md(why)} Choose the kind above.",
                    icon=":material/help:",
                )
                blocked.append(name)
                continue
            st.info(
                f"Recognised as **{kind_label(detected)}**: {md(why)}. If that is "
                "wrong, choose the kind above.",
                icon=":material/search:",
            )
            file_kind = detected
        else:
            file_kind = chosen
        cache_key = (f.file_id, file_kind, version)
        try:
            if cache_key not in checked:
                with st.spinner(f"Checking {name}..."):
                    checked[cache_key] = actions.check_upload(
                        file_kind, data, name, user=analyst.name
                    )
            report = checked[cache_key]
        except boundary.StoreBusy:
            st.warning(
                "The database is busy with another load right now; this file has not "
                "been checked yet. Wait a moment and press R (or reload).",
                icon=":material/hourglass_top:",
            )
            blocked.append(name)
            continue
        except boundary.StoreError as exc:
            st.error(str(exc), icon=":material/error:")
            blocked.append(name)
            continue
        shown = upload.outcome(report, n)
        for note in shown.notes:
            st.caption(md(note))
        if shown.state == upload.REFUSED:
            st.error(f"**{shown.count}.** " + md(shown.headline), icon=":material/error:")
            blocked.append(name)
        elif shown.state == upload.DUPLICATE:
            st.info(md(shown.headline), icon=":material/content_copy:")
            continue
        elif shown.state == upload.WARNED:
            st.warning(md(shown.headline), icon=":material/warning:")
        else:
            st.success(md(shown.headline), icon=":material/check_circle:")
        if shown.summary_html:
            st.html(shown.summary_html)
            st.html(shown.problems_html)
            st.download_button(
                "Download the problems (CSV)",
                downloads.csv_bytes(shown.problem_rows),
                file_name=f"problems_{report.sha256[:12]}.csv",
                mime="text/csv",
                icon=":material/download:",
                key=f"problems_{f.file_id}",
            )
        if not shown.loadable:
            continue
        ready.append((name, file_kind, data))
        replaced += shown.rows_replaced
        a, b = st.columns(2)
        a.metric("Rows added", shown.rows_added)
        b.metric("Rows replaced", shown.rows_replaced)
        if shown.changes is not None:
            st.markdown("**What changes, by quarter and region**")
            st.dataframe(shown.changes, hide_index=True, width="stretch")
        if shown.comparison is not None:
            st.markdown("**The stored rows it replaces: old and new values**")
            st.caption(md(shown.comparison_caption))
            if shown.comparison_html:
                st.html(shown.comparison_html)
        if shown.sample is not None:
            st.markdown("**The rows as read**")
            st.caption(md(shown.sample_caption))
            st.dataframe(
                shown.sample,
                hide_index=True,
                width="stretch",
                column_config={"row": st.column_config.NumberColumn("Row", format="%d")},
            )

demo_choice = None
if blocked:
    frame.set_title("Upload returns", error=True)
    st.error(
        f"Nothing will be loaded until every file is valid: fix "
        f"{', '.join(md(n) for n in blocked)} and drop it again (or remove it).",
        icon=":material/block:",
    )
elif ready and cache.demo_loaded(version):
    st.warning(
        md(upload.demo_notice(actions.demo_summary(version), replaced)), icon=":material/science:"
    )
    demo_choice = st.radio(
        "What should happen to the demo data?",
        list(upload.DEMO_CHOICES),
        format_func=upload.DEMO_CHOICES.get,
        index=None,
        key="upload_demo_choice",
    )
if not ready and not blocked:
    st.info("Nothing to load: every file dropped is loaded already.", icon=":material/done_all:")
    st.stop()
count = len(ready) + len(blocked)  # (files already loaded are skipped)
label = "Load this file" if count == 1 else f"Load these {count} files"
needs_choice = bool(ready) and not blocked and cache.demo_loaded(version) and demo_choice is None
go = st.button(
    label,
    type="primary",
    icon=":material/upload:",
    key="upload_confirm",
    disabled=bool(blocked) or not ready or needs_choice,
    help="Choose what happens to the demo data first." if needs_choice else None,
)

if go:
    done, failed = [], False
    with st.status(f"Loading {len(ready)} file(s)...", expanded=True) as status:
        if demo_choice == upload.REMOVE_DEMO:
            st.markdown("Removing the demo data...")
            try:
                done.append(("ok", actions.remove_demo(user=analyst.name).summary()))
            except boundary.StoreError as exc:
                done.append(
                    ("error", f"The demo data was not removed, so nothing was loaded: {exc}")
                )
                failed = True
                ready = []
        bar = st.progress(0.0)
        for i, (name, file_kind, data) in enumerate(ready):
            st.markdown(f"Loading {md(name)} as {file_kind}...")
            try:
                report = actions.load_upload(file_kind, data, name, user=analyst.name)
            except boundary.StoreBusy:
                done.append(
                    (
                        "error",
                        f"{name} was not loaded: the database stayed busy with "
                        "another load. Nothing from it was written; try again.",
                    )
                )
                failed = True
                break
            except boundary.StoreError as exc:
                done.append(("error", f"{name} was not loaded: {exc}"))
                failed = True
                break
            if report.batch_id is None:
                done.append(("error", f"{name} was not loaded: {report.summary()}"))
                failed = True
                break
            done.append(("ok", report.summary()))
            bar.progress((i + 1) / len(ready))
        status.update(
            label="Load stopped" if failed else "Loaded", state="error" if failed else "complete"
        )
    st.session_state["upload_done"] = [(k, md(text)) for k, text in done]
    st.session_state["upload_checked"] = {}
    if not failed:
        st.session_state["upload_nonce"] += 1
    st.rerun()
