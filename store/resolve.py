"""Councils, quarters and regions resolved once per distinct spelling: the maps
(_cmap, _qmap, _rmap), the resolved values put into the staged rows, and "did you mean"
suggestions for a council no code or name matches."""

from __future__ import annotations

from store import limits, quarters
from store.columns import Column
from store.keys import _KEY_RAW
from store.kinds import Kind
from store.stage import _RAW, STAGE
from store.value_sql import _name_key_if_short, _nk, _trim, quarter_index_sql, quarter_text_sql


def _build_maps(
    con, kind: Kind, columns: list[Column], col_of: dict[str, str], grouped: bool = False
) -> None:
    """_cmap(r, code, status, ended_on), _qmap(r, q, status), _rmap(r, code)."""
    in_groups = set(kind.key[:-1]) if grouped else set()

    def distinct(types: tuple[str, ...]) -> str:
        cols = [c for c in columns if c.type in types and c.name in col_of]
        # (_KEY_RAW has every spelling of its columns that the staged rows have)
        src = _KEY_RAW if cols and all(c.name in in_groups for c in cols) else STAGE
        parts = [f"SELECT DISTINCT {c.name} AS v FROM {src}" for c in cols]
        if not parts:
            return "SELECT CAST(NULL AS VARCHAR) AS v WHERE false"
        return " UNION ".join(parts)

    # Councils: by GSS code, else by any known spelling (council_names); current councils only.
    cmap = (
        "CREATE OR REPLACE TEMP TABLE _cmap AS "
        f"WITH raw AS MATERIALIZED (SELECT v, {_trim('v')} AS r FROM ({distinct(('council',))}) WHERE v IS NOT NULL), "
        "cand AS ("
        "  SELECT raw.r, c.council_code, c.end_date, 1 AS how FROM raw JOIN councils c ON c.council_code = upper(raw.r) "
        "  UNION ALL "
        f"  SELECT raw.r, c.council_code, c.end_date, 2 FROM raw JOIN council_names n ON n.name_key = {_name_key_if_short('raw.r')} "
        "  JOIN councils c ON c.council_code = n.council_code), "
        "best AS (SELECT * FROM cand QUALIFY how = min(how) OVER (PARTITION BY r)), "
        "g AS (SELECT r, list(DISTINCT council_code) FILTER (WHERE end_date IS NULL) AS cur, "
        "  list(DISTINCT council_code) FILTER (WHERE end_date IS NOT NULL) AS old, max(end_date) AS ended_on "
        "  FROM best GROUP BY r) "
        "SELECT raw.v, raw.r, CASE WHEN len(g.cur) = 1 THEN g.cur[1] END AS code, "
        "  CASE WHEN len(g.cur) = 1 THEN 'ok' WHEN len(g.cur) > 1 THEN 'ambiguous' "
        "       WHEN len(g.old) > 0 THEN 'ended' ELSE 'unknown' END AS status, "
        "  g.old[1] AS old_code, g.ended_on, g.cur AS candidates "
        "FROM raw LEFT JOIN g ON g.r = raw.r"
    )
    con.execute(cmap)
    qi = quarter_index_sql("r")
    cur = quarters.index(quarters.current())
    early = quarters.index(quarters.EARLIEST)
    qmap = (
        "CREATE OR REPLACE TEMP TABLE _qmap AS "
        f"WITH raw AS MATERIALIZED (SELECT v, {_trim('v')} AS r FROM ({distinct(('quarter',))}) WHERE v IS NOT NULL), "
        f"ix AS (SELECT v, r, {qi} AS i FROM raw) "
        f"SELECT v, r, CASE WHEN i >= 0 THEN {quarter_text_sql('i')} END AS q, "
        "CASE WHEN i IS NULL THEN 'bad' WHEN i < 0 THEN 'badfy' WHEN i < $early THEN 'early' "
        "WHEN i > $cur THEN 'future' ELSE 'ok' END AS status FROM ix"
    )
    con.execute(qmap, {"early": early, "cur": cur})
    rmap = (
        "CREATE OR REPLACE TEMP TABLE _rmap AS "
        f"WITH raw AS MATERIALIZED (SELECT v, {_trim('v')} AS r FROM ({distinct(('region',))}) WHERE v IS NOT NULL) "
        "SELECT raw.v, raw.r, min(g.region_code) AS code FROM raw LEFT JOIN regions g "
        f"ON g.region_code = upper(raw.r) OR {_nk('g.region_name')} = {_name_key_if_short('raw.r')} GROUP BY raw.v, raw.r"
    )
    con.execute(rmap)


