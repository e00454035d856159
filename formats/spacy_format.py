"""spaCy ``DocBin`` files: all spans in ``doc.spans["sc"]``, a non-overlapping ``doc.ents``.

Layout: ``<out>/<annotator>/<split>.spacy`` (``corpus.spacy`` without splits),
loaded with ``DocBin().from_disk(path).get_docs(nlp.vocab)``. Documents are
written in shards of :data:`SHARD_SIZE` documents (``SpacyFormat(shard_size=N)``
changes it), so memory holds at most one shard per annotator and split, however
large the corpus. An annotator's split that does not fit in one shard becomes a
folder of numbered shards instead of one file::

    <out>/<annotator>/<split>/<split>-00001.spacy
    <out>/<annotator>/<split>/<split>-00002.spacy
    ...

spaCy's training reader takes either form as one corpus: ``spacy.training.Corpus``
(``[corpora.train] path = ...`` in a training config) reads a ``.spacy`` file or
every ``.spacy`` file below a folder, in name order, which is document order.
The manifest's ``files`` lists every file written.

spaCy is an optional extra (``pip install 'saywho[spacy]'``); it is imported
when the export starts, never at module import.

Tokens: ``spacy.blank(lang)`` where ``lang`` is the document's ``meta["lang"]``,
or ``"xx"`` (multi-language) when it is missing or spaCy has no such language
(or it needs a package that is not installed, as Japanese does).

Spans: each fragment of a Saywho span is one spaCy ``Span`` in
``doc.spans["sc"]`` (overlaps and nesting kept) with ``label_`` the Saywho
label, ``id_`` the Saywho span id (the fragments of a discontinuous span share
it) and ``kb_id_`` the linked actor's knowledge-base id (its registry id when it
has none). A fragment whose boundary falls inside a spaCy token is widened to
whole tokens (``doc.char_span(..., alignment_mode="expand")``) and listed in
the manifest's ``inexact`` with the snapped offsets; a fragment covering no
token (only spaces) is left out and listed.

Entities: ``doc.ents`` cannot overlap, so it holds a choice among the span
fragments: first the labels linked to the actor registry (Actor in the default
schema), then the longer span (in tokens), then the earlier one; a fragment
that overlaps one already chosen is left out of ``doc.ents`` (it stays in
``doc.spans["sc"]``, so nothing is lost and nothing is listed).

Everything else is in ``doc.user_data["saywho"]``: ``document``, ``title``,
``annotator``, ``status``, ``spans`` (``id``, ``label``, ``fragments`` as exact
code point offsets, ``attributes``, ``entity``, ``entity_name``, ``kb_id``) and
``relations`` (``id``, ``type``, ``source``, ``target``, ``attributes``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from formats.base import ExportContext, ExportError, Format, MissingDependencyError
from storage.corpus import CorpusDocument, Layer

USER_DATA_KEY = "saywho"
SPAN_KEY = "sc"
SHARD_SIZE = 1_000
"""Documents per ``.spacy`` file: bounds the memory an export holds per annotator and split."""


@dataclass
class _Shards:
    """The shards of one annotator and split: the one being filled, and how many went to disk.

    Attributes:
        folder: the annotator's folder.
        stem: the split name (``corpus`` without splits).
        doc_bin: the shard being filled (a ``DocBin``).
        written: shards already on disk, in ``folder/stem/``.
    """

    folder: Path
    stem: str
    doc_bin: Any
    written: int = 0

    def single_path(self) -> Path:
        """``<annotator>/<stem>.spacy``: where the shard goes when it is the only one."""
        return self.folder / f"{self.stem}.spacy"

    def next_path(self) -> Path:
        """``<annotator>/<stem>/<stem>-NNNNN.spacy``: the next numbered shard."""
        return self.folder / self.stem / f"{self.stem}-{self.written + 1:05d}.spacy"


def _spacy() -> Any:
    try:
        import spacy
    except ImportError as exc:
        raise MissingDependencyError(
            "the spacy format needs spaCy, which is not installed: "
            "pip install 'saywho[spacy]'") from exc
    return spacy


class SpacyFormat(Format, name="spacy", extensions=(".spacy",), per_annotator=True,
                  description="spaCy DocBin (.spacy): spans, entities, relations"):
    """spaCy DocBin with spans, entities and Saywho's relations in user data."""

    def __init__(self, shard_size: int = SHARD_SIZE) -> None:
        """A spaCy export writing at most ``shard_size`` documents per file.

        Args:
            shard_size: documents per ``.spacy`` file (at least 1).

        Raises:
            ExportError: ``shard_size`` is not a positive whole number.
        """
        if isinstance(shard_size, bool) or not isinstance(shard_size, int) or shard_size < 1:
            raise ExportError(f"the spacy format's shard_size must be a whole number of at "
                              f"least 1, not {shard_size!r}")
        self.shard_size = shard_size
        self._spacy: Any = None
        self._pipelines: dict[str, Any] = {}
        self._made = 0  # docs made by the current pipelines
        self._shards: dict[tuple[str, str], _Shards] = {}
        self._entity_labels: set[str] = set()

    def start(self, context: ExportContext) -> None:
        self._spacy = _spacy()
        self._entity_labels = {label.name for label in context.schema.labels if label.entity}

    def _pipeline(self, lang: str) -> Any:
        """The blank pipeline of ``lang``, renewed every ``shard_size`` documents.

        A pipeline's vocabulary and tokenizer cache keep every new string they
        see; renewing them keeps memory flat on a large corpus. Docs already in a
        DocBin do not need them (a DocBin keeps its own strings).
        """
        if self._made >= self.shard_size:
            self._pipelines.clear()
            self._made = 0
        self._made += 1
        return self._blank(lang)

    def _blank(self, lang: str) -> Any:
        if lang not in self._pipelines:
            try:
                self._pipelines[lang] = self._spacy.blank(lang)
            except Exception:  # unknown language or a missing language package
                self._pipelines[lang] = self._blank("xx") if lang != "xx" else \
                    self._spacy.blank("xx")
        return self._pipelines[lang]

    def write_document(self, context: ExportContext, item: CorpusDocument,
                       split: str | None) -> None:
        from spacy.tokens import DocBin

        document = item.document
        lang = str(document.meta.get("lang") or "xx")
        nlp = self._pipeline(lang)
        for layer in item.layers:
            shards = self._shards.get((layer.annotator, split or ""))
            if shards is None:
                shards = self._shards[(layer.annotator, split or "")] = _Shards(
                    context.annotator_dir(layer.annotator), context.split_name(split or "corpus"),
                    DocBin(store_user_data=True))
            elif len(shards.doc_bin) >= self.shard_size:
                self._write_shard(context, shards, shards.next_path())
                shards.doc_bin = DocBin(store_user_data=True)
            shards.doc_bin.add(self._doc(context, item, layer, nlp))

    @staticmethod
    def _write_shard(context: ExportContext, shards: _Shards, path: Path) -> None:
        """Writes the shard being filled to ``path`` and lists it in the manifest."""
        path.parent.mkdir(parents=True, exist_ok=True)
        shards.doc_bin.to_disk(path)
        shards.written += 1
        context.manifest.files.append(path.relative_to(context.out_dir).as_posix())

    def _doc(self, context: ExportContext, item: CorpusDocument, layer: Layer,
             nlp: Any) -> Any:
        from spacy.tokens import Span

        document = item.document
        doc = nlp.make_doc(document.text)
        fragments: list[tuple[Any, int]] = []  # (spaCy span, length priority)
        span_records = []
        for span in layer.spans:
            entity = context.entities.get(span.entity_id) if span.entity_id else None
            kb_id = (entity.kb_id or entity.external_id) if entity is not None else ""
            for start, end in span.fragments:
                found = doc.char_span(start, end, alignment_mode="strict")
                if found is None:
                    found = doc.char_span(start, end, alignment_mode="expand")
                    if found is None or len(found) == 0:
                        context.manifest.note_inexact(
                            document.external_id, layer.annotator, span.external_id,
                            span.label, "covers no token", fragment=[start, end])
                        continue
                    context.manifest.note_inexact(
                        document.external_id, layer.annotator, span.external_id, span.label,
                        "boundary inside token", fragment=[start, end],
                        snapped=[found.start_char, found.end_char])
                fragments.append((Span(doc, found.start, found.end, label=span.label,
                                       kb_id=kb_id, span_id=span.external_id),
                                  0 if span.label in self._entity_labels else 1))
            span_records.append({
                "id": span.external_id, "label": span.label,
                "fragments": [[start, end] for start, end in span.fragments],
                "attributes": dict(span.attributes),
                "entity": entity.external_id if entity else None,
                "entity_name": entity.name if entity else None,
                "kb_id": entity.kb_id if entity else None,
            })
        doc.spans[SPAN_KEY] = [fragment for fragment, _ in fragments]
        doc.ents = choose_entities(fragments)
        external = {span.id: span.external_id for span in layer.spans}
        doc.user_data[USER_DATA_KEY] = {
            "document": document.external_id, "title": document.title,
            "annotator": layer.annotator, "status": layer.status, "spans": span_records,
            "relations": [{"id": r.external_id, "type": r.type,
                           "source": external[r.source_id], "target": external[r.target_id],
                           "attributes": dict(r.attributes)}
                          for r in layer.relations
                          if r.source_id in external and r.target_id in external],
        }
        return doc

    def finish(self, context: ExportContext) -> None:
        """Writes the last shard of each annotator and split (the only one: ``<split>.spacy``)."""
        for shards in self._shards.values():
            self._write_shard(context, shards,
                              shards.next_path() if shards.written else shards.single_path())
        self._shards.clear()
        self._pipelines.clear()

    def abort(self, context: ExportContext) -> None:
        self._shards.clear()
        self._pipelines.clear()


def choose_entities(fragments: list[tuple[Any, int]]) -> list[Any]:
    """Non-overlapping spans for ``doc.ents``: registry-linked labels, then longer, then earlier.

    Args:
        fragments: (spaCy span, priority) pairs; priority 0 for entity-linked labels.
    """
    ranked = sorted(fragments, key=lambda item: (item[1], -len(item[0]), item[0].start,
                                                 item[0].end))
    taken: set[int] = set()
    chosen = []
    for span, _ in ranked:
        tokens = set(range(span.start, span.end))
        if tokens & taken:
            continue
        taken |= tokens
        chosen.append(span)
    return sorted(chosen, key=lambda span: span.start)
