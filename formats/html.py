"""Web pages (``.html``, ``.htm``): the article, its headline and metadata.

The article is extracted whole (its tables, lists, blockquotes and standfirst
included) with trafilatura and its fallbacks after the page furniture named as
such (cookie banners, menus, comments, share bars, newsletter boxes, related
lists) has been removed; our own container heuristics take over when
trafilatura finds next to nothing. Paragraphs are separated by a blank line and
the headline is the first paragraph; ``meta["extraction"]`` names the fallback
that gave the text, if one did. Parsing never touches the network nor loads a
DTD, and a page nested deeper than :data:`HTML_MAX_DEPTH` is refused.
"""

from __future__ import annotations

import codecs
import functools
import json
import re
from pathlib import Path
from typing import Any

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
from formats.html_lines import is_furniture_line
from formats.reading import (
    LOGGER,
    IngestError,
)
from storage.records import (
    DocumentRecord,
)
from text.names import path_text

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
    paragraphs = [p for p in paragraphs if any(c.isalnum() for c in p)]
    if not paragraphs:
        raise IngestError(path, "no article text found")
    if title and _squash(paragraphs[0]) != _squash(title):
        paragraphs.insert(0, title)
    title = title or path_text(path.stem)
    return DocumentRecord(
        text="\n\n".join(paragraphs),
        title=title,
        external_id=path_text(path.stem),
        meta=meta,
        source=path_text(path),
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
        try:
            return detect_legacy_or_refuse(data, path)
        except IngestError:
            return _mostly_utf8_or_refuse(data, path)


_STRAY_BYTES_PER_LETTER = 0.1
"""A page that is UTF-8 but for at most this many stray bytes per non-ASCII character..."""


def _mostly_utf8_or_refuse(data: bytes, path: Path) -> tuple[str, str]:
    """...is read as UTF-8 with its stray bytes replaced by U+FFFD, as a browser does.

    A page pasted together from UTF-8 and a few Latin-1 bytes is neither
    UTF-8 nor Western cp1252 text; any other page refused by
    :func:`detect_legacy_or_refuse` stays refused (another code page read as
    UTF-8 gives a replacement for most of its non-ASCII bytes).
    """
    text = data.decode("utf-8", errors="replace")
    stray = text.count("\ufffd")
    letters = sum(1 for char in text if ord(char) > 127) - stray
    if stray > letters * _STRAY_BYTES_PER_LETTER:
        return detect_legacy_or_refuse(data, path)  # raises: the refusal naming the byte
    LOGGER.warning("%s: %d stray bytes that are not UTF-8 replaced by U+FFFD", path, stray)
    return text, "utf-8"


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
    """Return the headline and paragraphs of a parsed page; fill ``meta``.

    The metadata is read first (:func:`_read_metadata`), then the page loses
    its scripts, styles and furniture (:func:`_remove_furniture`) and
    trafilatura (with its readability and jusText safety nets) extracts the
    article; the standfirst it skips is put back (:func:`_with_standfirst`).
    When it finds less than :data:`_SHORT_EXTRACTION` characters, our own
    container heuristics (:func:`_fallback_paragraphs`) decide.
    ``meta["extraction"]`` names the fallback that gave the text, if any.
    """
    title = _read_metadata(tree, meta)
    for element in list(tree.iter(*_NEVER_TEXT_TAGS)):
        # JSON-LD stays: trafilatura's last resort reads an article body declared there
        if element.getparent() is not None and element.get("type") != "application/ld+json":
            element.drop_tree()
    headline = _headline_element(tree)
    _remove_furniture(tree, headline)
    paragraphs: list[str] = []
    body, fallback = _trafilatura_extract(tree, meta.get("url"))
    if body is not None:
        paragraphs = _kept_paragraphs(_blocks_of_extraction(body))
        if paragraphs and fallback:
            meta["extraction"] = fallback
    if paragraphs:
        paragraphs = _with_standfirst(headline, paragraphs)
    if sum(len(text) for text in paragraphs) < _SHORT_EXTRACTION:
        # nothing, or trafilatura's last resort on a short page (the body's text in one
        # block, menus included): a short page is what our container heuristics find in it
        paragraphs = _fallback_paragraphs(tree)
        meta["extraction"] = FALLBACK_CONTAINER
    if headline is not None and (not title or _inside(headline, ("article", "main"))):
        # the page's own headline, not a declared one with the site's name
        title = _squash(_text_of(headline)) or title
    title = title or _first_text(tree, "//title")
    if paragraphs and _squash(paragraphs[0]) == title:
        title = paragraphs[0]
    return title, paragraphs


_SHORT_EXTRACTION = 250
"""Below this many characters from trafilatura (its minimum), our container heuristics decide."""
FALLBACK_EXTERNAL = "trafilatura's readability/jusText fallback"
FALLBACK_BASELINE = "trafilatura's baseline fallback"
FALLBACK_CONTAINER = "Saywho's container heuristics"
"""``meta["extraction"]`` of a page whose text came from a fallback extractor."""

_NEVER_TEXT_TAGS = ("script", "style", "template", "svg", "canvas", "object", "embed")


# Class/id words of page furniture; words that also name article parts on some sites
# (header, teaser, box, list, info, date, caption, footer, widget) are left to trafilatura.
_FURNITURE_WORDS = (
    "cookie|cookies|consent|gdpr|newsletter|subscribe|signup|share|sharing|social|promo|banner|"
    "popup|modal|paywall|advert|advertisement|sponsored|outbrain|taboola|related|recommended|"
    "trending|breadcrumb|breadcrumbs|comment|comments|menu|navigation|navbar|sidebar|author|"
    "byline|bio|copyright|tags|links|print|aside|ad|ads|contact|login|credit"
)
_FURNITURE_ATTRIBUTE = re.compile(rf"(?:^|[\s_-])(?:{_FURNITURE_WORDS})(?=$|[\s_-])", re.IGNORECASE)
_FURNITURE_MAX_SHARE = 0.1
"""Furniture holds at most this share of the page's text; a bigger element so named is content..."""
_ALWAYS_FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:cookie|cookies|consent|gdpr|newsletter|subscribe|signup|paywall|popup|modal|"
    r"outbrain|taboola|advert|advertisement|sponsored|breadcrumb|breadcrumbs|comment|comments|"
    r"menu|navigation|sharing|social)(?=$|[\s_-])",
    re.IGNORECASE,
)
"""...but these words never name an article, whatever its size (a cookie wall, comments)."""


