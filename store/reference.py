"""The reference geography: regions, the 317 current English councils, their combined or
strategic authority ("footprint"), the Centres of Service Innovation, and every spelling
by which an upload may name a council.

Read from the mySociety council list in the shared reference folder
(``store.paths.reference_dir()``), with the corrections its README (§3 caveats) calls
for, fixed here in code. ``python -m store init`` (store.init) loads it.
"""

from __future__ import annotations

import csv
import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from store import paths, schema
from store.db import StoreError, transaction
from store.normalise import name_key

if TYPE_CHECKING:  # (pandas is imported where frames are built: a load needs none)
    import pandas as pd

CENTRES_FILE = Path(__file__).resolve().parent / "centres.toml"

# ONS RGN23CD for the region names used in the council list (README §5, table).
REGIONS: dict[str, str] = {
    "E12000001": "North East",
    "E12000002": "North West",
    "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands",
    "E12000005": "West Midlands",
    "E12000006": "East of England",
    "E12000007": "London",
    "E12000008": "South East",
    "E12000009": "South West",
}
REGION_CODES = {name: code for code, name in REGIONS.items()}

COUNCIL_TYPES = {
    "CTY": "county",
    "NMD": "district",
    "UA": "unitary",
    "MD": "metropolitan district",
    "LBO": "London borough",
    "CC": "city corporation",
}
STRATEGIC_TYPES = {"COMB", "SRA"}  # combined authorities and the GLA: footprints, not councils

# README §3 caveat 1 ("Two wrong regions"): the CSV puts Derbyshire County Council in
# the West Midlands and Lincolnshire County Council in Yorkshire and The Humber; both
# are in the East Midlands (checked against the ONS region polygons).
REGION_FIXES = {
    "E10000007": "East Midlands",  # Derbyshire (DBY)
    "E10000019": "East Midlands",  # Lincolnshire (LIN)
}

# README §3 caveat 2 ("North East is out of date"): since 7 May 2024 the old North East
# CA (NECA, E47000010) and North of Tyne CA (NTCA, E47000011) are replaced by one North
# East Mayoral Combined Authority, E47000014, covering these seven councils.
NORTH_EAST_MCA = ("E47000014", "North East Mayoral Combined Authority")
NORTH_EAST_MCA_MEMBERS = {
    "E06000047",  # County Durham
    "E08000037",  # Gateshead
    "E08000021",  # Newcastle upon Tyne
    "E08000022",  # North Tyneside
    "E06000057",  # Northumberland
    "E08000023",  # South Tyneside
    "E08000024",  # Sunderland
}
REPLACED_FOOTPRINTS = {"NECA", "NTCA"}  # registry codes of the two old bodies
# README §3 caveat 3: Devon and Torbay CCA and Lancashire CCA (2025) are not in the file,
# and their GSS codes are unconfirmed, so their councils are left without a footprint.

# Sources of a council_names row, best first: a key that maps to two councils at its
# best tier is dropped (ambiguous), so a weaker spelling never hides a stronger one.
NAME_TIERS = {
    "gss": 0,
    "former_gss": 1,
    "name": 2,
    "official_name": 2,
    "alt_name": 3,
    "mysociety_lookup": 3,
}

COUNCIL_COLUMNS = [
    "council_code",
    "name",
    "official_name",
    "council_type",
    "region_code",
    "region_name",
    "footprint_code",
    "footprint_name",
    "centre",
    "start_date",
    "end_date",
    "batch_id",
]


class CentresError(StoreError):
    """store/centres.toml is not usable; the message names the entry."""


@dataclass(frozen=True)
class Centre:
    code: str
    name: str
    regions: tuple[str, ...]


