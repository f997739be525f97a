"""Regenerate ``flopsdb/sample/``: the offline sample the nightly job can run end to end.

The sample is made up (ids 2611.0000x, titles and numbers invented for the purpose) and written in
the real formats: OAI-PMH ``ListRecords`` pages with ``arXivRaw`` metadata and a resumption token,
small PDFs with a real text layer, one download that answers HTML instead of a PDF, one truncated
PDF, and a Papers-with-Code evaluation-tables dump that links one paper to results.

Run: ``python scripts/make_sample.py`` (writes into flopsdb/sample/).
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.sax.saxutils import escape

OUT = Path(__file__).resolve().parents[1] / "flopsdb" / "sample"

PAPERS = [
    {
        "id": "2611.00001",
        "versions": ["Mon, 2 Nov 2026 10:00:00 GMT", "Thu, 19 Nov 2026 09:30:00 GMT"],
        "title": "Sparse Mixture Transformers for Machine Translation",
        "authors": "Ada Example, Ben Sample",
        "categories": "cs.CL cs.LG",
        "abstract": "We present sparse mixture transformers. On the WMT 2014 English-to-German translation task our big model achieves 29.3 BLEU.",
        "pages": [
            [
                "Sparse Mixture Transformers for Machine Translation",
                "Ada Example, Ben Sample",
                "Abstract",
                "We present sparse mixture transformers. Our big model achieves 29.3 BLEU on",
                "the WMT 2014 English-to-German translation task, improving over prior work.",
                "1 Training",
                "We trained our models on one machine with 8 NVIDIA V100 GPUs. The base",
                "models were trained for 12 hours. The big model has 213M parameters and was",
                "trained for 3.5 days.",
            ],
            [
                "2 Results",
                "Table 1: Results on newstest2014.",
                "Model            EN-DE BLEU",
                "SMT (big)        29.3",
                "Our big model reaches 29.3 BLEU on WMT 2014 English-to-German.",
            ],
        ],
        "pdf": "ok",
    },
    {
        "id": "2611.00002",
        "versions": ["Tue, 3 Nov 2026 12:00:00 GMT"],
        "title": "Wide Residual Networks Revisited on ImageNet",
        "authors": "Cleo Placeholder",
        "categories": "cs.CV",
        "abstract": "We revisit wide residual networks and reach a top-1 error of 21.4% on ImageNet.",
        "pages": [
            [
                "Wide Residual Networks Revisited on ImageNet",
                "Cleo Placeholder",
                "Abstract",
                "We revisit wide residual networks and reach a top-1 error of 21.4% on ImageNet.",
                "3 Experiments",
                "Each model was trained on 32 TPU v3 cores for about 20 hours.",
                "The network has 68.9M parameters.",
            ]
        ],
        "pdf": "ok",
    },
    {
        "id": "2611.00003",
        "versions": ["Wed, 4 Nov 2026 08:00:00 GMT"],
        "title": "On the Enumeration of Planar Lattice Walks",
        "authors": "Dana Dummy",
        "categories": "math.CO",
        "abstract": "We count planar lattice walks with small steps.",
        "pages": [],
        "pdf": "none",
    },
    {
        "id": "2611.00004",
        "versions": ["Thu, 5 Nov 2026 16:00:00 GMT"],
        "title": "Span Encoders for Question Answering",
        "authors": "Eve Instance",
        "categories": "cs.CL",
        "abstract": "Span encoders reach 88.1 F1 on SQuAD 1.1.",
        "pages": [],
        "pdf": "html",
    },
    {
        "id": "2611.00005",
        "versions": ["Fri, 6 Nov 2026 11:00:00 GMT"],
        "title": "Efficient Detectors for COCO",
        "authors": "Finn Fixture",
        "categories": "cs.CV",
        "abstract": "Our detector reaches 45.2 box AP on COCO test-dev.",
        "pages": [["Efficient Detectors for COCO", "We trained on 8 NVIDIA A100 GPUs for 2 days."]],
        "pdf": "truncated",
    },
]


def pdf_bytes(pages: list[list[str]]) -> bytes:
    """A minimal valid PDF: one page per list of lines, Helvetica 10 pt, US Letter."""
    objects: list[bytes] = []
    n_pages = len(pages)
    font_obj = 3 + 2 * n_pages
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    for i, lines in enumerate(pages):
        ops = ["BT", "/F1 10 Tf", "12 TL", "72 720 Td"]
        for line in lines:
            text = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({text}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 {font_obj} 0 R >> >> /Contents {4 + 2 * i} 0 R >>".encode()
        )
        objects.append(b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def record_xml(p: dict) -> str:
    versions = "".join(
        f'<version version="v{i}"><date>{d}</date><size>120kb</size><source_type>D</source_type></version>'
        for i, d in enumerate(p["versions"], start=1)
    )
    primary = p["categories"].split()[0]
    archive = primary.split(".")[0]
    sets = f"<setSpec>{archive}:{archive}:{primary.split('.')[1]}</setSpec>"
    return (
        "<record><header>"
        f"<identifier>oai:arXiv.org:{p['id']}</identifier><datestamp>2026-11-20</datestamp>{sets}"
        "</header><metadata>"
        '<arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://arxiv.org/OAI/arXivRaw/ http://arxiv.org/OAI/arXivRaw.xsd">'
        f"<id>{p['id']}</id><submitter>{escape(p['authors'].split(',')[0])}</submitter>{versions}"
        f"<title>{escape(p['title'])}</title><authors>{escape(p['authors'])}</authors>"
        f"<categories>{p['categories']}</categories>"
        "<license>http://creativecommons.org/licenses/by/4.0/</license>"
        f"<abstract>  {escape(p['abstract'])}\n</abstract></arXivRaw></metadata></record>"
    )


def oai_page(records: list[dict], token: str | None, cursor: int) -> str:
    tok = (
        f'<resumptionToken cursor="{cursor}" completeListSize="{len(PAPERS)}">{token}</resumptionToken>'
        if token
        else f'<resumptionToken cursor="{cursor}" completeListSize="{len(PAPERS)}"/>'
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">\n'
        "<responseDate>2026-11-21T05:00:00Z</responseDate>\n"
        '<request verb="ListRecords" metadataPrefix="arXivRaw">http://oaipmh.arxiv.org/oai</request>\n'
        f"<ListRecords>{''.join(record_xml(r) for r in records)}{tok}</ListRecords>\n</OAI-PMH>\n"
    )


def pwc_dump() -> list[dict]:
    return [
        {
            "task": "Machine Translation",
            "description": "",
            "categories": [],
            "datasets": [
                {
                    "dataset": "WMT2014 English-German",
                    "description": "",
                    "sota": {
                        "metrics": ["BLEU score"],
                        "rows": [
                            {
                                "model_name": "SMT (big)",
                                "paper_title": PAPERS[0]["title"],
                                "paper_url": "https://arxiv.org/abs/2611.00001v2",
                                "paper_date": "2026-11-02",
                                "code_links": [],
                                "model_links": [],
                                "metrics": {"BLEU score": "29.3"},
                                "uses_additional_data": False,
                            }
                        ],
                    },
                    "subdatasets": [],
                }
            ],
            "subtasks": [],
        }
    ]


def main() -> None:
    (OUT / "oai").mkdir(parents=True, exist_ok=True)
    (OUT / "pdf").mkdir(parents=True, exist_ok=True)
    (OUT / "oai" / "page1.xml").write_text(oai_page(PAPERS[:3], "sample-token-1", 0), encoding="utf-8")
    (OUT / "oai" / "page2.xml").write_text(oai_page(PAPERS[3:], None, 3), encoding="utf-8")
    for p in PAPERS:
        vid = f"{p['id']}v{len(p['versions'])}"
        if p["pdf"] == "ok":
            (OUT / "pdf" / f"{vid}.pdf").write_bytes(pdf_bytes(p["pages"]))
        elif p["pdf"] == "truncated":
            (OUT / "pdf" / f"{vid}.pdf").write_bytes(pdf_bytes(p["pages"])[:300])
        elif p["pdf"] == "html":
            (OUT / "pdf" / f"{vid}.html").write_text("<!DOCTYPE html><html><body><h1>PDF unavailable</h1></body></html>\n")
    (OUT / "pwc").mkdir(exist_ok=True)
    (OUT / "pwc" / "evaluation-tables.json").write_text(json.dumps(pwc_dump(), indent=1), encoding="utf-8")
    (OUT / "README.md").write_text(
        "# The offline sample\n\nMade up (ids 2611.0000x) in real formats; regenerate with `python scripts/make_sample.py`.\n"
        "`flopsdb nightly --offline-sample` serves it from a local HTTP server and runs the whole pipeline.\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