def _resolve(con, columns: list[Column], col_of: dict[str, str]) -> set[str]:
    """Councils, quarters and regions: each column holds its cells' text since the
    staging pass; put the resolved value there (the GSS code, the quarter as YYYY-Qn, the
    region code; NULL when there is none, keeping the text in raw_<column>). Only rows
    whose text differs from its resolved value are touched: usually none. Returns the
    columns where some were."""
    maps = {
        "council": ("_cmap", "code"),
        "quarter": ("_qmap", "CASE WHEN status = 'ok' THEN q END"),
        "region": ("_rmap", "code"),
    }
    changed: set[str] = set()
    for c in columns:
        if c.type not in maps or c.name not in col_of:
            continue
        table, value = maps[c.type]
        if c.any_quarter:  # a planned quarter: after the current one, or early, resolves too
            value = "CASE WHEN status IN ('ok', 'future', 'early') THEN q END"
        # Identifiers and expressions from the fixed table above; no value is formatted in.
        diff = f"SELECT v, {value} AS value FROM {table} WHERE ({value}) IS DISTINCT FROM v"
        count = f"SELECT count(*) FROM ({diff})"
        if not con.execute(count).fetchall()[0][0]:
            continue
        n = c.name
        update = (
            f"UPDATE {_RAW} SET {n} = m.value, raw_{n} = CASE WHEN m.value IS NULL THEN m.v END "
            f"FROM ({diff}) m WHERE {_RAW}.{n} = m.v"
        )
        con.execute(update)
        changed.add(n)
    return changed


def _did_you_mean(con, raws: list[str]) -> dict[str, str]:
    """Up to three current councils whose names are closest to each unknown spelling.
    Bounded: spellings longer than any council's name get no suggestion, and only the
    first few distinct spellings are looked at (store.limits)."""
    raws = [r for r in raws if 0 < len(r) <= limits.MAX_DID_YOU_MEAN_CHARS]
    raws = raws[: limits.MAX_DID_YOU_MEAN_VALUES]
    if not raws:
        return {}
    sql = (
        "WITH u AS (SELECT unnest($raws) AS r), "
        "names AS (SELECT n.name_key, c.council_code, c.name FROM council_names n "
        "  JOIN councils c ON c.council_code = n.council_code WHERE c.end_date IS NULL "
        "  UNION SELECT lower(c.council_code), c.council_code, c.name FROM councils c WHERE c.end_date IS NULL), "
        "scored AS (SELECT u.r, names.council_code, names.name, "
        f"  max(greatest(jaro_winkler_similarity({_nk('u.r')}, names.name_key), "
        "      CASE WHEN regexp_full_match(upper(u.r), '[A-Z]\\d+') "
        "           THEN 1 - levenshtein(lower(u.r), names.name_key) / 9.0 ELSE 0 END)) AS score "
        "  FROM u, names GROUP BY ALL) "
        "SELECT r, list(name || ' (' || council_code || ')' ORDER BY score DESC, name)[1:3] "
        "FROM scored WHERE score >= 0.8 GROUP BY r"
    )
    rows = con.execute(sql, {"raws": raws}).fetchall()
    return {r: " or ".join([", ".join(s[:-1]), s[-1]] if len(s) > 1 else s) for r, s in rows}
