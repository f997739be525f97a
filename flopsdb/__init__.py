"""flopsdb: the compute behind deep-learning progress, mined from papers and confirmed by people.

The one installed name: the ground floor (``flopsdb.core``: errors, configuration, ids, kinds, reference data),
the stages (``flopsdb.crawler``, ``flopsdb.extract``, ``flopsdb.curation``, ``flopsdb.db``, ``flopsdb.scaling``,
kept in the repository's top-level folders), the wiring (``flopsdb.steps`` and the other modules here) and the CLI
(``flopsdb.cli``). See docs/architecture.md.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
