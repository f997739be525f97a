"""crawler: harvest papers from arXiv and Papers with Code.

The crawler never touches the database: it yields values (:class:`Paper`, pages of them with the
resumption token that continues after them, :class:`crawler.pwc.PwcResult`, cached downloads) and
``flopsdb/crawl.py`` stores them through ``db/``.

Modules: ``http`` (rate limiter, retries), ``oai`` (OAI-PMH ListRecords, arXivRaw), ``arxiv_api``
(id look-ups via the ``arxiv`` package), ``download`` (version-pinned PDFs and e-prints into a
content-addressed cache), ``pwc`` (evaluation-tables dump and the paperswithcode.co API),
``relevance`` (which papers to download; vocabulary in ``data/relevance.v1.json``).
"""

from flopsdb.crawler.paper import Paper

__all__ = ["Paper"]
