"""ui.downloads makes a table's CSV and Excel files once per table (a view-model's tables
are the same objects on every rerun), and again for another table or other notes."""

import pandas as pd

from metrics import export
from ui import downloads


def test_files_are_made_once_per_table_and_notes(monkeypatch):
    made = []
    real = export.to_xlsx_bytes
    monkeypatch.setattr(export, "to_xlsx_bytes", lambda *a, **k: made.append(a[1]) or real(*a, **k))
    table = pd.DataFrame({"council": ["Hartlepool"], "value (%)": [44.6]})
    notes = export.Notes(
        title="t", measure="m", quarter="2026-Q3", scope="England", source="s", demo=False
    )
    first = downloads.download_specs(table, "ranking", notes)
    again = downloads.download_specs(table, "ranking", notes)
    assert [s["data"] for s in first] == [s["data"] for s in again] and made == ["ranking"]
    assert first[0]["data"].decode("utf-8-sig").count("Hartlepool") == 1
    other = table.copy()
    other.loc[0, "value (%)"] = 50.0
    assert b"50.0" in downloads.download_specs(other, "ranking", notes)[0]["data"]
    downloads.download_specs(table, "ranking", None)  # other notes: made again
    assert made == ["ranking", "ranking", "ranking"]


def test_compact_style_bolds_the_group_rows_of_its_own_table_only():
    from ui.downloads import compact_style

    css = compact_style("every-measure", (0, 4))
    assert css.startswith("<style>") and css.endswith("</style>")
    # the rows at positions 0 and 4 are the 1st and 5th of the table's body
    assert (
        ".st-key-every-measure tbody tr:nth-child(1) td, "
        ".st-key-every-measure tbody tr:nth-child(5) td "
        "{ font-weight: 600; background-color: #f0f2f6; }"
    ) in css
    assert ".st-key-every-measure th, .st-key-every-measure td { padding: 3px 8px;" in css
    assert "nth-child" not in compact_style("every-measure")
