"""Hugging Face token classification data: JSON Lines plus ``labels.json``/``features.json``.

Layout: ``<out>/<annotator>/<split>.jsonl`` (``corpus.jsonl`` without splits),
and in ``<out>``: ``labels.json`` (the tag names of each tag group),
``features.json`` (the ``datasets.Features`` of the rows, as
``Features.to_dict()`` writes them) and a ``README.md`` with the loading snippet.

One row per sentence (tokens and sentences from :mod:`text.tokenize`, tags
as in :mod:`formats.conll`, with the same inexact cases listed in the manifest)::

    {"id": "varnay-warns#2", "document": "varnay-warns", "sentence": 2,
     "tokens": ["We", "will", ...], "starts": [22, 25, ...], "ends": [24, 29, ...],
     "actor_tags": [0, 0, ...], "quote_tags": [1, 2, ...], ...}

There is one ``<group>_tags`` list per label (``actor_tags``, ``quote_tags``,
...), so an Actor inside a Quote keeps both. Tags are IOB2 class ids: names
``["O", "B-<Label>", "I-<Label>"]`` per group, so 0 is always "O". ``starts`` and
``ends`` are code point offsets of the tokens in the document text. Load with::

    import json
    from datasets import Features, load_dataset

    features = Features.from_dict(json.load(open("features.json", encoding="utf-8")))
    data = load_dataset("json", data_files={"train": "alice/train.jsonl"},
                        features=features)
    data["train"].features["quote_tags"].feature.names  # ['O', 'B-Quote', 'I-Quote']
"""

from __future__ import annotations

import json
import re
from typing import Any

from formats.base import ExportContext
from formats.conll import TaggedFormat, noter, tag_sentences
from storage.corpus import CorpusDocument

README = """# Saywho token classification export

One JSON object per sentence: `id`, `document`, `sentence`, `tokens`, `starts`,
`ends` (code point offsets into the document text) and one `<group>_tags` list
of IOB2 class ids per label. `labels.json` names the classes of each group.

```python
import json
from datasets import Features, load_dataset

features = Features.from_dict(json.load(open("features.json", encoding="utf-8")))
data = load_dataset("json", data_files={"train": "ANNOTATOR/SPLIT.jsonl"}, features=features)
```
"""


def group_names(labels: list[str]) -> dict[str, str]:
    """Label -> tag group name (``Actor`` -> ``actor_tags``), unique."""
    groups: dict[str, str] = {}
    for label in labels:
        base = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") or "label"
        name, number = f"{base}_tags", 2
        while name in groups.values() or name in ("id_tags",):
            name = f"{base}_{number}_tags"
            number += 1
        groups[label] = name
    return groups


def tag_names(label: str) -> list[str]:
    return ["O", f"B-{label}", f"I-{label}"]


def features_dict(groups: dict[str, str]) -> dict[str, Any]:
    """The rows' ``datasets.Features`` as a dict ``Features.from_dict`` accepts."""

    def sequence(feature: dict[str, Any]) -> dict[str, Any]:
        return {"feature": feature, "_type": "Sequence"}

    string = {"dtype": "string", "_type": "Value"}
    integer = {"dtype": "int32", "_type": "Value"}
    features: dict[str, Any] = {"id": string, "document": string, "sentence": integer,
                                "tokens": sequence(string), "starts": sequence(integer),
                                "ends": sequence(integer)}
    for label, group in groups.items():
        features[group] = sequence({"names": tag_names(label), "_type": "ClassLabel"})
    return features


class HfFormat(TaggedFormat, name="hf", extensions=(".jsonl",),
               description="Hugging Face datasets JSON Lines (token classification)"):
    """JSON Lines for ``datasets``: tokens and one IOB2 class-id list per label."""

    def __init__(self) -> None:
        super().__init__()
        self._groups: dict[str, str] = {}

    def start(self, context: ExportContext) -> None:
        super().start(context)
        self._groups = group_names(self._labels)
        context.out_dir.mkdir(parents=True, exist_ok=True)
        files = {
            "labels.json": {group: tag_names(label) for label, group in self._groups.items()},
            "features.json": features_dict(self._groups),
        }
        for name, content in files.items():
            (context.out_dir / name).write_text(
                json.dumps(content, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            context.manifest.files.append(name)
        (context.out_dir / "README.md").write_text(README, encoding="utf-8")
        context.manifest.files.append("README.md")

    def write_document(self, context: ExportContext, item: CorpusDocument,
                       split: str | None) -> None:
        document = item.document
        for layer in item.layers:
            handle = self.annotator_file(context, layer.annotator, split)
            tagged = tag_sentences(document.text, layer.spans, self._labels,
                                   noter(context, document.external_id, layer))
            for number, sentence in enumerate(tagged, start=1):
                row: dict[str, Any] = {
                    "id": f"{document.external_id}#{number}",
                    "document": document.external_id,
                    "sentence": number,
                    "tokens": [token.text for token in sentence.tokens],
                    "starts": [token.start for token in sentence.tokens],
                    "ends": [token.end for token in sentence.tokens],
                }
                for label, group in self._groups.items():
                    names = tag_names(label)
                    row[group] = [names.index(tag) for tag in sentence.tags[label]]
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
