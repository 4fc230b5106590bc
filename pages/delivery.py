"""Delivery: every action the report names (recommendations, priority areas, next steps, who
should be doing what), who owns it, where it stands and where it is slipping, as at the
quarter shown. The register is filtered by ?owner=, ?theme=, ?kind=, ?status=,
?attention= and ?search= in the URL; ?action=ID opens one action with its history, where
signed-in analysts can record an update (loaded as an upload of one row would be).

Text from updates (reason, evidence, commentary) is shown as plain text only: st.text,
table cells, or markdown the view-model escaped.
"""

import streamlit as st

from ui import actions, boundary, cache, downloads, frame, signin, url
from viewmodels import delivery, delivery_action, upload
from viewmodels.text import escape_markdown as md

frame.ensure_frame()

quarter = st.session_state.get("quarter")
version = st.session_state.get("data_version")
register_file = cache.register_state()


def keep_in_url(param: str, value: str, default: str) -> None:
    if value == default:
        url.clear_url(param)
    else:
        url.set_url(param, value)


def show_action(a: delivery_action.ActionView) -> None:
    """One action: where it stands, its history, its measures, the update form."""
    if st.button("All actions", icon=":material/arrow_back:", key="delivery_back"):
        url.clear_url("action")
        st.rerun()
    frame.set_title(a.heading, "Delivery")
    st.title(a.heading, anchor=False)
    st.markdown(f"**{a.text_markdown}**")
    for kind, text in st.session_state.pop("delivery_done", []):
        (st.success if kind == "ok" else st.error)(
            text, icon=":material/check_circle:" if kind == "ok" else ":material/error:"
        )
    st.markdown(a.badges)
    st.markdown(a.facts)
    if a.attention:
        st.markdown(f"**Needs attention, as at {a.quarter}:**\n\n{a.attention_markdown}")

    st.header("Status over quarters", anchor=False)
    if a.timeline:
        st.markdown(a.timeline)
    else:
        st.caption(f"No update on this action up to {a.quarter}: nobody has reported on it yet.")
    if a.later:
        st.caption(
            f"{a.later} update(s) after {a.quarter} are listed below but not counted here: "
            "choose a later quarter in the sidebar to see them counted."
        )

    st.header("Due quarter", anchor=False)
    st.markdown(a.original_due)
    if len(a.revisions):
        st.caption("Every revision of the due quarter, with the reason given")
        st.dataframe(downloads.arrow_table(a.revisions), hide_index=True, key="delivery_revisions")
    else:
        st.caption("The due quarter has not moved.")

    st.header("Latest evidence, reason and commentary", anchor=False)
    if a.evidence:
        st.markdown(f"**Evidence** (given for {a.evidence_quarter})")
        st.text(a.evidence)
        if a.evidence_url:
            st.link_button("Open the evidence", a.evidence_url, icon=":material/open_in_new:")
    if a.reason:
        st.markdown("**Reason given** (latest update)")
        st.text(a.reason)
    if a.commentary:
        st.markdown(f"**Commentary** (given for {a.commentary_quarter})")
        st.text(a.commentary)
    if not (a.evidence or a.reason or a.commentary):
        st.caption("No evidence, reason or commentary given yet.")

    st.header("Every update, newest first", anchor=False)
    if len(a.history):
        st.dataframe(
            downloads.arrow_table(a.history),
            hide_index=True,
            key="delivery_history",
            placeholder="",
            column_config={
                "commentary": st.column_config.TextColumn("commentary", width="medium"),
                "reason": st.column_config.TextColumn("reason", width="medium"),
                "evidence link": st.column_config.LinkColumn("evidence link"),
                "batch": st.column_config.NumberColumn("batch", format="%d"),
            },
        )
    else:
        st.caption("None yet.")

    st.header("Measures it is meant to move", anchor=False)
    if a.measures:
        st.markdown("\n".join(f"- {m.markdown}" for m in a.measures), unsafe_allow_html=True)
    else:
        st.caption("The register links no measure to this action.")

    analyst = signin.current_analyst()
    if analyst is None:
        st.caption(
            "Analysts record an update for this action here once signed in (Analyst sign-in)."
        )
        return
    signin.signed_in_sidebar(analyst)
    update_form(a, analyst.name)


