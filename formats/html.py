"""Web pages (``.html``, ``.htm``): the article, its headline and metadata.

The article is extracted with trafilatura after the obvious site clutter
(menus, cookie banners, share buttons, newsletter boxes, related-article lists,
comments, footers, scripts) has been removed; paragraphs are separated by a
blank line and the headline is the first paragraph. Parsing never touches the
network nor loads a DTD, and a page nested deeper than :data:`HTML_MAX_DEPTH`
is refused.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any, ClassVar

import lxml.html
from lxml import etree

from formats.base import DocumentReader
from formats.decoding import (
    check_not_binary,
    decode_with_bom,
    detect_legacy_or_refuse,
    refuse_bomless_utf16,
    split_bom,
)
from formats.reading import (
    LOGGER,
    IngestError,
)
from storage.records import (
    DocumentRecord,
)

# ------------------------------------------------------------------------ HTML

_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,500}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE
)
_XML_DECLARATION_ENCODING = re.compile(
    rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE
)
_CLUTTER_WORDS = (
    "cookie|cookies|consent|gdpr|share|sharing|sharebar|social|newsletter|subscribe|"
    "subscription|signup|related|recommended|comment|comments|promo|promotion|banner|"
    "menu|nav|navbar|navigation|breadcrumb|breadcrumbs|footer|sidebar|advert|advertisement|"
    "ad|ads|sponsored|paywall|popup|modal|outbrain|taboola|most-read|mostread|trending"
)
_CLUTTER_ATTRIBUTE = re.compile(rf"(?:^|[\s_-])(?:{_CLUTTER_WORDS})(?=$|[\s_-])", re.IGNORECASE)
_CLUTTER_TAGS = (
    *("script", "style", "noscript", "template", "iframe", "object", "embed", "svg"),
    *("canvas", "video", "audio", "form", "button", "input", "select", "textarea"),
    *("nav", "footer", "aside", "figure", "dialog"),
)
_WHITESPACE = re.compile(r"\s+")
# An element named like clutter but also like an article, that holds more than
# this share of the page's text, is the article (class="article-body share-enabled").
_CLUTTER_MAX_SHARE = 0.4
_ARTICLE_ATTRIBUTE = re.compile(
    r"(?:^|[\s_-])(?:article|story|content|body|post|entry|main|text)(?=$|[\s_-])", re.IGNORECASE
)


def parse_html(data: bytes, path: Path) -> DocumentRecord:
    """Extract the article of a web page's bytes as one document.

    The text is the headline (when the page has one), then the article's
    paragraphs, separated by blank lines; whitespace inside a paragraph is
    collapsed as a browser would. ``meta`` holds what the page declares:
    ``encoding``, and when found ``date``, ``author``, ``url`` (canonical) and
    ``outlet`` (site name).

    Args:
        data: The page's bytes.
        path: The file, for the record's source and id, and for messages.

    Returns:
        The document.

    Raises:
        IngestError: The page is binary, empty, too deeply nested, cannot be
            parsed, or holds no article text.
    """
    path = Path(path)
    check_not_binary(data, path, "HTML")
    markup, encoding = _decode_html(data, path)
    if not markup.strip():
        raise IngestError(path, "is empty" if not data else "contains only whitespace")
    try:
        tree = _parse_html_tree(markup, path)
        meta: dict[str, Any] = {"encoding": encoding}
        title, paragraphs = _extract_article(tree, meta)
    except RecursionError:
        raise IngestError(path, "HTML nested too deeply to be read; refused") from None
    except (etree.LxmlError, ValueError) as err:
        raise IngestError(
            path, f"the HTML cannot be parsed: {_without_unsafe_advice(str(err))}"
        ) from None
    # residue such as the "]>" that lxml leaves of an internal DTD subset is no text
    paragraphs = [p for p in paragraphs if any(c.isalpha() for c in p)]
    if not paragraphs:
        raise IngestError(path, "no article text found")
    if title and _squash(paragraphs[0]) != _squash(title):
        paragraphs.insert(0, title)
    title = title or path.stem
    return DocumentRecord(
        text="\n\n".join(paragraphs),
        title=title,
        external_id=path.stem,
        meta=meta,
        source=str(path),
    )


def _decode_html(data: bytes, path: Path) -> tuple[str, str]:
    bom_encoding, body = split_bom(data)
    if bom_encoding is not None:
        return decode_with_bom(body, bom_encoding, path), bom_encoding
    if b"\x00" in data:
        refuse_bomless_utf16(data, path)
        raise IngestError(path, "contains NUL bytes: looks like a binary file, not HTML")
    head = data[:4096]
    declared = _XML_DECLARATION_ENCODING.search(head) or _META_CHARSET.search(head)
    if declared is not None:
        label = declared.group(1).decode("ascii").lower()
        try:
            codec = codecs.lookup(label).name
        except LookupError:
            codec = ""
        # As browsers do (WHATWG Encoding): latin-1 and ASCII labels mean
        # windows-1252, and a UTF-16 label without a BOM means UTF-8.
        if codec in ("latin-1", "iso8859-1", "ascii"):
            codec = "cp1252"
        elif codec.startswith("utf-16") or codec.startswith("utf-32"):
            codec = "utf-8"
        if codec:
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError:
                LOGGER.info("%s: declared charset %s does not fit; detecting", path, label)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        refuse_bomless_utf16(data, path)
        return detect_legacy_or_refuse(data, path)


HTML_MAX_DEPTH = 256
"""How deep libxml2 lets elements nest without ``huge_tree`` (never set here); for messages."""
_DEPTH_LIMIT = re.compile(r"depth[^0-9]{0,40}(\d+)", re.IGNORECASE)
# libxml2 ends its limit messages with advice to lift the limit, which is unsafe here.
_UNSAFE_ADVICE = re.compile(
    r"[,;:]?\s*(?:use XML_PARSE_HUGE option|see xmlCtxtSetMaxAmplification)\.?", re.IGNORECASE
)


def _without_unsafe_advice(message: str) -> str:
    return _UNSAFE_ADVICE.sub("", message).strip()


def _parse_html_tree(markup: str, path: Path) -> lxml.html.HtmlElement:
    """Parse without network, DTDs or huge-tree limits lifted."""
    parser = lxml.html.HTMLParser(
        encoding="utf-8",
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    tree = lxml.html.document_fromstring(markup.encode("utf-8"), parser=parser)
    for entry in parser.error_log:
        if entry.type_name == "ERR_RESOURCE_LIMIT":
            if "depth" in entry.message.lower():
                found = _DEPTH_LIMIT.search(entry.message)
                depth = found.group(1) if found is not None else HTML_MAX_DEPTH
                raise IngestError(
                    path, f"HTML nested too deeply (more than {depth} levels); refused"
                )
            raise IngestError(
                path,
                f"the HTML is over a limit of the parser "
                f"({_without_unsafe_advice(entry.message)}); refused",
            )
    return tree


def _extract_article(tree: lxml.html.HtmlElement, meta: dict[str, Any]) -> tuple[str, list[str]]:
    """Return the headline and paragraphs of a parsed page; fill ``meta``."""
    _remove_clutter(tree)
    title = ""
    paragraphs: list[str] = []
    document = _trafilatura_extract(tree)
    if document is not None:
        title = _squash(document.title or "")
        for key, value in (
            ("date", document.date),
            ("author", document.author),
            ("url", document.url),
            ("outlet", document.sitename),
        ):
            if isinstance(value, str) and value.strip():
                meta[key] = value.strip()
        if document.body is not None:
            paragraphs = _paragraphs_of_extraction(document.body)
    _complete_metadata(tree, meta)
    if not paragraphs:
        paragraphs = _fallback_paragraphs(tree)
    if not title:
        title = _first_text(tree, "//h1") or _first_text(tree, "//title")
    if paragraphs and _squash(paragraphs[0]) == title:
        title = paragraphs[0]
    return title, paragraphs


def _trafilatura_extract(tree: lxml.html.HtmlElement) -> Any:
    import trafilatura  # imported late: it is slow to import and only HTML needs it

    try:
        return trafilatura.bare_extraction(
            tree,
            favor_precision=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            include_formatting=False,
            with_metadata=True,
            # no second opinion from readability/jusText: 40% faster and the same
            # text on news pages; our own extractor below still catches a miss
            fast=True,
            date_extraction_params={"original_date": True, "extensive_search": False},
        )
    except RecursionError:
        raise
    except Exception as err:  # third-party heuristics on hostile input: fall back
        LOGGER.warning("trafilatura failed (%s); using the simple extractor", err)
        return None


def _remove_clutter(tree: lxml.html.HtmlElement) -> None:
    """Drop scripts, menus, banners and other page furniture, in place."""
    for element in list(tree.iter(*_CLUTTER_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()
    for element in list(tree.iter("header")):
        if element.getparent() is not None and not _inside(element, ("article", "main")):
            element.drop_tree()
    body = tree.find("body")
    page_chars = len(_squash(body.text_content())) if body is not None else 0
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or element.tag in ("html", "head", "body"):
            continue
        if element.getparent() is None or _inside(element, ("head",)):
            continue
        names = f"{element.get('class', '')} {element.get('id', '')}"
        if not _CLUTTER_ATTRIBUTE.search(names):
            continue
        if element.find(".//article") is not None or element.find(".//main") is not None:
            continue
        if (
            _ARTICLE_ATTRIBUTE.search(names)
            and len(_squash(element.text_content())) > page_chars * _CLUTTER_MAX_SHARE
        ):
            continue
        element.drop_tree()


def _inside(element: etree._Element, tags: tuple[str, ...]) -> bool:
    return any(ancestor.tag in tags for ancestor in element.iterancestors())


def _paragraphs_of_extraction(body: etree._Element) -> list[str]:
    """Paragraph texts of trafilatura's output tree (p, head, list/item, quote, ...)."""
    paragraphs: list[str] = []
    for block in body:
        if block.tag == "list":
            items = [_squash(_text_of(item)) for item in block.iter("item")]
            paragraphs.extend(item for item in items if item)
            continue
        text = _squash(_text_of(block))
        if text:
            paragraphs.append(text)
    if not paragraphs and body.text:
        paragraphs = [line for line in (_squash(p) for p in body.text.split("\n")) if line]
    return paragraphs


