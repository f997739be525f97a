"""What the parser's fork server loads once, so that every worker it forks starts warm.

Importing this module imports the parsing stack (pypdfium2, numpy, spaCy, layout, tables) with
:mod:`flopsdb.extract.robust`, and fills the caches a first parse would otherwise fill
(:func:`flopsdb.extract.robust.warm`), then those of the extractors (hardware grammar, model and table
vocabularies: :func:`flopsdb.extract.pipeline.warm_extractors`), since the worker extracts too. :class:`flopsdb.extract.robust.ParserPool` names it as the
fork server's preload.
"""

from __future__ import annotations

from flopsdb.extract.pipeline import warm_extractors
from flopsdb.extract.robust import warm

warm()
warm_extractors()
