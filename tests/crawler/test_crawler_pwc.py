"""Papers with Code: the dump loader (hand-made fixture and the real-format samples in ../shared) and the API."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from crawler_helpers import FIXTURES, Reply, ScriptedServer

from flopsdb.core.config import Config, load_config
from flopsdb.core.errors import FeedError
from flopsdb.crawl import crawl_pwc, crawl_pwc_api
from flopsdb.crawler.http import HttpClient
from flopsdb.crawler.paper import Paper
from flopsdb.crawler.pwc import PwcApi, arxiv_id_from_url, iter_results, normalise_value
from flopsdb.db.papers import upsert_papers
from flopsdb.db.store import Store

DUMP = FIXTURES / "pwc" / "evaluation-tables.json"

# Rows (one per row x metric) and distinct rows, counted independently with jq:
#   jq '[.. | objects | select(has("sota")) | .sota.rows[]? | .metrics | length] | add' FILE
# (example_json_format.json has a trailing comma that jq rejects; its 3 rows were counted by eye.)
SHARED_COUNTS = {
    "example_json_format.json": (3, 3),
    "record.json": (24, 24),
    "snli.json": (192, 192),
    "squad.json": (902, 900),
    "nlpprogress.json": (826, 819),
}


@pytest.mark.parametrize(
    "raw, value",
    [
        ("92.3%", 92.3),
        (".923", 0.923),
        ("**55.6**", 55.6),
        ("1,234.5", 1234.5),
        ("68.20 ± 0.66", 68.2),
        (81, 81.0),
        (77.34, 77.34),
        ("-", None),
        ("", None),
        (None, None),
        ("n/a", None),
        ("Constituent parser", None),
        ("27.9*", 27.9),
    ],
)
def test_normalise_value(raw, value) -> None:
    got, kept = normalise_value(raw)
    assert got == (pytest.approx(value) if value is not None else None)
    assert kept == (None if raw is None else str(raw))


def test_arxiv_id_from_url() -> None:
    assert arxiv_id_from_url("https://arxiv.org/abs/1512.03385v1") == "1512.03385"
    assert arxiv_id_from_url("http://arxiv.org/pdf/2611.90002") == "2611.90002"
    assert arxiv_id_from_url("https://arxiv.org/abs/hep-th/9901001v2") == "hep-th/9901001"
    assert arxiv_id_from_url("https://paperswithcode.com/paper/deep-residual") is None
    assert arxiv_id_from_url(None) is None


def test_dump_recurses_through_subtasks_and_subdatasets() -> None:
    rows = list(iter_results(DUMP))
    assert len(rows) == 10 and len({r.result_id for r in rows}) == 9
    few_shot = [r for r in rows if r.task == "Few-Shot Image Classification"]
    assert few_shot[0].task_path == "Image Classification / Few-Shot Image Classification"
    assert few_shot[0].dataset == "mini-ImageNet" and few_shot[0].value == pytest.approx(68.2)
    real = [r for r in rows if r.subdataset == "ReaL labels"]
    assert len(real) == 1 and real[0].dataset == "ImageNet" and real[0].value == pytest.approx(0.853) and real[0].arxiv_id is None
    resnet = rows[0]
    assert (resnet.metric, resnet.value, resnet.raw_value, resnet.arxiv_id, str(resnet.paper_date), resnet.uses_additional_data) == (
        "Top 1 Accuracy",
        78.57,
        "78.57%",
        "1512.03385",
        "2015-12-10",
        False,
    )


def test_gzip_and_url_give_the_same_rows(tmp_path: Path, server: ScriptedServer) -> None:
    gz = tmp_path / "evaluation-tables.json.gz"
    gz.write_bytes(gzip.compress(DUMP.read_bytes()))
    server.route("/dump.json.gz", Reply(200, gz.read_bytes(), {"Content-Type": "application/gzip"}))
    plain = [r.result_id for r in iter_results(DUMP)]
    assert [r.result_id for r in iter_results(gz)] == plain
    assert [r.result_id for r in iter_results(server.url + "/dump.json.gz")] == plain


def test_malformed_dump_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('[{"task": "A", "datasets": []}, {"task": "B", "datasets": [ {"dataset": ')
    with pytest.raises(FeedError, match="malformed dump after 1 tasks"):
        list(iter_results(bad))
    with pytest.raises(FeedError, match="not found"):
        list(iter_results(tmp_path / "missing.json"))


def test_crawl_pwc_stores_once_and_links_papers(config: Config, store: Store) -> None:
    with store.transaction() as con:
        upsert_papers(
            con,
            [Paper("2611.90005", 3, "A Survey of Optimisers", "We survey optimisers.", categories=("cs.LG",))],
            [(False, "no tracked benchmark")],
            "seed",
        )
    report = crawl_pwc(config, store, dump=DUMP)
    assert (report.rows, report.new, report.papers_linked, report.status) == (10, 9, 1, "ok")
    again = crawl_pwc(config, store, dump=DUMP)
    assert (again.rows, again.new, again.papers_linked) == (10, 0, 0)
    with store.connect() as con:
        assert con.execute("SELECT count(*) FROM pwc_results").fetchall() == [(9,)]
        assert con.execute("SELECT relevant, relevance_reason FROM papers").fetchall() == [(True, "pwc")]
        assert con.execute("SELECT cursor FROM crawl_cursors WHERE source = 'pwc-dump'").fetchall() == [(str(DUMP),)]
        assert con.execute("SELECT count(DISTINCT run_id) FROM pwc_results").fetchall() == [(1,)]


def test_crawl_pwc_keeps_rows_before_a_malformed_tail(config: Config, store: Store, tmp_path: Path) -> None:
    tasks = json.loads(DUMP.read_text())
    bad = tmp_path / "cut.json"
    bad.write_text(json.dumps(tasks[:1])[:-1] + ', {"task": "Broken", "datasets": [')
    report = crawl_pwc(config, store, dump=bad, batch_size=2)
    assert report.status == "failed" and "malformed" in report.errors[0]
    assert report.rows == 7
    with store.connect() as con:
        assert con.execute("SELECT count(*) FROM pwc_results").fetchall() == [(7,)]


@pytest.mark.shared
@pytest.mark.parametrize("name", sorted(SHARED_COUNTS))
def test_shared_samples_load_with_hand_verified_counts(name: str, shared_dir: Path, config: Config, store: Store) -> None:
    path = shared_dir / "fixtures" / "pwc" / name
    if not path.exists():
        pytest.skip(f"{path} is absent")
    rows, unique = SHARED_COUNTS[name]
    report = crawl_pwc(config, store, dump=path)
    assert report.status == "ok" and report.rows == rows and report.new == unique


def _pwc_api_routes(server: ScriptedServer) -> None:
    base = "/api/v1"
    server.route(
        f"{base}/papers/1706.03762/",
        Reply(
            200,
            json.dumps(
                {
                    "id": "attention-is-all-you-need",
                    "arxiv_id": "1706.03762",
                    "title": "Attention Is All You Need",
                    "url_abs": "https://arxiv.org/abs/1706.03762v7",
                    "published": "2017-06-12",
                }
            ).encode(),
            {"Content-Type": "application/json"},
        ),
    )
    page2 = server.url + f"{base}/evaluations/?paper_id=attention-is-all-you-need&page=2"
    server.route(
        f"{base}/evaluations/?page=2",
        Reply(
            200,
            json.dumps(
                {
                    "count": 2,
                    "next": None,
                    "results": [
                        {
                            "task": {"name": "Constituency Parsing"},
                            "dataset": {"name": "Penn Treebank"},
                            "model": "Transformer",
                            "metrics": [{"name": "F1 score", "value": "92.7"}],
                        }
                    ],
                }
            ).encode(),
            {"Content-Type": "application/json"},
        ),
    )
    server.route(
        f"{base}/evaluations/?paper_id=attention-is-all-you-need",
        Reply(
            200,
            json.dumps(
                {
                    "count": 2,
                    "next": page2,
                    "results": [
                        {
                            "task": "Machine Translation",
                            "dataset": "WMT2014 English-German",
                            "methodology": "Transformer Big",
                            "metrics": {"BLEU score": 28.4, "Hardware Burden": None},
                            "uses_additional_data": False,
                        }
                    ],
                }
            ).encode(),
            {"Content-Type": "application/json"},
        ),
    )


def test_pwc_api_follows_pages_and_tolerates_renamed_fields(server: ScriptedServer) -> None:
    _pwc_api_routes(server)
    api = PwcApi(HttpClient(user_agent="flopsdb-test", backoff=0.01, max_retries=1), server.url + "/api/v1")
    results = api.results("1706.03762")
    assert [(r.task, r.dataset, r.metric, r.value, r.model_name) for r in results] == [
        ("Machine Translation", "WMT2014 English-German", "BLEU score", 28.4, "Transformer Big"),
        ("Machine Translation", "WMT2014 English-German", "Hardware Burden", None, "Transformer Big"),
        ("Constituency Parsing", "Penn Treebank", "F1 score", 92.7, "Transformer"),
    ]
    assert all(r.arxiv_id == "1706.03762" and str(r.paper_date) == "2017-06-12" for r in results)
    assert api.results("9999.99999") == []


def test_crawl_pwc_api_stores_results(config: Config, store: Store, server: ScriptedServer) -> None:
    _pwc_api_routes(server)
    c = load_config(pwc_api_url=server.url + "/api/v1", max_retries=0)
    report = crawl_pwc_api(c, store, ["1706.03762"])
    assert (report.rows, report.new, report.errors) == (3, 3, [])


def test_dump_url_survives_a_503_and_reports_a_cut_download(server: ScriptedServer) -> None:
    body = DUMP.read_bytes()
    server.route("/dump.json", Reply(503, b"busy", {"Retry-After": "0"}), Reply(200, body, {"Content-Type": "application/json"}))
    client = HttpClient(user_agent="flopsdb-test", backoff=0.01, max_retries=2)
    assert len(list(iter_results(server.url + "/dump.json", client=client))) == 10
    server.route("/cut.json", Reply(200, body, {"Content-Type": "application/json"}, action="truncate"))
    with pytest.raises(FeedError, match="malformed dump after"):
        list(iter_results(server.url + "/cut.json", client=client))
