"""arXivRaw author strings -> names and affiliations (arXiv's own rules), on real author lines."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from crawler_helpers import FIXTURES, Reply, ScriptedServer

from flopsdb.core.config import Config, load_config
from flopsdb.crawl import crawl_arxiv
from flopsdb.crawler.authors import Author, parse_authors
from flopsdb.db.store import Store


def names(raw: str) -> tuple[str, ...]:
    return tuple(a.name for a in parse_authors(raw))


def test_and_inside_parentheses_does_not_split() -> None:
    got = parse_authors("Ana Roe (Dipartimento di Fisica, Università di Roma and INFN), Bo Li")
    assert got == (Author("Ana Roe", ("Dipartimento di Fisica, Università di Roma and INFN",)), Author("Bo Li"))


def test_suffixes_and_et_al_are_not_authors() -> None:
    assert names("John Von Neumann, Herbert Van de Sompel, Fred Bloggs, Jr, et al") == ("John Von Neumann", "Herbert Van de Sompel", "Fred Bloggs Jr")
    assert names("The DELPHI Collaboration, J. Abdallah, et al") == ("The DELPHI Collaboration", "J. Abdallah")
    assert names("J. Abdallah et al.") == ("J. Abdallah",)
    assert names("Anatoly Zlotnik and Jr-Shin Li") == ("Anatoly Zlotnik", "Jr-Shin Li")
    assert names("Matthew Everitt, Robert M. Heath and Viv Kendon") == ("Matthew Everitt", "Robert M. Heath", "Viv Kendon")
    assert names("S.M. Warner") == ("S. M. Warner",) and names("") == ()


def test_numbered_affiliations_and_back_propagation() -> None:
    got = parse_authors("a.b.first, c.d.second (1), e.f.third, g.h.forth (2,3) ((1) affil1, (2) affil2, (3) affil3)")
    assert [(a.name, a.affiliations) for a in got] == [
        ("a. b. first", ("affil1",)),
        ("c. d. second", ("affil1",)),
        ("e. f. third", ("affil2", "affil3")),
        ("g. h. forth", ("affil2", "affil3")),
    ]
    assert parse_authors("sum won(1 and 2)((1)lab a,(2)lab b)") == (Author("sum won", ("lab a", "lab b")),)
    assert parse_authors("sum won ((lab a), (lab b))") == (Author("sum won"),)


def test_a_real_collaboration_line_over_oai(config: Config, store: Store, server: ScriptedServer) -> None:
    """A real arXiv author line (QUaD, 31 authors, 14 numbered affiliations) harvested from a local OAI server."""
    server.route("/oai", Reply(200, (FIXTURES / "oai" / "authors.xml").read_bytes(), {"Content-Type": "text/xml"}))
    c = load_config(arxiv_oai_url=server.url + "/oai", max_retries=0)
    assert crawl_arxiv(c, store, since=date(2026, 11, 1), sets=["cs:cs:LG"]).status == "ok"
    with store.connect() as con:
        rows = {
            r[0]: (r[1], json.loads(r[2]) if r[2] else None) for r in con.execute("SELECT arxiv_id, authors, affiliations FROM papers").fetchall()
        }
    authors, affiliations = rows["2611.90011"]
    assert len(authors) == 32 and authors[0] == "QUaD collaboration" and authors[-1] == "M. Zemcov"
    assert affiliations[0] == [] and affiliations[1] == ["Cardiff University"]
    assert affiliations[authors.index("P. G. Castro")] == ["University of Edinburgh", "Universidade Tecnica de Lisboa"]
    assert affiliations[-1] == ["Cardiff University", "JPL", "Caltech"]
    assert not any(re.search(r"\(|\)|^\d", a) for a in authors)
    assert rows["2611.90012"] == (["The DELPHI Collaboration", "J. Abdallah"], None)
    assert rows["2611.90013"][0] == ["John Von Neumann", "Herbert Van de Sompel", "Fred Bloggs Jr"]
    assert rows["2611.90014"] == (["Ana Roe", "Bo Li"], [["Dipartimento di Fisica, Università di Roma and INFN"], []])


def test_recorded_arxiv_api_names_survive_an_arxivraw_style_join(shared_dir: Path) -> None:
    """The author names of real recorded arXiv answers, joined the way arXivRaw writes them, parse back unchanged."""
    checked = 0
    for path in sorted((shared_dir / "fixtures" / "arxiv-api").glob("*.json")):
        body = json.loads(path.read_text(encoding="utf-8"))["body"]
        for entry in re.findall(r"<entry>(.*?)</entry>", body, re.S):
            real = [" ".join(n.split()) for n in re.findall(r"<name>(.*?)</name>", entry, re.S)]
            if len(real) < 2:
                continue
            raw = ", ".join(real[:-1]) + " and " + real[-1]
            assert names(raw) == tuple(real), raw
            checked += 1
    if not checked:
        pytest.skip("no multi-author entries in the recorded answers")
