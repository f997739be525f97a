"""Failure containment: every broken PDF fails with a PDFError and a reason; the run goes on."""

from __future__ import annotations

from pathlib import Path

import pytest

from flopsdb.core.errors import ExtractError, PDFError
from flopsdb.extract.pdf import parse_pdf
from flopsdb.extract.robust import REASONS, ParserPool, parse_many, parse_pdf_safe, read_digest

BROKEN = {
    "scanned.pdf": "no_text",
    "zero_pages.pdf": "no_pages",
    "encrypted.pdf": "encrypted",
    "truncated.pdf": "truncated",
    "garbage.pdf": "corrupt",
    "not_a_pdf.pdf": "corrupt",
}


@pytest.mark.parametrize("name,reason", sorted(BROKEN.items()))
def test_broken_file_gives_a_reason(pdf_fixtures: Path, name: str, reason: str) -> None:
    with pytest.raises(PDFError) as info:
        parse_pdf(pdf_fixtures / name)
    assert info.value.reason == reason
    assert info.value.paper == Path(name).stem
    assert reason in REASONS
    assert Path(name).stem in str(info.value)


def test_missing_file_is_a_pdf_error(tmp_path: Path) -> None:
    with pytest.raises(PDFError) as info:
        parse_pdf(tmp_path / "absent.pdf")
    assert info.value.reason == "corrupt"
    assert isinstance(info.value, ExtractError)


