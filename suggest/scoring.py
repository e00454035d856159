"""Span P/R/F1 of predicted attributions against a gold, both in native JSON Lines records.

The definitions are those of the PolNeAR evaluation scorer the issue's table was
made with, so figures agree with it on the same files:

* A span is compared on its *word tokens* (``\\w+('\\w+)*`` over the document),
  the union over its fragments; a leading "that", "if" or "unless" is dropped when
  the span has more than one token and starts at (or one character before) it; a
  span without a word token uses its non-space characters.
* Units: Quote, Cue, Condition, Consequence and Actor (every span of the label);
  Speaker (Actor spans that a ``speaker`` relation targets).
* Modes: ``exact`` same token set, one-to-one; ``strict`` same fragments;
  ``overlap`` a shared token, one-to-one, pairs chosen greedily by Jaccard then by
  shared tokens; ``partial`` the overlap pairs credited with the covered share;
  ``token`` micro P/R over the union of the unit's tokens per document.
* Quote+Speaker: a matched quote (exact, or overlap) counts when its speaker
  matches the gold quote's speaker in the same mode; P over predicted quotes with a
  speaker, R over gold quotes with one. ``overlap+cue`` also needs the cue to
  overlap the gold cue (a gold quote without a cue needs none).
* Conditionals: (Condition, Consequence) pairs of the ``consequence`` relation
  count when both sides share a token with an unused gold pair. Holders, like
  Quote+Speaker: a matched pair counts when the Actor its ``holder`` relation names
  (from the Condition, else the Consequence) matches the gold pair's, exact or
  overlapping; P over predicted pairs with a holder, R over gold pairs with one.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

TOKEN = re.compile(r"\w+(?:['’]\w+)*")
CONVENTIONAL_FIRST = frozenset({"that", "if", "unless"})
UNITS = ("Quote", "Speaker", "Actor", "Cue", "Condition", "Consequence")
MODES = ("exact", "strict", "overlap", "partial", "token")
ATTRIBUTION_MODES = ("exact", "overlap", "overlap+cue")

Key = frozenset[Any]


@dataclass
class Unit:
    id: str
    label: str
    fragments: tuple[tuple[int, int], ...]
    tokens: Key
    form: str


@dataclass
class ScoredDoc:
    """One document's chosen annotation layer, tokenised for scoring."""

    id: str
    spans: dict[str, Unit] = field(default_factory=dict)
    links: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))

    @classmethod
    def from_record(cls, record: Mapping[str, Any], annotator: str | None = None) -> ScoredDoc:
        text = record["text"]
        sets = record.get("annotations") or []
        if annotator is None:
            layer = sets[0] if sets else None
        else:
            layer = next((s for s in sets if s.get("annotator") == annotator), None)
        doc = cls(str(record["id"]))
        if layer is None:
            return doc
        starts: list[int] = []
        ends: list[int] = []
        for m in TOKEN.finditer(text):
            starts.append(m.start())
            ends.append(m.end())
        for span in layer.get("spans", []):
            frags = tuple(tuple(f) for f in (span.get("fragments")
                                             or [[span["start"], span["end"]]]))
            toks = _tokens(text, frags, starts, ends)
            form = str((span.get("attributes") or {}).get("form", "?"))
            doc.spans[span["id"]] = Unit(span["id"], span["label"], frags, toks, form)
        for rel in layer.get("relations", []):
            if rel["source"] in doc.spans and rel["target"] in doc.spans:
                doc.links[rel["type"]].setdefault(rel["source"], rel["target"])
        return doc

    def unit(self, name: str) -> list[Unit]:
        if name == "Speaker":
            targets = sorted(set(self.links["speaker"].values()))
            return [self.spans[t] for t in targets]
        return [u for u in self.spans.values() if u.label == name]


def _tokens(text: str, frags: Iterable[tuple[int, int]], starts: list[int],
            ends: list[int]) -> Key:
    frags = list(frags)
    found: set[Any] = set()
    for s, e in frags:
        i = bisect.bisect_right(ends, s)
        while i < len(starts) and starts[i] < e:
            found.add(i)
            i += 1
    if len(found) > 1:
        first = min(found)
        if text[starts[first]:ends[first]].lower() in CONVENTIONAL_FIRST and \
                starts[first] <= frags[0][0] + 2:
            found.discard(first)
    if not found:
        found = {("c", k) for s, e in frags for k in range(s, e) if not text[k].isspace()}
    return frozenset(found)


def pairs(gold: list[Unit], pred: list[Unit], mode: str) -> list[tuple[Unit, Unit]]:
    """One-to-one (gold, predicted) pairs in ``mode``."""
    out: list[tuple[Unit, Unit]] = []
    if mode in ("exact", "strict"):
        free: dict[Any, list[Unit]] = defaultdict(list)
        for g in gold:
            key = g.fragments if mode == "strict" else g.tokens
            if mode == "strict" or g.tokens:
                free[key].append(g)
        for p in pred:
            bucket = free.get(p.fragments if mode == "strict" else p.tokens)
            if bucket:
                out.append((bucket.pop(0), p))
        return out
    scored = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            shared = len(g.tokens & p.tokens)
            if shared:
                scored.append((-shared / len(g.tokens | p.tokens), -shared, gi, pi))
    scored.sort()
    taken_g: set[int] = set()
    taken_p: set[int] = set()
    for _, _, gi, pi in scored:
        if gi not in taken_g and pi not in taken_p:
            taken_g.add(gi)
            taken_p.add(pi)
            out.append((gold[gi], pred[pi]))
    return out


