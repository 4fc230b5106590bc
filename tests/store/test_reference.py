"""The reference geography, loaded from the real shared mySociety files.

Expected figures come from the data README (§3 and §6): 317 current English councils,
21 county, 164 district, 63 unitary, 36 metropolitan, 32 London boroughs, 1 City of
London; and from its caveats, which store.reference fixes in code.
"""

from __future__ import annotations

import pytest

from store import paths, schema
from store.db import connect
from store.reference import (
    CentresError,
    council_name_rows,
    load_centres,
    load_reference,
    read_councils,
    rebuild_names,
)


@pytest.fixture(scope="module")
def ref_db(tmp_path_factory):
    from tests import factory

    return factory.build("reference", tmp_path_factory.mktemp("ref") / "ref.duckdb")


def rows(db, sql, params=()):
    with connect(db) as con:
        return con.execute(sql, list(params)).fetchall()


def test_317_councils_by_type(ref_db):
    assert rows(ref_db, "SELECT count(*) FROM councils WHERE end_date IS NULL") == [(317,)]
    assert dict(rows(ref_db, "SELECT council_type, count(*) FROM councils GROUP BY 1")) == {
        "county": 21,
        "district": 164,
        "unitary": 63,
        "metropolitan district": 36,
        "London borough": 32,
        "city corporation": 1,
    }  # README §3 table: 21 + 164 + 63 + 36 + 32 + 1 = 317


def test_nine_regions_with_ons_codes(ref_db):
    got = dict(rows(ref_db, "SELECT region_code, region_name FROM regions"))
    assert len(got) == 9
    assert got["E12000001"] == "North East" and got["E12000003"] == "Yorkshire and The Humber"
    assert got["E12000007"] == "London" and got["E12000009"] == "South West"
    # every council's region pair is one of the nine
    assert rows(
        ref_db,
        "SELECT count(*) FROM councils c LEFT JOIN regions r USING (region_code) "
        "WHERE r.region_name IS DISTINCT FROM c.region_name",
    ) == [(0,)]


def test_derbyshire_and_lincolnshire_fixed_to_east_midlands(ref_db):
    # README §3 caveat 1: the CSV says West Midlands and Yorkshire and The Humber.
    got = dict(
        rows(
            ref_db,
            "SELECT council_code, region_code FROM councils "
            "WHERE council_code IN ('E10000007', 'E10000019')",
        )
    )
    assert got == {"E10000007": "E12000004", "E10000019": "E12000004"}
    # the CSV's regions (16 Y&H, 34 WM, 37 EM) after the fix: 15, 33, 39
    counts = dict(rows(ref_db, "SELECT region_name, count(*) FROM councils GROUP BY 1"))
    assert (
        counts["Yorkshire and The Humber"],
        counts["West Midlands"],
        counts["East Midlands"],
    ) == (15, 33, 39)


def test_north_east_mayoral_combined_authority(ref_db):
    seven = {
        "E06000047",
        "E08000037",
        "E08000021",
        "E08000022",
        "E06000057",
        "E08000023",
        "E08000024",
    }
    got = rows(
        ref_db,
        "SELECT council_code, footprint_name FROM councils WHERE footprint_code = 'E47000014'",
    )
    assert {c for c, _ in got} == seven
    assert {n for _, n in got} == {"North East Mayoral Combined Authority"}
    assert rows(
        ref_db, "SELECT count(*) FROM councils WHERE footprint_code IN ('E47000010', 'E47000011')"
    ) == [(0,)]


def test_london_in_the_gla(ref_db):
    got = rows(
        ref_db,
        "SELECT council_type, footprint_code, footprint_name, count(*) FROM councils "
        "WHERE region_code = 'E12000007' GROUP BY ALL ORDER BY 1",
    )
    assert got == [
        ("London borough", "E61000001", "Greater London Authority", 32),
        ("city corporation", "E61000001", "Greater London Authority", 1),
    ]


def test_district_takes_its_county_footprint(ref_db):
    # Amber Valley (E07000032) has no combined-authority of its own; its county, Derbyshire,
    # is a member of the East Midlands CCA (E47000013).
    assert rows(
        ref_db,
        "SELECT footprint_code, footprint_name, council_type FROM councils "
        "WHERE council_code = 'E07000032'",
    ) == [("E47000013", "East Midlands Combined County Authority", "district")]
    # 4 EMCA members are tagged in the CSV (DBY, NTT, DER, NGM); their 15 districts join them.
    assert rows(ref_db, "SELECT count(*) FROM councils WHERE footprint_code = 'E47000013'") == [
        (19,)
    ]
    # a district in a county outside any CA has no footprint: Adur (West Sussex)
    assert rows(ref_db, "SELECT footprint_code FROM councils WHERE council_code = 'E07000223'") == [
        (None,)
    ]


