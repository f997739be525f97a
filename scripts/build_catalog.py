"""Regenerate ``flopsdb/core/data/hardware.v1.jsonl`` from the seed and Epoch AI's chip table.

Example:
    python scripts/build_catalog.py --epoch ../shared/datasets/epoch/epoch_chip_dataset.csv

The seed (``flopsdb/core/data/hardware_seed.v1.json``) names each canonical accelerator, its aliases and the
Epoch row its figures come from; peak FLOP/s, TDP and release year are copied from that row.
Source: Epoch AI, "Chip dataset" (epoch-research/training-cost-trends, CC BY), https://epoch.ai/data.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

__all__ = ["build_catalog", "main"]

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "flopsdb" / "core" / "data" / "hardware_seed.v1.json"
OUT = ROOT / "flopsdb" / "core" / "data" / "hardware.v1.jsonl"
DEFAULT_EPOCH = ROOT.parent / "shared" / "datasets" / "epoch" / "epoch_chip_dataset.csv"
SOURCE = "Epoch AI, Chip dataset (epoch-research/training-cost-trends, data/Chip dataset-Grid view.csv, CC BY 4.0)"

_COLUMNS = {
    "fp64": "FP64 (double precision) performance (FLOP/s)",
    "fp32": "FP32 (single precision) performance (FLOP/s)",
    "tf32": "TF32 (TensorFloat-32) performance (FLOP/s)",
    "fp16": "FP16 (half precision) performance (FLOP/s)",
    "tensor": "Tensor-FP16/BF16 performance (FLOP/s)",
    "int8": "INT8 performance (OP/s)",
}


def _num(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def _no_row_source(spec: dict[str, object]) -> str:
    system = spec.get("system")
    if isinstance(system, dict):
        return f"system of {system['count']} {system['accelerator']} (vendor specification: {system.get('note', '')})"
    return "generic entry (no figures)"


def build_catalog(epoch_csv: Path, seed: Path = SEED) -> list[dict[str, object]]:
    """The catalog entries: the seed joined with Epoch's figures (peaks per chip, FLOP/s)."""
    with open(epoch_csv, encoding="utf-8-sig", newline="") as fh:
        rows = {r["Hardware name"].strip(): r for r in csv.DictReader(fh)}
    entries = []
    for spec in json.loads(seed.read_text())["accelerators"]:
        row = rows.get(spec["epoch"]) if spec.get("epoch") else None
        if spec.get("epoch") and row is None:
            raise SystemExit(f"Epoch row not found: {spec['epoch']}")
        peaks: dict[str, float | None] = dict.fromkeys(("fp64", "fp32", "tf32", "fp16", "bf16", "int8"))
        tdp = year = None
        if row is not None:
            tensor = _num(row[_COLUMNS["tensor"]])
            peaks.update(
                fp64=_num(row[_COLUMNS["fp64"]]),
                fp32=_num(row[_COLUMNS["fp32"]]),
                tf32=_num(row[_COLUMNS["tf32"]]),
                fp16=tensor or _num(row[_COLUMNS["fp16"]]),
                bf16=tensor if spec["kind"] == "tpu" or (tensor and _num(row[_COLUMNS["tf32"]])) else None,
                int8=_num(row[_COLUMNS["int8"]]),
            )
            tdp = _num(row["TDP (W)"])
            year = int(row["Release date"][:4]) if row["Release date"][:4].isdigit() else None
        entries.append(
            {
                "name": spec["name"],
                "vendor": spec.get("vendor"),
                "kind": spec["kind"],
                "aliases": spec["aliases"],
                "peak_flops": peaks,
                "tpu_cores_per_chip": spec.get("tpu_cores_per_chip"),
                "tpu_chips_per_board": spec.get("tpu_chips_per_board"),
                "system": spec.get("system"),
                "tdp_watts": tdp,
                "release_year": year,
                "source": f"{SOURCE}, row {spec['epoch']!r}" if row is not None else _no_row_source(spec),
            }
        )
    return entries


def main(argv: list[str] | None = None) -> int:
    """Write hardware.v1.jsonl; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epoch", type=Path, default=DEFAULT_EPOCH, help="Epoch AI chip CSV")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    entries = build_catalog(args.epoch)
    args.out.write_text("".join(json.dumps(e, sort_keys=False) + "\n" for e in entries))
    print(f"wrote {len(entries)} accelerators to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