def prf(hit_p: float, n_pred: int, hit_r: float, n_gold: int) -> dict[str, float]:
    p = hit_p / n_pred if n_pred else 0.0
    r = hit_r / n_gold if n_gold else 0.0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "n_pred": n_pred, "n_gold": n_gold}


def _speaker_matches(gd: ScoredDoc, g: Unit, pd: ScoredDoc, p: Unit, mode: str) -> bool:
    gs, ps = gd.links["speaker"].get(g.id), pd.links["speaker"].get(p.id)
    if gs is None or ps is None:
        return False
    a, b = gd.spans[gs].tokens, pd.spans[ps].tokens
    return bool(a) and a == b if mode == "exact" else bool(a & b)


def _cue_matches(gd: ScoredDoc, g: Unit, pd: ScoredDoc, p: Unit) -> bool:
    gc, pc = gd.links["cue"].get(g.id), pd.links["cue"].get(p.id)
    if gc is None:
        return True
    return pc is not None and bool(gd.spans[gc].tokens & pd.spans[pc].tokens)


def _holder(doc: ScoredDoc, condition: Unit, consequence: Unit) -> Unit | None:
    """The Actor a ``holder`` relation names, from the Condition or else its Consequence."""
    target = doc.links["holder"].get(condition.id) or doc.links["holder"].get(consequence.id)
    return doc.spans[target] if target else None


def _holder_matches(gd: ScoredDoc, g_if: Unit, g_then: Unit, pd: ScoredDoc, p_if: Unit,
                    p_then: Unit, mode: str) -> bool:
    g, p = _holder(gd, g_if, g_then), _holder(pd, p_if, p_then)
    if g is None or p is None:
        return False
    return bool(g.tokens) and g.tokens == p.tokens if mode == "exact" else bool(g.tokens & p.tokens)


def score(gold: Mapping[str, ScoredDoc], pred: Mapping[str, ScoredDoc]) -> dict[str, Any]:
    """Scores every gold document (a missing prediction counts as empty)."""
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    attribution: dict[str, Counter[str]] = defaultdict(Counter)
    by_form: dict[str, Counter[str]] = defaultdict(Counter)
    conditional: Counter[str] = Counter()
    holders: dict[str, Counter[str]] = defaultdict(Counter)
    empty = ScoredDoc("")
    for doc_id, gd in gold.items():
        pd = pred.get(doc_id, empty)
        for unit in UNITS:
            g_units, p_units = gd.unit(unit), pd.unit(unit)
            for mode in MODES:
                c = counts[(unit, mode)]
                c["n_gold"] += len(g_units)
                c["n_pred"] += len(p_units)
                if mode == "token":
                    gt = frozenset().union(*(u.tokens for u in g_units))
                    pt = frozenset().union(*(u.tokens for u in p_units))
                    c["tg"] += len(gt)
                    c["tp_"] += len(pt)
                    c["ti"] += len(gt & pt)
                elif mode == "partial":
                    for g, p in pairs(g_units, p_units, "overlap"):
                        shared = len(g.tokens & p.tokens)
                        c["hp"] += shared / len(p.tokens) if p.tokens else 0  # type: ignore[assignment]
                        c["hr"] += shared / len(g.tokens) if g.tokens else 0  # type: ignore[assignment]
                else:
                    n = len(pairs(g_units, p_units, mode))
                    c["hp"] += n
                    c["hr"] += n
        gq, pq = gd.unit("Quote"), pd.unit("Quote")
        with_g = sum(q.id in gd.links["speaker"] for q in gq)
        with_p = sum(q.id in pd.links["speaker"] for q in pq)
        for mode in ATTRIBUTION_MODES:
            quote_mode = "exact" if mode == "exact" else "overlap"
            hits = sum(1 for g, p in pairs(gq, pq, quote_mode)
                       if _speaker_matches(gd, g, pd, p, quote_mode)
                       and (mode != "overlap+cue" or _cue_matches(gd, g, pd, p)))
            attribution[mode]["hit"] += hits
            attribution[mode]["n_gold"] += with_g
            attribution[mode]["n_pred"] += with_p
        g_pairs = [(gd.spans[a], gd.spans[b]) for a, b in gd.links["consequence"].items()]
        p_pairs = [(pd.spans[a], pd.spans[b]) for a, b in pd.links["consequence"].items()]
        used: set[int] = set()
        for g_if, g_then in g_pairs:
            for k, (p_if, p_then) in enumerate(p_pairs):
                if k not in used and g_if.tokens & p_if.tokens and g_then.tokens & p_then.tokens:
                    used.add(k)
                    conditional["hit"] += 1
                    for mode in ("exact", "overlap"):
                        holders[mode]["hit"] += _holder_matches(gd, g_if, g_then, pd, p_if,
                                                                p_then, mode)
                    break
        conditional["n_gold"] += len(g_pairs)
        conditional["n_pred"] += len(p_pairs)
        for mode in ("exact", "overlap"):
            holders[mode]["n_gold"] += sum(_holder(gd, c, t) is not None for c, t in g_pairs)
            holders[mode]["n_pred"] += sum(_holder(pd, c, t) is not None for c, t in p_pairs)
        found = {g.id for g, _ in pairs(gq, pq, "overlap")}
        for q in gq:
            by_form[q.form]["n"] += 1
            by_form[q.form]["hit"] += q.id in found
    result: dict[str, Any] = {"units": {}, "attribution": {}, "recall_by_form": {}}
    for unit in UNITS:
        result["units"][unit] = {}
        for mode in MODES:
            c = counts[(unit, mode)]
            if mode == "token":
                row = prf(c["ti"], c["tp_"], c["ti"], c["tg"])
                row.update(n_pred=c["n_pred"], n_gold=c["n_gold"])
            else:
                row = prf(c["hp"], c["n_pred"], c["hr"], c["n_gold"])
            result["units"][unit][mode] = row
    for mode in ATTRIBUTION_MODES:
        c = attribution[mode]
        result["attribution"][mode] = prf(c["hit"], c["n_pred"], c["hit"], c["n_gold"])
    result["conditional_pairs_overlap"] = prf(conditional["hit"], conditional["n_pred"],
                                              conditional["hit"], conditional["n_gold"])
    result["conditional_holders"] = {
        mode: prf(c["hit"], c["n_pred"], c["hit"], c["n_gold"]) for mode, c in holders.items()}
    for form, c in sorted(by_form.items()):
        result["recall_by_form"][form] = {"n_gold": c["n"],
                                          "recall_overlap": c["hit"] / c["n"] if c["n"] else 0.0}
    return result