def load_centres(path: Path | None = None) -> list[Centre]:
    """The Centres of Service Innovation from centres.toml, checked: every region in
    exactly one centre, codes and names unique."""
    path = Path(path or CENTRES_FILE)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CentresError(f"Could not read the centres file {path}: {exc}") from exc
    entries = data.get("centre")
    if not isinstance(entries, list) or not entries:
        raise CentresError(f"{path}: expected one or more [[centre]] entries.")
    centres: list[Centre] = []
    owner: dict[str, str] = {}
    for n, entry in enumerate(entries, start=1):
        where = f"{path}, centre entry {n}"
        code, name, regions = entry.get("code"), entry.get("name"), entry.get("regions")
        if not isinstance(code, str) or not code.strip():
            raise CentresError(f"{where}: 'code' must be a non-empty text.")
        if not isinstance(name, str) or not name.strip():
            raise CentresError(f"{where} ({code}): 'name' must be a non-empty text.")
        if not isinstance(regions, list) or not regions:
            raise CentresError(f"{where} ({code}): 'regions' must list one or more region codes.")
        for region in regions:
            if region not in REGIONS:
                raise CentresError(
                    f"{where} ({code}): '{region}' is not an English region code "
                    f"(expected one of {', '.join(REGIONS)})."
                )
            if region in owner:
                raise CentresError(
                    f"{where} ({code}): region {region} ({REGIONS[region]}) is "
                    f"already in centre '{owner[region]}'; a region belongs to one centre."
                )
            owner[region] = code
        if any(c.code == code for c in centres):
            raise CentresError(f"{where}: the code '{code}' is used twice.")
        if any(c.name == name for c in centres):
            raise CentresError(f"{where}: the name '{name}' is used twice.")
        centres.append(Centre(code, name, tuple(regions)))
    missing = [f"{c} ({REGIONS[c]})" for c in REGIONS if c not in owner]
    if missing:
        raise CentresError(f"{path}: these regions are in no centre: {', '.join(missing)}.")
    return centres


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _sha_prefix(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def read_councils(reference_dir=None, centres: list[Centre] | None = None) -> pd.DataFrame:
    """The current English councils (317) as rows of the councils table, corrections applied.

    Filter (README §3): nation England, current-authority True, type not COMB/SRA.
    Pure: reads files, writes nothing. Raises ReferenceDataMissing when the folder is absent.
    """
    import pandas as pd

    folder = paths.reference_dir(reference_dir)
    rows = _read_csv(folder / paths.COUNCILS_CSV)
    by_registry = {r["local-authority-code"]: r for r in rows}
    region_centre = {region: c.name for c in (centres or load_centres()) for region in c.regions}
    out = []
    for r in rows:
        if (
            r["nation"] != "England"
            or r["current-authority"] != "True"
            or r["local-authority-type"] in STRATEGIC_TYPES
        ):
            continue
        code = r["gss-code"]
        if r["local-authority-type"] not in COUNCIL_TYPES:
            raise StoreError(
                f"{folder / paths.COUNCILS_CSV}: council {code} has an unknown type "
                f"'{r['local-authority-type']}'."
            )
        region_name = REGION_FIXES.get(code, r["region"])
        if region_name not in REGION_CODES:
            raise StoreError(
                f"{folder / paths.COUNCILS_CSV}: council {code} has region "
                f"'{region_name}', which is not an English region."
            )
        region_code = REGION_CODES[region_name]
        # Footprint: the council's own combined authority, else (a district in a
        # two-tier area) its county's, as README §3 "How combined-authority ... is encoded".
        ca = r["combined-authority"]
        if not ca and r["county-la"]:
            ca = by_registry.get(r["county-la"], {}).get("combined-authority", "")
        footprint_code: str | None
        footprint_name: str | None
        if code in NORTH_EAST_MCA_MEMBERS or ca in REPLACED_FOOTPRINTS:
            footprint_code, footprint_name = NORTH_EAST_MCA  # README §3 caveat 2
        elif ca:
            body = by_registry[ca]
            footprint_code, footprint_name = body["gss-code"], body["official-name"]
        else:
            footprint_code = footprint_name = None
        out.append(
            {
                "council_code": code,
                "name": r["nice-name"],
                "official_name": r["official-name"] or None,
                "council_type": COUNCIL_TYPES[r["local-authority-type"]],
                "region_code": region_code,
                "region_name": region_name,
                "footprint_code": footprint_code,
                "footprint_name": footprint_name,
                "centre": region_centre.get(region_code),
                "start_date": pd.Timestamp(r["start-date"]).date() if r["start-date"] else None,
                "end_date": None,
                "batch_id": None,
            }
        )
    frame = pd.DataFrame(out, columns=COUNCIL_COLUMNS)
    return frame.sort_values("council_code", ignore_index=True)


def _split_alt_names(text: str) -> list[str]:
    """alt-names is comma-separated, but some names hold a comma ("Bristol, City of"):
    a fragment 'City of' / 'County of' is joined back to the one before it."""
    parts: list[str] = []
    for piece in (p.strip() for p in text.split(",")):
        if not piece:
            continue
        if parts and piece.lower() in ("city of", "county of"):
            parts[-1] = f"{parts[-1]}, {piece}"
        else:
            parts.append(piece)
    return parts


def mysociety_names(reference_dir=None) -> tuple[dict[str, str], dict[str, list[tuple[str, str]]]]:
    """(GSS code -> registry code, registry code -> [(spelling, source)]) from the
    mySociety files; current and former GSS codes both map to the registry code."""
    folder = paths.reference_dir(reference_dir)
    rows = _read_csv(folder / paths.COUNCILS_CSV)
    gss_to_registry: dict[str, str] = {}
    spellings: dict[str, list[tuple[str, str]]] = {}
    for r in _read_csv(folder / paths.GSS_LOOKUP_CSV):
        gss_to_registry.setdefault(r["gss-code"], r["local-authority-code"])
    for r in rows:
        reg = r["local-authority-code"]
        if r["gss-code"]:
            gss_to_registry[r["gss-code"]] = reg
        names = spellings.setdefault(reg, [])
        names += [(r["nice-name"], "name"), (r["official-name"], "official_name")]
        names += [(alt, "alt_name") for alt in _split_alt_names(r["alt-names"])]
        for former in r["former-gss-codes"].split(","):
            if former.strip():
                gss_to_registry.setdefault(former.strip(), reg)
    for r in _read_csv(folder / paths.NAME_LOOKUP_CSV):
        spellings.setdefault(r["local-authority-code"], []).append(
            (r["la-name"], "mysociety_lookup")
        )
    return gss_to_registry, spellings


def council_name_rows(
    councils: list[tuple[str, str, str | None, bool]],
    gss_to_registry: dict[str, str],
    spellings: dict[str, list[tuple[str, str]]],
) -> pd.DataFrame:
    """council_names rows for ``councils`` = [(code, name, official_name, ended)].

    Each key goes to one council: the one named by the key's best source; a tie between
    councils at that tier goes to the only current one among them, else the key is dropped.
    """
    import pandas as pd

    codes = {c[0] for c in councils}
    ended = {c[0]: c[3] for c in councils}
    registry_to_codes: dict[str, set[str]] = {}
    for gss, reg in gss_to_registry.items():
        if gss in codes:
            registry_to_codes.setdefault(reg, set()).add(gss)
    candidates: dict[str, dict[str, tuple[int, str]]] = {}  # key -> code -> (tier, source)

    def add(spelling: str | None, code: str, source: str) -> None:
        key = name_key(spelling or "")
        if not key:
            return
        tier = NAME_TIERS[source]
        best = candidates.setdefault(key, {})
        if code not in best or tier < best[code][0]:
            best[code] = (tier, source)

    for code, name, official, _ in councils:
        add(code, code, "gss")
        add(name, code, "name")
        add(official, code, "official_name")
        registry = gss_to_registry.get(code)
        if registry is None:
            continue
        for gss, other in gss_to_registry.items():
            if other == registry and gss != code:
                add(gss, code, "former_gss")
        if len(registry_to_codes.get(registry, ())) > 1:
            continue  # two listed councils share this registry entry: its names would be ambiguous
        for spelling, source in spellings.get(registry, []):
            add(spelling, code, source)
    out = []
    for key, by_code in candidates.items():
        best_tier = min(t for t, _ in by_code.values())
        winners = [c for c, (t, _) in by_code.items() if t == best_tier]
        if len(winners) > 1:
            current = [c for c in winners if not ended[c]]
            if len(current) != 1:
                continue
            winners = current
        code = winners[0]
        out.append((key, code, by_code[code][1]))
    return pd.DataFrame(sorted(out), columns=["name_key", "council_code", "source"])


def rebuild_names(con: duckdb.DuckDBPyConnection, reference_dir=None) -> int:
    """Rebuild council_names from the councils table now stored (their own codes and
    names, plus the mySociety spellings of any whose GSS code mySociety knows).

    Runs inside the caller's transaction (it opens none). When the reference folder is
    missing, only the councils' own codes and names are used. Returns the number of keys.
    """
    councils = [
        (c, n, o, e is not None)
        for c, n, o, e in con.execute(
            "SELECT council_code, name, official_name, end_date FROM councils"
        ).fetchall()
    ]
    try:
        gss_to_registry, spellings = mysociety_names(reference_dir)
    except paths.ReferenceDataMissing:
        gss_to_registry, spellings = {}, {}
    frame = council_name_rows(councils, gss_to_registry, spellings)
    con.execute("DELETE FROM council_names")
    con.register("_council_names_new", frame)
    try:
        con.execute(
            "INSERT INTO council_names SELECT name_key, council_code, source FROM _council_names_new"
        )
    finally:
        con.unregister("_council_names_new")
    return len(frame)


def uploaded_council_batch(con: duckdb.DuckDBPyConnection) -> int | None:
    """The batch id when the stored council list came from a `councils` upload, else None."""
    rows = con.execute("SELECT max(batch_id) FROM councils WHERE batch_id IS NOT NULL").fetchall()
    return rows[0][0]


def load_reference(
    con: duckdb.DuckDBPyConnection, reference_dir=None, *, centres_file: Path | None = None
) -> dict:
    """Load (or refresh) regions, centres, councils and council_names in one transaction.

    A council list that came from a `councils` upload is kept (only regions and centres
    are refreshed); say so via the returned ``kept_uploaded_batch``. Bumps data_version.
    Returns counts: regions, centres, councils, names, kept_uploaded_batch, source.
    """
    import pandas as pd

    folder = paths.reference_dir(reference_dir)
    centres = load_centres(centres_file)
    councils = read_councils(folder, centres)
    files = [paths.COUNCILS_CSV, paths.GSS_LOOKUP_CSV, paths.NAME_LOOKUP_CSV]
    source = (
        f"{folder} (" + ", ".join(f"{f.name} sha256 {_sha_prefix(folder / f)}" for f in files) + ")"
    )
    regions = pd.DataFrame(sorted(REGIONS.items()), columns=["region_code", "region_name"])
    centre_rows = pd.DataFrame(
        [(c.code, c.name, list(c.regions)) for c in centres],
        columns=["centre_code", "centre_name", "region_codes"],
    )
    result = {
        "regions": len(regions),
        "centres": len(centre_rows),
        "councils": len(councils),
        "names": 0,
        "kept_uploaded_batch": None,
        "source": source,
    }
    with transaction(con):
        kept = uploaded_council_batch(con)
        con.execute("DELETE FROM regions")
        con.execute("DELETE FROM centres")
        con.register("_ref_regions", regions)
        con.register("_ref_centres", centre_rows)
        con.register("_ref_councils", councils)
        try:
            con.execute("INSERT INTO regions SELECT region_code, region_name FROM _ref_regions")
            con.execute(
                "INSERT INTO centres SELECT centre_code, centre_name, "
                "CAST(region_codes AS VARCHAR[]) FROM _ref_centres"
            )
            if kept is None:
                con.execute("DELETE FROM councils")
                con.execute(
                    "INSERT INTO councils SELECT council_code, name, official_name, council_type, "
                    "region_code, region_name, footprint_code, footprint_name, centre, "
                    "CAST(start_date AS DATE), CAST(end_date AS DATE), CAST(batch_id AS INTEGER) "
                    "FROM _ref_councils"
                )
            else:
                result["councils"] = 0
                result["kept_uploaded_batch"] = kept
        finally:
            for view in ("_ref_regions", "_ref_centres", "_ref_councils"):
                con.unregister(view)
        result["names"] = rebuild_names(con, folder)
        schema.set_meta(con, "reference_source", source)
        schema.bump_data_version(con)
    return result
