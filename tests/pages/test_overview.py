"""Overview page against the pages_small database (tests/factory.py), figures by hand.

Time: baseline 2025-Q2 (t0), deadline 2030-Q4 (D): D - t0 = 22 quarters; 2026-Q3 is
t - t0 = 5 quarters after the baseline, 2026-Q2 is 4.
"""

from __future__ import annotations

import re

from tests.pages.helpers import chart, has_text

VALUE = re.compile(r'<span style="font-size: 2.25rem; line-height: 1.25">(.*?)</span>')


def card_texts(at) -> list[str]:
    """Each card's markdown block (title, value, target, status, change), in page order."""
    return [m.value for m in at.markdown if VALUE.search(m.value)]


def cards(at) -> dict[str, dict]:
    """Each card's value by measure id, in configured order (the cards follow it)."""
    from metrics import config

    ids = [
        m.id for t in config.load().themes for m in config.load().measures.values() if m.theme == t
    ]
    values = [VALUE.search(t).group(1) for t in card_texts(at)]
    assert len(values) == len(ids)
    return {i: {"value": v} for i, v in zip(ids, values)}


def test_latest_quarter_every_measure(app_at, make_db):
    at = app_at(make_db("pages_small"))
    assert not at.exception
    v = {k: c["value"] for k, c in cards(at).items()}
    # digital_ceos: Hartlepool and City of London report yes in 2026-Q3 -> 2
    assert v["digital_ceos"] == "2"
    # sme_spend_share: (40k + 30k + 20k + 10k) / (4 x 100k) = 25.0%
    assert v["sme_spend_share"] == "25.0%"
    # data_exchanges: EX-1 successful with a standard and a partner; EX-2 has no standard -> 1
    assert v["data_exchanges"] == "1"
    # centres: CSI-1 achieved 2026-Q2, CSI-2 achieved 2026-Q3 -> 2
    assert v["centres_of_service_innovation"] == "2"
    # uplift: share 16/80 = 20% at baseline, 20/80 = 25% now (like for like): a relative
    # change, written as one
    assert v["underrepresented_uplift"] == "up 25.0% on the baseline"
    # standards: Hartlepool adopts all core standards: 1 of 4 councils = 25.0%
    assert v["standards_adoption"] == "25.0%"
    # data maturity: (4 + 3 + 3 + 2) / 4 = 3.00
    assert v["data_maturity"] == "3.00"
    assert v["coordinating_institute"] == "not yet"


def test_status_in_words_and_icon_progress_and_change(app_at, make_db):
    at = app_at(make_db("pages_small"))
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    has = lambda text: any(text in b for b in badges)  # noqa: E731
    # digital_ceos: E = (10 - 0) x 5 / 22 = 2.27, R = 2 / 2.27 = 0.88 -> acceleration needed
    assert has(
        ":gray[:small[target 10 by 2030-Q4]]  \n:orange-badge[:material/speed: Acceleration needed]"
    )
    # sme: E = (33 - 20) x 5 / 22 = 2.95, R = 5 / 2.95 = 1.69 -> on track
    assert has(
        ":gray[:small[target 33% by 2030-Q4]]  \n:green-badge[:material/check_circle: On track]"
    )
    # data exchanges: the register's first entry is in 2026-Q2, after the baseline 2025-Q2:
    # no baseline (never an invented 0), so not enough data to judge progress
    assert has(
        ":gray[:small[target 15 by 2030-Q4]]  \n:gray-badge[:material/help: Not enough data]"
    )
    # tracked measures show their direction, never a status
    assert any("Improving" in b for b in badges)
    bars = [(p.value, p.proto.text) for p in at.get("progress")]
    # digital_ceos 2 of the way from 0 to 10 = 20%; sme (25 - 20) / (33 - 20) = 38%
    assert (20, "20% of the way from the baseline (0) to the target") in bars
    assert (38, "38% of the way from the baseline (20.0%) to the target") in bars
    notes = card_texts(at)
    ids = list(cards(at))
    note = lambda mid: notes[ids.index(mid)]  # noqa: E731
    # digital_ceos 1 -> 2; all four councils answered the question
    assert note("digital_ceos").endswith(
        "  \n:gray[:small[+1 since 2026-Q2 · 4 of 4 councils reporting]]"
    )
    # sme 2026-Q2: (30 + 20 + 20 + 20) / 400 = 22.5% -> +2.5 points; 4 of 4 councils
    assert note("sme_spend_share").endswith(
        "  \n:gray[:small[+2.5 points since 2026-Q2 · 4 of 4 councils reporting]]"
    )
    # data exchanges 0 -> 1; it rests on the register (the 2 councils that lead an
    # exchange: Hartlepool, City of London), never "councils reporting"
    assert note("data_exchanges").endswith(
        "  \n:gray[:small[+1 since 2026-Q2 · the exchanges register (2 lead councils)]]"
    )