def _remove_furniture(tree: lxml.html.HtmlElement, headline: etree._Element | None) -> None:
    """Drop elements named like page furniture that hold little of the page's text, in place.

    An element whose class or id has a word of :data:`_FURNITURE_WORDS` (and
    none of an article's) goes when it holds at most :data:`_FURNITURE_MAX_SHARE`
    of the page's text (whatever it holds for :data:`_ALWAYS_FURNITURE`) and
    does not contain the headline.
    """
    body = tree.find("body")
    if body is None:
        return
    page_chars = _text_length(body)
    keep = set(headline.iterancestors()) if headline is not None else set()
    dropped: list[lxml.html.HtmlElement] = []
    dropped_set: set[lxml.html.HtmlElement] = set()
    for element in body.xpath(".//*[@class or @id]"):
        if not isinstance(element, lxml.html.HtmlElement):
            continue
        kind = _furniture_kind(f"{element.get('class', '')} {element.get('id', '')}")
        if kind == _NOT_FURNITURE:
            continue
        if element in keep or not dropped_set.isdisjoint(element.iterancestors()):
            continue
        if kind == _ALWAYS or _text_length(element) <= page_chars * _FURNITURE_MAX_SHARE:
            dropped.append(element)
            dropped_set.add(element)
    for element in dropped:
        element.drop_tree()


_NOT_FURNITURE, _IF_SMALL, _ALWAYS = range(3)


@functools.lru_cache(maxsize=4096)
def _furniture_kind(names: str) -> int:
    """How an element's class and id names (pages repeat them) class it as furniture."""
    if not _FURNITURE_ATTRIBUTE.search(names) or _ARTICLE_ATTRIBUTE.search(names):
        return _NOT_FURNITURE
    return _ALWAYS if _ALWAYS_FURNITURE.search(names) else _IF_SMALL


