"""Upload history: every batch, its original file, and rollback behind a confirmation.

Analysts only (the table names who uploaded what).
"""

import streamlit as st

from metrics import app, export
from store import auth, batches
from store.db import StoreBusy, StoreError

app.ensure_frame()

analyst = auth.require_analyst("Upload history")
auth.signed_in_sidebar(analyst)
md = auth.escape_markdown

st.title("Upload history")

for kind, text in st.session_state.pop("history_done", []):
    (st.success if kind == "ok" else st.error)(
        text, icon=(":material/check_circle:" if kind == "ok" else ":material/error:")
    )

version = app.data_version()
table = app.read(batches.history, version=version)
if table.empty:
    st.info(
        "No batches yet: load a return on the Upload returns page or with "
        "`python -m store ingest KIND FILE`.",
        icon=":material/inbox:",
    )
    st.stop()

st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        "batch_id": st.column_config.NumberColumn("batch", format="%d"),
        "file_sha256": st.column_config.TextColumn("SHA-256"),
    },
)
st.download_button(
    "Download the history (CSV)",
    export.to_csv_bytes(table),
    file_name="upload_history.csv",
    mime="text/csv",
    icon=":material/download:",
    key="history_csv",
)

st.subheader("One batch", anchor=False)
by_id = table.set_index("batch_id", drop=False)
chosen = st.selectbox(
    "Batch",
    by_id.index.tolist(),
    key="history_batch",
    format_func=lambda b: (
        f"Batch {b}: {by_id.at[b, 'kind']}, {by_id.at[b, 'file_name']}, "
        f"loaded {by_id.at[b, 'uploaded_at']:%Y-%m-%d %H:%M} by "
        f"{by_id.at[b, 'uploaded_by']}"
    ),
)
row = by_id.loc[chosen]

original = app.read(batches.original_file, int(chosen), version=version)
if original is not None and original.is_file():
    st.download_button(
        f"Download the original file ({md(str(row['file_name']))})",
        original.read_bytes(),
        file_name=str(row["file_name"]),
        icon=":material/download:",
        key=f"original_{chosen}",
        help=f"Exactly as uploaded (SHA-256 {row['file_sha256']}); the upload "
        "refused any cell that starts with =, +, - or @.",
    )
else:
    st.caption(
        "The original file of this batch is not kept (loaded before originals were kept, "
        "or generated demo data)."
    )

if row["status"] != "active":
    st.caption(f"Batch {chosen} was rolled back; nothing to undo.")
    st.stop()

confirming = st.session_state.get("history_confirm") == chosen
if not confirming:
    if st.button(f"Roll back batch {chosen}...", icon=":material/undo:", key="rollback_ask"):
        st.session_state["history_confirm"] = chosen
        st.rerun()
    st.stop()

with st.container(border=True):
    st.warning(
        f"Roll back batch {chosen} ({md(str(row['kind']))}, {md(str(row['file_name']))})? "
        f"Its {row['rows_added']} added rows are removed and the {row['rows_replaced']} "
        "rows it replaced come back. Every page shows the figures without it.",
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
            result = batches.rollback(app.db_path(), int(chosen), user=analyst.name)
        st.session_state["history_done"] = [("ok", md(result.summary()))]
    except StoreBusy:
        st.session_state["history_done"] = [
            (
                "error",
                "The database stayed busy with another load; "
                f"batch {chosen} was not rolled back. Try again.",
            )
        ]
    except StoreError as exc:
        st.session_state["history_done"] = [("error", md(str(exc)))]
    st.rerun()