def _fallback_paragraphs(tree: lxml.html.HtmlElement) -> list[str]:
    """Paragraphs of <article>, <main> or <body>, for pages trafilatura gives up on."""
    container = None
    for xpath in ("//article", "//main", "//body"):
        found = tree.xpath(xpath)
        if found:
            container = found[0]
            break
    if container is None:
        container = tree
    paragraphs = []
    for element in container.iter("h1", "p"):
        text = _squash(element.text_content())
        if text:
            paragraphs.append(text)
    return paragraphs


def _complete_metadata(tree: lxml.html.HtmlElement, meta: dict[str, Any]) -> None:
    """Fill what trafilatura missed from the usual <meta> and <link> tags."""
    lookups = (
        ("date", "//meta[@property='article:published_time']/@content"),
        ("date", "//meta[@name='date' or @name='pubdate' or @itemprop='datePublished']/@content"),
        ("date", "//time/@datetime"),
        ("author", "//meta[@name='author']/@content"),
        ("url", "//link[@rel='canonical']/@href"),
        ("url", "//meta[@property='og:url']/@content"),
        ("outlet", "//meta[@property='og:site_name']/@content"),
    )
    for key, xpath in lookups:
        if key in meta:
            continue
        values = tree.xpath(xpath)
        value = _squash(str(values[0])) if values else ""
        if value:
            meta[key] = value


def _first_text(tree: lxml.html.HtmlElement, xpath: str) -> str:
    for element in tree.xpath(xpath):
        text = _squash(element.text_content())
        if text:
            return text
    return ""


def _text_of(element: etree._Element) -> str:
    return "".join(str(piece) for piece in element.itertext())


def _squash(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


class HtmlFormat(DocumentReader):
    """Web pages: the article of each page is one document (read only)."""

    NAME: ClassVar[str] = "html"
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".html", ".htm")
    DESCRIPTION: ClassVar[str] = "web pages, the article text of each"
    parse = staticmethod(parse_html)