def _text_length(element: etree._Element) -> int:
    """Characters of an element's text with whitespace collapsed (computed by libxml2)."""
    length = element.xpath("string-length(normalize-space(.))")
    return int(length) if isinstance(length, float) else 0


class _FallbackProbe:
    """Tells whether the body trafilatura returned came from one of its fallbacks.

    trafilatura runs its safety nets in ``trafilatura.core.compare_extraction``
    (readability, jusText: it returns the body it was given, its own
    extraction, or another one) and ``trafilatura.core.baseline`` (its last
    resort: the page's paragraphs, or the article body declared in JSON-LD).
    The probe wraps both once and, while :func:`_trafilatura_extract` runs
    (``active``; other callers of trafilatura in the process are left alone),
    records the bodies they produce, so the import report can name the pages
    whose text came from a fallback.
    """

    bodies: list[tuple[Any, str]] = []
    active = False
    installed = False

    @classmethod
    def install(cls) -> None:
        if cls.installed:
            return
        import trafilatura.core as core

        original_compare = core.compare_extraction
        original_baseline = core.baseline

        def compare_extraction(cleaned_tree: Any, raw_tree: Any, body: Any, text: str,
                               options: Any) -> tuple[Any, str]:
            new_body, new_text = original_compare(cleaned_tree, raw_tree, body, text, options)
            if cls.active and new_body is not body:
                cls.bodies.append((new_body, FALLBACK_EXTERNAL))
            return new_body, new_text

        def baseline(filecontent: Any) -> tuple[Any, str, int]:
            body, text, length = original_baseline(filecontent)
            if cls.active:
                cls.bodies.append((body, FALLBACK_BASELINE))
            return body, text, length

        core.compare_extraction = compare_extraction
        core.baseline = baseline
        cls.installed = True


def _trafilatura_extract(tree: lxml.html.HtmlElement,
                         url: str | None) -> tuple[etree._Element | None, str]:
    """trafilatura's article body (or None), and the fallback it came from ('' for none)."""
    import trafilatura  # imported late: it is slow to import and only HTML needs it

    _FallbackProbe.install()
    _FallbackProbe.bodies.clear()
    _FallbackProbe.active = True
    try:
        document = trafilatura.bare_extraction(
            tree,
            url=url,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=True,  # kept to tell link lists from prose, then dropped
            include_formatting=False,
            with_metadata=False,  # read by _read_metadata, at a fraction of the cost
        )
    except RecursionError:
        raise
    except Exception as err:  # third-party heuristics on hostile input: fall back
        LOGGER.warning("trafilatura failed (%s); using the simple extractor", err)
        return None, ""
    finally:
        _FallbackProbe.active = False
        bodies = list(_FallbackProbe.bodies)
        _FallbackProbe.bodies.clear()
    if document is None:
        return None, ""
    body = getattr(document, "body", None)
    return body, next((name for made, name in bodies if made is body), "")