def test_sparklines_draw_the_series(app_at, make_db):
    at = app_at(make_db("pages_small"))
    fig = chart(at, "spark-digital_ceos")
    # survey returns in 2025-Q2 (nobody yes), 2026-Q2 (Hartlepool) and 2026-Q3 (and City of
    # London): from the first quarter with data, the quarters between are gaps, never 0
    assert fig["data"][0]["y"] == [0, None, None, None, 1, 2]
    assert not [e for e in at.get("plotly_chart") if e.key == "spark-coordinating_institute"]


def test_quarter_selector_drives_every_figure(app_at, make_db):
    at = app_at(make_db("pages_small"))
    at.sidebar.selectbox(key="quarter").set_value("2026-Q2").run()
    v = {k: c["value"] for k, c in cards(at).items()}
    assert v["digital_ceos"] == "1"  # only Hartlepool
    assert v["sme_spend_share"] == "22.5%"
    assert v["centres_of_service_innovation"] == "1"
    assert chart(at, "spark-digital_ceos")["data"][0]["y"] == [0, None, None, None, 1]
    # changes are measured from the latest earlier quarter with data: the survey's 2025-Q2
    assert has_text(at, "+1 since 2025-Q2")


def test_level_other_than_england_is_explained(app_at, make_db):
    at = app_at(make_db("pages_small"), level="region")
    # the geography control says what it does here, and is not offered
    geography = at.sidebar.selectbox(key="level")
    assert geography.disabled
    assert geography.help == "The overview shows England; choose a level on Themes or Places."
    assert any(
        c.value == "The overview shows England; choose a level on Themes or Places."
        for c in at.sidebar.caption
    )
    assert has_text(at, "Figures as at **2026-Q3** (Jul-Sep 2026) · England")
    # the level stays chosen for the pages that use it
    at.switch_page("pages/theme.py").run()
    assert not at.sidebar.selectbox(key="level").disabled
    assert at.sidebar.selectbox(key="level").value == "region"


# ---------------------------------------------------------------- the top (figures by hand in
# tests/viewmodels/test_overview.py): counts by status, attention, changes, the table

NBSP = "\u00a0"


def test_top_counts_by_status_in_words_and_icons(app_at, make_db):
    at = app_at(make_db("pages_small"))
    md = [m.value for m in at.main.markdown]
    assert any(
        m.endswith(
            ">3 of 7 measures with a target achieved or on track; 0 of 4 milestones in place."
            "</span>"
        )
        for m in md
    )
    badges = next(m for m in md if m.startswith(":green-badge[:material/emoji_events:"))
    for words, n in (
        ("★ Achieved", 1),
        ("✓ On track", 2),
        ("▲ Acceleration needed", 2),
        ("■ Limited progress", 0),
        ("▼ Deteriorating", 0),
        ("? Not enough data", 2),  # no baseline: never an invented 0
    ):
        assert f"{words}: **{n}**]" in badges


def test_top_attention_and_changes(app_at, make_db):
    at = app_at(make_db("pages_small"))
    md = [m.value for m in at.main.markdown]
    assert "**Needs attention: 0 measures**" in md
    assert any(c.value.startswith("No measure is deteriorating") for c in at.main.caption)
    assert "**Status changed since 2026-Q2**" in md
    changes = md[md.index("**Status changed since 2026-Q2**") + 1]
    # the uplift had no value in 2026-Q2 (no workforce return), so its status was unknown
    assert changes.count("\n- ") == 0 and "? Not enough data → ★ Achieved (changed)" in changes


def test_top_attention_says_why_with_its_numbers(app_at, make_db):
    # metrics_small: data exchanges down from 2 to 1 (tests/metrics/test_glance.py)
    at = app_at(make_db("metrics_small"))
    md = [m.value for m in at.main.markdown]
    assert "**Needs attention: 2 measures**" in md
    attention = md[md.index("**Needs attention: 2 measures**") + 1]
    assert attention.startswith(
        "- **Successful standards\\-enabled data exchanges** · ▼ Deteriorating"
    )
    assert (
        "5\\.0 expected on the straight path to 15 by 2030\\-Q4 \\(down 1 since 2025\\-Q2, "
        "away from the target\\)" in attention
    )


