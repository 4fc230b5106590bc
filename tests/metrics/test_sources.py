"""The data sources are written once (metrics.sources) and every place that names them
says the same: the Methodology page and board pack, the maps, the open data package."""

from metrics import maps, opendata, sources
from viewmodels import methodology


def test_every_place_names_the_same_sources():
    listed = methodology.sources("see the cover")
    assert [s["source"] for s in listed] == [s.title for s in sources.ALL]
    assert [s["licence"] for s in listed] == [s.licence for s in sources.ALL]
    assert listed[0]["attribution"].endswith("; see the cover.")
    assert sources.COUNCILS.url in listed[1]["attribution"]
    assert maps.ATTRIBUTION == methodology.OS_ATTRIBUTION == sources.BOUNDARIES.attribution
    assert [s["title"].split(": ")[0] for s in opendata.SOURCES] == [
        s.title.split(": ")[0] for s in sources.ALL
    ]
    assert {s.get("path") for s in opendata.SOURCES} == {
        None,
        sources.COUNCILS.url,
        sources.BOUNDARIES.url,
    }