def _remove_clutter(tree: lxml.html.HtmlElement) -> None:
    """Drop scripts, menus, banners and other page furniture, in place."""
    for element in list(tree.iter(*_CLUTTER_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()
    for element in list(tree.iter("header")):
        if element.getparent() is not None and not _inside(element, ("article", "main")):
            element.drop_tree()
    body = tree.find("body")
    page_chars = len(_squash(_text_of(body))) if body is not None else 0
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
            and len(_squash(_text_of(element))) > page_chars * _CLUTTER_MAX_SHARE
        ):
            continue
        element.drop_tree()


def _inside(element: etree._Element, tags: tuple[str, ...]) -> bool:
    return any(ancestor.tag in tags for ancestor in element.iterancestors())


# trafilatura's output elements that start a new paragraph
_BLOCK_TAGS = frozenset({"p", "head", "quote", "list", "item", "table", "row", "cell", "code",
                         "div", "article", "section", "figure", "note"})
_CELL_MAX_CHARS = 200  # a row of shorter cells is one paragraph ("cell | cell")


def _blocks_of_extraction(body: etree._Element) -> list[tuple[str, float]]:
    """Paragraphs of trafilatura's output tree, each with the share of its text in links.

    Every block (p, head, quote, list item, ...) is a paragraph, and so is each
    line of a block broken by ``<lb/>``; a table row of short cells is one
    paragraph with its cells joined by `` | ``, a row with longer cells (a
    layout table) gives each cell's paragraphs.
    """
    paragraphs: list[tuple[str, float]] = []
    pieces: list[str] = []
    link_chars = [0]

    def flush() -> None:
        text = _squash("".join(pieces))
        if text:
            share = min(1.0, link_chars[0] / len(text))
            paragraphs.append((text, share))
        pieces.clear()
        link_chars[0] = 0

    def walk(element: etree._Element) -> None:
        tag = element.tag
        if tag == "lb":
            flush()
            pieces.append(element.tail or "")
            return
        if tag == "row":
            cells = [cell for cell in element if cell.tag == "cell"]
            texts = [_squash(_text_of(cell)) for cell in cells]
            if len(cells) > 1 and all(
                len(text) <= _CELL_MAX_CHARS
                and not any(child.tag in _BLOCK_TAGS for child in cell.iterdescendants())
                for cell, text in zip(cells, texts, strict=True)
            ):
                flush()
                links = sum(len(_squash(_text_of(ref))) for ref in element.iter("ref"))
                pieces.append(" | ".join(text for text in texts if text))
                link_chars[0] = links
                flush()
                pieces.append(element.tail or "")
                return
        block = tag in _BLOCK_TAGS
        if block:
            flush()
        if tag == "ref":
            link_chars[0] += len(_squash(_text_of(element)))
        pieces.append(element.text or "")
        for child in element:
            walk(child)
        if block:
            flush()
        pieces.append(element.tail or "")

    pieces.append(body.text or "")
    for child in body:
        walk(child)
    flush()
    return paragraphs


_LINK_MAX_SHARE = 0.9
"""A paragraph with more of its text in links than this is a link list (related stories, menus)."""
_PROSE_MAX_LINK_SHARE = 0.5
"""A paragraph with at most this share of its text in links is prose."""
_LONE_LINK_MIN_WORDS = 3
"""A paragraph of links kept among prose has at least this many words."""


def _lone_link(blocks: list[tuple[str, float]], index: int) -> bool:
    """Whether the paragraph at ``index`` stands alone among paragraphs of prose.

    It has prose on either side, or (first or last of the article) it is a
    sentence (ending with ``.``, ``!`` or ``?``) next to prose. A label ("By:",
    "Category: News") is not kept so: it has at least
    :data:`_LONE_LINK_MIN_WORDS` words, none before a colon.
    """
    text = blocks[index][0]
    head, colon, _ = text.partition(":")
    if (len(text.split()) < _LONE_LINK_MIN_WORDS
            or (colon and len(head.split()) < _LONE_LINK_MIN_WORDS - 1)):
        return False
    neighbours = [blocks[near][1] for near in (index - 1, index + 1) if 0 <= near < len(blocks)]
    edge = len(neighbours) < 2
    return (bool(neighbours) and all(links <= _PROSE_MAX_LINK_SHARE for links in neighbours)
            and (not edge or text.endswith((".", "!", "?"))))


def _kept_paragraphs(blocks: list[tuple[str, float]]) -> list[str]:
    """The paragraphs that are neither link lists nor furniture lines (:mod:`formats.html_lines`).

    A paragraph made of links is part of a link list unless it stands alone
    among paragraphs of prose (:func:`_lone_link`: a linked sentence or subheading).
    """
    texts = [text for index, (text, links) in enumerate(blocks)
             if links < _LINK_MAX_SHARE or _lone_link(blocks, index)]
    return [text for index, text in enumerate(texts)
            if not is_furniture_line(text, len(texts) - 1 - index)]


_STANDFIRST_MIN_CHARS = 80
_STANDFIRST_LOOKAHEAD = 8
_STANDFIRST_NEAR = 3
_SENTENCE_END = re.compile(r"[.!?…:;)\"'»«“”„’]$")


def _headline_element(tree: lxml.html.HtmlElement) -> etree._Element | None:
    """The page's headline: the first ``<h1>`` with text, in an article or main if any."""
    for xpath in ("//article//h1", "//main//h1", "//h1"):
        for element in tree.xpath(xpath):
            if _squash(_text_of(element)):
                return element
    return None


def _with_standfirst(headline: etree._Element | None, paragraphs: list[str]) -> list[str]:
    """The paragraphs with the standfirst the extractor skipped put first.

    A standfirst (lead, teaser, abstract) sits between the headline and the
    body, often in the article's header, where extractors take it for page
    furniture. The ``<p>`` elements after the ``<h1>`` and before the first
    extracted paragraph that read as prose (at least
    :data:`_STANDFIRST_MIN_CHARS` characters ending like a sentence, mostly
    not links) are kept, when the body is found within
    :data:`_STANDFIRST_LOOKAHEAD` paragraphs. When the body is not in ``<p>``
    elements at all, only the first such paragraph is kept, and only if it
    sits in the headline's own block (a common ancestor at most
    :data:`_STANDFIRST_NEAR` levels up).
    """
    if headline is None:
        return paragraphs
    body_text = "\n".join(paragraphs)
    lead: list[str] = []
    near = set(list(headline.iterancestors())[:_STANDFIRST_NEAR])
    first: str | None = None  # the first paragraph after the headline, if prose in its block
    following = headline.xpath("following::p")
    for element in following if isinstance(following, list) else []:
        if not isinstance(element, etree._Element):
            continue
        text = _squash(_text_of(element))
        if not text:
            continue
        if text in body_text:
            return [text for text in lead if text] + paragraphs
        if len(lead) >= _STANDFIRST_LOOKAHEAD:
            return paragraphs
        links = sum(len(_squash(_text_of(a))) for a in element.iter("a"))
        prose = (len(text) >= _STANDFIRST_MIN_CHARS and _SENTENCE_END.search(text) is not None
                 and links <= len(text) / 2)
        if not lead and prose and near.intersection(
                list(element.iterancestors())[:_STANDFIRST_NEAR]):
            first = text
        lead.append(text if prose else "")
    return [first, *paragraphs] if first is not None else paragraphs


def _fallback_paragraphs(tree: lxml.html.HtmlElement) -> list[str]:
    """Paragraphs of the page's densest text container, for pages trafilatura gives up on.

    The page's clutter is removed first (:func:`_remove_clutter`); the
    container is the element whose own ``<p>``, ``<li>``, ``<blockquote>`` and
    ``<td>`` children hold the most prose (text outside links), or else
    ``<article>``, ``<main>`` or ``<body>``.
    """
    _remove_clutter(tree)
    best: etree._Element | None = None
    best_chars = 0
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        chars = sum(_prose_chars(child) for child in element if child.tag in _FALLBACK_BLOCKS)
        if chars > best_chars:
            best, best_chars = element, chars
    container = best
    if container is None:
        for xpath in ("//article", "//main", "//body"):
            found = tree.xpath(xpath)
            if found:
                container = found[0]
                break
    if container is None:
        container = tree
    paragraphs = []
    for element in container.iter("h1", "h2", "h3", *_FALLBACK_BLOCKS):
        if any(block.tag in _FALLBACK_BLOCKS for block in _ancestors_below(element, container)):
            continue  # its text is in the enclosing block's
        text = _squash(_text_of(element))
        if text and _prose_chars(element) * 2 >= len(text):
            paragraphs.append(text)
    return paragraphs


_FALLBACK_BLOCKS = ("p", "li", "blockquote", "td", "dd", "figcaption", "pre")


def _ancestors_below(element: etree._Element, container: etree._Element) -> list[etree._Element]:
    found = []
    for ancestor in element.iterancestors():
        if ancestor is container:
            break
        found.append(ancestor)
    return found


def _prose_chars(element: etree._Element) -> int:
    """Characters of an element's text outside links."""
    text = len(_squash(_text_of(element)))
    links = sum(len(_squash(_text_of(a))) for a in element.iter("a"))
    return max(0, text - links)


_ARTICLE_TYPES = frozenset({"Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle",
                            "OpinionNewsArticle", "BlogPosting", "Report", "ScholarlyArticle",
                            "TechArticle", "WebPage", "Posting", "SocialMediaPosting"})
_JSON_LD_MAX_CHARS = 1_000_000


def _read_metadata(tree: lxml.html.HtmlElement, meta: dict[str, Any]) -> str:
    """Fill ``meta`` (date, author, url, outlet) from the page's head; return its declared title.

    Sources, first found wins: JSON-LD (``application/ld+json``) of the article,
    then the usual ``<meta>`` and ``<link>`` tags; the date is htmldate's (the
    original publication date, normalised to ``YYYY-MM-DD``), else the first
    declared one as written.
    """
    declared: dict[str, str] = {}
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        source = script.text or ""
        if len(source) > _JSON_LD_MAX_CHARS:
            continue
        try:
            _json_ld_metadata(json.loads(source), declared)
        except (ValueError, RecursionError):
            continue
    lookups = (
        ("title", "//meta[@property='og:title']/@content"),
        ("title", "//meta[@name='twitter:title']/@content"),
        ("date", "//meta[@property='article:published_time']/@content"),
        ("date", "//meta[@name='date' or @name='pubdate' or @itemprop='datePublished']/@content"),
        ("date", "//time/@datetime"),
        ("author", "//meta[@name='author']/@content"),
        ("author", "//meta[@property='article:author']/@content"),
        ("url", "//link[@rel='canonical']/@href"),
        ("url", "//meta[@property='og:url']/@content"),
        ("outlet", "//meta[@property='og:site_name']/@content"),
        ("outlet", "//meta[@name='application-name']/@content"),
    )
    for key, xpath in lookups:
        if key in declared:
            continue
        for found in tree.xpath(xpath):
            value = _squash(str(found))
            if value and not (key == "author" and "://" in value):
                declared[key] = value
                break
    date = _publication_date(tree)
    if date:
        declared["date"] = date
    for key in ("date", "author", "url", "outlet"):
        if declared.get(key):
            meta[key] = declared[key]
    return declared.get("title", "")


def _json_ld_metadata(data: Any, declared: dict[str, str]) -> None:
    """What the JSON-LD objects of an article declare, into ``declared`` (first found wins)."""
    if isinstance(data, list):
        for item in data:
            _json_ld_metadata(item, declared)
        return
    if not isinstance(data, dict):
        return
    if "@graph" in data:
        _json_ld_metadata(data["@graph"], declared)
    kinds = data.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if not any(isinstance(kind, str) and kind in _ARTICLE_TYPES for kind in kinds):
        return
    for key, value in (("title", data.get("headline")), ("date", data.get("datePublished")),
                       ("author", _json_ld_name(data.get("author"))),
                       ("outlet", _json_ld_name(data.get("publisher")))):
        if isinstance(value, str) and _squash(value) and key not in declared:
            declared[key] = _squash(value)


def _json_ld_name(value: Any) -> str | None:
    """The name of a JSON-LD person or organisation (or the names of a list of them)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        name = value.get("name")
        return name if isinstance(name, str) else None
    if isinstance(value, list):
        names = [name for name in (_json_ld_name(item) for item in value) if name]
        return ", ".join(names) or None
    return None


def _publication_date(tree: lxml.html.HtmlElement) -> str | None:
    import htmldate  # a trafilatura dependency; imported late like it

    try:
        return htmldate.find_date(tree, extensive_search=False, original_date=True)
    except (ValueError, TypeError, RecursionError):
        return None


def _first_text(tree: lxml.html.HtmlElement, xpath: str) -> str:
    for element in tree.xpath(xpath):
        text = _squash(_text_of(element))
        if text:
            return text
    return ""


def _text_of(element: etree._Element) -> str:
    return "".join(str(piece) for piece in element.itertext())


def _squash(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


class HtmlFormat(DocumentReader, name="html", extensions=(".html", ".htm"),
                 description="web pages, the article text of each"):
    """Web pages: the article of each page is one document (read only)."""

    @classmethod
    def read_documents(cls, data: bytes, path: Path) -> list[DocumentRecord]:
        return [parse_html(data, path)]