def test_top_table_of_every_measure_then_the_cards(app_at, make_db):
    at = app_at(make_db("pages_small"))
    [table] = at.main.table
    df = table.value.map(lambda v: v.replace(NBSP, " "))
    assert len(df) == 15 + 6  # every measure, under its theme's row
    assert list(df.columns) == [
        "Theme and measure",
        "Value",
        "Status",
        "Target for 2030-Q4",
        "Change since 2026-Q2",
        "Councils (or register)",
    ]
    first = list(df["Theme and measure"]).index("Organisational & political leadership")
    # 2 (Hartlepool and City of London), E = 2.27, R = 0.88; 1 in 2026-Q2
    assert list(df.iloc[first + 1]) == [
        "Chief executives from a digital background",
        "2",
        "▲ Acceleration needed",
        "10",
        "+1",
        "4 of 4",
    ]
    # the table comes before the cards (which keep their values)
    assert cards(at)["digital_ceos"]["value"] == "2"
    labels = [b.label for b in at.main.download_button]
    assert labels[:2] == ["CSV", "Excel"]


def test_table_download_names_what_it_is(app_at, make_db, downloads):
    from metrics.export import read_csv_notes

    at = app_at(make_db("pages_small", demo=True))
    csv = next(b for b in at.main.download_button if b.label == "CSV")
    notes, table = read_csv_notes(downloads(csv))
    assert notes["Table"] == "All measures, 2026-Q3, England"
    assert notes["Quarter"] == "2026-Q3" and notes["Scope"] == "England"
    assert notes["Demo data"].startswith("YES: generated demonstration figures")
    assert "quarterly returns" in notes["Source"]
    sme = table[table["measure"] == "Digital spend with SMEs"].iloc[0]
    # a text cell starting with + is neutralised (a spreadsheet would take it for a formula)
    assert (sme["value"], sme["change"]) == ("25.0%", "'+2.5 points since 2026-Q2")


# ---------------------------------------------------------------- the board pack


def test_board_pack_control_offers_every_scope(app_at, make_db):
    at = app_at(make_db("pages_small"))
    scope = at.main.selectbox(key="overview_pack_scope")
    assert scope.options[0] == "England"
    assert "Region: North East" in scope.options and "Footprint: Tees Valley" in scope.options
    assert "Centre: North Centre" in scope.options
    assert [b.label for b in at.main.button if b.key == "overview_pack_make"] == [
        "Make the board pack (PDF)"
    ]


def test_board_pack_failure_is_a_message(app_at, make_db, monkeypatch):
    from reports import boardpack

    def no_browser(*args, **kwargs):
        raise RuntimeError("BrowserType.launch: Executable doesn't exist at /nowhere/chrome")

    monkeypatch.setattr(boardpack, "make", no_browser)
    at = app_at(make_db("pages_small"))
    at.main.button(key="overview_pack_make").click().run()
    assert not at.exception
    [error] = [e.value for e in at.main.error]
    assert error.startswith("The board pack could not be made. It needs Chromium")
    assert "apt-get install chromium" in error
    assert not [b for b in at.main.download_button if b.label.startswith("Download the board")]
    # the rest of the page is still there
    assert cards(at)["digital_ceos"]["value"] == "2"


def test_board_pack_is_made_with_progress_then_downloads_at_once(app_at, make_db, downloads):
    """The one real pack build of the page tests (pages_small: about ten seconds)."""
    from ui import boardpack as ui_pack

    ui_pack._PACKS.clear()
    db = make_db("pages_small")
    at = app_at(db)
    at.main.button(key="overview_pack_make").click().run(timeout=300)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.main.error
    [status] = [e for e in at.main.get("status") if "Board pack ready" in e.label]
    assert status.label.startswith("Board pack ready: England, 2026-Q3 (PDF, ")
    steps = [m.value for m in status.markdown]
    assert steps[:2] == ["Reading the figures…", "Drawing 15 charts…"]
    assert steps[-1] == "Printing the PDF…"
    [button] = [b for b in at.main.download_button if b.label.startswith("Download the board")]
    assert button.label.startswith("Download the board pack (PDF, ")
    pdf = downloads(button)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 20_000
    # asked again (a new session, the same data): no button to press, the file is there
    again = app_at(db)
    assert not [b for b in again.main.button if b.key == "overview_pack_make"]
    [button] = [b for b in again.main.download_button if b.label.startswith("Download the board")]
    assert downloads(button) == pdf
