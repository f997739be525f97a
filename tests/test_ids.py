"""Versioned ids are formatted and parsed in one place (``flopsdb.core.ids``), in Python and in SQL alike."""

from __future__ import annotations

import duckdb
import pytest

from flopsdb.core.ids import VersionedId, split_version, unversioned, versioned
from flopsdb.crawler.download import pdf_url
from flopsdb.db.store import unversioned_sql


def test_versioned_ids_round_trip() -> None:
    assert versioned("1706.03762", 5) == "1706.03762v5" == VersionedId("1706.03762", 5).arxiv()
    assert split_version("1706.03762v5") == ("1706.03762", 5)
    assert split_version("hep-th/9901001v12") == ("hep-th/9901001", 12)
    assert split_version(versioned("2611.00004", 1)) == ("2611.00004", 1)
    assert split_version("hep-th/9901001", default=1) == ("hep-th/9901001", 1)
    with pytest.raises(ValueError, match="has no version"):
        split_version("1706.03762")
    assert pdf_url("http://127.0.0.1:9/pdf/", "1706.03762", 5) == "http://127.0.0.1:9/pdf/1706.03762v5"


@pytest.mark.parametrize("paper", ["1706.03762v5", "1706.03762", " 1706.03762v12 ", "hep-th/9901001v2", "solv-int/9901001"])
def test_sql_strips_versions_the_way_python_does(paper: str) -> None:
    con = duckdb.connect()
    assert con.execute(f"SELECT {unversioned_sql('?')}", [paper.strip()]).fetchone()[0] == unversioned(paper)
    assert unversioned(paper) in {"1706.03762", "hep-th/9901001", "solv-int/9901001"}
