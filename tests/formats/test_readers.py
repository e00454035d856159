"""The file readers (formats/, through ingest.files.read_file) on real files.

Encodings, titles, refusals, HTML, JSON Lines.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formats.html import HTML_MAX_DEPTH
from formats.jsonl import read_entities
from formats.plaintext import detect_title
from formats.reading import DEFAULT_MAX_BYTES, IngestError
from ingest.files import iter_files, read_file
from storage.records import FRAGMENT_JOINER, DocumentRecord, covered_text

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"
STORY = "Varnay warns Ostmere\n\n“We will not yield,” the minister said — “not one metre.”"
CLUTTER_PHRASES = (
    "cookie",
    "Accept all",
    "Share on",
    "Email this story",
    "newsletter",
    "Subscribe",
    "Related articles",
    "Join the conversation",
    "Most read",
    "Advertisement",
    "All rights reserved",
    "Privacy policy",
    "Breaking:",
    "dataLayer",
    "font-family",
    "World",
    "Marta Kessel",
)


def write(path: Path, data: bytes | str) -> Path:
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def read_one(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> DocumentRecord:
    documents = read_file(path, max_bytes)
    assert len(documents) == 1
    return documents[0]


# ------------------------------------------------------------------ encodings


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (STORY.encode("utf-8"), "utf-8"),
        (STORY.encode("utf-8-sig"), "utf-8-sig"),
        (b"\xff\xfe" + STORY.encode("utf-16-le"), "utf-16-le"),
        (b"\xfe\xff" + STORY.encode("utf-16-be"), "utf-16-be"),
        (STORY.encode("cp1252"), "cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le", "utf-16-be", "cp1252"],
)
def test_plain_text_encodings_are_detected(tmp_path: Path, encoded: bytes, encoding: str) -> None:
    document = read_one(write(tmp_path / "story.txt", encoded))
    assert document.text == STORY
    assert document.meta["encoding"] == encoding
    assert "\ufeff" not in document.text


def test_cp1252_curly_quotes_and_dash_decode_right(tmp_path: Path) -> None:
    raw = b"Talks\n\n\x93We will not yield,\x94 she said \x97 \x91twice\x92."
    document = read_one(write(tmp_path / "dump.txt", raw))
    assert document.text == "Talks\n\n“We will not yield,” she said — ‘twice’."
    assert document.meta["encoding"] == "cp1252"


def test_latin1_accents_decode_right(tmp_path: Path) -> None:
    text = "Réunion à Genève\n\nLe ministre a déclaré que l'été serait décisif pour la région."
    document = read_one(write(tmp_path / "fr.txt", text.encode("latin-1")))
    assert document.text == text
    assert document.meta["encoding"] in ("cp1252", "latin-1", "latin_1", "iso8859_1")


UTF16_ADVICE = ("text without a byte-order mark: save it as UTF-8, or as UTF-16 with a "
                "byte-order mark")
CHINESE = "瓦尔奈总统表示，多雷斯大桥将继续关闭。"
TRADITIONAL_CHINESE = "瓦爾奈總統表示，多雷斯大橋將繼續關閉。"
JAPANESE = "ヴァルナイ大統領は、ドレス橋を閉鎖したままにすると述べた。"


@pytest.mark.parametrize(
    ("raw", "offset", "following"),
    [
        (b"President Varnay said the caf\xc3( would close.", 29, "0x28 '('"),
        (b"President Varnay said the caf\xc3", 29, "the end of the file"),
        (b"the caf\xc3s are shut", 7, "0x73 's'"),  # after a lower-case letter
        (b"price \xc2 100", 6, "0x20 ' '"),  # alone before a space
        (b"Line one.\nThe caf\xc3 is shut; the caf\xc3 is open.", 17, "0x20 ' '"),
    ],
    ids=["before-punctuation", "at-the-end", "inside-a-word", "alone", "twice"],
)
def test_cut_utf8_in_ascii_is_refused_not_read_as_cp1252(tmp_path: Path, raw: bytes,
                                                         offset: int, following: str) -> None:
    path = write(tmp_path / "cut.txt", raw)
    with pytest.raises(IngestError) as caught:
        read_file(path)
    line = raw.count(b"\n", 0, offset) + 1
    assert str(caught.value).startswith(
        f"{path}:{line}: is not valid UTF-8: byte 0x{raw[offset]:02X} at offset {offset} starts "
        f"a two-byte UTF-8 character but is followed by {following}")
    assert "damaged UTF-8, not cp1252: re-save it as UTF-8" in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "SÃO PAULO (Reuters) - O governo disse que não vai mudar.",
        "SÃO PAULO (Reuters) - The minister said the bridge stays shut.",  # no other accent
        "A IRMÃ, disse ele.",
        "Ângelo said the talks would go on.",
        "Â la une: \u201cNon\u201d, dit le ministre.",
    ],
    ids=["dateline", "dateline-only", "end-of-capital-word", "capitalised-word", "with-quotes"],
)
def test_cp1252_capitals_a_tilde_and_circumflex_still_decode(tmp_path: Path, text: str) -> None:
    document = read_one(write(tmp_path / "pt.txt", text.encode("cp1252")))
    assert document.text == text
    assert document.meta["encoding"] == "cp1252"


def test_utf8_with_one_bad_byte_names_the_offset(tmp_path: Path) -> None:
    data = "The café said “no”.".encode()
    path = write(tmp_path / "bad.txt", data[:4] + b"\xff" + data[4:])
    with pytest.raises(IngestError, match=r"bad\.txt:1: is not valid UTF-8: byte 0xFF at offset 4"):
        read_file(path)


@pytest.mark.parametrize(
    ("text", "codec", "label"),
    [
        (STORY, "utf-16-le", "UTF-16-LE"),
        (STORY, "utf-16-be", "UTF-16-BE"),
        (CHINESE, "utf-16-le", "UTF-16-LE"),  # no ASCII, so no NUL byte
        (CHINESE, "utf-16-be", "UTF-16-BE"),
        (JAPANESE, "utf-16-le", "UTF-16-LE"),
        (CHINESE + "\n2024\n" + CHINESE, "utf-16-le", "UTF-16-LE"),  # some ASCII
        ("Президент заявил, что мост останется закрытым.", "utf-16-le", "UTF-16-LE"),
    ],
    ids=["latin-le", "latin-be", "chinese-le", "chinese-be", "japanese-le", "chinese-ascii-le",
         "cyrillic-le"],
)
def test_utf16_without_bom_is_refused(tmp_path: Path, text: str, codec: str, label: str) -> None:
    path = write(tmp_path / "story.txt", text.encode(codec))
    with pytest.raises(IngestError) as caught:
        read_file(path)
    assert str(caught.value) == f"{path}: looks like {label} {UTF16_ADVICE}"


def test_utf32_without_bom_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="looks like UTF-32-LE text without a byte-order mark"):
        read_file(write(tmp_path / "story.txt", STORY.encode("utf-32-le")))


def test_utf16_html_without_bom_is_refused(tmp_path: Path) -> None:
    page = f"<html><body><article><p>{STORY}</p></article></body></html>"
    with pytest.raises(IngestError, match=f"looks like UTF-16-LE {UTF16_ADVICE}"):
        read_file(write(tmp_path / "page.html", page.encode("utf-16-le")))


@pytest.mark.parametrize(
    ("text", "codec"),
    [(CHINESE, "gbk"), (TRADITIONAL_CHINESE, "big5"), (JAPANESE, "shift_jis"),
     (JAPANESE, "euc_jp")],
)
def test_legacy_east_asian_text_is_not_taken_for_utf16(tmp_path: Path, text: str,
                                                       codec: str) -> None:
    # no ASCII byte either: only kana, CJK punctuation or full-width forms tell UTF-16 apart;
    # and a legacy code page other than cp1252/Latin-1 is refused by its first bad byte
    data = text.encode(codec)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        first = err.start
    path = write(tmp_path / "story.txt", data)
    with pytest.raises(IngestError) as caught:
        read_file(path)
    assert str(caught.value).startswith(
        f"{path}:1: is not valid UTF-8: byte 0x{data[first]:02X} at offset {first} cannot be "
        "decoded, and the file is not Western text in cp1252 or Latin-1 either")
    assert "UTF-16" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "codec"),
    [("Cumhurbaşkanı Varnay köprünün kapalı kalacağını söyledi.", "cp857"),
     ("Президент Варнай заявил, что мост останется закрытым.", "cp1251"),
     ("Президент Варнай заявил, что мост останется закрытым.", "koi8_r"),
     ("Ο πρόεδρος Βαρνάι είπε ότι η γέφυρα θα μείνει κλειστή.", "cp1253"),
     ("Prezydent Varnay powiedział, że most pozostanie zamknięty.", "cp852")],
    ids=["turkish-cp857", "cyrillic-cp1251", "cyrillic-koi8", "greek-cp1253", "polish-cp852"],
)
def test_legacy_code_pages_other_than_cp1252_are_refused_by_offset(
        tmp_path: Path, text: str, codec: str) -> None:
    data = text.encode(codec)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        first = err.start
    path = write(tmp_path / "story.txt", data)
    with pytest.raises(IngestError) as caught:
        read_file(path)
    assert str(caught.value).startswith(
        f"{path}:1: is not valid UTF-8: byte 0x{data[first]:02X} at offset {first} cannot be "
        "decoded")
    assert str(caught.value).endswith("re-save it as UTF-8")


def test_binary_with_a_few_nuls_is_not_called_utf16(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="contains NUL bytes: looks like a binary file"):
        read_file(write(tmp_path / "file.txt", b"some text\x00\x01\x02 and NULs"))


def test_crlf_and_lone_cr_become_newlines(tmp_path: Path) -> None:
    raw = "Headline\r\n\r\nFirst line.\rSecond line.\r\nThird line.\r\n\r\n  \r\n"
    document = read_one(write(tmp_path / "crlf.txt", raw))
    assert document.text == "Headline\n\nFirst line.\nSecond line.\nThird line."


def test_text_is_otherwise_unchanged(tmp_path: Path) -> None:
    raw = "  indented start\n\n\tTabbed  double  spaces\n\n\nThree newlines kept.   \n\n"
    document = read_one(write(tmp_path / "raw.txt", raw))
    assert document.text == raw.rstrip()
    assert document.external_id == "raw"
    assert document.source == str(tmp_path / "raw.txt")


# ---------------------------------------------------------------------- titles


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Varnay warns Ostmere\n\nVELMORA, March 3 — The president said.", "Varnay warns Ostmere"),
        ("Short headline\nThe body starts right away.", "Short headline"),
        ("Leader says deal is 'within reach'\n\nBody.", "Leader says deal is 'within reach'"),
        ("The president spoke.\n\nMore text.", None),
        ("Is this a question?\n\nMore text.", None),
        ("“We will not yield,” he said.”\n\nMore text.", None),
        ("He said: “Never.”\n\nMore text.", None),
        ("Only one paragraph without punctuation", None),
        ("Only a headline\n\n   \n", None),
        ("x" * 201 + "\n\nBody.", None),
        ("The minister said on Monday that the talks\nwould resume next week.", None),
        ("\n\nAfter blank lines\n\nBody.", "After blank lines"),
    ],
)
def test_detect_title(text: str, title: str | None) -> None:
    assert detect_title(text) == title


def test_title_line_stays_in_text(tmp_path: Path) -> None:
    document = read_one(write(tmp_path / "t.txt", STORY))
    assert document.title == "Varnay warns Ostmere"
    assert document.text.startswith("Varnay warns Ostmere\n\n")


def test_without_title_line_the_title_is_the_file_stem(tmp_path: Path) -> None:
    document = read_one(write(tmp_path / "no-title.txt", "The president spoke.\n\nMore."))
    assert document.title == "no-title"


# -------------------------------------------------------------------- refusals

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def test_png_renamed_txt_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "photo.txt", PNG)
    with pytest.raises(IngestError, match="looks like a PNG image, not text") as caught:
        read_file(path)
    assert caught.value.path == str(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "looks like a PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00", "looks like a ZIP archive"),
        (b"GIF89a\x01\x00\x01\x00", "looks like a GIF image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "looks like a JPEG image"),
        (b"some text\x00\x01\x02 and NULs", "NUL bytes"),
    ],
)
def test_binary_files_are_refused(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(IngestError, match=message):
        read_file(write(tmp_path / "file.txt", data))


def test_explicit_file_with_unknown_extension_is_read_as_text(tmp_path: Path) -> None:
    assert read_one(write(tmp_path / "notes.md", STORY)).text == STORY
    with pytest.raises(IngestError, match="looks like a PNG image"):
        read_file(write(tmp_path / "picture.png", PNG))


@pytest.mark.parametrize(("data", "message"), [(b"", "is empty"), (b" \r\n\t\n ", "whitespace")])
def test_empty_files_are_refused(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(IngestError, match=message):
        read_file(write(tmp_path / "empty.txt", data))


def test_directory_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(IngestError, match="is a folder") as caught:
        read_file(folder)
    assert str(folder) in str(caught.value)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no such file"):
        read_file(tmp_path / "missing.txt")


def test_over_the_limit_is_refused_without_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "big.txt", "x" * 5000)

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_bytes", fail)
    monkeypatch.setattr(Path, "read_text", fail)
    monkeypatch.setattr(Path, "open", fail)
    with pytest.raises(IngestError, match=r"is 4\.9 KB, over the 1000 bytes limit"):
        read_file(path, max_bytes=1000)


def test_limit_message_in_megabytes(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as stream:  # sparse: no 25 MB written to disk
        stream.truncate(int(25.3 * 1024 * 1024))
    with pytest.raises(IngestError, match=r"is 25\.3 MB, over the 20\.0 MB limit"):
        read_file(path)


def test_ingest_error_formats_path_and_line() -> None:
    error = IngestError("news/a.jsonl", "span 'T3': bad", line=12)
    assert str(error) == "news/a.jsonl:12: span 'T3': bad"
    assert (error.path, error.line, error.reason) == ("news/a.jsonl", 12, "span 'T3': bad")
    assert str(IngestError("a.txt", "is empty")) == "a.txt: is empty"


# ------------------------------------------------------------------ folders


def test_iter_files_expands_folders_sorted_and_skips_hidden(tmp_path: Path) -> None:
    for name in ("b.txt", "a.html", "c.jsonl", "d.htm", "skip.png", ".hidden.txt", "E.TXT"):
        write(tmp_path / name, "x")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub" / "z.txt", "x")
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".git" / "config.txt", "x")
    explicit = write(tmp_path / "explicit.png", "x")
    found = list(iter_files([tmp_path, explicit, tmp_path / "b.txt", tmp_path / "gone.txt"]))
    names = [p.relative_to(tmp_path).as_posix() for p in found]
    assert names == [
        "E.TXT",
        "a.html",
        "b.txt",
        "c.jsonl",
        "d.htm",
        "sub/z.txt",
        "explicit.png",
        "gone.txt",
    ]


# ------------------------------------------------------------------------ HTML


def test_sample_page_gives_the_story_without_clutter() -> None:
    document = read_one(SAMPLES / "04-assembly-emergency-session.html")
    text = document.text
    assert (
        document.title == "Assembly sends observers to Kallen River as Varnay, Ardova trade barbs"
    )
    paragraphs = text.split("\n\n")
    assert paragraphs[0] == document.title
    assert paragraphs[1].startswith("DUNMARK, March 6 (Saywho Wire) — The Assembly")
    assert paragraphs[-1].endswith('would be "noted, named and answered."')
    assert (
        '"We asked for witnesses," Varnay said. "Now that they are coming, let them see who '
        'brought the tanks."'
    ) in paragraphs
    assert len(paragraphs) == 9
    assert all(p.strip() == p and "\n" not in p for p in paragraphs)
    for phrase in CLUTTER_PHRASES:
        assert phrase.lower() not in text.lower(), phrase
    assert document.meta["date"] == "2024-03-06"
    assert document.meta["author"] == "Marta Kessel"
    assert (
        document.meta["url"] == "https://ledger.example/world/2024/03/06/assembly-kallen-observers"
    )
    assert document.meta["outlet"] == "The Northern Ledger"
    assert document.meta["encoding"] == "utf-8"
    assert document.external_id == "04-assembly-emergency-session"


CLUTTER_ONLY = """<!DOCTYPE html><html><head><title>Home | The Ledger</title>
<script>var tracking = "a long tracking script that is not an article at all";</script>
<style>body { margin: 0 }</style></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<div class="cookie-banner"><p>We use cookies to improve your experience and to show you
personalised advertising. By continuing to browse you accept our cookie policy.</p></div>
<div class="newsletter-signup"><p>Sign up for our free newsletter and get the day's top
stories in your inbox every morning, with analysis from our correspondents.</p></div>
<div class="share-buttons"><a href="#">Share on Facebook</a></div>
<footer><p>Copyright 2024 The Ledger. All rights reserved.</p></footer></body></html>"""


def test_clutter_only_page_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no article text found"):
        read_file(write(tmp_path / "home.html", CLUTTER_ONLY))


def test_deeply_nested_html_does_not_crash(tmp_path: Path) -> None:
    depth = 100_000
    page = "<html><body>" + "<div>" * depth + "<p>Deep text.</p>" + "</div>" * depth
    path = write(tmp_path / "deep.html", page + "</body></html>")
    with pytest.raises(IngestError) as caught:
        read_file(path)
    assert str(caught.value) == (
        f"{path}: HTML nested too deeply (more than {HTML_MAX_DEPTH} levels); refused")
    assert "XML_PARSE_HUGE" not in str(caught.value)


def test_html_just_inside_the_depth_limit_is_read(tmp_path: Path) -> None:
    depth = HTML_MAX_DEPTH - 10
    page = ("<html><body>" + "<div>" * depth + "<p>The minister said the talks in Ostmere "
            "would go on next week.</p>" + "</div>" * depth + "</body></html>")
    assert "talks in Ostmere" in read_one(write(tmp_path / "deep.html", page)).text


def test_simple_page_falls_back_to_paragraphs(tmp_path: Path) -> None:
    page = (
        "<html><head><title>Short note</title></head><body><main><h1>Short note</h1>"
        "<p>The minister said yes.</p><div class='share'>Share on X</div></main></body></html>"
    )
    document = read_one(write(tmp_path / "note.htm", page))
    assert document.text == "Short note\n\nThe minister said yes."
    assert document.title == "Short note"


def test_html_charset_declaration_is_used(tmp_path: Path) -> None:
    page = (
        "<html><head><meta charset='iso-8859-1'><title>Café</title></head><body><article>"
        "<h1>Café talks</h1><p>“We will not yield,” the minister said. Été arrivé.</p>"
        "</article></body></html>"
    )
    document = read_one(write(tmp_path / "legacy.html", page.encode("cp1252")))
    assert document.title == "Café talks"
    assert "“We will not yield,” the minister said. Été arrivé." in document.text
    assert document.meta["encoding"] == "cp1252"


def test_html_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = write(tmp_path / "secret.txt", "TOP-SECRET-CONTENT")
    page = (
        f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        "<html><body><article><h1>Entity test</h1><p>The minister said &xxe; that the talks "
        "would resume next week, officials in the capital confirmed.</p></article></body></html>"
    )
    document = read_one(write(tmp_path / "xxe.html", page))
    assert "TOP-SECRET-CONTENT" not in document.text
    assert "The minister said" in document.text


def test_png_renamed_html_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="looks like a PNG image, not HTML"):
        read_file(write(tmp_path / "page.html", PNG))


# ---------------------------------------------------------------- JSON Lines

TEXT = "“We will not yield,” the minister said, “not one metre.”"


def span(span_id: str, start: int, end: int, **extra: Any) -> dict[str, Any]:
    return {"id": span_id, "label": "Quote", "start": start, "end": end, **extra}


def line_with(**document: Any) -> str:
    return json.dumps({"text": TEXT, **document}, ensure_ascii=False)


def annotated(spans: list[Any], relations: list[Any] | None = None, **extra: Any) -> str:
    annotation_set = {"annotator": "alice", "spans": spans, "relations": relations or [], **extra}
    return line_with(annotations=[annotation_set])


BAD_LINES: list[tuple[str, str]] = [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "must be a JSON object, not a list"),
    ('"just a string"', "must be a JSON object"),
    ('{"title": "no text"}', "missing the required field 'text'"),
    ('{"text": 42}', "'text' must be a string"),
    ('{"text": null}', "'text' must be a string"),
    ('{"text": "  "}', "'text' is empty"),
    ('{"text": "x", "anotations": []}', "unknown field 'anotations'"),
    ('{"text": "x", "meta": []}', "'meta' must be an object"),
    ('{"text": "x", "annotations": {}}', "'annotations' must be a list"),
    (line_with(annotations=[{"spans": []}]), "'annotator' must be a non-empty string"),
    (annotated([], status="finished"), "unknown status 'finished'"),
    (annotated([span("T1", 0, 5), span("T1", 6, 9)]), "span id 'T1' is already used"),
    (
        annotated(
            [span("T1", 0, 5)], [{"id": "T1", "type": "cue", "source": "T1", "target": "T1"}]
        ),
        "relation id 'T1' is already used by a span",
    ),
    (annotated([span("T1", "0", 5)]), "start must be an integer, not the string '0'"),
    (annotated([span("T1", 0, 5.0)]), "end must be an integer"),
    (annotated([span("T1", True, 5)]), "start must be an integer, not a boolean"),
    (annotated([span("T1", -1, 5)]), "start -1 is negative"),
    (annotated([span("T1", 5, 5)]), "start 5 is not before end 5"),
    (annotated([span("T1", 9, 3)]), "start 9 is not before end 3"),
    (annotated([span("T1", 0, 99)]), f"end 99 is beyond the text (length {len(TEXT)})"),
    (annotated([{"id": "T1", "start": 0, "end": 5}]), "span 'T1': missing 'label'"),
    (annotated([{"id": "T1", "label": "Quote", "end": 5}]), "span 'T1': missing 'start'"),
    (
        annotated([span("T1", 0, 20, fragments=[[0, 10], [5, 20]])]),
        "fragments 0-10 and 5-20 overlap",
    ),
    (
        annotated([span("T1", 0, 20, fragments=[[0, 10], [10, 20]])]),
        "fragments 0-10 and 10-20 touch",
    ),
    (
        annotated([span("T1", 0, 30, fragments=[[0, 10], [15, 20]])]),
        "start-end 0-30 does not match its fragments (0-10,15-20)",
    ),
    (annotated([span("T1", 0, 20, fragments=[[0, 10, 3]])]), "is not a [start, end] pair"),
    (annotated([span("T1", 0, 20, fragments=[])]), "'fragments' must be a non-empty list"),
    (
        annotated([span("T1", 0, 20, fragments=[[0, 5], [10, 99]])]),
        "fragment end 99 is beyond the text",
    ),
    (
        annotated([span("T1", 1, 6, text="Putin")]),
        "span 'T1': text 'Putin' does not match the text at 1-6 ('We wi')",
    ),
    (
        annotated([span("T1", 1, 40, fragments=[[1, 18], [37, 40]], text="We will not yield")]),
        "does not match the text at 1-18,37-40 ('We will not yield … d, ')",
    ),
    (
        annotated(
            [span("T1", 0, 5)], [{"id": "R1", "type": "cue", "source": "T1", "target": "T9"}]
        ),
        "relation 'R1': target 'T9' is not a span of the same annotator",
    ),
    (annotated([span("T1", 0, 5, entity=3)]), "'entity' must be a non-empty string or null"),
    (annotated([span("T1", 0, 5, attributes=[])]), "'attributes' must be an object"),
    (
        line_with(annotations=[{"annotator": "bob"}, {"annotator": "bob"}]),
        "annotator 'bob' has more than one annotation set",
    ),
    ('{"text": "a", "id": "doc-1"}', "document id 'doc-1' is already used on line 1"),
    ('{"text": NaN}', "NaN is not a JSON number"),
]


@pytest.mark.parametrize(("bad_line", "message"), BAD_LINES)
def test_bad_jsonl_line_names_file_and_line(tmp_path: Path, bad_line: str, message: str) -> None:
    path = write(
        tmp_path / "docs.jsonl",
        '{"id": "doc-1", "text": "A good first document."}\n\n' + bad_line + "\n",
    )
    with pytest.raises(IngestError) as caught:
        read_file(path)
    error = caught.value
    assert error.path == str(path)
    assert error.line == 3
    assert str(error).startswith(f"{path}:3: ")
    assert message in str(error)


def test_invalid_utf8_in_jsonl_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "docs.jsonl", b'{"text": "ok"}\n{"text": "caf\xe9"}\n')
    with pytest.raises(IngestError,
                       match=r"docs\.jsonl:2: is not valid UTF-8 \(byte 0xe9 at offset 28\)"):
        read_file(path)


@pytest.mark.parametrize(
    ("codec", "message"),
    [
        ("utf-16", "is UTF-16-LE text (it starts with a byte-order mark): JSON Lines files "
                   "must be UTF-8"),
        ("utf-16-le", "looks like UTF-16-LE text without a byte-order mark: JSON Lines files "
                      "must be UTF-8"),
    ],
)
def test_utf16_jsonl_is_refused(tmp_path: Path, codec: str, message: str) -> None:
    path = write(tmp_path / "docs.jsonl", '{"text": "The minister said no."}\n'.encode(codec))
    with pytest.raises(IngestError) as caught:
        read_file(path)
    assert str(caught.value) == f"{path}: {message}"


def test_empty_jsonl_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="contains no documents"):
        read_file(write(tmp_path / "docs.jsonl", "\n\n"))


def test_valid_jsonl_with_discontinuous_spans_and_relations(tmp_path: Path) -> None:
    q1_start = TEXT.index("We will")
    q1_end = q1_start + len("We will not yield,")
    q2_start = TEXT.index("not one")
    q2_end = q2_start + len("not one metre.")
    speaker_start = TEXT.index("the minister")
    speaker_end = speaker_start + len("the minister")
    quote_text = "We will not yield," + FRAGMENT_JOINER + "not one metre."
    line = {
        "id": "wire-7",
        "title": "A quote",
        "text": TEXT,
        "meta": {"outlet": "Saywho Wire"},
        "annotations": [
            {
                "annotator": "alice",
                "status": "done",
                "spans": [
                    {
                        "id": "T1",
                        "label": "Quote",
                        "start": q1_start,
                        "end": q2_end,
                        # unsorted on purpose: they are sorted on reading
                        "fragments": [[q2_start, q2_end], [q1_start, q1_end]],
                        "text": quote_text,
                        "attributes": {"form": "direct"},
                    },
                    {
                        "id": "T2",
                        "label": "Actor",
                        "start": speaker_start,
                        "end": speaker_end,
                        "text": "the minister",
                        "entity": "relling",
                    },
                ],
                "relations": [
                    {"id": "R1", "type": "speaker", "source": "T1", "target": "T2"},
                ],
            },
            {"annotator": "bob"},
        ],
    }
    path = write(
        tmp_path / "wire.jsonl",
        json.dumps(line, ensure_ascii=False) + "\r\n" + json.dumps({"text": "Second.\r\n"}),
    )
    first, second = read_file(path)
    assert (first.external_id, first.title, first.text, first.line) == (
        "wire-7",
        "A quote",
        TEXT,
        1,
    )
    assert first.meta == {"outlet": "Saywho Wire"}
    assert first.source == str(path)
    alice, bob = first.annotations
    assert (alice.annotator, alice.status) == ("alice", "done")
    quote, actor = alice.spans
    assert quote.fragments == [(q1_start, q1_end), (q2_start, q2_end)]
    assert (quote.start, quote.end) == (q1_start, q2_end)
    assert quote.text == quote_text
    assert quote.attributes == {"form": "direct"}
    assert (actor.label, actor.fragments, actor.entity) == (
        "Actor",
        [(speaker_start, speaker_end)],
        "relling",
    )
    assert len(alice.relations) == 1
    relation = alice.relations[0]
    assert (relation.id, relation.type, relation.source, relation.target) == (
        "R1",
        "speaker",
        "T1",
        "T2",
    )
    assert (bob.annotator, bob.status, bob.spans, bob.relations) == ("bob", "new", [], [])
    assert second.text == "Second.\r\n"  # JSON Lines text is stored exactly as given
    assert (second.external_id, second.line, second.annotations) == ("wire-2", 2, [])


def test_covered_text_joins_fragments() -> None:
    assert FRAGMENT_JOINER == " \u2026 "
    assert covered_text("abcdefghij", [(0, 2), (5, 7)]) == "ab … fg"
    assert covered_text("abcdefghij", [(3, 6)]) == "def"


ALPHABET = ["a", "Z", " ", "é", "e\u0301", "🤝", "🇵🇱", "👩\u200d👩\u200d👧", "Ж", "\u2028"]
ALPHABET += ["\r\n", "\r", "\n", "\t", '"', "\\", "…", "\u0000"]


@st.composite
def texts_and_fragments(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    pieces = draw(st.lists(st.sampled_from(ALPHABET) | st.text(max_size=3), max_size=40))
    text = "x" + "".join(pieces)
    cuts = draw(
        st.lists(st.integers(0, len(text)), min_size=2, max_size=8, unique=True).filter(
            lambda found: len(found) % 2 == 0
        )
    )
    cuts.sort()
    return text, list(zip(cuts[::2], cuts[1::2], strict=True))


@settings(max_examples=150, deadline=None)
@given(texts_and_fragments())
def test_jsonl_round_trips_text_and_fragments(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[str, list[tuple[int, int]]]
) -> None:
    text, fragments = case
    expected_text = covered_text(text, fragments)
    record = {
        "text": text,
        "annotations": [
            {
                "annotator": "hyp",
                "spans": [
                    {
                        "id": "T1",
                        "label": "Quote",
                        "start": fragments[0][0],
                        "end": fragments[-1][1],
                        "fragments": [list(f) for f in reversed(fragments)],
                        "text": expected_text,
                    }
                ],
            }
        ],
    }
    path = tmp_path_factory.mktemp("hyp") / "round.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    (document,) = read_file(path)
    assert document.text == text
    (read_span,) = document.annotations[0].spans
    assert read_span.fragments == fragments
    assert read_span.text == expected_text == covered_text(document.text, read_span.fragments)


# --------------------------------------------------------------------- entities


def test_read_entities(tmp_path: Path) -> None:
    path = write(
        tmp_path / "entities.jsonl",
        '{"id": "varnay", "name": "Aldric Varnay", "aliases": ["the president"], '
        '"kb_id": "Q-varnay"}\n'
        '{"id": "mfa", "name": "Carvonian foreign ministry", "kind": "organisation"}\n',
    )
    varnay, ministry = read_entities(path)
    assert (varnay.id, varnay.name, varnay.kind, varnay.aliases, varnay.kb_id) == (
        "varnay",
        "Aldric Varnay",
        "person",
        ["the president"],
        "Q-varnay",
    )
    assert (ministry.kind, ministry.aliases, ministry.kb_id) == ("organisation", [], None)


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        (
            '{"id": "varnay", "name": "Someone else"}',
            "entity id 'varnay' is already used on line 1",
        ),
        ('{"id": "x"}', "entity 'x': missing 'name'"),
        ('{"name": "No id"}', "entity: missing 'id'"),
        ('{"id": "x", "name": "X", "aliases": "the man"}', "'aliases' must be a list"),
        ('{"id": "x", "name": "X", "kb_id": 7}', "'kb_id' must be a non-empty string or null"),
        ('{"id": "x", "name": "X", "role": "leader"}', "unknown field 'role'"),
        ("not json", "not valid JSON"),
    ],
)
def test_bad_entity_line_names_file_and_line(tmp_path: Path, bad_line: str, message: str) -> None:
    path = write(
        tmp_path / "entities.jsonl", '{"id": "varnay", "name": "Aldric Varnay"}\n' + bad_line
    )
    with pytest.raises(IngestError) as caught:
        read_entities(path)
    assert str(caught.value).startswith(f"{path}:2: ")
    assert message in str(caught.value)


# ---------------------------------------------------------------------- samples


def test_all_samples_load() -> None:
    files = list(iter_files([SAMPLES]))
    assert [p.name[:3] for p in files] == ["01-", "02-", "03-", "04-", "05-"]
    documents = {path.name[:2]: read_one(path) for path in files}
    assert documents["01"].title == "Varnay warns Ostmere over troop build-up on the Kallen River"
    assert documents["02"].title == "Ostmere offers to lift tariffs if Carvonia reopens Serrin port"
    assert documents["03"].title == (
        "Pellaran minister's post on river crisis draws rebuke from Velmora"
    )
    assert documents["05"].title == "Ardova sets conditions for Kallen talks, warns of sanctions"
    assert documents["02"].meta["encoding"] == "cp1252"
    assert "“Should the port reopen, we are ready to lift the tariffs — all of them" in (
        documents["02"].text
    )
    assert "‘Nothing is permanent,’ she said" in documents["02"].text
    assert "🌊" in documents["03"].text and "🤝" in documents["03"].text
    assert "(Ελένη Μαράκου)" in documents["03"].text
    for document in documents.values():
        words = len(document.text.split())
        assert 250 <= words <= 460, (document.source, words)
        paragraphs = document.text.split("\n\n")
        assert paragraphs[0] == document.title
        assert "(Saywho Wire) — " in paragraphs[1]
        assert "\r" not in document.text