def test_every_council_has_a_centre_from_its_region(ref_db):
    assert rows(ref_db, "SELECT count(*) FROM councils WHERE centre IS NULL") == [(0,)]
    got = dict(rows(ref_db, "SELECT centre, count(*) FROM councils GROUP BY 1"))
    # North = NE 12 + NW 36 + Y&H 15; Midlands = EM 39 + WM 33; South = SE 70 + SW 29
    assert got == {"North": 63, "Midlands": 72, "East of England": 50, "London": 33, "South": 99}
    centres = rows(ref_db, "SELECT centre_code, centre_name, region_codes FROM centres ORDER BY 1")
    assert [c[0] for c in centres] == ["east", "london", "midlands", "north", "south"]
    assert sorted(r for c in centres for r in c[2]) == [f"E1200000{i}" for i in range(1, 10)]


@pytest.mark.parametrize(
    "spelling, code",
    [
        ("Brighton & Hove", "E06000043"),
        ("Kingston upon Hull, City of", "E06000010"),
        ("Bristol, City of", "E06000023"),
        ("E06000048", "E06000057"),  # Northumberland's former GSS code
        ("E08000020", "E08000037"),  # Gateshead's former GSS code
        ("e06000057", "E06000057"),
        ("Amber Valley Borough Council", "E07000032"),
        ("HULL CITY COUNCIL", "E06000010"),  # lookup_name_to_registry.csv spelling
    ],
)
def test_name_lookups(ref_db, spelling, code):
    from store.normalise import name_key

    assert rows(
        ref_db, "SELECT council_code FROM council_names WHERE name_key = ?", [name_key(spelling)]
    ) == [(code,)]


def test_every_council_found_by_its_own_code_and_names(ref_db):
    # one row per key, and each council's code, name and official name lead back to it
    assert rows(ref_db, "SELECT count(*) - count(DISTINCT name_key) FROM council_names") == [(0,)]
    missing = rows(
        ref_db,
        """
        SELECT c.council_code, s.spelling FROM councils c,
            LATERAL (SELECT unnest([c.council_code, c.name, c.official_name]) AS spelling) s
        LEFT JOIN council_names n
            ON n.name_key = regexp_replace(strip_accents(replace(lower(s.spelling), '&', ' and ')), '[^a-z0-9]', '', 'g')
        WHERE n.council_code IS DISTINCT FROM c.council_code""",
    )
    assert missing == []


def test_names_only_for_councils_in_the_table(ref_db):
    # abolished Aylesbury Vale and the combined authorities are not councils here
    from store.normalise import name_key

    for spelling in ("Aylesbury Vale", "Greater Manchester Combined Authority", "Aberdeenshire"):
        assert (
            rows(ref_db, "SELECT * FROM council_names WHERE name_key = ?", [name_key(spelling)])
            == []
        )


def test_reference_source_and_data_version(ref_db, tmp_path):
    source = rows(ref_db, "SELECT value FROM meta WHERE key = 'reference_source'")[0][0]
    assert (
        str(paths.reference_dir()) in source and "1ef7c9caf57e4a8d" in source
    )  # README §1 sha prefix
    # a second load replaces the first cleanly and bumps data_version once
    with connect(ref_db) as con:
        before = schema.data_version(con)
        load_reference(con)
        assert schema.data_version(con) == before + 1
        assert con.execute(
            "SELECT count(*), count(DISTINCT council_code) FROM councils"
        ).fetchall() == [(317, 317)]
        assert con.execute("SELECT count(*) FROM regions").fetchall() == [(9,)]
        assert con.execute("SELECT count(*) FROM centres").fetchall() == [(5,)]


def test_uploaded_council_list_is_kept_by_a_refresh(make_db):
    db = make_db("reference")
    with connect(db) as con:
        con.execute(
            "UPDATE councils SET batch_id = 7, name = 'Renamed' WHERE council_code = 'E06000001'"
        )
        con.execute("UPDATE councils SET batch_id = 7")
        result = load_reference(con)
        assert result["kept_uploaded_batch"] == 7
        assert con.execute(
            "SELECT name FROM councils WHERE council_code = 'E06000001'"
        ).fetchall() == [("Renamed",)]
        # the uploaded name is a spelling now, and mySociety's names still match by code
        assert con.execute(
            "SELECT council_code FROM council_names WHERE name_key = 'renamed'"
        ).fetchall() == [("E06000001",)]
        assert con.execute(
            "SELECT council_code FROM council_names WHERE name_key = 'hartlepool'"
        ).fetchall() == [("E06000001",)]
        assert con.execute("SELECT count(*) FROM councils").fetchall() == [(317,)]


