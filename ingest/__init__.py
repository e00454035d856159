"""The reading side: files and folders in, documents and annotations stored.

:func:`import_paths` is the one entry point (CLI ``import``, File > Import, scripts):
``files`` walks folders and picks each file's reader from :mod:`formats`;
``pipeline`` reads plain files (in worker processes for large imports) and hands
the records to :mod:`storage.importing`; ``layers`` adds annotated exports
(brat, UIMA XMI) as annotators' layers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ingest.layers import AnnotatedImportReport, import_paths

__all__ = ["AnnotatedImportReport", "import_paths"]


def __getattr__(name: str) -> Any:
    """The entry points, imported on first use: an import's worker processes import
    :mod:`ingest.workers` only, without the database layer behind :mod:`ingest.layers`."""
    if name in __all__:
        from ingest import layers

        return getattr(layers, name)
    raise AttributeError(f"module 'ingest' has no attribute {name!r}")
