"""The database schema and its versions.

``SCHEMA_VERSION`` is the version this code writes. ``ensure(con)`` runs on every
connection: it creates a new database, upgrades an older one in place (every step in
one transaction), and refuses a file it cannot use with a message that says why.

Keys of the data tables are enforced by the ingest (it refuses duplicate keys in a
file and replaces stored rows by key); the tables carry no index so that a bulk load
stays close to DuckDB's bare read speed. Every data table has a twin ``<table>_replaced``
holding the rows a later batch replaced, with ``replaced_by`` naming that batch, so a
rollback can put them back.
"""

from __future__ import annotations

import duckdb

from store.errors import SchemaError

SCHEMA_VERSION = 3

# Data tables: name -> (column DDL, key columns). Order of columns is the stored order.
DATA_TABLES: dict[str, tuple[list[str], list[str]]] = {
    "survey": (
        [
            "council_code VARCHAR NOT NULL",
            "quarter VARCHAR NOT NULL",  # calendar quarter 'YYYY-Qn'
            "data_maturity TINYINT",  # 1..5
            "ceo_digital_background BOOLEAN",
            "digital_spend_gbp DOUBLE",
            "sme_spend_gbp DOUBLE",
            "contracts_total INTEGER",
            "contracts_outcome_based INTEGER",
            "collective_buying BOOLEAN",
            "common_components INTEGER",
            "batch_id INTEGER NOT NULL",
        ],
        ["council_code", "quarter"],
    ),
    # The survey's standard_<id> columns, one row per council, quarter and standard.
    # Replaced together with the survey row of the same council and quarter.
    "survey_standards": (
        [
            "council_code VARCHAR NOT NULL",
            "quarter VARCHAR NOT NULL",
            "standard_id VARCHAR NOT NULL",  # e.g. 'service_standard'
            "status VARCHAR NOT NULL",  # none, planned, adopting, adopted, audited
            "batch_id INTEGER NOT NULL",
        ],
        ["council_code", "quarter", "standard_id"],
    ),
    "workforce": (
        [
            "council_code VARCHAR NOT NULL",
            "quarter VARCHAR NOT NULL",
            "role_family VARCHAR NOT NULL",  # a family, or 'all'
            "headcount INTEGER NOT NULL",
            "underrepresented INTEGER NOT NULL",
            "ethnic_minority INTEGER",
            "disabled INTEGER",
            "women INTEGER",
            "lower_socioeconomic INTEGER",
            "apprentices INTEGER",
            "batch_id INTEGER NOT NULL",
        ],
        ["council_code", "quarter", "role_family"],
    ),
    "exchanges": (
        [
            "exchange_id VARCHAR NOT NULL",
            "quarter VARCHAR NOT NULL",
            "name VARCHAR NOT NULL",
            "lead_council_code VARCHAR NOT NULL",
            "partners VARCHAR[]",
            "partner_types VARCHAR[]",
            "standards VARCHAR[]",
            "status VARCHAR NOT NULL",  # planned, pilot, live, successful, stopped
            "evidence VARCHAR",
            "batch_id INTEGER NOT NULL",
        ],
        ["exchange_id", "quarter"],
    ),
    "placements": (
        [
            "placement_id VARCHAR NOT NULL",
            "council_code VARCHAR NOT NULL",
            "destination VARCHAR NOT NULL",
            "destination_type VARCHAR NOT NULL",  # central_department, arms_length_body
            "kind VARCHAR NOT NULL",  # secondment, permanent
            "start_quarter VARCHAR NOT NULL",
            "end_quarter VARCHAR",
            "batch_id INTEGER NOT NULL",
        ],
        ["placement_id"],
    ),
    "milestones": (
        [
            "milestone_id VARCHAR NOT NULL",
            "quarter VARCHAR NOT NULL",
            "kind VARCHAR NOT NULL",
            "title VARCHAR NOT NULL",
            "region_code VARCHAR",
            "status VARCHAR NOT NULL",  # not_started, in_progress, achieved
            "batch_id INTEGER NOT NULL",
        ],
        ["milestone_id", "quarter"],
    ),
    # The reference geography. Loaded by `store init` (batch_id NULL) or replaced whole
    # by a `councils` upload. Councils that ended keep their row with end_date set.
    "councils": (
        [
            "council_code VARCHAR NOT NULL",  # GSS code
            "name VARCHAR NOT NULL",
            "official_name VARCHAR",
            "council_type VARCHAR NOT NULL",  # county, district, unitary, metropolitan district, London borough, city corporation
            "region_code VARCHAR NOT NULL",  # E12000001..9
            "region_name VARCHAR NOT NULL",
            "footprint_code VARCHAR",  # combined/strategic authority GSS code
            "footprint_name VARCHAR",
            "centre VARCHAR",  # Centre of Service Innovation (its name)
            "start_date DATE",
            "end_date DATE",
            "batch_id INTEGER",
        ],
        ["council_code"],
    ),
    # Quarterly updates on the blueprint's actions (upload kind `delivery`, schema v3):
    # one row per action per quarter; action_id is an id of the register
    # (metrics/register.toml, read by domain.register).
    "delivery": (
        [
            "action_id VARCHAR NOT NULL",
            "quarter VARCHAR NOT NULL",  # the status is as at this quarter
            "status VARCHAR NOT NULL",  # not_started, in_progress, completed, off_track, dropped
            "confidence VARCHAR",  # high, medium, low
            "due_quarter VARCHAR",  # 'YYYY-Qn' by which it is now planned to finish
            "reason VARCHAR",  # why the due quarter moved, or why off track or dropped
            "evidence VARCHAR",  # text, or an http(s) link
            "commentary VARCHAR",  # text, at most 1,000 characters
            "batch_id INTEGER NOT NULL",
        ],
        ["action_id", "quarter"],
    ),
}
# The data tables each version added (a new database runs every step in turn).
_V1_TABLES = (
    "survey",
    "survey_standards",
    "workforce",
    "exchanges",
    "placements",
    "milestones",
    "councils",
)
_V3_TABLES = ("delivery",)

