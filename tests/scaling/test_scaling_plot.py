"""Plots a scientist would publish: checked through matplotlib's own objects, for each plot kind."""

from __future__ import annotations

import json

from click.testing import CliRunner

from flopsdb.cli import main
from flopsdb.db.store import Store
from flopsdb.db.store import Store


def _imported(config, fx):
    res = CliRunner().invoke(main, ["import", "thompson", str(fx / "thompson")], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return Store(config.db_path)


def test_fit_json_points(config, fx):
    _imported(config, fx)
    res = CliRunner().invoke(main, ["fit", "--benchmark", "imagenet", "--source", "thompson", "--no-variants", "--format", "json"],
                             catch_exceptions=False)
    doc = json.loads(res.output)
    assert len(doc["points"]) == doc["n"]
    p = doc["points"][0]
    assert {"compute", "error", "model", "year", "result_source", "compute_source", "fact_ids"} <= set(p)
    assert p["compute"] > 0 and 0 < p["error"] < 1 and p["result_source"] == "thompson"