def test_empty_file_is_truncated(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(PDFError) as info:
        parse_pdf(empty)
    assert info.value.reason == "truncated"


def test_too_large_file_is_refused(pdf_fixtures: Path) -> None:
    with pytest.raises(PDFError) as info:
        parse_pdf(pdf_fixtures / "two_column.pdf", max_bytes=1000)
    assert info.value.reason == "too_large"


def test_huge_page_is_flagged_and_the_rest_read(pdf_fixtures: Path) -> None:
    doc = parse_pdf(pdf_fixtures / "huge_page.pdf")
    assert doc.pages[0].flags == () and doc.pages[1].flags == ("huge",)
    assert doc.page_text(1) == "A normal page comes first."
    assert doc.page_text(2) == ""
    assert doc.flags == ["huge_pages"]


def test_safe_parse_in_worker_matches_in_process(pdf_fixtures: Path) -> None:
    with ParserPool() as pool:
        doc = parse_pdf_safe(pdf_fixtures / "two_column.pdf", 60, pool=pool)
        again = pool.parse(pdf_fixtures / "minimal.pdf", timeout=60)
    direct = parse_pdf(pdf_fixtures / "two_column.pdf")
    assert doc.text == direct.text
    assert (doc.char_boxes == direct.char_boxes).all()
    assert [t.header for t in doc.tables] == [t.header for t in direct.tables]
    assert again.text.startswith("Hello")


def test_worker_errors_keep_their_reason(pdf_fixtures: Path) -> None:
    with ParserPool() as pool:
        with pytest.raises(PDFError) as info:
            pool.parse(pdf_fixtures / "encrypted.pdf", timeout=60)
    assert info.value.reason == "encrypted" and info.value.paper == "encrypted"


def test_a_worker_error_crosses_the_process_boundary_whole(pdf_fixtures: Path, tmp_path: Path) -> None:
    """The worker's PDFError is pickled back as it was raised (its class, message, reason and context), the same
    error as in this process; a failure that names no paper gets the file's name."""
    with pytest.raises(PDFError) as here:
        parse_pdf(pdf_fixtures / "truncated.pdf", paper="p1")
    with ParserPool() as pool:
        with pytest.raises(PDFError) as there:
            pool.parse(pdf_fixtures / "truncated.pdf", timeout=60, paper="p1")
        with pytest.raises(PDFError) as unreadable:
            pool.run(read_digest, (str(tmp_path / "absent.pdf"), "p2", None), timeout=60, name="p2")
    assert type(there.value) is type(here.value) and str(there.value) == str(here.value)
    assert (there.value.reason, there.value.paper, there.value.page) == (here.value.reason, "p1", here.value.page)
    assert unreadable.value.reason == "missing" and unreadable.value.paper == "p2" and "absent.pdf" in unreadable.value.message


def test_timeout_stops_the_worker_and_the_pool_recovers(pdf_fixtures: Path) -> None:
    with ParserPool() as pool:
        with pytest.raises(PDFError) as info:
            pool.parse(pdf_fixtures / "two_column.pdf", timeout=0.0001)
        assert info.value.reason == "timeout"
        doc = pool.parse(pdf_fixtures / "two_column.pdf", timeout=60)
    assert "NVIDIA P100" in doc.text


def test_worker_restart_is_not_charged_to_the_next_file(pdf_fixtures: Path) -> None:
    # A spawned worker re-imports the whole parsing stack (seconds): far more than the next file's
    # one-second budget, which must count only that file's parse.
    with ParserPool(start_method="spawn") as pool:
        with pytest.raises(PDFError) as info:
            pool.parse(pdf_fixtures / "two_column.pdf", timeout=0.0001)
        assert info.value.reason == "timeout"
        doc = pool.parse(pdf_fixtures / "minimal.pdf", timeout=1.0)
    assert doc.text.startswith("Hello")


def test_the_worker_is_reused_across_files(pdf_fixtures: Path) -> None:
    with ParserPool() as pool:
        pool.start()
        first = set(pool._executor._processes)  # type: ignore[union-attr]
        for name in ("minimal.pdf", "two_column.pdf", "encrypted.pdf", "minimal.pdf"):
            try:
                pool.parse(pdf_fixtures / name, timeout=60)
            except PDFError:
                pass
        assert set(pool._executor._processes) == first and len(first) == 1  # type: ignore[union-attr]


def test_in_process_safe_parse_without_timeout(pdf_fixtures: Path) -> None:
    with pytest.raises(PDFError) as info:
        parse_pdf_safe(pdf_fixtures / "scanned.pdf", None)
    assert info.value.reason == "no_text"
    assert parse_pdf_safe(pdf_fixtures / "minimal.pdf", None).text.startswith("Hello")


def test_parse_many_goes_on_after_failures(pdf_fixtures: Path) -> None:
    names = ["garbage.pdf", "two_column.pdf", "encrypted.pdf", "scanned.pdf", "minimal.pdf"]
    results = list(parse_many([pdf_fixtures / n for n in names], timeout=60))
    assert [p.name for p, _ in results] == names
    kinds = [(type(r).__name__, getattr(r, "reason", None)) for _, r in results]
    assert kinds == [("PDFError", "corrupt"), ("Document", None), ("PDFError", "encrypted"), ("PDFError", "no_text"), ("Document", None)]


def test_size_limit_through_the_worker(pdf_fixtures: Path) -> None:
    with ParserPool(max_bytes=1000) as pool:
        with pytest.raises(PDFError) as info:
            pool.parse(pdf_fixtures / "two_column.pdf", timeout=60)
        assert info.value.reason == "too_large"
        assert pool.parse(pdf_fixtures / "minimal.pdf", timeout=60).text.startswith("Hello")
    with pytest.raises(PDFError) as info:
        parse_pdf_safe(pdf_fixtures / "two_column.pdf", None, max_bytes=1000)
    assert info.value.reason == "too_large"


def _maps_of(pool: ParserPool) -> str:
    (pid,) = list(pool._executor._processes)  # type: ignore[union-attr]
    return Path(f"/proc/{pid}/maps").read_text()


def _address_limit(pool: ParserPool) -> str:
    (pid,) = list(pool._executor._processes)  # type: ignore[union-attr]
    line = next(x for x in Path(f"/proc/{pid}/limits").read_text().splitlines() if x.startswith("Max address space"))
    return line.split()[3]


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc to see what a worker has loaded")
def test_a_parsing_worker_has_no_spacy_and_an_extracting_one_is_warm_before_its_first_file(pdf_fixtures: Path) -> None:
    """The fork server loads only the parsing stack, so a parsing worker never maps spaCy; a pool made with
    ``warm_up=warm_extractors`` has spaCy loaded (the extractors warm) when it starts. Both cap their address space
    once warm."""
    from flopsdb.extract.pipeline import warm_extractors

    with ParserPool() as parsing, ParserPool(warm_up=warm_extractors) as extracting:
        parsing.start()
        extracting.start()
        assert "/spacy/" not in _maps_of(parsing)
        assert "/spacy/" in _maps_of(extracting)
        assert parsing.parse(pdf_fixtures / "minimal.pdf", timeout=60).text.startswith("Hello")
        assert "/spacy/" not in _maps_of(parsing)
        assert _address_limit(parsing) != "unlimited" and _address_limit(extracting) != "unlimited"
