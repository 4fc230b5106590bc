"""Where things live: the database file, the reference data, generated files.

Every default can be overridden: the database by ``TRACKER_DB`` (or ``--db`` on the
command line), the reference data by ``TRACKER_REFERENCE_DIR``, the releases folder by
``TRACKER_RELEASES_DIR``.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
TEMPLATES_DIR = DATA_DIR / "templates"
UPLOADS_DIR = DATA_DIR / "uploads"  # accepted originals, named by their SHA-256
DEFAULT_DB = DATA_DIR / "tracker.duckdb"

# The reference data sits beside the repository (../shared/data); it is never copied in.
DEFAULT_REFERENCE_DIR = ROOT.parent / "shared" / "data"
COUNCILS_CSV = Path("local_authorities") / "uk_local_authorities.csv"
GSS_LOOKUP_CSV = Path("local_authorities") / "lookup_gss_to_registry.csv"
NAME_LOOKUP_CSV = Path("local_authorities") / "lookup_name_to_registry.csv"
BOUNDARIES = {
    "region": Path("boundaries") / "england_regions_dec2023_buc.geojson",
    "council": Path("boundaries") / "england_lad_may2024_bsc.geojson",
    "upper_tier": Path("boundaries") / "england_ctyua_dec2023_bsc.geojson",
}


class ReferenceDataMissing(RuntimeError):
    """The reference geography could not be found; the message says where we looked."""


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """The database file: ``explicit`` if given, else ``$TRACKER_DB``, else data/tracker.duckdb."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("TRACKER_DB")
    return Path(env) if env else DEFAULT_DB


def releases_dir(db: str | os.PathLike | None = None) -> Path:
    """The published releases (store.releases): ``$TRACKER_RELEASES_DIR``, else the folder
    ``releases/`` beside the database (data/releases for the default database). Several
    dashboard processes, on one machine or several, share it."""
    env = os.environ.get("TRACKER_RELEASES_DIR")
    return Path(env) if env else db_path(db).resolve().parent / "releases"


def reference_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The reference-data folder, checked to hold the council list.

    Looks at ``explicit``, then ``$TRACKER_REFERENCE_DIR``, then ../shared/data beside
    the repository. Raises ReferenceDataMissing naming every place it looked.
    """
    candidates: list[tuple[str, Path]] = []
    if explicit:
        candidates.append(("the folder you named", Path(explicit)))
    env = os.environ.get("TRACKER_REFERENCE_DIR")
    if env:
        candidates.append(("TRACKER_REFERENCE_DIR", Path(env)))
    candidates.append(("the default beside the repository", DEFAULT_REFERENCE_DIR))
    for _, folder in candidates:
        if (folder / COUNCILS_CSV).is_file():
            return folder
    looked = "\n".join(f"  - {why}: {folder / COUNCILS_CSV}" for why, folder in candidates)
    raise ReferenceDataMissing(
        "The reference geography (the mySociety council list) was not found. Looked for:\n"
        f"{looked}\n"
        "Put the shared data folder beside this repository as ../shared/data, or set "
        "TRACKER_REFERENCE_DIR to the folder that holds local_authorities/ and boundaries/."
    )


def boundary_file(layer: str, explicit: str | os.PathLike | None = None) -> Path:
    """The ONS boundary GeoJSON for ``layer`` ('region', 'council' or 'upper_tier')."""
    path = reference_dir(explicit) / BOUNDARIES[layer]
    if not path.is_file():
        raise ReferenceDataMissing(
            f"The {layer} boundaries are missing: expected {path}. "
            "The map needs the ONS GeoJSON files in the reference folder's boundaries/."
        )
    return path