_BASE_V1 = [
    "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    "CREATE TABLE regions (region_code VARCHAR PRIMARY KEY, region_name VARCHAR NOT NULL)",
    "CREATE TABLE centres (centre_code VARCHAR PRIMARY KEY, centre_name VARCHAR NOT NULL, "
    "region_codes VARCHAR[] NOT NULL)",
    # Every spelling by which an upload may name a council -> its GSS code. name_key is
    # store.normalise.name_key(spelling): lower case, letters and digits only.
    "CREATE TABLE council_names (name_key VARCHAR NOT NULL, council_code VARCHAR NOT NULL, "
    "source VARCHAR)",
    """CREATE TABLE batches (
        batch_id INTEGER PRIMARY KEY,
        kind VARCHAR NOT NULL,
        file_name VARCHAR NOT NULL,
        file_sha256 VARCHAR NOT NULL,
        rows_in_file INTEGER NOT NULL,
        rows_added INTEGER NOT NULL,
        rows_replaced INTEGER NOT NULL,
        warnings INTEGER NOT NULL DEFAULT 0,
        uploaded_by VARCHAR NOT NULL,
        uploaded_at TIMESTAMP NOT NULL,
        status VARCHAR NOT NULL DEFAULT 'active',   -- active, rolled_back
        rolled_back_at TIMESTAMP,
        rolled_back_by VARCHAR,
        demo BOOLEAN NOT NULL DEFAULT FALSE
    )""",
]


def _data_table_ddl(tables: tuple[str, ...]) -> list[str]:
    ddl = []
    for table in tables:
        columns = DATA_TABLES[table][0]
        ddl.append(f"CREATE TABLE {table} ({', '.join(columns)})")
        ddl.append(
            f"CREATE TABLE {table}_replaced ({', '.join(columns)}, replaced_by INTEGER NOT NULL)"
        )
    return ddl


# version -> statements that bring the previous version to it.
MIGRATIONS: dict[int, list[str]] = {
    1: _BASE_V1 + _data_table_ddl(_V1_TABLES),
    # v2: keep every accepted upload's original file, named by its hash.
    2: ["ALTER TABLE batches ADD COLUMN stored_file VARCHAR"],
    # v3: the quarterly updates on the blueprint's actions (upload kind `delivery`).
    3: _data_table_ddl(_V3_TABLES),
}


def columns(table: str) -> list[str]:
    """Column names of a data table, in stored order."""
    return [c.split()[0] for c in DATA_TABLES[table][0]]


def key(table: str) -> list[str]:
    return list(DATA_TABLES[table][1])


def version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The file's schema version; None for an empty file; SchemaError for a foreign one."""
    tables = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_catalog = current_database()"
        ).fetchall()
    }
    if not tables:
        return None
    if "meta" not in tables:
        raise SchemaError(
            "This DuckDB file is not a Blueprint Tracker database (it has tables but no "
            f"'meta' table: {', '.join(sorted(tables)[:5])}). Point --db or TRACKER_DB at "
            "a tracker database, or at a new path to create one."
        )
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    if not row:
        raise SchemaError(
            "The database has a 'meta' table but no schema_version: it cannot be upgraded safely."
        )
    return int(row[0][0])


def ensure(con: duckdb.DuckDBPyConnection) -> int:
    """Create or upgrade the schema in place; return the version now in the file."""
    current = version(con)
    if current == SCHEMA_VERSION:
        return current
    if current is not None and current > SCHEMA_VERSION:
        raise SchemaError(
            f"This database was written by a newer Blueprint Tracker (schema version {current}); "
            f"this code understands up to version {SCHEMA_VERSION}. Update the code (git pull) "
            "before opening it; the file was not changed."
        )
    start = 0 if current is None else current
    con.execute("BEGIN TRANSACTION")
    try:
        for step in range(start + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[step]:
                con.execute(statement)
        if current is None:
            con.execute(
                "INSERT INTO meta VALUES ('schema_version', ?), ('data_version', '0')",
                [str(SCHEMA_VERSION)],
            )
        else:
            con.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)]
            )
    except Exception as exc:
        con.execute("ROLLBACK")
        raise SchemaError(
            f"Upgrading the database from schema version {start} to {SCHEMA_VERSION} failed "
            f"and was undone; the file is as it was. Cause: {exc}"
        ) from exc
    con.execute("COMMIT")
    return SCHEMA_VERSION


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """A counter that changes whenever stored data changes: the key for caches."""
    return int(con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0])


def bump_data_version(con: duckdb.DuckDBPyConnection) -> int:
    """Call inside the transaction that changes data."""
    con.execute(
        "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'"
    )
    return data_version(con)


def get_meta(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    rows = con.execute("SELECT value FROM meta WHERE key = ?", [name]).fetchall()
    return rows[0][0] if rows else None


def set_meta(con: duckdb.DuckDBPyConnection, name: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [name, value])
