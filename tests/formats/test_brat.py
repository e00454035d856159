"""brat standoff export: golden files, a strict checker of brat's rules, bioc read-back,
brat -> project round trip, and random multilingual documents.

Regenerate the golden files with ``SAYWHO_UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import bioc.brat
import export_support as support
import pytest

from export.run import export_project
from formats.base import ExportOptions
from formats.brat import BratFormat
from storage.corpus import CorpusFilter, iter_corpus
from storage.project import Project
from storage.records import AnnotationSetRecord, DocumentRecord, SpanRecord

LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


# ------------------------------------------------------------ strict checker


def _conf_sections(path: Path) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for line in path.read_text("utf-8").split("\n"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if re.fullmatch(r"\[\w+\]", line):
            current = line[1:-1]
            sections[current] = []
        else:
            assert current is not None, f"{path}: '{line}' before any section"
            sections[current].append(line)
    return sections


def check_brat_folder(folder: Path) -> int:
    """Checks every .ann under an annotator folder against brat's rules; returns T count."""
    sections = _conf_sections(folder / "annotation.conf")
    assert set(sections) >= {"entities", "relations", "events", "attributes"}
    entity_types = set(sections["entities"])
    relation_args: dict[str, tuple[set[str], set[str]]] = {}
    for line in sections["relations"]:
        name, args = re.split(r"\s+", line, maxsplit=1)
        if name.startswith("<"):
            continue
        arg1, arg2 = (part.split(":", 1)[1] for part in args.split(", ")[:2])
        relation_args[name] = (set(arg1.split("|")), set(arg2.split("|")))
    attribute_decl: dict[str, tuple[set[str], list[str] | None]] = {}
    for line in sections["attributes"]:
        name, rest = re.split(r"\s+", line, maxsplit=1)
        fields = dict(part.split(":", 1) for part in rest.split(", "))
        values = fields["Value"].split("|") if "Value" in fields else None
        attribute_decl[name] = (set(fields["Arg"].split("|")), values)
    tools = _conf_sections(folder / "tools.conf")
    normalization_dbs = {re.split(r"\s+", line)[0] for line in tools.get("normalization", [])}
    count = 0
    for ann in folder.rglob("*.ann"):
        text = ann.with_suffix(".txt").read_bytes().decode("utf-8")
        content = ann.read_bytes().decode("utf-8")
        assert content == "" or content.endswith("\n")
        lines = content[:-1].split("\n") if content else []
        assert lines == content.splitlines(), f"{ann}: a line break inside a line"
        kinds: dict[str, str] = {}
        types: dict[str, str] = {}
        for line in lines:
            brat_id, tail = line.split("\t", 1)
            assert re.fullmatch(r"[TRANE#][0-9]+", brat_id), brat_id
            assert brat_id not in kinds, f"{ann}: {brat_id} twice"
            kinds[brat_id] = brat_id[0]
            if brat_id[0] == "T":
                head, covered = tail.split("\t", 1)
                label, offsets = head.split(" ", 1)
                assert label in entity_types, label
                fragments = [tuple(map(int, part.split(" "))) for part in offsets.split(";")]
                seen: list[tuple[int, int]] = []
                for start, end in fragments:
                    assert 0 <= start < end <= len(text)
                    # brat's own overlap rule (annotation.py): end >= ostart and start < oend
                    assert not any(end >= o_start and start < o_end for o_start, o_end in seen)
                    seen.append((start, end))
                assert covered == " ".join(text[s:e] for s, e in fragments), line
                types[brat_id] = label
                count += 1
        for line in lines:
            brat_id, tail = line.split("\t", 1)
            if brat_id[0] == "R":
                relation, arg1, arg2 = tail.split(" ")
                assert relation in relation_args, relation
                source, target = arg1.removeprefix("Arg1:"), arg2.removeprefix("Arg2:")
                assert kinds.get(source) == "T" and kinds.get(target) == "T", line
                assert types[source] in relation_args[relation][0], line
                assert types[target] in relation_args[relation][1], line
                types[brat_id] = "<RELATION>"
        for line in lines:
            brat_id, tail = line.split("\t", 1)
            if brat_id[0] == "A":
                parts = tail.split(" ")
                name, target = parts[0], parts[1]
                assert name in attribute_decl, name
                args, values = attribute_decl[name]
                assert types[target] in args, line
                if values is None:
                    assert len(parts) == 2, line
                else:
                    assert len(parts) == 3 and parts[2] in values, line
            elif brat_id[0] == "N":
                head, _name = tail.split("\t", 1)
                kind, target, reference = head.split(" ")
                assert kind == "Reference" and kinds.get(target) == "T", line
                assert reference.split(":", 1)[0] in normalization_dbs, line
            elif brat_id[0] == "#":
                head, _note = tail.split("\t", 1)
                kind, target = head.split(" ")
                assert kind == "AnnotatorNotes" and target in kinds, line
    return count


