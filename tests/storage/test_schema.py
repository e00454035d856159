"""The XML annotation schema: XSD grammar, semantic checks with file and line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cli import run
from storage.errors import SchemaError
from storage.schema import (
    DEFAULT_SCHEMA_PATH,
    SCHEMA_MAX_BYTES,
    DtdDeclaration,
    default_schema,
    find_dtd_declaration,
    load_schema,
    parse_schema,
)

MINIMAL = """<?xml version="1.0"?>
<schema name="mini" version="1">
  <label name="Actor" color="#112233" key="a" entity="true"/>
  <label name="Quote" color="#445566" key="q">
    <attribute name="form" type="enum" required="true" default="direct">
      <value>direct</value>
      <value>indirect</value>
    </attribute>
  </label>
  <relation name="speaker" max-per-source="1">
    <source label="Quote"/>
    <target label="Actor"/>
  </relation>
</schema>
"""


def write(tmp_path: Path, text: str, name: str = "news.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(SchemaError) as caught:
        load_schema(path)
    return caught.value.problems


def test_default_schema_declares_the_mission_labels_and_relations() -> None:
    schema = default_schema()
    assert schema.label_names == ["Actor", "Quote", "Cue", "Condition", "Consequence"]
    assert [r.name for r in schema.relations] == ["speaker", "cue", "consequence", "holder"]
    speaker = schema.relation("speaker")
    assert speaker is not None and speaker.sources == ("Quote",)
    assert speaker.targets == ("Actor",) and speaker.max_per_source == 1
    holder = schema.relation("holder")
    assert holder is not None and holder.sources == ("Condition", "Consequence")
    actor = schema.label("Actor")
    assert actor is not None and actor.entity
    kind = actor.attribute("kind")
    assert kind is not None
    assert kind.values == ("person", "organisation", "state", "group", "other")
    quote = schema.label("Quote")
    assert quote is not None and quote.attribute("form") is not None
    consequence = schema.label("Consequence")
    assert consequence is not None
    type_ = consequence.attribute("type")
    assert type_ is not None
    assert set(type_.values) >= {"threat", "promise", "offer", "demand", "prediction", "other"}
    # the guidelines are written into the descriptions
    assert "two fragments" in quote.description


def test_minimal_schema_parses(tmp_path: Path) -> None:
    schema = load_schema(write(tmp_path, MINIMAL))
    assert schema.name == "mini"
    assert schema.default_attributes("Quote") == {"form": "direct"}


def test_not_well_formed_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("</label>\n  <relation", "</labl>\n  <relation"))
    [problem] = problems_of(path)
    assert problem.startswith("news.xml:")
    assert "not well-formed" in problem
    assert int(problem.split(":")[1]) >= 9


def test_xsd_violation_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace('color="#112233"', 'colour="#112233"'))
    problems = problems_of(path)
    assert any(p.startswith("news.xml:3:") for p in problems), problems


def test_unknown_relation_label_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace('<target label="Actor"/>', '<target label="Actr"/>'))
    problems = problems_of(path)
    assert "news.xml:12: relation 'speaker' names unknown target label 'Actr'" in problems


def test_repeated_label_and_shortcut(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        '<label name="Quote" color="#445566" key="q">',
        '<label name="Actor" color="#445566" key="a">')
    problems = problems_of(write(tmp_path, text))
    assert any("label 'Actor' is declared twice" in p for p in problems)
    assert any("shortcut 'a'" in p for p in problems)


def test_default_must_be_an_allowed_value(tmp_path: Path) -> None:
    problems = problems_of(write(tmp_path, MINIMAL.replace('default="direct"',
                                                           'default="verbatim"')))
    assert any("default 'verbatim'" in p and p.startswith("news.xml:5:") for p in problems)


def test_doctype_and_entities_are_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    text = (f'<?xml version="1.0"?>\n<!DOCTYPE schema [<!ENTITY x SYSTEM "file://{secret}">]>\n'
            + MINIMAL.split("\n", 1)[1].replace('name="mini"', 'name="&x;"'))
    problems = problems_of(write(tmp_path, text))
    assert not any("TOP-SECRET-MARKER" in p for p in problems)


def test_parse_schema_from_text_reports_where() -> None:
    with pytest.raises(SchemaError) as caught:
        parse_schema("<schema", where="stored")
    assert caught.value.problems[0].startswith("stored:1:")


def test_schema_check_cli_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["schema", "check", str(DEFAULT_SCHEMA_PATH)]) == 0
    out = capsys.readouterr().out
    assert "schema 'news-attribution' version 1: 5 labels, 4 relation types" in out


def test_schema_check_cli_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, MINIMAL.replace('<target label="Actor"/>', '<target label="Actr"/>'))
    assert run(["schema", "check", str(path)]) == 1
    assert "news.xml:12: relation 'speaker' names unknown target label 'Actr'" in \
        capsys.readouterr().err


def test_schema_check_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["schema", "check", str(tmp_path / "nope.xml")]) == 1
    assert "nope.xml: cannot read" in capsys.readouterr().err


# ------------------------------------------------------------- hostile schemas

DOCTYPE_MESSAGE = ("news.xml:3: schema files may not contain a DOCTYPE (entities and DTDs are "
                   "refused for safety)")
LAUGHS = "".join(['<!ENTITY lol0 "lol">'] + [
    f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)])
BODY = MINIMAL.split("\n", 1)[1]


def _fail_if_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    def parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("lxml was given the document")

    monkeypatch.setattr("storage.schema.etree.fromstring", parse)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be",
                                      "utf-32"])
@pytest.mark.parametrize("doctype", [
    f"<!DOCTYPE schema [{LAUGHS}]>",
    '<!DOCTYPE schema [<!ENTITY leak SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE schema SYSTEM "http://127.0.0.1:9/saywho.dtd">',
    "<!doctype schema>",
], ids=["billion-laughs", "external-entity", "external-dtd", "lower-case"])
def test_doctype_is_refused_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           encoding: str, doctype: str) -> None:
    # after the XML declaration, a comment and a processing instruction, on line 3
    text = ('<?xml version="1.0"?>\n<!-- news --><?saywho hint="a <!-- inside"?>\n'
            + doctype + "\n" + BODY.replace('name="mini"', 'name="&lol9;"'))
    path = tmp_path / "news.xml"
    path.write_bytes(text.encode(encoding))
    _fail_if_parsed(monkeypatch)
    assert problems_of(path) == [DOCTYPE_MESSAGE]


def test_a_processing_instruction_cannot_hide_a_doctype(monkeypatch: pytest.MonkeyPatch) -> None:
    # libxml2 reads the PI "<?pi <!-- ?>", then the DOCTYPE: the scan must too
    _fail_if_parsed(monkeypatch)
    with pytest.raises(SchemaError) as caught:
        parse_schema(f'<?pi <!-- ?><!DOCTYPE schema [{LAUGHS}]> -->' + BODY, where="news.xml")
    assert caught.value.problems == [DOCTYPE_MESSAGE.replace(":3:", ":1:")]


def test_an_entity_declaration_without_doctype_is_refused() -> None:
    with pytest.raises(SchemaError) as caught:
        parse_schema(BODY.replace("</schema>", '<!ENTITY x "y"></schema>'), where="news.xml")
    [problem] = caught.value.problems
    assert problem.startswith("news.xml:13: schema files may not contain an ENTITY declaration")


def test_doctype_text_in_comments_and_cdata_is_harmless() -> None:
    text = ("<!-- a schema may not hold <!DOCTYPE x> -->\n"
            + BODY.replace('<label name="Actor" color="#112233" key="a" entity="true"/>',
                           '<label name="Actor" color="#112233" key="a" entity="true">'
                           "<description><![CDATA[<!DOCTYPE x> is refused]]></description>"
                           "</label>"))
    schema = parse_schema(text, where="news.xml")
    actor = schema.label("Actor")
    assert actor is not None and actor.description == "<!DOCTYPE x> is refused"


def test_find_dtd_declaration() -> None:
    assert find_dtd_declaration(b"<a/>") is None
    assert find_dtd_declaration(b'<?xml version="1.0"?>\n\n<!DOCTYPE a>\n<a/>') == \
        DtdDeclaration("DOCTYPE", 3)
    # UTF-16 without a BOM, even when it starts with white space
    assert find_dtd_declaration(" \n<!DOCTYPE a><a/>".encode("utf-16-le")) == \
        DtdDeclaration("DOCTYPE", 2)
    assert find_dtd_declaration("<a><!ENTITY b 'c'></a>") == DtdDeclaration("ENTITY", 1)
    # a label that lies (libxml2 reads this ASCII as UTF-8) or that Python does not know
    assert find_dtd_declaration(b'<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE a>') == \
        DtdDeclaration("DOCTYPE", 2)
    assert find_dtd_declaration(b'<?xml version="1.0" encoding="x-klingon"?><!DOCTYPE a>') == \
        DtdDeclaration("DOCTYPE", 1)
    assert DtdDeclaration("DOCTYPE", 4).message("doc.xmi", "XMI files") == (
        "doc.xmi:4: XMI files may not contain a DOCTYPE (entities and DTDs are refused for "
        "safety)")


@pytest.mark.parametrize("encoding", ["UTF-16", "ISO-8859-1", "windows-1252"])
def test_schemas_in_other_encodings_are_read_and_kept_as_utf8(tmp_path: Path,
                                                              encoding: str) -> None:
    text = (f'<?xml version="1.0" encoding="{encoding}"?>\n'
            + BODY.replace('<label name="Actor" color="#112233" key="a" entity="true"/>',
                           '<label name="Actor" color="#112233" key="a" entity="true">'
                           "<description>Café owners</description></label>"))
    path = tmp_path / "news.xml"
    path.write_bytes(text.encode(encoding))
    schema = load_schema(path)
    actor = schema.label("Actor")
    assert actor is not None and actor.description == "Café owners"
    # kept as text whose declaration is true of the UTF-8 it is stored and exported in
    assert schema.xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    assert parse_schema(schema.xml).label("Actor") == actor
    assert parse_schema(schema.xml.encode("utf-8")).label("Actor") == actor


def test_utf8_schema_text_is_kept_unchanged(tmp_path: Path) -> None:
    text = MINIMAL.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-8"?>')
    assert load_schema(write(tmp_path, text)).xml == text


@pytest.mark.parametrize(("data", "message"), [
    ('<?xml version="1.0"?>\n<schema name="caf\xe9"/>'.encode("latin-1"),
     "news.xml:2: not valid UTF-8: byte 0xE9 at offset 39 cannot be decoded; save the schema "
     "as UTF-8"),
    (b'<?xml version="1.0" encoding="klingon-8"?><schema/>',
     "news.xml:1: declares the encoding 'klingon-8', which Saywho cannot read; save the "
     "schema as UTF-8"),
    (b'<?xml version="1.0" encoding="UTF-16"?><schema/>',
     "news.xml:1: declares the encoding 'UTF-16' but is not in it (and has no byte-order "
     "mark); save the schema as UTF-8"),
])
def test_undecodable_schema_names_file_and_line(tmp_path: Path, data: bytes,
                                                message: str) -> None:
    path = tmp_path / "news.xml"
    path.write_bytes(data)
    assert problems_of(path) == [message]


def test_schema_over_the_limit_is_refused_without_reading(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "news.xml"
    with path.open("wb") as stream:
        stream.truncate(SCHEMA_MAX_BYTES + 1)

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "open", fail)
    monkeypatch.setattr(Path, "read_bytes", fail)
    assert problems_of(path) == [f"{path}: is 2.0 MB, over the 2.0 MB limit for a schema"]


def test_schema_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "news.xml"
    folder.mkdir()
    assert problems_of(folder) == [f"{folder}: is a folder, not a schema file"]


@pytest.mark.parametrize("opener", ["<!--", "<?", "<![CDATA[", "<!"])
def test_unterminated_markup_is_scanned_in_linear_time(opener: str) -> None:
    # a comment that never ends hides nothing, and 100,000 of them cost one pass (one
    # search each to its end would be 10^10 steps)
    text = opener * 100_000 + "\n<!DOCTYPE x>"
    started = time.monotonic()
    assert find_dtd_declaration(text) == DtdDeclaration("DOCTYPE", 2)
    assert time.monotonic() - started < 10
