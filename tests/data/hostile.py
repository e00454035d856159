"""Hostile and broken inputs, generated into a test's folder (never committed).

Each :class:`Hostile` is one file plus what a user must be told about it: a
fragment of the expected message. Large files are sparse (a 64 GiB "article"
takes no disk space and cannot be read whole in a test's lifetime), deep HTML
is built in memory. XML attacks point at ``secret.txt`` (holding a unique
marker that must never show up anywhere) and at a local HTTP server that must
never be asked for anything.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ARTICLE = ("President Aldric Varnay said the Doreth bridge would stay closed. "
           "“We will not yield,” he told the assembly in Ostmere.")
# Chinese without one ASCII character: its UTF-16 holds no NUL byte.
CHINESE_ARTICLE = "瓦尔奈总统表示，多雷斯大桥将继续关闭。“我们不会让步，”他在奥斯特梅尔议会上说。"
SPARSE_SIZE = 64 * 1024**3
BROKEN_AT = len("President Aldric Varnay said")
"""Where the invalid UTF-8 inputs are damaged (a byte offset)."""
UTF16_ADVICE = ("text without a byte-order mark: save it as UTF-8, or as UTF-16 with a "
                "byte-order mark")
DOCTYPE_REFUSED = ("schema files may not contain a DOCTYPE (entities and DTDs are refused "
                   "for safety)")


@dataclass(frozen=True)
class Hostile:
    """One hostile input file and a fragment of the message that must name its problem."""

    path: Path
    message: str  # alternatives separated by "|"


def make_secret(folder: Path) -> tuple[Path, str]:
    """A file outside the inputs whose marker must never be read."""
    marker = f"SAYWHO-SECRET-{uuid.uuid4().hex}"
    secret = folder / "secret.txt"
    secret.write_text(marker + "\n", encoding="utf-8")
    return secret, marker


def _jsonl(*records: dict[str, Any]) -> str:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


def _with_spans(spans: list[dict[str, Any]], relations: list[dict[str, Any]] | None = None,
                text: str = ARTICLE) -> str:
    return _jsonl({"id": "varnay-bridge", "text": text, "annotations": [
        {"annotator": "alice", "spans": spans, "relations": relations or []}]})


def import_inputs(folder: Path, secret: Path, http_base: str) -> dict[str, Hostile]:
    """Files ``import`` must refuse, each with a fragment of its message."""
    folder.mkdir(parents=True, exist_ok=True)
    actor = {"id": "T1", "label": "Actor", "start": 0, "end": 23}
    files: dict[str, tuple[str, bytes | str, str]] = {
        "empty": ("empty.txt", b"", "is empty"),
        "png": ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
                "looks like a PNG image, not text"),
        "utf16-no-bom": ("utf16.txt", ARTICLE.encode("utf-16-le"),
                         f"looks like UTF-16-LE {UTF16_ADVICE}"),
        "utf16-be-no-bom": ("utf16be.txt", ARTICLE.encode("utf-16-be"),
                            f"looks like UTF-16-BE {UTF16_ADVICE}"),
        "utf16-no-bom-chinese": ("utf16-zh.txt", CHINESE_ARTICLE.encode("utf-16-le"),
                                 f"looks like UTF-16-LE {UTF16_ADVICE}"),
        "utf16-be-no-bom-chinese": ("utf16be-zh.txt", CHINESE_ARTICLE.encode("utf-16-be"),
                                    f"looks like UTF-16-BE {UTF16_ADVICE}"),
        "utf16-no-bom-html": ("utf16.html", f"<html><body><p>{ARTICLE}</p></body></html>"
                              .encode("utf-16-le"), f"looks like UTF-16-LE {UTF16_ADVICE}"),
        # a bad byte in UTF-8 that has other multi-byte characters (the curly quotes)
        "invalid-utf8": ("broken-utf8.txt", ARTICLE.encode()[:BROKEN_AT] + b"\xff"
                         + ARTICLE.encode()[BROKEN_AT:],
                         f"is not valid UTF-8: byte 0xFF at offset {BROKEN_AT}"),
        # ASCII with one "é" (C3 A9) that lost its second byte: not cp1252 "Ã("
        "invalid-utf8-ascii": ("broken-ascii.txt", b"President Aldric Varnay said\xc3( the "
                               b"Doreth bridge would stay closed.",
                               f"is not valid UTF-8: byte 0xC3 at offset {BROKEN_AT} starts a "
                               "two-byte UTF-8 character but is followed by 0x28 '('"),
        "deep-html": ("deep.html", b"<html><body>" + b"<div>" * 100_000 + ARTICLE.encode()
                      + b"</div>" * 100_000 + b"</body></html>",
                      "HTML nested too deeply (more than 256 levels); refused"),
        "clutter-html": ("clutter.html", (
            "<html><head><title>Home</title></head><body>"
            "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
            "<div class='cookie-banner'>We use cookies. <button>Accept all</button></div>"
            "<div class='newsletter'>Sign up for our newsletter</div>"
            "<aside class='related'><ul><li><a href='/a'>Read more</a></li></ul></aside>"
            "<footer>© Saywho Wire. All rights reserved.</footer></body></html>"),
            "no article text found"),
        "html-external-entity": ("entity.html", (
            f'<!DOCTYPE html [<!ENTITY leak SYSTEM "{secret.as_uri()}">'
            f'<!ENTITY remote SYSTEM "{http_base}/entity">]>'
            "<html><body><nav>Home</nav></body></html>"), "no article text found"),
        "not-json": ("broken.jsonl", _jsonl({"id": "a", "text": ARTICLE})
                     + '{"id": "b", "text": "unfinished\n', "broken.jsonl:2: not valid JSON"),
        "utf16-jsonl": ("utf16.jsonl", _jsonl({"id": "a", "text": ARTICLE}).encode("utf-16"),
                        "(it starts with a byte-order mark): JSON Lines files must be UTF-8"),
        "invalid-utf8-jsonl": ("broken-utf8.jsonl", _jsonl({"id": "a", "text": ARTICLE}).encode()
                               + b'{"id": "b", "text": "caf\xe9"}\n',
                               "broken-utf8.jsonl:2: is not valid UTF-8 (byte 0xe9 at offset"),
        "no-text": ("notext.jsonl", _jsonl({"id": "a", "title": "Headline only"}),
                    "notext.jsonl:1: missing the required field 'text'"),
        "negative-offset": ("negative.jsonl", _with_spans([{**actor, "start": -3}]),
                            "start -3 is negative"),
        "reversed-offsets": ("reversed.jsonl", _with_spans([{**actor, "start": 23, "end": 10}]),
                             "start 23 is not before end 10"),
        "offset-out-of-range": ("outside.jsonl", _with_spans([{**actor, "end": 5000}]),
                                "end 5000 is beyond the text"),
        "span-text-mismatch": ("mismatch.jsonl", _with_spans([{**actor, "text": "Doreth"}]),
                               "text 'Doreth' does not match the text at 0-23"),
        "unknown-label": ("label.jsonl", _with_spans([{**actor, "label": "Rumour"}]),
                          "label 'Rumour' is not in the schema"),
        "relation-to-missing-span": ("relation.jsonl", _with_spans(
            [actor], [{"id": "R1", "type": "speaker", "source": "T7", "target": "T1"}]),
            "source 'T7' is not a span"),
        "duplicate-span-ids": ("dupspans.jsonl", _with_spans(
            [actor, {"id": "T1", "label": "Cue", "start": 66, "end": 70}]),
            "span id 'T1' is already used"),
        "duplicate-document-ids": ("dupdocs.jsonl", _jsonl(
            {"id": "a", "text": ARTICLE}, {"id": "a", "text": ARTICLE + " Later."}),
            "document id 'a' is already used on line 1"),
        # lone surrogates: valid JSON escapes, but not characters (issue 10, item 7)
        "lone-surrogate-text": ("surrogate-text.jsonl", _jsonl({"id": "a", "text": ARTICLE})
                                + '{"id": "b", "text": "Varnay \\ud800 said"}\n',
                                "surrogate-text.jsonl:2: field 'text' holds a lone surrogate "
                                "(\\ud800)"),
        "lone-surrogate-title": ("surrogate-title.jsonl",
                                 '{"id": "a", "title": "\\udc00 Bridge", "text": "Varnay said."}\n',
                                 "surrogate-title.jsonl:1: field 'title' holds a lone surrogate"),
        "lone-surrogate-id": ("surrogate-id.jsonl",
                              '{"id": "a\\uD83D", "text": "Varnay said."}\n',
                              "surrogate-id.jsonl:1: field 'id' holds a lone surrogate (\\ud83d)"),
        "lone-surrogate-meta": ("surrogate-meta.jsonl",
                                '{"id": "a", "text": "Varnay said.", '
                                '"meta": {"outlet": ["Wire", "\\udfff"]}}\n',
                                "surrogate-meta.jsonl:1: field 'meta.outlet[1]' holds a lone "
                                "surrogate"),
        # what PostgreSQL cannot store is refused on every backend (issue 10, item 9)
        "nul-in-text": ("nul-text.jsonl", _jsonl({"id": "a", "text": "Varnay \0said."}),
                        "nul-text.jsonl:1: the text contains a NUL character (U+0000) at "
                        "offset 7, which cannot be stored"),
        "nul-in-meta": ("nul-meta.jsonl", _jsonl({"id": "a", "text": ARTICLE,
                                                  "meta": {"outlet": "Wire\0"}}),
                        "nul-meta.jsonl:1: the metadata['outlet'] contains a NUL character "
                        "(U+0000) at offset 4"),
        "long-document-id": ("long-id.jsonl", _jsonl({"id": "d" * 300, "text": ARTICLE}),
                             f"long-id.jsonl:1: document id '{'d' * 40}…' is 300 characters "
                             "long; at most 255 are allowed"),
        "long-annotator-name": ("long-annotator.jsonl", _jsonl({
            "id": "a", "text": ARTICLE, "annotations": [
                {"annotator": "n" * 300, "spans": [actor], "relations": []}]}),
            f"long-annotator.jsonl:1: annotator name '{'n' * 40}…' is 300 characters long; "
            "at most 128 are allowed"),
        # bytes that are neither UTF-8 nor cp1252/Latin-1 (Turkish cp857; issue 10, item 13)
        "legacy-not-cp1252": ("cp857.txt", "Cumhurbaşkanı Varnay said the bridge would "
                              "stay closed.".encode("cp857"),
                              "cp857.txt:1: is not valid UTF-8: byte 0x9F at offset 8 cannot "
                              "be decoded"),
    }
    result = {}
    for key, (name, content, message) in files.items():
        path = folder / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        result[key] = Hostile(path, message)
    huge = folder / "huge.txt"
    with huge.open("wb") as handle:  # sparse: no disk used, far too big to read
        handle.truncate(SPARSE_SIZE)
    result["over-size-limit"] = Hostile(huge, "over the 20.0 MB limit")
    return result


SCHEMA_HEAD = '<schema name="hostile" version="1">'
ACTOR = '<label name="Actor" color="#4E79A7" key="a"/>'


def schema_inputs(folder: Path, secret: Path, http_base: str) -> dict[str, Hostile]:
    """Schema files ``schema check`` must refuse.

    The XML attacks are refused for their DOCTYPE before lxml parses them, so
    the message names the DOCTYPE's line, never libxml2's own words.
    """
    folder.mkdir(parents=True, exist_ok=True)
    doctype_entity = (f'<?xml version="1.0"?>\n<!DOCTYPE schema [\n'
                      f'  <!ENTITY leak SYSTEM "{secret.as_uri()}">\n]>\n')
    laughs = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)]
    billion_laughs = ('<?xml version="1.0"?>\n<!DOCTYPE schema [\n' + "\n".join(laughs)
                      + "\n]>\n" + SCHEMA_HEAD.replace('name="hostile"', 'name="&lol9;"')
                      + ACTOR + "</schema>")
    files: dict[str, tuple[str, str | bytes, str]] = {
        "not-well-formed": ("broken.xml", SCHEMA_HEAD + "<label name='Actor'",
                            "not well-formed XML"),
        "violates-xsd": ("invalid.xml", SCHEMA_HEAD + ACTOR + "<colour/></schema>",
                         "Element 'colour': This element is not expected"),
        "repeated-label": ("twice.xml", SCHEMA_HEAD + ACTOR
                           + '<label name="Actor" color="#000000"/></schema>',
                           "label 'Actor' is declared twice"),
        "repeated-shortcut": ("keys.xml", SCHEMA_HEAD + ACTOR
                              + '<label name="Quote" color="#000000" key="a"/></schema>',
                              "shortcut 'a' of label 'Quote' is already used by label 'Actor'"),
        "relation-unknown-labels": ("relation.xml", SCHEMA_HEAD + ACTOR
                                    + '<relation name="speaker"><source label="Quote"/>'
                                    '<target label="Actor"/></relation></schema>',
                                    "relation 'speaker' names unknown source label 'Quote'"),
        "external-entity": ("xxe.xml", doctype_entity + SCHEMA_HEAD.replace(
            'name="hostile"', 'name="&leak;"') + ACTOR + "</schema>",
            f"xxe.xml:2: {DOCTYPE_REFUSED}"),
        "billion-laughs": ("laughs.xml", billion_laughs, f"laughs.xml:2: {DOCTYPE_REFUSED}"),
        # the same attack in UTF-16 (with a BOM) and behind a comment and a PI
        "billion-laughs-utf16": ("laughs16.xml", billion_laughs.replace(
            "?>\n", "?>\n<!-- harmless -->\n<?saywho note?>\n", 1).encode("utf-16"),
            f"laughs16.xml:4: {DOCTYPE_REFUSED}"),
        "external-dtd": ("dtd.xml", f'<?xml version="1.0"?>\n<!DOCTYPE schema SYSTEM '
                         f'"{http_base}/saywho.dtd">\n' + SCHEMA_HEAD + ACTOR + "</schema>",
                         f"dtd.xml:2: {DOCTYPE_REFUSED}"),
        "parameter-entity": ("param.xml", f'<?xml version="1.0"?>\n<!DOCTYPE schema [\n'
                             f'  <!ENTITY % remote SYSTEM "{http_base}/evil.dtd">\n  %remote;\n'
                             f']>\n' + SCHEMA_HEAD + ACTOR + "</schema>",
                             f"param.xml:2: {DOCTYPE_REFUSED}"),
        "bad-encoding": ("latin.xml", ('<?xml version="1.0"?>\n' + SCHEMA_HEAD
                                       + "<description>Caf\u00e9</description>" + ACTOR
                                       + "</schema>").encode("latin-1"),
                         "latin.xml:2: not valid UTF-8: byte 0xE9 at offset"),
    }
    result = {}
    for key, (name, content, message) in files.items():
        path = folder / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        result[key] = Hostile(path, message)
    return result
