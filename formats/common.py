"""What the streaming text formats share: output files opened on first use.

:class:`StreamingFormat` keeps one handle per output file, opens it the first
time a document goes to it (listing it in the manifest), and closes them all
when the export finishes or fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from formats.base import ExportContext, Format


class StreamingFormat(Format):
    """A format writing lines to files it opens on first use and closes at the end."""

    def __init__(self) -> None:
        self._files: dict[Path, TextIO] = {}

    def open_file(self, context: ExportContext, path: Path, header: str = "") -> TextIO:
        """The handle of ``path``: opened (and ``header`` written) the first time it is asked."""
        handle = self._files.get(path)
        if handle is None:
            handle = path.open("w", encoding="utf-8", newline="\n")
            self._files[path] = handle
            handle.write(header)
            context.manifest.files.append(path.relative_to(context.out_dir).as_posix())
        return handle

    def finish(self, context: ExportContext) -> None:
        self.close_files()

    def abort(self, context: ExportContext) -> None:
        self.close_files()

    def close_files(self) -> None:
        for handle in self._files.values():
            handle.close()
        self._files.clear()
