"""crawler: harvest papers from arXiv and Papers with Code."""

from crawler.paper import Paper

__all__ = ["Paper"]