def issue_table(results: Mapping[str, Mapping[str, Any]], speeds: Mapping[str, float]) -> str:
    """The issue's table: one row per system (``results``: name -> :func:`score` output)."""
    head = ("| system | Quote exact F1 | Quote overlap F1 | Speaker exact F1 | Cue exact F1 | "
            "Quote+Speaker overlap P / R / F1 | indirect overlap R | Cond+Cons F1 | "
            "s / 1,000 words |")
    lines = [head, "|" + "---|" * 9]
    for name, res in results.items():
        u = res["units"]
        qs = res["attribution"]["overlap"]
        ind = res["recall_by_form"].get("indirect", {}).get("recall_overlap", 0.0)
        cond = res["conditional_pairs_overlap"]
        cond_cell = f"{cond['f1']:.2f}" if cond["n_gold"] else "—"
        speed = speeds.get(name)
        lines.append(
            f"| {name} | {u['Quote']['exact']['f1']:.2f} | {u['Quote']['overlap']['f1']:.2f} | "
            f"{u['Speaker']['exact']['f1']:.2f} | {u['Cue']['exact']['f1']:.2f} | "
            f"{qs['p']:.2f} / {qs['r']:.2f} / {qs['f1']:.2f} | {ind:.2f} | {cond_cell} | "
            f"{'—' if speed is None else f'{speed:.3f}'} |")
    return "\n".join(lines)


def detail_table(res: Mapping[str, Any]) -> str:
    """Every unit and mode, then attribution and recall by form."""
    out = [f"{'unit':<12}{'mode':<12}{'P':>7}{'R':>7}{'F1':>7}{'#pred':>8}{'#gold':>8}"]
    for unit, modes in res["units"].items():
        if not modes["exact"]["n_gold"] and not modes["exact"]["n_pred"]:
            continue
        for mode, v in modes.items():
            out.append(f"{unit:<12}{mode:<12}{100 * v['p']:7.1f}{100 * v['r']:7.1f}"
                       f"{100 * v['f1']:7.1f}{v['n_pred']:8d}{v['n_gold']:8d}")
    for mode, v in res["attribution"].items():
        out.append(f"{'Q+S':<12}{mode:<12}{100 * v['p']:7.1f}{100 * v['r']:7.1f}"
                   f"{100 * v['f1']:7.1f}{v['n_pred']:8d}{v['n_gold']:8d}")
    v = res["conditional_pairs_overlap"]
    if v["n_gold"] or v["n_pred"]:
        out.append(f"{'Cond+Cons':<12}{'overlap':<12}{100 * v['p']:7.1f}{100 * v['r']:7.1f}"
                   f"{100 * v['f1']:7.1f}{v['n_pred']:8d}{v['n_gold']:8d}")
    out.append("quote recall by gold form (overlap): " + ", ".join(
        f"{k} {100 * v['recall_overlap']:.1f}% of {v['n_gold']}"
        for k, v in res["recall_by_form"].items()))
    return "\n".join(out)