# ------------------------------------------------------------------- fixtures


def test_golden_files(jsonl_corpus: Project, tmp_path: Path) -> None:
    out = tmp_path / "out"
    manifest = export_project(jsonl_corpus, "brat", out)
    produced = support.compare_with_golden(out, "brat", skip=("manifest.json",))
    assert produced == sorted(manifest.files)
    # one folder per annotator; the unannotated brief is in none
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["alice", "bob", "gold"]
    assert not list(out.rglob("brief.*"))
    # the Condition crossing a line break is cut there, exactly
    assert manifest.inexact == []
    ann = (out / "bob" / "world-voices.ann").read_text("utf-8")
    assert "Condition 199 212;213 226\tif the convoy turns back 🌍🌍" in ann


def test_strict_brat_rules(jsonl_corpus: Project, tmp_path: Path) -> None:
    export_project(jsonl_corpus, "brat", tmp_path / "out")
    counts = {folder.name: check_brat_folder(folder)
              for folder in (tmp_path / "out").iterdir() if folder.is_dir()}
    assert counts == {"alice": 6, "bob": 12, "gold": 2}


def test_bioc_reads_the_files(jsonl_corpus: Project, tmp_path: Path) -> None:
    """bioc (a third-party brat reader) finds every span with its text and offsets."""
    out = tmp_path / "out"
    export_project(jsonl_corpus, "brat", out)
    stored = {}
    for item in iter_corpus(jsonl_corpus, CorpusFilter()):
        for layer in item.layers:
            stored[(layer.annotator, item.document.external_id)] = (item.document.text, layer)
    checked = 0
    for ann in out.rglob("*.ann"):
        text = ann.with_suffix(".txt").read_bytes().decode("utf-8")
        document = bioc.brat.loads(text, ann.read_bytes().decode("utf-8"))
        stored_text, layer = stored[(ann.parent.name, ann.stem)]
        assert document.text == stored_text
        entities = document.entities
        assert len(entities) == len(layer.spans)
        for entity in entities:
            pieces = sorted((interval.begin, interval.end) for interval in entity.locations)
            assert entity.text == " ".join(text[s:e] for s, e in pieces)
            checked += 1
        relations = document.relations
        assert len(relations) == len(layer.relations)
        assert {r.type for r in relations} == {r.type for r in layer.relations}
    assert checked == 20


def _layer_signature(project: Project) -> dict[tuple[str, str], object]:
    """Per (annotator, document): spans and relations, independent of database ids."""
    result = {}
    entities = {e.id: e.external_id for e in project.entities()}
    for item in iter_corpus(project, CorpusFilter(include_empty=False)):
        for layer in item.layers:
            spans = {s.id: s for s in layer.spans}
            span_sig = sorted((s.external_id, s.label, s.fragments,
                               tuple(sorted((k, v) for k, v in s.attributes.items()
                                            if v is not False)),
                               entities.get(s.entity_id) if s.entity_id else None)
                              for s in layer.spans)
            relation_sig = sorted((r.external_id, r.type, spans[r.source_id].external_id,
                                   spans[r.target_id].external_id) for r in layer.relations)
            result[(layer.annotator, item.document.external_id)] = (span_sig, relation_sig)
    return result