def update_form(a: delivery_action.ActionView, user: str) -> None:
    """The analysts' form: one update of this action, loaded as a one-row upload."""
    f = a.form
    st.header(f"Record an update for {a.id}", anchor=False)
    st.caption(
        "Checked by the same rules as an uploaded file and loaded as one batch (see Upload "
        "history). The form starts from the latest update; an update for a quarter already "
        "reported replaces it."
    )
    with st.form(f"delivery_update_{a.id}"):
        left, right = st.columns(2)  # two rows of two: in reading order on a phone too
        quarter_ = left.selectbox(
            "Quarter",
            f.quarters,
            key=f"update_quarter_{a.id}",
            index=f.quarters.index(f.quarter),
            help="The status as at this quarter. An update for a quarter already reported "
            "replaces it (the replaced one is kept and the batch can be rolled back).",
        )
        status = right.selectbox(
            "Status",
            list(f.statuses),
            key=f"update_status_{a.id}",
            index=list(f.statuses).index(f.status),
            format_func=f.statuses.get,
            help="Completed needs evidence; off track and dropped need a reason.",
        )
        left, right = st.columns(2)
        confidence = left.selectbox(
            "Confidence of finishing by the due quarter",
            list(f.confidences),
            key=f"update_confidence_{a.id}",
            index=list(f.confidences).index(f.confidence),
            format_func=f.confidences.get,
        )
        due = right.selectbox(
            "Due quarter",
            f.dues,
            key=f"update_due_{a.id}",
            index=f.dues.index(f.due),
            format_func=lambda d: d or "not set",
            help="When it is now planned to finish. Moving it needs a reason.",
        )
        reason = st.text_input(
            "Reason",
            f.reason,
            key=f"update_reason_{a.id}",
            max_chars=1000,
            help="Why the due quarter moved, or why the action is off track or dropped.",
        )
        evidence = st.text_input(
            "Evidence",
            f.evidence,
            key=f"update_evidence_{a.id}",
            max_chars=1000,
            help="What shows the work: a description, or a link starting http:// or https://.",
        )
        commentary = st.text_area(
            "Commentary", f.commentary, max_chars=1000, key=f"update_commentary_{a.id}"
        )
        submitted = st.form_submit_button(
            "Record this update", type="primary", icon=":material/save:"
        )
    if not submitted:
        return
    values = {
        "action_id": a.id,
        "quarter": quarter_,
        "status": status,
        "confidence": confidence,
        "due_quarter": due,
        "reason": reason,
        "evidence": evidence,
        "commentary": commentary,
    }
    try:
        with st.spinner("Checking and recording the update..."):
            report = actions.record_update(values, user=user)
    except boundary.StoreBusy:
        st.warning(
            "The database stayed busy with another load; the update was not recorded. "
            "Try again in a moment.",
            icon=":material/hourglass_top:",
        )
        return
    except boundary.StoreError as exc:
        st.error(md(str(exc)), icon=":material/error:")
        return
    if report.batch_id is not None:
        st.session_state["delivery_done"] = [("ok", md(report.summary()))]
        for field in ("quarter", "status", "confidence", "due", "reason", "evidence", "commentary"):
            st.session_state.pop(f"update_{field}_{a.id}", None)  # the form starts afresh
        st.rerun()
    if report.duplicate_of is not None:
        st.warning(md(report.summary()), icon=":material/content_copy:")
        return
    st.error(
        f"**{upload.problem_count(report.problems, report.hidden)}.** " + md(report.summary()),
        icon=":material/error:",
    )
    st.dataframe(upload.problem_rows(report.problems), hide_index=True, key="delivery_problems")


# ------------------------------------------------------------------ one action (?action=)

