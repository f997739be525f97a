"""The Label Studio round trip against a real Label Studio: flopsdb export -> Label Studio import (project
with the shipped labeling config) -> annotations made through its REST API -> Label Studio's JSON export ->
flopsdb import. Label Studio lives in its own virtualenv (``.ci/install`` makes it); skipped without it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from curation_helpers import free_port
from test_curation_interchange import review_some, snapshot

from flopsdb.curation.interchange import LABEL_CONFIG, read_import
from flopsdb.db.curation import DbReviewStore
from flopsdb.db.store import Store
from flopsdb.review import export_records, import_records

LS_VENV = Path(os.environ.get("FLOPSDB_LABELSTUDIO_VENV", "/opt/flopsdb-labelstudio"))
LS_BIN = LS_VENV / "bin" / "label-studio"
TOKEN = "f1095db0f1095db0f1095db0f1095db0f1095db0"
START_SECONDS = 420


class LabelStudio:
    """A Label Studio server on loopback with a fresh data folder, spoken to through its REST API."""

    def __init__(self, data_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Token {TOKEN}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.email, self.password = "ls@example.com", "ls-pass-12345"

    def start(self) -> LabelStudio:
        env = {
            **os.environ,
            "LABEL_STUDIO_BASE_DATA_DIR": str(self.data_dir),
            "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
            "LATEST_VERSION_CHECK": "false",
            "COLLECT_ANALYTICS": "false",
            "DJANGO_DB": "sqlite",
            "HOST": "",
        }
        log = (self.data_dir / "server.log").open("wb")
        self.proc = subprocess.Popen(
            [
                str(LS_BIN),
                "start",
                "--no-browser",
                "--internal-host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--data-dir",
                str(self.data_dir),
                "--username",
                self.email,
                "--password",
                self.password,
                "--user-token",
                TOKEN,
                "--log-level",
                "WARNING",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Label Studio exited: {(self.data_dir / 'server.log').read_text()[-2000:]}")
            try:
                if self.http.get(self.url + "/api/projects", timeout=5).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(2)
        raise RuntimeError(f"Label Studio did not answer in {START_SECONDS} s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)

    def call(self, method: str, path: str, **kw: Any) -> Any:
        r = self.http.request(method, self.url + path, timeout=120, **kw)
        assert r.status_code < 300, f"{method} {path}: {r.status_code} {r.text[:500]}"
        return r.json() if r.content else None


@pytest.fixture(scope="module")
def label_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabelStudio]:
    """A running Label Studio (skipped when its virtualenv is missing)."""
    if not LS_BIN.exists():
        pytest.skip(
            f"Label Studio is not installed at {LS_VENV} (bash .ci/install creates it; "
            "or set FLOPSDB_LABELSTUDIO_VENV to a virtualenv with the label-studio package)"
        )
    ls = LabelStudio(tmp_path_factory.mktemp("labelstudio"))
    try:
        yield ls.start()
    finally:
        ls.stop()


def result(from_name: str, kind: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"id": f"r-{from_name}", "from_name": from_name, "to_name": "page", "type": kind, "value": value}


def test_round_trip_through_a_real_label_studio(label_studio: LabelStudio, rs: DbReviewStore, tmp_path: Path) -> None:
    ls = label_studio
    me = ls.call("GET", "/api/current-user/whoami")["id"]
    review_some(rs)
    before = snapshot(rs)
    out = tmp_path / "to-ls.json"
    export_records(rs, "labelstudio", out, users={"ann1": me})
    tasks = json.loads(out.read_text())

    project = ls.call("POST", "/api/projects/", json={"title": "flopsdb review", "label_config": LABEL_CONFIG.read_text()})
    imported = ls.call("POST", f"/api/projects/{project['id']}/import", json=tasks)
    assert imported["task_count"] == 21 and imported["annotation_count"] == len(before[1])
    assert imported["prediction_count"] == 21

    listed = ls.call("GET", f"/api/tasks/?project={project['id']}&page_size=100&fields=all")
    listed = listed["tasks"] if isinstance(listed, dict) else listed
    fresh = [t for t in listed if not t.get("total_annotations")]
    assert len(fresh) == 21 - len(before[1])
    by_kind = {}
    for t in fresh:
        by_kind.setdefault(t["data"]["kind"], t)
    hw, other = by_kind["hardware"], next(t for t in fresh if t["data"]["kind"] != "hardware")
    bad = next(t for t in fresh if t["id"] not in (hw["id"], other["id"]))
    # a correction made in Label Studio: the count edited in its text box, the rest as proposed
    kept = {r["from_name"]: r["value"]["text"][0] for r in hw["predictions"][0]["result"] if r["type"] == "textarea"}
    corrected = [result("verdict", "choices", {"choices": ["accept"]})]
    corrected += [result(k, "textarea", {"text": ["16" if k == "count" else v]}) for k, v in kept.items()]
    ls.call("POST", f"/api/tasks/{hw['id']}/annotations/", json={"result": corrected, "lead_time": 4.5})
    ls.call("POST", f"/api/tasks/{other['id']}/annotations/", json={"result": [result("verdict", "choices", {"choices": ["reject"]})]})
    ls.call("POST", f"/api/tasks/{bad['id']}/annotations/", json={"result": [result("model", "textarea", {"text": ["x"]})]})

    exported = ls.call("GET", f"/api/projects/{project['id']}/export?exportType=JSON&download_all_tasks=true")
    assert len(exported) == 21 and all(isinstance(t["id"], int) for t in exported)
    region = next(r for t in exported for a in t["annotations"] for r in a["result"] if r["type"] == "rectanglelabels")
    assert region["value"]["rectanglelabels"] == ["evidence"] and 0 < region["value"]["width"] < 100
    back = tmp_path / "from-ls.json"
    back.write_text(json.dumps(exported))

    problems: list[str] = []
    records = read_import("labelstudio", back, users={"ann1": me}, problems=problems)
    assert len(problems) == 1 and problems[0].startswith(f"task {bad['id']} (") and "no verdict chosen" in problems[0]
    other_store = DbReviewStore(Store(tmp_path / "other.duckdb"))
    counts = import_records(other_store, records)
    assert counts["new_candidates"] == 21
    after = snapshot(other_store)
    assert after[0] == before[0]
    assert set(before[1]) <= set(after[1])
    new = [e for e in after[1] if e not in before[1]]
    assert sorted(e[3] for e in new) == ["correct", "reject"] and {e[2] for e in new} == {"ann1"}
    fix = next(e for e in new if e[3] == "correct")
    assert fix[1] == hw["data"]["candidate_id"] and json.loads(fix[4])["fields"]["count"] == 16 and fix[5] == 4500
    assert import_records(other_store, read_import("labelstudio", back, users={"ann1": me}, problems=[]))["new_events"] == 0


def test_label_studio_shows_the_page_with_the_evidence_region(label_studio: LabelStudio, browser, rs: DbReviewStore, tmp_path: Path) -> None:
    ls = label_studio
    out = tmp_path / "to-ls.json"
    export_records(rs, "labelstudio", out)
    project = ls.call("POST", "/api/projects/", json={"title": "flopsdb view", "label_config": LABEL_CONFIG.read_text()})
    ls.call("POST", f"/api/projects/{project['id']}/import", json=json.loads(out.read_text()))
    listed = ls.call("GET", f"/api/tasks/?project={project['id']}&page_size=100&fields=all")
    task = next(t for t in (listed["tasks"] if isinstance(listed, dict) else listed) if t["data"]["kind"] == "hardware")
    page = browser.new_context(viewport={"width": 1500, "height": 1100}).new_page()
    page.goto(ls.url + "/user/login/")
    page.fill("input[name=email]", ls.email)
    page.fill("input[name=password]", ls.password)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{ls.url}/projects/{project['id']}/data?task={task['id']}")
    width = next(r for r in task["predictions"][0]["result"] if r["type"] == "rectanglelabels")["original_width"]
    page.wait_for_function(
        "w => [...document.images].some(i => i.src.startsWith('data:image/jpeg') && i.naturalWidth === w)", arg=width, timeout=60000
    )
    page.get_by_text("evidence", exact=True).first.wait_for(timeout=30000)
    assert page.get_by_text(task["data"]["snippet"]).count() >= 1
    accelerator = task["data"]["flopsdb"]["candidate"]["fields"]["accelerator"]
    page.get_by_text(accelerator, exact=True).first.wait_for(timeout=30000)  # the proposal, pre-filled in its text box
    page.screenshot(path=str(tmp_path / "labelstudio.png"))