def test_brat_to_project_gives_the_same_spans_and_relations(jsonl_corpus: Project,
                                                            tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_project(jsonl_corpus, "brat", out)
    documents, entities = BratFormat.read(out)
    assert {e.id for e in entities} == {"varnay", "haddad", "liming"}
    with Project.create(tmp_path / "back.saywho") as back:
        back.import_entities(entities, str(out))
        back.import_records(documents, str(out))
        assert _layer_signature(back) == _layer_signature(jsonl_corpus)


def test_saywho_json_keeps_statuses_titles_and_actors(jsonl_corpus: Project,
                                                      tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_project(jsonl_corpus, "brat", out)
    documents, entities = BratFormat.read(out)
    stored = {(item.document.external_id, layer.annotator): (item.document.title, layer.status)
              for item in iter_corpus(jsonl_corpus, CorpusFilter()) for layer in item.layers}
    assert {(d.external_id, a.annotator): (d.title, a.status)
            for d in documents for a in d.annotations} == stored
    assert ("world-voices", "bob") in stored and stored[("world-voices", "bob")][1] == \
        "in_progress"
    meta = {d.external_id: d.meta for d in documents}
    assert meta["world-voices"]["tags"] == ["border", "convoy"]
    assert {(e.id, e.name, e.kind, tuple(e.aliases), e.kb_id) for e in entities} == {
        (e.external_id, e.name, e.kind, e.aliases, e.kb_id) for e in jsonl_corpus.entities()}


def test_without_saywho_json_file_and_folder_names_apply(jsonl_corpus: Project,
                                                         tmp_path: Path) -> None:
    """brat data made elsewhere: status new, the file name as id and title."""
    out = tmp_path / "out"
    export_project(jsonl_corpus, "brat", out)
    for sidecar in out.rglob("saywho.json"):
        sidecar.unlink()
    documents, entities = BratFormat.read(out)
    assert sorted((d.external_id, d.title, a.annotator, a.status)
                  for d in documents for a in d.annotations) == [
        ("varnay-warns", "varnay-warns", "alice", "new"),
        ("varnay-warns", "varnay-warns", "gold", "new"),
        ("world-voices", "world-voices", "bob", "new")]
    assert {(e.id, e.kind, e.kb_id) for e in entities} == {
        ("varnay", "person", None), ("haddad", "person", None), ("liming", "person", None)}


def test_a_bad_saywho_json_is_reported_with_its_file(jsonl_corpus: Project,
                                                     tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_project(jsonl_corpus, "brat", out, ExportOptions(annotators=["bob"]))
    sidecar = out / "bob" / "saywho.json"
    content = json.loads(sidecar.read_text("utf-8"))
    content["documents"]["world-voices"]["status"] = "finished"
    sidecar.write_text(json.dumps(content), "utf-8")
    with pytest.raises(Exception, match=r"saywho\.json: document 'world-voices': status "
                                        r"'finished' is not one of new, in_progress, done"):
        BratFormat.read(out)
    sidecar.write_text('{"documents": {\n', "utf-8")
    with pytest.raises(Exception, match=r"saywho\.json:2: not valid JSON"):
        BratFormat.read(out)


def test_renumbered_ids_and_notes(jsonl_corpus: Project, tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_project(jsonl_corpus, "brat", out, ExportOptions(annotators=["bob"]))
    ann = (out / "bob" / "world-voices.ann").read_text("utf-8")
    assert "\tAnnotatorNotes T1\tsaywho-id: s-actor-zoe\n" in ann
    assert "\tReference T1 saywho:haddad\tZoë Haddad-Keller\n" in ann
    assert re.search(r"^A\d+\tanonymous T\d+\n", ann, re.M)  # flag, only when true


def test_read_reports_the_bad_line(jsonl_corpus: Project, tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_project(jsonl_corpus, "brat", out, ExportOptions(annotators=["alice"]))
    ann = out / "alice" / "varnay-warns.ann"
    ann.write_text(ann.read_text("utf-8").replace("\tsaid\n", "\tSAID\n"), "utf-8")
    with pytest.raises(Exception, match=r"varnay-warns\.ann:3: T3 text 'SAID'"):
        BratFormat.read(out)


def test_spans_brat_cannot_hold_are_in_the_manifest(project: Project, tmp_path: Path) -> None:
    text = "Line one\n\nLine two\r\nLine three"
    record = DocumentRecord(text=text, external_id="edges", annotations=[AnnotationSetRecord(
        "alice", "done", [
            SpanRecord("a", "Cue", [(8, 10)]),              # only line breaks
            SpanRecord("b", "Cue", [(5, 9)]),               # ends with a line break
            SpanRecord("c", "Cue", [(0, 4), (4, 8)]),       # fragments that touch
            SpanRecord("d", "Cue", [(20, 24)]),             # after a CRLF
        ])])
    project.import_records([record], "edges")
    out = tmp_path / "out"
    manifest = export_project(project, "brat", out)
    reasons = {item["span"]: item["reason"] for item in manifest.inexact}
    assert set(reasons) == {"a", "b", "c", "d"}
    assert "only line breaks" in reasons["a"]
    assert "CRLF" in reasons["d"]
    written = json.loads((out / "manifest.json").read_text("utf-8"))
    assert len(written["inexact"]) == 4
    assert check_brat_folder(out / "alice") == 3
    assert (out / "alice" / "edges.txt").read_bytes() == text.encode("utf-8")


ALPHABET = ["a", "Z", " ", "é", "e\u0301", "😀", "🌍", "青", "川", "ق", "ا", "ל", "\n", "\r\n",
            "\u2028", "\x85", "\t", ".", "“"]


@support.random_documents(ALPHABET, prefix="x", min_pieces=3, max_pieces=40, max_spans=6,
                          max_cuts=6)
def test_random_documents_cover_the_same_text(tmp_path_factory: pytest.TempPathFactory,
                                              document: tuple[str, list[list[tuple[int, int]]]]
                                              ) -> None:
    text, spans = document
    folder = tmp_path_factory.mktemp("brat")
    record = support.one_document(text, support.quotes(spans, "s"), "random", title="")
    with support.project_with(folder, record, "random") as source:
        manifest = export_project(source, "brat", folder / "out")
    txt = (folder / "out" / "alice" / "random.txt").read_bytes().decode("utf-8")
    assert txt == text
    written = check_brat_folder(folder / "out" / "alice")
    inexact = defaultdict(list)
    for item in manifest.inexact:
        inexact[item["span"]].append(item["reason"])
    documents_read, _ = BratFormat.read(folder / "out")
    read_spans = {s.id: s for s in documents_read[0].annotations[0].spans} \
        if documents_read else {}
    assert written == len(read_spans)
    for i, fragments in enumerate(spans):
        span_id = f"s{i}"
        exact = not any("brat cannot keep" in r or "only line breaks" in r
                        for r in inexact[span_id])
        if exact:
            assert read_spans[span_id].fragments == fragments
        elif span_id in read_spans:
            # what was written is the original text minus line breaks, nothing else
            kept = "".join(text[s:e] for s, e in read_spans[span_id].fragments)
            original = "".join(text[s:e] for s, e in fragments)
            assert re.sub(f"[{LINE_BREAKS}]", "", kept) == re.sub(f"[{LINE_BREAKS}]", "",
                                                                   original)
