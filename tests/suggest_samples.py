"""Fictional wire-story sentences (written for these tests) with their gold, built from substrings.

Each sample is a text and its marks given by the quoted words, so offsets are
computed, never typed: quotes with speaker and cue, and conditionals
(Condition, Consequence, holder). :func:`records` turns them into native JSON
Lines documents that the scorer and ``saywho suggest eval`` read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Said:
    quote: str
    speaker: str
    cue: str
    form: str = "direct"


@dataclass
class If:
    condition: str
    consequence: str
    holder: str | None = None


@dataclass
class Sample:
    text: str
    quotes: list[Said] = field(default_factory=list)
    conditions: list[If] = field(default_factory=list)


CONDITIONALS: list[Sample] = [
    Sample("“If a single Ostlandic soldier crosses the river, our answer will be swift,” "
           "Defence Minister Aldric Varnay said on Tuesday.",
           [Said("If a single Ostlandic soldier crosses the river, our answer will be swift",
                 "Defence Minister Aldric Varnay", "said")],
           [If("If a single Ostlandic soldier crosses the river", "our answer will be swift",
               "Defence Minister Aldric Varnay")]),
    Sample("Premier Ilse Marrow said her government would lift the grain tariffs if the "
           "border crossings reopened by March.",
           [Said("her government would lift the grain tariffs if the border crossings reopened "
                 "by March", "Premier Ilse Marrow", "said", "indirect")],
           [If("if the border crossings reopened by March",
               "her government would lift the grain tariffs", "Premier Ilse Marrow")]),
    Sample("“We will cut the gas supply unless the debt is paid in full,” the energy minister "
           "told reporters in Kessel.",
           [Said("We will cut the gas supply unless the debt is paid in full",
                 "the energy minister", "told")],
           [If("unless the debt is paid in full", "We will cut the gas supply",
               "the energy minister")]),
    Sample("“Should the talks resume, we are ready to release all detained fishermen,” "
           "said Tomas Brevik, the coastal envoy.",
           [Said("Should the talks resume, we are ready to release all detained fishermen",
                 "Tomas Brevik", "said")],
           [If("Should the talks resume", "we are ready to release all detained fishermen",
               "Tomas Brevik")]),
    Sample("The union leader, Mara Quill, warned that the ports would close for a week "
           "as long as the wage offer stays frozen.",
           [Said("the ports would close for a week as long as the wage offer stays frozen",
                 "The union leader, Mara Quill", "warned", "indirect")],
           [If("as long as the wage offer stays frozen", "the ports would close for a week",
               "The union leader, Mara Quill")]),
    Sample("“Provided that the inspectors get full access, we will drop the sanctions within "
           "a month,” Varnay said.",
           [Said("Provided that the inspectors get full access, we will drop the sanctions "
                 "within a month", "Varnay", "said")],
           [If("Provided that the inspectors get full access",
               "we will drop the sanctions within a month", "Varnay")]),
    Sample("Council chair Odile Fenn said: “Only if the levy is withdrawn will the farmers "
           "leave the square.”",
           [Said("Only if the levy is withdrawn will the farmers leave the square",
                 "Council chair Odile Fenn", "said")],
           [If("Only if the levy is withdrawn", "will the farmers leave the square",
               "Council chair Odile Fenn")]),
    Sample("“Were the embassy to reopen, trade would double,” a senior trade official said.",
           [Said("Were the embassy to reopen, trade would double", "a senior trade official",
                 "said")],
           [If("Were the embassy to reopen", "trade would double", "a senior trade official")]),
    Sample("The ministry said it would expel the attaché in case the ship was seized again.",
           [Said("it would expel the attaché in case the ship was seized again", "The ministry",
                 "said", "indirect")],
           [If("in case the ship was seized again", "it would expel the attaché",
               "The ministry")]),
    Sample("Marrow asked reporters if the bridge had been inspected. The river rose all week.",
           [], []),
    Sample("“If you come to the table, we will share the water rights,” Brevik told the "
           "delegates. “If you do not, the valley stays dry.”",
           [Said("If you come to the table, we will share the water rights", "Brevik", "told"),
            Said("If you do not, the valley stays dry", "Brevik", "told")],
           [If("If you come to the table", "we will share the water rights", "Brevik"),
            If("If you do not", "the valley stays dry", "Brevik")]),
    Sample("Unless the curfew ends, the markets will stay shut, residents of Kessel fear.",
           [], [If("Unless the curfew ends", "the markets will stay shut")]),
]

QUOTES: list[Sample] = [
    Sample("„Wir bleiben hier“, sagte sie. The mayor of Lindau, Petra Olm, said: „We stay "
           "here.“",
           [Said("We stay here.", "The mayor of Lindau, Petra Olm", "said")]),
    Sample("« Nous ne céderons pas », the envoy said, « pas un mètre. »",
           [Said("Nous ne céderons pas … pas un mètre.", "the envoy", "said")]),
    Sample("“The minister told me, ‘Not one metre,’ and then left,” the aide said.",
           [Said("The minister told me, ‘Not one metre,’ and then left", "the aide", "said")]),
]


def _find(text: str, part: str, after: int = 0) -> list[tuple[int, int]]:
    """The fragments of ``part`` (pieces joined by " … ") in ``text``, from ``after``."""
    frags = []
    pos = after
    for piece in part.split(" … "):
        start = text.index(piece, pos)
        frags.append((start, start + len(piece)))
        pos = start + len(piece)
    return frags


def record(doc_id: str, sample: Sample) -> dict[str, Any]:
    spans: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []

    def span(label: str, part: str, attrs: dict[str, Any] | None = None) -> str:
        frags = _find(sample.text, part)
        for existing in spans:
            if existing["label"] == label and existing["fragments"] == [list(f) for f in frags]:
                return str(existing["id"])
        sid = f"T{len(spans) + 1}"
        spans.append({"id": sid, "label": label, "start": frags[0][0], "end": frags[-1][1],
                      "fragments": [list(f) for f in frags], "attributes": attrs or {}})
        return sid

    def link(kind: str, source: str, target: str) -> None:
        relations.append({"id": f"R{len(relations) + 1}", "type": kind, "source": source,
                          "target": target})

    for said in sample.quotes:
        q = span("Quote", said.quote, {"form": said.form})
        link("speaker", q, span("Actor", said.speaker))
        link("cue", q, span("Cue", said.cue))
    for cond in sample.conditions:
        c = span("Condition", cond.condition)
        link("consequence", c, span("Consequence", cond.consequence))
        if cond.holder:
            link("holder", c, span("Actor", cond.holder))
    return {"id": doc_id, "text": sample.text,
            "annotations": [{"annotator": "gold", "status": "done", "spans": spans,
                             "relations": relations}]}


def records(samples: list[Sample], prefix: str) -> list[dict[str, Any]]:
    return [record(f"{prefix}-{i}", s) for i, s in enumerate(samples, 1)]
