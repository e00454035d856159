"""brat standoff: ``DOC.txt`` + ``DOC.ann`` per document, one folder per annotator.

Layout: ``<out>/<annotator>/[<split>/]<document>.txt`` and ``.ann``, with
``annotation.conf``, ``visual.conf`` and ``tools.conf`` generated from the schema
(:mod:`formats.brat_config`) in ``<out>/<annotator>/`` (brat looks for them in the
collection folder and its parents, so split folders share them). Copy an
annotator folder into brat's ``data/`` to annotate further.

The ``.ann`` lines and their offsets are read and written by :mod:`formats.brat_ann`.

What brat has no place for is in ``<out>/<annotator>/saywho.json`` (brat and
other brat readers look only at the ``.txt``, ``.ann`` and ``.conf`` files)::

    {"saywho_version": "0.1.0", "annotator": "alice",
     "documents": {"varnay-warns": {"id": "varnay-warns", "title": "Varnay warns Doreth",
                                    "status": "done", "meta": {"date": "2026-03-03"}}},
     "actors": {"varnay": {"name": "Aldric Varnay", "kind": "person", "aliases": [],
                           "kb_id": null}}}

``documents`` is keyed by the path of the ``.ann`` below the annotator folder
without its suffix (``train/varnay-warns`` with splits) and holds each
document's Saywho id, title, metadata and the annotator's status; ``actors``
holds the registry entries the ``N`` lines refer to. The annotator is the real
name (the folder name is made safe for file systems). Reading back without this
file, a document's id and title are the file name, its status ``new``, the
annotator the folder's name and an actor only its id and name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from formats.base import LAYERS, ExportContext, ExportError, Format
from formats.brat_ann import AttributeDefs, ann_text, attribute_definitions, read_ann
from formats.brat_config import (
    ANNOTATION_CONF,
    SIDECAR,
    TOOLS_CONF,
    VISUAL_CONF,
    BratCache,
    SidecarDraft,
    annotation_conf,
    config_dir,
    parse_annotation_conf,
    read_sidecar,
    tools_conf,
    visual_conf,
)
from storage.corpus import CorpusDocument
from storage.models import Status
from storage.project import SAYWHO_VERSION
from storage.records import DocumentRecord, EntityRecord
from text.names import path_text

# -------------------------------------------------------------------- writing


class BratFormat(Format, name="brat", extensions=(".ann",), reads=LAYERS, per_annotator=True,
                 description="brat standoff (.txt + .ann, one folder per annotator)"):
    """brat standoff, one folder per annotator, with generated configuration."""

    @classmethod
    def accepts(cls, path: Path) -> bool:
        """A ``.ann`` is a layer when an ``annotation.conf`` is in its folder or above."""
        return config_dir(path.parent) is not None

    @classmethod
    def companions(cls, path: Path) -> list[Path]:
        return [path.with_suffix(".txt")]

    @classmethod
    def import_layer(cls, path: Path, found_in: Path | None, cache: dict[Any, Any]
                     ) -> tuple[DocumentRecord, list[EntityRecord]]:
        # the annotation.conf may sit above the folder given: search up to the top
        return cls.read_layer(path, None, cache)

    def __init__(self) -> None:
        self._folders: dict[str, Path] = {}
        self._attribute_defs: AttributeDefs = {}
        self._sidecars: dict[Path, SidecarDraft] = {}

    def start(self, context: ExportContext) -> None:
        self._attribute_defs = attribute_definitions(context.schema)

    def _annotator_folder(self, context: ExportContext, annotator: str) -> Path:
        folder = self._folders.get(annotator)
        if folder is None:
            folder = self._folders[annotator] = context.annotator_dir(annotator)
            for file, content in ((ANNOTATION_CONF, annotation_conf(context.schema)),
                                  (VISUAL_CONF, visual_conf(context.schema)),
                                  (TOOLS_CONF, tools_conf(context.schema))):
                (folder / file).write_text(content, encoding="utf-8", newline="\n")
                context.manifest.files.append((folder / file).relative_to(context.out_dir)
                                              .as_posix())
        return folder

    def write_document(self, context: ExportContext, item: CorpusDocument,
                       split: str | None) -> None:
        document = item.document
        for layer in item.layers:
            folder = self._annotator_folder(context, layer.annotator)
            target = folder / context.split_name(split) if split else folder
            target.mkdir(parents=True, exist_ok=True)
            stem = context.document_name(document.external_id)
            ann = ann_text(context, self._attribute_defs, document.external_id,
                           document.text, layer)
            for suffix, content in ((".txt", document.text), (".ann", ann)):
                path = target / f"{stem}{suffix}"
                with path.open("w", encoding="utf-8", newline="") as handle:
                    handle.write(content)
                context.manifest.files.append(path.relative_to(context.out_dir).as_posix())
            draft = self._sidecars.setdefault(folder, SidecarDraft(layer.annotator))
            draft.documents[(target / stem).relative_to(folder).as_posix()] = {
                "id": document.external_id, "title": document.title, "status": layer.status,
                "meta": dict(document.meta)}
            draft.actors.update(span.entity_id for span in layer.spans
                                if span.entity_id is not None
                                and span.entity_id in context.entities)

    def finish(self, context: ExportContext) -> None:
        """Writes each annotator folder's ``saywho.json`` (see the module docstring)."""
        for folder, draft in self._sidecars.items():
            actors = sorted((context.entities[i] for i in draft.actors),
                            key=lambda entity: entity.external_id)
            content = {
                "saywho_version": SAYWHO_VERSION,
                "annotator": draft.annotator,
                "documents": draft.documents,
                "actors": {actor.external_id: {"name": actor.name, "kind": actor.kind,
                                               "aliases": list(actor.aliases),
                                               "kb_id": actor.kb_id} for actor in actors},
            }
            path = folder / SIDECAR
            path.write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n",
                            encoding="utf-8", newline="\n")
            context.manifest.files.append(path.relative_to(context.out_dir).as_posix())

    # ---------------------------------------------------------------- reading

    @classmethod
    def read(cls, path: Path) -> tuple[list[DocumentRecord], list[EntityRecord]]:
        """Reads brat folders back: an export (one folder per annotator) or one folder.

        The annotator of a document is the one ``saywho.json`` names, or else the
        name of the folder that holds the ``annotation.conf`` above it. Labels,
        relation types and attributes must be declared there. The layers of one
        document (same Saywho id, or else same path below the annotator folder)
        become one record.

        Raises:
            ExportError: naming the file and line of the first problem.
        """
        root = Path(path)
        if not root.is_dir():
            raise ExportError(f"{root}: not a folder")
        documents: dict[str, DocumentRecord] = {}
        entities: dict[str, EntityRecord] = {}
        cache: BratCache = {}
        for ann in sorted(root.rglob("*.ann")):
            key, layer, found = cls._read_layer(ann, root, cache)
            for entity in found:
                entities.setdefault(entity.id, entity)
            record = documents.get(key)
            if record is None:
                documents[key] = layer
            elif record.text != layer.text:
                raise ExportError(f"{layer.source}: differs from the text of the same "
                                  f"document in {record.source}")
            else:
                record.annotations += layer.annotations
        return list(documents.values()), list(entities.values())

    @classmethod
    def read_layer(cls, ann: Path, root: Path | None = None,
                   cache: BratCache | None = None
                   ) -> tuple[DocumentRecord, list[EntityRecord]]:
        """Reads one ``.ann`` and its ``.txt``: a document with one annotator's layer.

        Args:
            ann: the ``.ann`` file.
            root: the ``annotation.conf`` is looked for from the file's folder up
                to this folder (None: up to the top, as brat does).
            cache: configurations already read, by folder (shared between calls).

        Returns:
            The document (title, id, metadata and status from ``saywho.json``
            when the folder has one) and the actors its spans link to.

        Raises:
            ExportError: naming the file and line of the first problem.
        """
        _, record, entities = cls._read_layer(Path(ann), root, {} if cache is None else cache)
        return record, entities

    @classmethod
    def _read_layer(cls, ann: Path, root: Path | None, cache: BratCache
                    ) -> tuple[str, DocumentRecord, list[EntityRecord]]:
        conf_dir = config_dir(ann.parent, root)
        if conf_dir is None:
            above = f" (up to {root})" if root is not None else ""
            raise ExportError(f"{ann}: no {ANNOTATION_CONF} in its folder or above{above}")
        if conf_dir not in cache:
            cache[conf_dir] = (parse_annotation_conf(conf_dir / ANNOTATION_CONF),
                               read_sidecar(conf_dir))
        config, sidecar = cache[conf_dir]
        key = ann.relative_to(conf_dir).with_suffix("").as_posix()
        entry = sidecar.documents.get(key, {}) if sidecar is not None else {}
        annotator = sidecar.annotator if sidecar is not None and sidecar.annotator \
            else conf_dir.name
        text_path = ann.with_suffix(".txt")
        try:
            text = text_path.read_bytes().decode("utf-8")
        except FileNotFoundError:
            raise ExportError(f"{text_path}: missing (the text of {ann.name})") from None
        except UnicodeDecodeError as exc:
            raise ExportError(f"{text_path}: not UTF-8 (byte {exc.start})") from None
        found: dict[str, EntityRecord] = {}
        annotation_set = read_ann(ann, text, config, annotator, found)
        annotation_set.status = entry.get("status", Status.NEW)
        if sidecar is not None:
            found = {ref: sidecar.actors.get(ref, entity) for ref, entity in found.items()}
        document_id = entry.get("id")
        record = DocumentRecord(text=text, title=entry.get("title", path_text(ann.stem)),
                                external_id=document_id or path_text(ann.stem),
                                meta=dict(entry.get("meta", {})), source=path_text(text_path),
                                annotations=[annotation_set])
        return document_id or key, record, list(found.values())