def test_rebuild_names_for_an_uploaded_list(make_db):
    db = make_db("reference")
    with connect(db) as con:
        con.execute("DELETE FROM councils WHERE council_code NOT IN ('E06000057', 'E07000032')")
        con.execute(
            "INSERT INTO councils (council_code, name, official_name, council_type, region_code, "
            "region_name) VALUES ('E06000099', 'Newtown', 'Newtown Council', 'unitary', "
            "'E12000001', 'North East')"
        )
        n = rebuild_names(con)
        got = dict(con.execute("SELECT name_key, council_code FROM council_names").fetchall())
    assert n == len(got)
    assert got["newtown"] == got["newtowncouncil"] == got["e06000099"] == "E06000099"
    assert got["e06000048"] == got["northumberlandcountycouncil"] == "E06000057"  # mySociety names
    assert got["ambervalley"] == "E07000032"
    assert "brightonandhove" not in got and set(got.values()) == {
        "E06000099",
        "E06000057",
        "E07000032",
    }


def test_rebuild_names_without_reference_folder(make_db, tmp_path, monkeypatch):
    db = make_db("reference")
    monkeypatch.setenv("TRACKER_REFERENCE_DIR", str(tmp_path / "nothing"))
    monkeypatch.setattr(paths, "DEFAULT_REFERENCE_DIR", tmp_path / "gone")
    with connect(db) as con:
        rebuild_names(con)
        got = dict(con.execute("SELECT name_key, source FROM council_names").fetchall())
    # only own code, name and official name: Hull's "Kingston upon Hull, City of" is gone
    assert got["e06000010"] == "gss" and got["kingstonuponhull"] == "name"
    assert "kingstonuponhullcityof" not in got and set(got.values()) <= {
        "gss",
        "name",
        "official_name",
    }


def test_ambiguous_spellings_are_dropped_and_stronger_ones_win():
    councils = [
        ("E1", "Ashford", None, False),
        ("E2", "Ashford", None, False),
        ("E3", "Oldtown", None, True),
        ("E4", "Oldtown", None, False),
        ("E5", "Sea", None, False),
        ("E6", "Bay", None, False),
    ]
    registry = {"E5": "SEA", "E6": "BAY"}
    spellings = {"SEA": [("Bay", "alt_name")], "BAY": []}
    got = {
        k: (c, s)
        for k, c, s in council_name_rows(councils, registry, spellings).itertuples(index=False)
    }
    assert "ashford" not in got  # two current councils: dropped
    assert got["oldtown"] == ("E4", "name")  # the current one of a current/ended pair wins
    assert got["bay"] == ("E6", "name")  # Bay's own name beats Sea's alternative name
    assert got["e1"] == ("E1", "gss")


def test_read_councils_is_pure_and_sorted():
    frame = read_councils()
    assert len(frame) == 317 and frame["council_code"].is_monotonic_increasing
    assert frame["end_date"].isna().all() and frame["batch_id"].isna().all()


def test_centres_file_checked(tmp_path, make_db):
    bad = tmp_path / "centres.toml"
    bad.write_text(
        '[[centre]]\ncode = "all-but-one"\nname = "Most"\n'
        'regions = ["E12000001", "E12000002", "E12000003", "E12000004", "E12000005", '
        '"E12000006", "E12000007", "E12000008"]\n'
    )
    with pytest.raises(CentresError, match=r"in no centre: E12000009 \(South West\)"):
        load_centres(bad)
    bad.write_text(
        '[[centre]]\ncode = "a"\nname = "A"\nregions = ["E12000001"]\n'
        '[[centre]]\ncode = "b"\nname = "B"\nregions = ["E12000001"]\n'
    )
    with pytest.raises(
        CentresError,
        match=r"centre entry 2 \(b\): region E12000001 \(North East\) is already in centre 'a'",
    ):
        load_centres(bad)
    bad.write_text('[[centre]]\ncode = "a"\nname = "A"\nregions = ["E99"]\n')
    with pytest.raises(CentresError, match="'E99' is not an English region code"):
        load_centres(bad)
    # refused before anything is written
    db = make_db("empty")
    with connect(db) as con:
        before = schema.data_version(con)
        with pytest.raises(CentresError):
            load_reference(con, centres_file=bad)
        assert con.execute(
            "SELECT (SELECT count(*) FROM councils) + (SELECT count(*) FROM regions)"
        ).fetchall() == [(0,)]
        assert schema.data_version(con) == before


def test_missing_reference_folder_names_every_place(tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("TRACKER_REFERENCE_DIR", str(empty))
    monkeypatch.setattr(paths, "DEFAULT_REFERENCE_DIR", tmp_path / "moved")
    with pytest.raises(paths.ReferenceDataMissing) as info:
        read_councils()
    text = str(info.value)
    assert str(empty / paths.COUNCILS_CSV) in text
    assert str(tmp_path / "moved" / paths.COUNCILS_CSV) in text
    assert "TRACKER_REFERENCE_DIR" in text