wanted = st.query_params.get("action")
if wanted:
    shown_action = cache.page_values(
        delivery_action.action,
        wanted,
        quarter,
        st.session_state.get("level", "national"),
        register_file,
        version=version,
    )
    if shown_action is not None:
        show_action(shown_action)
        st.stop()
    st.warning(
        f"There is no action {md(wanted)} in the register (or no figures for the quarter "
        "shown): here is the whole register.",
        icon=":material/search_off:",
    )
    url.clear_url("action")

# ------------------------------------------------------------------ the whole register

v = cache.page_values(delivery.view, quarter, register_file, version=version)
st.title("Delivery of the blueprint", anchor=False)
if v.problem:
    st.info(md(v.problem), icon=":material/event_busy:")
    st.stop()
st.caption(v.intro)

with st.container(horizontal=True, gap="xsmall", key="delivery_counts"):
    for c in v.counts:  # six side by side on a desktop, two a row on a phone
        st.metric(c.label, c.n, icon=c.icon, border=True, width=140)
st.markdown(v.flags)
st.caption(v.counts_note)
if v.attention:
    why = st.expander(
        f"Why {v.needs_attention} action{'s' if v.needs_attention != 1 else ''} need attention",
        icon=":material/flag:",
        key="delivery_why",
        on_change="rerun",
    )
    if why.open:
        with why:
            st.markdown(v.attention_markdown, unsafe_allow_html=True)

st.header("Who should be doing what", anchor="who-should-be-doing-what")
st.caption(
    "The report's table of responsibilities: each organisation's responsibility in each "
    "theme, its status and the owner's confidence of finishing on time. Select a status to "
    "open that responsibility. On a narrow screen the table scrolls sideways."
)
downloads.scrolling_markdown(v.grid, "Who should be doing what")

st.header("Every action", anchor="every-action")
FILTERS = (
    ("delivery_owner", "owner", "Owner", v.owners),
    ("delivery_theme", "theme", "Theme", v.themes),
    ("delivery_status", "status", "Status", v.statuses),
    ("delivery_attention", "attention", "Needs attention", delivery.ATTENTION_OPTIONS),
    ("delivery_kind", "kind", "Kind", v.kinds),
)
chosen = {}
# three a row on a desktop, one a row (in this order) on a phone
with st.container(horizontal=True, gap="small", key="delivery_filters"):
    for key, param, label, options in FILTERS:
        url.url_filter(key, options, delivery.ALL, param=param)
        chosen[param] = st.selectbox(
            label, list(options), key=key, format_func=options.get, width=280
        )
        keep_in_url(param, chosen[param], delivery.ALL)
    url.url_text("delivery_search", param="search")
    search = st.text_input(
        "Search",
        key="delivery_search",
        placeholder="Words or an id",
        width=280,
        help="Finds actions whose id, text, owner, theme, status, reason, evidence or "
        "commentary hold every word typed.",
    )
keep_in_url("search", search.strip(), "")

table = cache.derived(delivery.filter_table, v, delivery.Filters(search=search, **chosen))
st.caption(
    f"{len(table)} of {v.total} actions. Select a row to open that action, or pick it below."
)
event = st.dataframe(
    downloads.arrow_table(table),
    hide_index=True,
    key="delivery_table",
    on_select="rerun",
    selection_mode="single-row",
    column_config={
        "id": st.column_config.TextColumn("id", pinned=True),
        "action": st.column_config.TextColumn("action", width="large"),
        "needs attention": st.column_config.TextColumn("needs attention", width="medium"),
    },
)
picked = event.selection.rows if event else []
opened = st.selectbox(
    "Open one action",
    list(v.labels),
    index=None,
    format_func=v.labels.get,
    key="delivery_open",
    placeholder="Type an id or words of the action",
)
if picked or opened:
    st.query_params["action"] = opened or delivery.row_id(table, picked[0])
    st.rerun()

files = st.expander("Download the register (CSV, Excel)", key="delivery_dl", on_change="rerun")
if files.open:
    with files:
        downloads.download_buttons(table, f"delivery-{v.quarter}")
