"""What the parser's fork server loads once, so that every worker it forks starts warm.

Importing this module imports the parsing stack (pypdfium2, numpy, layout, tables) with
:mod:`flopsdb.extract.robust` and the extractors' modules with :mod:`flopsdb.extract.pipeline`, and fills
the caches a first parse would otherwise fill (:func:`flopsdb.extract.robust.warm`). It does not import
spaCy (only the hardware grammar needs it, parsing does not): the server is ready in a fraction of a second,
so a parsing worker starts on the first file while an extracting worker (``ParserPool(warm_up=warm_extractors)``)
imports spaCy and fills the extractors' caches itself (:func:`flopsdb.extract.pipeline.warm_extractors`).
:class:`flopsdb.extract.robust.ParserPool` names it as the fork server's preload.
"""

from __future__ import annotations

import flopsdb.extract.pipeline  # noqa: F401 - the extractors' modules, without spaCy
from flopsdb.extract.robust import warm

warm()
