"""Curation: the review queue that turns candidates into curated facts (web and terminal).

Pure logic lives here (state machine, queue order, leases policy, agreement, interchange, crops,
the web app and the terminal reviewer); the SQL side is ``db/curation.py``, which implements
:class:`curation.store.ReviewStore`.
"""

__all__: list[str] = []
