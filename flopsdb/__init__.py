"""flopsdb: the compute behind deep-learning progress, mined from papers and confirmed by people.

The stages are top-level packages (``crawler``, ``extract``, ``curation``, ``db``, ``scaling``);
this package is the front door: configuration, the exception tree, the CLI and the nightly pipeline.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
