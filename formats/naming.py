"""File and folder names of an export: readable, unique, bounded. Every writer asks here.

A name keeps what it can of the text it stands for: Unicode letters, digits and marks
(``Иван`` stays ``Иван``, in NFC), and ``.``, ``_``, ``-``; anything else becomes ``_``.
Leading and trailing dots go, and a name Windows reserves (``CON``, ``NUL``, ``COM1``...)
gets a ``_``. A name is at most :data:`MAX_NAME_BYTES` bytes of UTF-8, extension included
(file systems allow 255); a longer one is cut and ends with ``-`` and a hash of the whole
text, so that two long names cut alike stay apart.

:class:`Names` hands out the names of one export. Two texts that would get one name (after
the replacements, and ignoring case and Unicode normalisation, as macOS and Windows do)
get two: the first keeps it, the next gets ``-`` and a hash of its own text, which stays
the same from one export to the next. Document names are unique across the whole export,
so a document has one name in every annotator's folder.
"""

from __future__ import annotations

import hashlib
import unicodedata

MAX_NAME_BYTES = 200
"""The longest file or folder name written, in bytes of UTF-8, extension included."""
MAX_EXTENSION_BYTES = 16
"""Room left after a document's name for the extension a format adds (``.conll``...)."""
HASH_CHARS = 8
_KEPT = frozenset("._-")
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{device}{number}" for device in ("COM", "LPT") for number in "0123456789¹²³"})


def stable_hash(text: str) -> str:
    """A short hash of ``text`` that is the same in every run and on every machine."""
    data = text.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:HASH_CHARS]


def _cut(name: str, max_bytes: int) -> str:
    """The longest start of ``name`` within ``max_bytes`` of UTF-8 (whole characters, no
    mark left without its base)."""
    encoded = name.encode("utf-8")
    if len(encoded) <= max_bytes:
        return name
    cut = encoded[:max_bytes].decode("utf-8", "ignore")
    while cut and unicodedata.combining(cut[-1]):
        cut = cut[:-1]
    return cut


def _with_hash(name: str, text: str, max_bytes: int) -> str:
    suffix = f"-{stable_hash(text)}"
    return _cut(name, max_bytes - len(suffix)).rstrip(".") + suffix


def safe_name(text: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """A file or folder name for ``text`` (see the module docstring), within ``max_bytes``.

    The same text always gives the same name; a text too long for ``max_bytes`` is cut
    and ends with a hash of the whole text.
    """
    normal = unicodedata.normalize("NFC", text)
    name = "".join(char if char.isalnum() or char in _KEPT
                   or unicodedata.category(char).startswith("M") else "_"
                   for char in normal).strip(".")
    if name and unicodedata.category(name[0]).startswith("M"):
        name = "_" + name  # a mark cannot start a name readably
    name = name or "_"
    if name.split(".", 1)[0].upper() in _WINDOWS_RESERVED:
        name = "_" + name
    if len(name.encode("utf-8")) > max_bytes:
        name = _with_hash(name, text, max_bytes)
    return name


def name_key(name: str) -> str:
    """What two names must differ in to be two files on every file system."""
    return unicodedata.normalize("NFC", name).casefold()


class Names:
    """The names handed out in one export (see the module docstring).

    Attributes:
        annotator_folders: folder name -> the annotator it holds, in the order made.
        documents: document id -> its file name without extension.
    """

    def __init__(self, reserved: tuple[str, ...] = ()) -> None:
        self.annotator_folders: dict[str, str] = {}
        self.documents: dict[str, str] = {}
        self._annotators: dict[str, str] = {}
        self._splits: dict[str, str] = {}
        self._taken: dict[str, set[str]] = {"folders": {name_key(n) for n in reserved},
                                            "documents": set(), "splits": set()}

    def _allocate(self, space: str, text: str, max_bytes: int) -> str:
        taken = self._taken[space]
        name = safe_name(text, max_bytes)
        if name_key(name) in taken:
            base, number = _with_hash(name, text, max_bytes), 2
            name = base
            while name_key(name) in taken:  # a hash collision, or a text named like a hash
                name = _with_hash(f"{base}-{number}", f"{text}\0{number}", max_bytes)
                number += 1
        taken.add(name_key(name))
        return name

    def _remembered(self, names: dict[str, str], space: str, text: str, max_bytes: int) -> str:
        """The name given to ``text`` before, or a new one allocated in ``space``."""
        name = names.get(text)
        if name is None:
            name = names[text] = self._allocate(space, text, max_bytes)
        return name

    def annotator(self, annotator: str) -> str:
        """The folder name of ``annotator``'s files, unique in the export."""
        folder = self._remembered(self._annotators, "folders", annotator, MAX_NAME_BYTES)
        self.annotator_folders[folder] = annotator
        return folder

    def document(self, external_id: str) -> str:
        """The file name (without extension) of a document, unique in the export."""
        return self._remembered(self.documents, "documents", external_id,
                                MAX_NAME_BYTES - MAX_EXTENSION_BYTES)

    def split(self, split: str) -> str:
        """The folder or file name (without extension) of a split."""
        return self._remembered(self._splits, "splits", split,
                                MAX_NAME_BYTES - MAX_EXTENSION_BYTES)
