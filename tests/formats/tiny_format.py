"""A tiny format, defined outside ``formats/``: what a contributor writes to add one.

``.tsvdoc`` files hold one document per line: ``id<TAB>title<TAB>text``, with
``\\n``, ``\\t`` and ``\\\\`` escaped in the text. It reads and writes documents.
"""

from __future__ import annotations

from pathlib import Path

from formats.base import DOCUMENTS, ExportContext
from formats.common import StreamingFormat
from formats.reading import IngestError
from storage.corpus import CorpusDocument
from storage.records import DocumentRecord

_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\t": "\\t"}


def _escape(text: str) -> str:
    return "".join(_ESCAPES.get(char, char) for char in text)


def _unescape(text: str) -> str:
    out: list[str] = []
    chars = iter(text)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            out.append({"n": "\n", "t": "\t", "\\": "\\"}.get(following, following))
        else:
            out.append(char)
    return "".join(out)


class TsvDocFormat(StreamingFormat, name="tsvdoc", extensions=(".tsvdoc",), reads=DOCUMENTS,
                   description="one document per line, tab-separated"):
    """One document per line: id, title and escaped text, tab-separated."""

    @classmethod
    def read_documents(cls, data: bytes, path: Path) -> list[DocumentRecord]:
        records: list[DocumentRecord] = []
        for number, line in enumerate(data.decode("utf-8").splitlines(), start=1):
            fields = line.split("\t")
            if len(fields) != 3:
                raise IngestError(path, f"expected id, title and text, found {len(fields)} "
                                  "fields", number)
            records.append(DocumentRecord(text=_unescape(fields[2]), title=fields[1],
                                          external_id=fields[0], line=number))
        return records

    def write_document(self, context: ExportContext, item: CorpusDocument,
                       split: str | None) -> None:
        handle = self.open_file(context, context.split_dir(split) / "documents.tsvdoc")
        document = item.document
        handle.write(f"{document.external_id}\t{document.title}\t{_escape(document.text)}\n")
