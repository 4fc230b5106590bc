"""One factory for test databases, with named variants (after datasette's fixtures).

    path = factory.build("reference", tmp_path / "t.duckdb")

Add a variant with the @variant("name") decorator: a function taking (con, **options)
that fills a freshly created database. Keep variants small and written out in full, so
a reader can compute every expected figure by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from store.db import connect

VARIANTS: dict[str, Callable] = {}


def variant(name: str):
    def register(fn: Callable) -> Callable:
        VARIANTS[name] = fn
        return fn

    return register


def build(name: str, path: Path, **options) -> Path:
    if name not in VARIANTS:
        raise KeyError(f"no test database variant {name!r}; known: {', '.join(sorted(VARIANTS))}")
    with connect(path, create=True) as con:
        VARIANTS[name](con, **options)
    return path


@variant("empty")
def _empty(con, **_):
    """The schema and nothing else."""


# ---------------------------------------------------------------- reference and demo (H3)


@variant("reference")
def _reference(con, **_):
    """The schema and the full real reference geography: 9 regions, 5 centres, 317
    councils, council_names (read from the shared reference folder, about 0.1 s)."""
    from store.reference import load_reference

    load_reference(con)


_CACHE_DIR: list[Path] = []


def _cache_dir() -> Path:
    """One folder per test process for expensive databases, removed at exit."""
    if not _CACHE_DIR:
        import atexit
        import shutil
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="tracker-factory-"))
        atexit.register(shutil.rmtree, folder, True)
        _CACHE_DIR.append(folder)
    return _CACHE_DIR[0]


def _copy_tables(con, source: Path) -> None:
    """Fill the open database ``con`` with every table of the database file ``source``."""
    from store import schema
    from store.db import transaction

    tables = ["meta", "regions", "centres", "council_names", "batches"]
    for table in schema.DATA_TABLES:
        tables += [table, f"{table}_replaced"]
    con.execute("ATTACH ? AS factory_cache (READ_ONLY)", [str(source)])
    try:
        with transaction(con):
            for table in tables:  # identifiers from the allow-list above
                delete = "DELETE FROM main." + table
                insert = "INSERT INTO main." + table + " SELECT * FROM factory_cache.main." + table
                con.execute(delete)
                con.execute(insert)
    finally:
        con.execute("DETACH factory_cache")


@variant("demo")
def _demo(con, **_):
    """Reference geography + the full demo data (seed 2030, TRACKER_TODAY's quarters),
    loaded through store.ingest exactly as `python -m store init --demo` does. Built once
    per test process, then copied: the tables, and the stored original files (uploads/
    beside the database, where batches.stored_file points)."""
    import shutil

    folder = _cache_dir() / "demo"
    cached = folder / "demo.duckdb"
    if not cached.exists():
        from store.demo import load_demo
        from store.reference import load_reference

        building = _cache_dir() / "building" / "demo.duckdb"
        building.parent.mkdir()
        with connect(building, create=True) as src:
            load_reference(src)
        load_demo(building)
        building.parent.rename(folder)
    _copy_tables(con, cached)
    target = Path(
        con.execute(
            "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
        ).fetchall()[0][0]
    ).parent
    if (folder / "uploads").is_dir():
        shutil.copytree(folder / "uploads", target / "uploads", dirs_exist_ok=True)


# ---------------------------------------------------------------- pages (H4a)


@variant("pages_small")
def _pages_small(con, demo: bool = False, **_):
    """Four councils, three survey quarters (2025-Q2 baseline, 2026-Q2, 2026-Q3), a few
    milestones, exchanges and placements: small enough to work every page figure out by
    hand (tests/pages/ says how). ``demo=True`` marks the batch as demo data.

    Councils: E06000001 Hartlepool and E06000002 Middlesbrough (unitary, North East,
    footprint Tees Valley, centre North Centre), E09000001 City of London (city
    corporation, London), E07000223 Adur (district, South East, no footprint).
    """
    con.execute(
        "INSERT INTO regions VALUES ('E12000001', 'North East'), "
        "('E12000007', 'London'), ('E12000008', 'South East')"
    )
    con.execute("INSERT INTO centres VALUES ('north', 'North Centre', ['E12000001'])")
    councils = [
        (
            "E06000001",
            "Hartlepool",
            "unitary",
            "E12000001",
            "North East",
            "E47000006",
            "Tees Valley",
            "North Centre",
        ),
        (
            "E06000002",
            "Middlesbrough",
            "unitary",
            "E12000001",
            "North East",
            "E47000006",
            "Tees Valley",
            "North Centre",
        ),
        (
            "E09000001",
            "City of London",
            "city corporation",
            "E12000007",
            "London",
            None,
            None,
            None,
        ),
        ("E07000223", "Adur", "district", "E12000008", "South East", None, None, None),
    ]
    for c in councils:
        con.execute(
            "INSERT INTO councils (council_code, name, official_name, council_type, region_code, "
            "region_name, footprint_code, footprint_name, centre) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [c[0], c[1], c[1] + " Council", *c[2:]],
        )
    con.execute(
        "INSERT INTO batches (batch_id, kind, file_name, file_sha256, rows_in_file, rows_added, "
        "rows_replaced, uploaded_by, uploaded_at, demo) VALUES "
        "(1, 'survey', 'pages_small.csv', 'x', 1, 1, 0, 'factory', TIMESTAMP '2026-10-01 09:00', ?)",
        [demo],
    )
    # survey: (council, quarter, maturity, ceo, digital, sme, contracts, outcome, collective, components)
    survey = [
        ("E06000001", "2025-Q2", 2, False, 100_000, 20_000, 10, 1, False, 0),
        ("E06000002", "2025-Q2", 2, False, 100_000, 20_000, 10, 1, False, 0),
        ("E09000001", "2025-Q2", 2, False, 100_000, 20_000, 10, 1, False, 0),
        ("E07000223", "2025-Q2", 2, False, 100_000, 20_000, 10, 1, False, 0),
        ("E06000001", "2026-Q2", 3, True, 100_000, 30_000, 10, 2, True, 1),
        ("E06000002", "2026-Q2", 2, False, 100_000, 20_000, 10, 2, False, 0),
        ("E09000001", "2026-Q2", 2, False, 100_000, 20_000, 10, 2, False, 0),
        ("E07000223", "2026-Q2", 2, False, 100_000, 20_000, 10, 2, False, 0),
        ("E06000001", "2026-Q3", 4, True, 100_000, 40_000, 10, 3, True, 2),
        ("E06000002", "2026-Q3", 3, False, 100_000, 30_000, 10, 3, True, 1),
        ("E09000001", "2026-Q3", 3, True, 100_000, 20_000, 10, 3, False, 0),
        ("E07000223", "2026-Q3", 2, False, 100_000, 10_000, 10, 3, False, 0),
    ]
    con.executemany("INSERT INTO survey VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)", survey)
    from metrics import config as mconfig

    for sid in mconfig.load().core_standard_ids:  # Hartlepool adopts every core standard in 2026-Q3
        con.execute(
            "INSERT INTO survey_standards VALUES ('E06000001', '2026-Q3', ?, 'adopted', 1)", [sid]
        )
    con.executemany(
        "INSERT INTO workforce (council_code, quarter, role_family, headcount, "
        "underrepresented, batch_id) VALUES (?, ?, 'all', ?, ?, 1)",
        [
            ("E06000001", "2025-Q2", 40, 8),
            ("E06000002", "2025-Q2", 40, 8),
            ("E06000001", "2026-Q3", 40, 10),
            ("E06000002", "2026-Q3", 40, 10),
        ],
    )
    con.executemany(
        "INSERT INTO milestones VALUES (?, ?, ?, ?, ?, ?, 1)",
        [
            (
                "CSI-1",
                "2025-Q2",
                "centre_of_service_innovation",
                "North Centre",
                "E12000001",
                "not_started",
            ),
            (
                "CSI-2",
                "2025-Q2",
                "centre_of_service_innovation",
                "London Centre",
                "E12000007",
                "not_started",
            ),
            (
                "CSI-1",
                "2026-Q2",
                "centre_of_service_innovation",
                "North Centre",
                "E12000001",
                "achieved",
            ),
            (
                "CSI-2",
                "2026-Q2",
                "centre_of_service_innovation",
                "London Centre",
                "E12000007",
                "in_progress",
            ),
            (
                "CSI-2",
                "2026-Q3",
                "centre_of_service_innovation",
                "London Centre",
                "E12000007",
                "achieved",
            ),
            (
                "INST-1",
                "2026-Q3",
                "coordinating_institute",
                "Coordinating institute",
                None,
                "in_progress",
            ),
        ],
    )
    con.executemany(
        "INSERT INTO exchanges VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 1)",
        [
            (
                "EX-1",
                "2026-Q2",
                "Tees care records",
                "E06000001",
                ["NHS Tees"],
                ["health"],
                ["open_referral"],
                "live",
            ),
            (
                "EX-1",
                "2026-Q3",
                "Tees care records",
                "E06000001",
                ["NHS Tees"],
                ["health"],
                ["open_referral"],
                "successful",
            ),
            ("EX-2", "2026-Q3", "City parking", "E09000001", ["TfL"], ["other"], [], "successful"),
        ],
    )
    con.executemany(
        "INSERT INTO placements VALUES (?, ?, ?, ?, ?, ?, NULL, 1)",
        [
            ("P-1", "E06000001", "Cabinet Office", "central_department", "secondment", "2025-Q4"),
            ("P-2", "E09000001", "DSIT", "central_department", "permanent", "2026-Q3"),
            ("P-3", "E07000223", "GDS", "central_department", "secondment", "2025-Q1"),
        ],
    )
    from store import schema

    schema.bump_data_version(con)


# ---------------------------------------------------------------- places, council, coverage (H4b)


@variant("places_small")
def _places_small(con, **_):
    """Seven councils for the Places, Council profile and Data coverage pages, with a
    county, a two-council footprint, stale and never-reported councils (TRACKER_TODAY
    2026-11-26: the quarter shown is 2026-Q3, staleness window 4 quarters).

    | council | type | region | footprint | centre |
    | E06000001 Hartlepool | unitary | North East | E47000006 Tees Valley | North |
    | E06000002 Middlesbrough | unitary | North East | E47000006 Tees Valley | North |
    | E08000021 Newcastle upon Tyne | metropolitan district | North East | E47000014 North East MCA | North |
    | E09000001 City of London | city corporation | London | E61000001 Greater London Authority | London |
    | E09000002 Barking and Dagenham | London borough | London | E61000001 Greater London Authority | London |
    | E10000014 Hampshire | county | South East | - | South |
    | E07000085 East Hampshire | district | South East | - | South |

    survey (quarter: maturity, digital, sme):
      Hartlepool 2025-Q2: 2, 100, 20;  2026-Q3: 4, 100, 20 + all 7 standards adopted
      Middlesbrough 2025-Q2: 3;  2026-Q1: 3, 200, 100 + service_standard audited only
      Newcastle 2025-Q2: 5 (5 quarters old at 2026-Q3: beyond the window)
      City of London 2026-Q3: 1, 50, 0
      Barking and Dagenham: never
      Hampshire 2026-Q2: 4
      East Hampshire 2026-Q3: 2
    workforce ('all'): Hartlepool 2025-Q2 20/4 (headcount/under-represented), 2026-Q3 25/10;
      City of London 2026-Q3 3/1 (fewer than five people: "<5").
    """
    con.execute(
        "INSERT INTO regions VALUES ('E12000001', 'North East'), "
        "('E12000007', 'London'), ('E12000008', 'South East')"
    )
    con.execute(
        "INSERT INTO centres VALUES ('north', 'North', ['E12000001']), "
        "('london', 'London', ['E12000007']), ('south', 'South', ['E12000008'])"
    )
    councils = [
        (
            "E06000001",
            "Hartlepool",
            "unitary",
            "E12000001",
            "North East",
            "E47000006",
            "Tees Valley",
            "North",
        ),
        (
            "E06000002",
            "Middlesbrough",
            "unitary",
            "E12000001",
            "North East",
            "E47000006",
            "Tees Valley",
            "North",
        ),
        (
            "E08000021",
            "Newcastle upon Tyne",
            "metropolitan district",
            "E12000001",
            "North East",
            "E47000014",
            "North East MCA",
            "North",
        ),
        (
            "E09000001",
            "City of London",
            "city corporation",
            "E12000007",
            "London",
            "E61000001",
            "Greater London Authority",
            "London",
        ),
        (
            "E09000002",
            "Barking and Dagenham",
            "London borough",
            "E12000007",
            "London",
            "E61000001",
            "Greater London Authority",
            "London",
        ),
        ("E10000014", "Hampshire", "county", "E12000008", "South East", None, None, "South"),
        ("E07000085", "East Hampshire", "district", "E12000008", "South East", None, None, "South"),
    ]
    for c in councils:
        con.execute(
            "INSERT INTO councils (council_code, name, official_name, council_type, region_code, "
            "region_name, footprint_code, footprint_name, centre) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [c[0], c[1], c[1] + " Council", *c[2:]],
        )
    con.execute(
        "INSERT INTO batches (batch_id, kind, file_name, file_sha256, rows_in_file, rows_added, "
        "rows_replaced, uploaded_by, uploaded_at) VALUES "
        "(1, 'survey', 'places_small.csv', 'x', 1, 1, 0, 'factory', TIMESTAMP '2026-10-01 09:00')"
    )
    con.executemany(
        "INSERT INTO survey (council_code, quarter, data_maturity, digital_spend_gbp, "
        "sme_spend_gbp, batch_id) VALUES (?, ?, ?, ?, ?, 1)",
        [
            ("E06000001", "2025-Q2", 2, 100, 20),
            ("E06000001", "2026-Q3", 4, 100, 20),
            ("E06000002", "2025-Q2", 3, None, None),
            ("E06000002", "2026-Q1", 3, 200, 100),
            ("E08000021", "2025-Q2", 5, None, None),
            ("E09000001", "2026-Q3", 1, 50, 0),
            ("E10000014", "2026-Q2", 4, None, None),
            ("E07000085", "2026-Q3", 2, None, None),
        ],
    )
    from metrics import config as mconfig

    for sid in mconfig.load().core_standard_ids:
        con.execute(
            "INSERT INTO survey_standards VALUES ('E06000001', '2026-Q3', ?, 'adopted', 1)", [sid]
        )
    con.execute(
        "INSERT INTO survey_standards VALUES ('E06000002', '2026-Q1', 'service_standard', 'audited', 1)"
    )
    con.executemany(
        "INSERT INTO workforce (council_code, quarter, role_family, headcount, "
        "underrepresented, batch_id) VALUES (?, ?, 'all', ?, ?, 1)",
        [
            ("E06000001", "2025-Q2", 20, 4),
            ("E06000001", "2026-Q3", 25, 10),
            ("E09000001", "2026-Q3", 3, 1),
        ],
    )
    from store import schema

    schema.bump_data_version(con)


# ---------------------------------------------------------------- metrics (H2)


@variant("metrics_small")
def _metrics_small(con, **_):
    """Five councils in scope and one that ended, returns from 2025-Q1 to 2026-Q3, written
    so that every measure in tests/metrics/test_measures.py can be computed by hand.

    A E06000001 unitary, North East, Tees Valley, North Centre
    B E06000002 unitary, North East, Tees Valley, North Centre
    C E09000001 city corporation, London, no footprint, no centre
    D E07000223 district, South East, no footprint, no centre (reports only 2025-Q1/Q2)
    E E08000001 metropolitan district, North West, Greater Manchester, no centre (never reports)
    X E07000999 district, South East, ended 2025-03-31 (its returns must be ignored)
    """
    con.execute(
        "INSERT INTO regions VALUES ('E12000001', 'North East'), ('E12000002', 'North West'), "
        "('E12000007', 'London'), ('E12000008', 'South East')"
    )
    con.execute("INSERT INTO centres VALUES ('north', 'North Centre', ['E12000001'])")
    councils = [
        (
            "E06000001",
            "A",
            "unitary",
            "E12000001",
            "North East",
            "E47000006",
            "Tees Valley",
            "North Centre",
            None,
        ),
        (
            "E06000002",
            "B",
            "unitary",
            "E12000001",
            "North East",
            "E47000006",
            "Tees Valley",
            "North Centre",
            None,
        ),
        ("E09000001", "C", "city corporation", "E12000007", "London", None, None, None, None),
        ("E07000223", "D", "district", "E12000008", "South East", None, None, None, None),
        (
            "E08000001",
            "E",
            "metropolitan district",
            "E12000002",
            "North West",
            "E47000001",
            "Greater Manchester",
            None,
            None,
        ),
        ("E07000999", "X", "district", "E12000008", "South East", None, None, None, "2025-03-31"),
    ]
    con.executemany(
        "INSERT INTO councils (council_code, name, council_type, region_code, region_name, "
        "footprint_code, footprint_name, centre, end_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        councils,
    )
    con.execute(
        "INSERT INTO batches (batch_id, kind, file_name, file_sha256, rows_in_file, rows_added, "
        "rows_replaced, uploaded_by, uploaded_at) VALUES "
        "(1, 'survey', 'metrics_small.csv', 'x', 1, 1, 0, 'factory', TIMESTAMP '2026-10-01 09:00')"
    )
    A, B, C, D, X = "E06000001", "E06000002", "E09000001", "E07000223", "E07000999"
    # (council, quarter, maturity, ceo, digital, sme, contracts, outcome, collective, components)
    con.executemany(
        "INSERT INTO survey VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
        [
            (D, "2025-Q1", 4, True, 200, 50, 20, 2, False, 1),
            (A, "2025-Q2", 2, False, 100, 20, 10, 1, False, 0),
            (B, "2025-Q2", 3, True, 300, 60, 10, 2, True, 1),
            (C, "2025-Q2", 1, False, 100, 40, None, None, False, 0),
            (X, "2025-Q2", 5, True, 100, 100, 10, 10, True, 5),
            (C, "2025-Q4", 2, False, 100, 30, 5, 0, False, 0),
            (B, "2026-Q1", 3, True, 300, 90, 10, 2, True, 1),
            (A, "2026-Q3", 4, True, 100, 10, 10, 3, True, 2),
            (B, "2026-Q3", None, None, 200, None, 10, 4, None, None),
            (X, "2026-Q3", 5, True, 100, 100, 10, 10, True, 5),
        ],
    )
    from metrics import config as mconfig

    core = mconfig.load().core_standard_ids
    std = []
    for sid in core:
        std.append((A, "2025-Q2", sid, "adopting" if sid == core[0] else "adopted"))
        std.append((D, "2025-Q1", sid, "audited"))
        std.append((C, "2025-Q4", sid, "planned" if sid == core[-1] else "adopted"))
        std.append((B, "2026-Q1", sid, "adopted"))
        std.append((A, "2026-Q3", sid, "audited" if sid == core[0] else "adopted"))
        std.append((X, "2026-Q3", sid, "adopted"))
    std.append((C, "2026-Q1", "not_a_core_standard", "adopted"))
    con.executemany("INSERT INTO survey_standards VALUES (?, ?, ?, ?, 1)", std)
    con.executemany(
        "INSERT INTO workforce (council_code, quarter, role_family, headcount, "
        "underrepresented, batch_id) VALUES (?, ?, ?, ?, ?, 1)",
        [
            (A, "2025-Q2", "all", 100, 20),
            (A, "2026-Q3", "all", 100, 22),
            (B, "2025-Q2", "data", 30, 6),
            (B, "2025-Q2", "architecture", 20, 4),
            (B, "2026-Q3", "data", 30, 7),
            (B, "2026-Q3", "architecture", 20, 4),
            (C, "2026-Q3", "all", 50, 25),
            (D, "2025-Q2", "all", 40, 4),
            (X, "2025-Q2", "all", 10, 0),
            (X, "2026-Q3", "all", 10, 10),
        ],
    )
    con.executemany(
        "INSERT INTO exchanges VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 1)",
        [
            ("EX1", "2025-Q2", "One", A, ["NHS Tees"], ["health"], ["open_referral"], "successful"),
            ("EX1", "2026-Q2", "One", A, ["NHS Tees"], ["health"], ["open_referral"], "stopped"),
            ("EX2", "2025-Q2", "Two", B, ["Police"], ["police"], ["planning_data"], "successful"),
            ("EX3", "2026-Q3", "No standard", C, ["TfL"], ["other"], [], "successful"),
            ("EX4", "2026-Q3", "No partner", D, [], [], ["open_referral"], "successful"),
            ("EX5", "2026-Q3", "Live only", A, ["NHS"], ["health"], ["open_referral"], "live"),
        ],
    )
    con.executemany(
        "INSERT INTO placements VALUES (?, ?, 'Cabinet Office', 'central_department', "
        "'secondment', ?, NULL, 1)",
        [("P1", A, "2025-Q1"), ("P2", B, "2025-Q2"), ("P3", C, "2025-Q4"), ("P4", A, "2026-Q3")],
    )
    con.executemany(
        "INSERT INTO milestones VALUES (?, ?, ?, ?, ?, ?, 1)",
        [
            (
                "CSI-1",
                "2025-Q2",
                "centre_of_service_innovation",
                "North",
                "E12000001",
                "not_started",
            ),
            ("CSI-1", "2025-Q4", "centre_of_service_innovation", "North", "E12000001", "achieved"),
            (
                "CSI-2",
                "2025-Q2",
                "centre_of_service_innovation",
                "London",
                "E12000007",
                "in_progress",
            ),
            ("CSI-2", "2026-Q3", "centre_of_service_innovation", "London", "E12000007", "achieved"),
            ("CSI-3", "2026-Q1", "centre_of_service_innovation", "Roaming", None, "achieved"),
            ("CSI-3", "2026-Q2", "centre_of_service_innovation", "Roaming", None, "in_progress"),
            ("INST", "2026-Q1", "coordinating_institute", "Institute", None, "in_progress"),
            ("WFP", "2025-Q4", "workforce_plan", "Workforce plan", None, "in_progress"),
            ("WFP", "2026-Q1", "workforce_plan", "Workforce plan", None, "achieved"),
        ],
    )
    from store import schema

    schema.bump_data_version(con)
