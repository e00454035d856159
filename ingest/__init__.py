"""The reading side: files and folders in, documents and annotations stored.

:func:`import_paths` is the one entry point (CLI ``import``, File > Import, scripts):
``files`` walks folders and picks each file's reader from :mod:`formats`;
``pipeline`` reads plain files (in worker processes for large imports) and hands
the records to :mod:`storage.importing`; ``layers`` adds annotated exports
(brat, UIMA XMI) as annotators' layers.
"""

from __future__ import annotations

from ingest.layers import AnnotatedImportReport, import_paths

__all__ = ["AnnotatedImportReport", "import_paths"]
