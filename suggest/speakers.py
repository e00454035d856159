"""Who said it: ranked speaker candidates for a quote (Qt-free).

Given the document text, a quote's fragments, the stored spans and relations
and the actor registry, :func:`speaker_candidates` lists who may have said the
quote, the likeliest first:

* marked mentions (spans of the target label, e.g. ``Actor``) anywhere in the
  document, and
* unmarked candidate mentions near the quote (its paragraph, the one before
  and the one after): capitalised names ("Prime Minister Selene Ardova"),
  pronouns ("she"), descriptions ("the Carvonian president", "Ostmere's
  foreign ministry", "analysts") and the registry's names and aliases.

Ranking: a mention in a speaker position ("X said", "said X", "according to
X") next to the quote comes first, then the speaker of another quote of the
same paragraph, then the other mentions of the paragraph by distance, then
mentions farther away; mentions inside the quote come last. Each candidate
carries its context (a few words either side) and its paragraph number, so
two mentions with the same words can be told apart.

All offsets are code points (Python ``str`` indices), end exclusive.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol, overload

from storage.views import RelationView, SpanLike

__all__ = [
    "Candidate",
    "MarkedSpan",
    "Ranked",
    "RegistryActor",
    "find_typed",
    "guess_kind",
    "looks_like_quote",
    "paragraph_number",
    "quote_fragments",
    "speaker_candidates",
    "typed_candidates",
]


class MarkedSpan(SpanLike, Protocol):
    """What is read of a stored span (``storage.views.SpanView`` fits)."""

    @property
    def entity_id(self) -> int | None: ...


class RegistryActor(Protocol):
    """What is read of a registry actor (``storage.views.EntityView`` fits)."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def aliases(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class Candidate:
    """One possible speaker.

    Attributes:
        start, end: the mention's offsets.
        text: the mention as written.
        span_id: the marked span, or None for a mention not marked yet.
        entity_id: the registry actor it is (the span's, or one whose name or
            alias it is), or None.
        source: ``"marked"``, ``"name"``, ``"pronoun"``, ``"description"``,
            ``"registry"`` or ``"typed"``.
        pattern: the speaker position it stands in (``"X said"``, ``"said X"``,
            ``"according to X"``, ``"previous speaker"``), or ``""``.
        before, after: a few words of context either side (computed when read,
            from ``document``, the text the offsets point into).
        paragraph: its paragraph number (1-based, blank lines not counted).
        inside_quote: it lies inside the quote's own fragments.
        kind: the actor kind guessed for it (``person``, ``organisation``,
            ``state``, ``group``), or None when nothing tells.
        rank: the sort key's first part (smaller is likelier).
        distance: characters between it and the quote.
    """

    start: int
    end: int
    text: str
    span_id: int | None
    entity_id: int | None
    source: str
    pattern: str
    paragraph: int
    inside_quote: bool
    kind: str | None
    rank: int
    distance: int
    document: str = field(default="", repr=False, compare=False)

    @property
    def marked(self) -> bool:
        return self.span_id is not None

    @property
    def before(self) -> str:
        """A few words before the mention (read from the document when asked)."""
        return _context(self.document, self.start, self.end)[0]

    @property
    def after(self) -> str:
        return _context(self.document, self.start, self.end)[1]

    @property
    def context(self) -> str:
        """``"…before [mention] after…"`` on one line."""
        return f"{self.before}[{self.text}]{self.after}"


# ------------------------------------------------------------------ word lists


def _words(listed: str) -> frozenset[str]:
    return frozenset(listed.split())


SPEECH_VERBS = _words("""
said says say told tells added adds warned warns stated states insisted insists argued
argues wrote writes asked asks replied replies declared declares announced announces
noted notes explained explains claimed claims stressed stresses continued continues
answered answers urged urges predicted predicts promised promises threatened threatens
dismissed dismisses accused accuses tweeted posted commented comments recalled recalls
admitted admits acknowledged acknowledges confirmed confirms denied denies suggested
suggests called calls countered counters conceded concedes vowed vows responded
responds observed observes remarked remarks joked jokes shouted whispered
""")

# verbs after which the speaker may follow ("said Irena Malk"); "told X" names the addressee
VERBS_BEFORE_SPEAKER = _words("""
said says added adds asked asks wrote writes replied replies continued continues warned
warns insisted insists explained explains noted notes stated states declared declares
argued argues answered answers countered counters recalled recalls remarked remarks
observed observes tweeted posted
""")

PREPOSITIONS = _words("in at of from to with for on by into near across")

PLACE_WORDS = _words("""
palace river street square hall house bridge road avenue park sea lake mountain mountains
valley island islands border city town province region district airport station port
""")

PRONOUNS = {"he": "person", "she": "person", "they": "group", "we": "group", "i": "person",
            "it": None}

PERSON_TITLES = _words("""
president minister premier chancellor mayor governor senator deputy ambassador general
colonel admiral secretary spokesman spokeswoman spokesperson chairman chairwoman chair
king queen prince princess pope bishop judge professor dr mr mrs ms sir lady lord
""")

PERSON_ROLES = _words("""
president minister premier chancellor mayor governor senator deputy ambassador general
secretary spokesman spokeswoman spokesperson chairman chairwoman leader official
officer diplomat analyst researcher expert economist commander envoy negotiator lawyer
prosecutor judge witness resident activist source aide adviser advisor candidate
director head chief executive founder author scientist doctor teacher student
clerk manager owner trader farmer worker guard pilot captain priest nurse engineer
""")

ORGANISATION_WORDS = _words("""
ministry government council party union institute assembly bank agency committee office
parliament senate court company corporation association federation commission army
police military navy service department authority board cabinet administration
embassy university foundation league organisation organization group coalition
alliance broadcaster newspaper agency fund
""")

GROUP_ROLES = _words("""
officials diplomats analysts researchers experts economists residents activists sources
aides advisers advisors protesters witnesses critics observers leaders lawmakers
ministers soldiers workers farmers voters citizens villagers locals neighbours neighbors
""")

# capitalised words that start sentences but never name a speaker
NOT_NAMES = _words("""
the a an in on at of for from to by with without after before during since until
and but or nor so yet if unless when while whereas although though because as
this that these those there here it its his her their our my your we they he she
i you what which who whom whose where why how not no yes all some any each every
speaking asked according meanwhile however also still even only then later earlier
monday tuesday wednesday thursday friday saturday sunday january february march april
may june july august september october november december today yesterday tomorrow
one two three four five six seven eight nine ten first second third last next
let should would could will can must shall might may take both
""")

_WORD = re.compile(r"[^\W\d_](?:[\w'’\-]*\w)?")
_SENTENCE_END = re.compile(r"[.!?]['’\"”»]?\s")
_OPENING = "“„«»‘‚‹「\"'"
_CLOSING = "”“»«’‘›」\"'"


# ----------------------------------------------------------------- paragraphs


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line, in order."""
    result = []
    position = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n\u2028\u2029")
        if body.strip():
            result.append((position, position + len(body)))
        position += len(line)
    return result


@functools.lru_cache(maxsize=4)
def _paragraph_table(text: str) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...]]:
    """The paragraphs of a text and their starts, kept for the last few texts asked about."""
    paragraphs = tuple(_paragraphs(text))
    return paragraphs, tuple(start for start, _ in paragraphs)


def paragraph_number(text: str, offset: int) -> int:
    """The 1-based number of the paragraph holding ``offset`` (blank lines not counted)."""
    return max(1, bisect.bisect_right(_paragraph_table(text)[1], offset))


# -------------------------------------------------------------------- context


def _context(text: str, start: int, end: int, words: int = 4) -> tuple[str, str]:
    """A few words before and after ``[start, end)``, within its paragraph, on one line."""
    # each search stops at the nearest line feed: a text without carriage returns is not
    # scanned to its start or end for one (2 ms a picker row on a 10 MB text)
    newline = text.rfind("\n", 0, start)
    line_start = max(newline, text.rfind("\r", newline + 1, start)) + 1
    newline = text.find("\n", end)
    line_end = newline if newline >= 0 else len(text)
    carriage = text.find("\r", end, line_end)
    if carriage >= 0:
        line_end = carriage
    before_words = text[line_start:start].split()
    after_words = text[end:line_end].split()
    before = " ".join(before_words[-words:])
    after = " ".join(after_words[:words])
    if before and text[start - 1:start].isspace():
        before += " "
    if after and text[end:end + 1].isspace():
        after = " " + after
    if len(before_words) > words:
        before = "…" + before
    if len(after_words) > words:
        after += "…"
    return before, after


# ------------------------------------------------------------ guessing a kind


def guess_kind(mention: str, registry: Iterable[RegistryActor] = (),
               text: str = "") -> str | None:
    """The actor kind a mention suggests, or None when nothing tells.

    The registry decides first (an actor with this name or alias); then the
    words: a pronoun, a person's title or role ("President Varnay", "the
    minister"), an organisation word ("the foreign ministry"), a plural role
    ("analysts"); a name of two or more capitalised words is a person's. A
    single capitalised word is a person when ``text`` also names it with a
    title or a first name before it, a state when ``text`` uses it as a place
    ("in Ostmere", "Ostmere's").
    """
    return _guess_kind(mention, _kinds_by_name(registry), text)


def _kinds_by_name(registry: Iterable[RegistryActor]) -> dict[str, str]:
    """Each registry name and alias (case-folded) with its actor's kind."""
    kinds: dict[str, str] = {}
    for actor in registry:
        for name in (*actor.aliases, actor.name):
            kinds[" ".join(name.split()).casefold()] = actor.kind
    return kinds


def _guess_kind(mention: str, kinds: Mapping[str, str], text: str) -> str | None:
    flat = " ".join(mention.split())
    known = kinds.get(flat.casefold())
    if known is not None:
        return known
    words = _WORD.findall(flat)
    if not words:
        return None
    lowered = [w.casefold().rstrip("'’s") if w.endswith(("'s", "’s")) else w.casefold()
               for w in words]
    if len(words) == 1 and lowered[0] in PRONOUNS:
        return PRONOUNS[lowered[0]]
    if any(w in ORGANISATION_WORDS for w in lowered):
        return "organisation"
    if any(w in PLACE_WORDS for w in lowered):
        return None
    if lowered[-1] in GROUP_ROLES:
        return "group"
    if any(w in PERSON_TITLES for w in lowered) or lowered[-1] in PERSON_ROLES:
        return "person"
    capitalised = [w for w in words if w[:1].isupper()]
    if len(capitalised) >= 2 and len(capitalised) == len(words):
        return "person"
    if len(words) == 1 and words[0][:1].isupper() and text:
        name = re.escape(words[0])
        titled = re.search(rf"\b[A-Z][\w'’\-]+ {name}\b", text)
        if titled and titled.group(0).split()[0].casefold() not in NOT_NAMES:
            return "person"
        if re.search(rf"(?:\b(?:in|to|from|across|into|of|against|with) {name}\b|"
                     rf"\b{name}['’]s (?:[a-z]+ )?(?:government|ministry|army|border|"
                     rf"capital|troops|forces|president|prime))", text):
            return "state"
    return None


# ------------------------------------------------------------ speaker position


def _words_after(text: str, end: int, limit: int = 3) -> list[str]:
    after = text[end:end + 60]
    stop = re.search(r"[.!?;:“”\"«»]", after)
    if stop:
        after = after[:stop.start()]
    return [w.casefold() for w in _WORD.findall(after)][:limit]


def _words_before(text: str, start: int, limit: int = 3) -> list[str]:
    before = text[max(0, start - 60):start]
    stops = list(re.finditer(r"[.!?;:“”\"«»]", before))
    if stops:
        before = before[stops[-1].end():]
    return [w.casefold() for w in _WORD.findall(before)][-limit:]


def _pattern(text: str, start: int, end: int) -> str:
    """The speaker position a mention stands in, or ``""``."""
    after = _words_after(text, end)
    previous_word = _words_before(text, start, 1)
    # "X said", "X told", "X has said"; not "diplomats in Halvik said"
    if after and previous_word[-1:] != [] and previous_word[-1] in PREPOSITIONS:
        after = []
    if after and (after[0] in SPEECH_VERBS or
                  (len(after) > 1 and after[0] in ("has", "had", "also", "then", "later")
                   and after[1] in SPEECH_VERBS)):
        return "X said"
    if after and after[0] in PREPOSITIONS:
        # "a senior official at the ministry said": the verb's subject is the official
        longer = _words_after(text, end, 7)
        if any(word in SPEECH_VERBS for word in longer[2:]):
            return "X said"
    before = _words_before(text, start)
    if before[-2:] == ["according", "to"]:
        return "according to X"
    if before and before[-1] in VERBS_BEFORE_SPEAKER and \
            text[max(0, start - 30):start].rstrip()[-1:] not in ",;" and \
            re.match(r"\s*(?:[,.;:!?)\"”»’]|$)", text[end:end + 3]):
        # "said Irena Malk, a researcher": the speaker; "said the president had" is content
        return "said X"
    return ""


# ---------------------------------------------------------------- unmarked


@dataclass
class _Found:
    start: int
    end: int
    source: str
    entity_id: int | None = None


_TOKEN = re.compile(r"[^\W_][\w'’\-]*")


def _tokens(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text, start, end)]


def _sentence_initial(text: str, start: int) -> bool:
    """Whether only spaces and quotation marks stand between ``start`` and a sentence end."""
    index = start - 1
    while index >= 0 and (text[index].isspace() or text[index] in _OPENING):
        if text[index] in "\n\r":
            return True
        index -= 1
    return index < 0 or text[index] in ".!?:—"


def _strip_possessive(word: str) -> str:
    return word[:-2] if word.endswith(("'s", "’s")) else word


def _joins_name(word: str, run: Sequence[tuple[int, int, str]],
               tokens: Sequence[tuple[int, int, str]], index: int) -> bool:
    """A lower-case word inside a name: "Pim de Vries", "Institute for Strategic Studies"."""
    if index + 1 >= len(tokens) or not tokens[index + 1][2][:1].isupper():
        return False
    if word in ("de", "van", "von", "der", "da", "di", "bin", "al"):
        return True
    return word in ("of", "for", "on") and any(t[2].casefold() in ORGANISATION_WORDS
                                               for t in run)


def _names(text: str, start: int, end: int, nearby: str | None = None) -> list[_Found]:
    """Runs of capitalised words (with "of", "de", "van" … inside), minus sentence openers."""
    found: list[_Found] = []
    tokens = _tokens(text, start, end)
    index = 0
    while index < len(tokens):
        first = tokens[index]
        if not first[2][:1].isupper() or first[2].casefold() in NOT_NAMES:
            index += 1
            continue
        run = [first]
        following = index + 1
        while following < len(tokens):
            token = tokens[following]
            gap = text[run[-1][1]:token[0]]
            if gap != " " or run[-1][2].endswith(("'s", "’s")):
                break
            capitalised = token[2][:1].isupper() and token[2].casefold() not in NOT_NAMES
            if not capitalised and not _joins_name(token[2], run, tokens, following):
                break
            run.append(token)
            following += 1
        name_start, name_end = run[0][0], run[-1][1]
        last = run[-1][2]
        if last.endswith(("'s", "’s")):
            # "Ostmere's foreign ministry" is a description; the possessor alone is not
            # a speaker, but "Ostmere's" may be a state: offer the name without 's
            name_end -= 2
        single_role = len(run) == 1 and _strip_possessive(first[2]).casefold() in (
            PERSON_ROLES | GROUP_ROLES | ORGANISATION_WORDS)
        if len(run) == 1 and not single_role and _sentence_initial(text, first[0]) and \
                re.search(r"\b" + re.escape(first[2].casefold()) + r"\b",
                          text if nearby is None else nearby):
            single_role = True  # "Should the talks resume": a word written lower case elsewhere
        if name_end > name_start and not single_role:
            found.append(_Found(name_start, name_end, "name"))
        index = following
    return found


_HEADS = "|".join(sorted(PERSON_ROLES | ORGANISATION_WORDS | GROUP_ROLES, key=len,
                         reverse=True))
_DESCRIPTION = re.compile(
    r"\b(?:[Tt]he|[Aa]n?|[Oo]ne|[A-Z][\w\-]*['’]s)[ \t]+((?:[\w\-]+[ \t]+){0,3}?)"
    rf"(?:{_HEADS})\b")


def _descriptions(text: str, start: int, end: int) -> list[_Found]:
    """ "the president", "a senior Carvonian official", "Ostmere's foreign ministry",
    and bare plural roles ("analysts", "Diplomats")."""
    found = []
    for match in _DESCRIPTION.finditer(text, start, end):
        modifiers = match.group(1).split()
        if any(m.casefold() in NOT_NAMES or m.casefold() in SPEECH_VERBS for m in modifiers):
            continue
        found.append(_Found(match.start(), match.end(), "description"))
    for match in re.finditer(r"\b[A-Za-z]+\b", text[start:end]):
        word = match.group(0)
        if word.casefold() in GROUP_ROLES:
            position = start + match.start()
            if not any(f.start <= position < f.end for f in found):
                found.append(_Found(position, position + len(word), "description"))
    return found


def _pronouns(text: str, start: int, end: int) -> list[_Found]:
    found = []
    for match in re.finditer(r"\b(?:he|she|they|He|She|They)\b", text[start:end]):
        found.append(_Found(start + match.start(), start + match.end(), "pronoun"))
    return found


def _registry_mentions(text: str, start: int, end: int,
                       registry: Iterable[RegistryActor]) -> list[_Found]:
    found = []
    window = text[start:end]
    folded_window = window.casefold()
    for actor in registry:
        for name in {actor.name, *actor.aliases}:
            if not name.strip() or name.casefold() not in folded_window:
                continue
            pattern = r"(?<!\w)" + re.escape(name) + r"(?!\w)"
            # "the Chief" is also "The Chief" at the start of a sentence
            flags = re.IGNORECASE if name[:1].islower() else 0
            for match in re.finditer(pattern, window, flags):
                found.append(_Found(start + match.start(), start + match.end(), "registry",
                                    actor.id))
    return found


def typed_candidates(text: str, typed: str, quote: Sequence[Sequence[int]],
                     taken: Iterable[tuple[int, int]] = (), limit: int = 5) -> list[Candidate]:
    """Where ``typed`` occurs (see :func:`find_typed`) as candidates, minus ``taken`` ranges."""
    taken_ranges = list(taken)
    result = []
    for start, end in find_typed(text, typed, quote, limit):
        if any(a < end and start < b for a, b in taken_ranges):
            continue
        result.append(Candidate(start, end, text[start:end], None, None, "typed", "",
                                paragraph_number(text, start), _inside((start, end), quote),
                                None, 8, 0, text))
    return result


def find_typed(text: str, typed: str, quote: Sequence[Sequence[int]],
               limit: int = 5) -> list[tuple[int, int]]:
    """Where ``typed`` occurs as whole words (case-insensitive), nearest the quote first."""
    needle = " ".join(typed.split())
    if not needle:
        return []
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in needle.split()) +
                         r"(?!\w)", re.IGNORECASE)
    start, end = int(quote[0][0]), int(quote[-1][1])
    hits = [(m.start(), m.end()) for m in pattern.finditer(text)]
    hits.sort(key=lambda hit: (_inside(hit, quote), _distance(hit, start, end), hit[0]))
    return hits[:limit]


# ------------------------------------------------------------------- ranking


def _inside(hit: tuple[int, int], fragments: Sequence[Sequence[int]]) -> bool:
    return any(int(a) <= hit[0] and hit[1] <= int(b) for a, b in fragments)


def _distance(hit: tuple[int, int], start: int, end: int) -> int:
    return max(0, start - hit[1], hit[0] - end)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def looks_like_quote(text: str, start: int, end: int) -> bool:
    """Whether ``[start, end)`` is a quotation's content rather than a name.

    True when most of the selection lies between one pair of quotation marks
    (opening mark before it, closing mark after it) and it spans at least half
    of what they enclose: "We will not yield," is a quote; "Putin" inside a
    long quotation is a name.
    """
    if start >= end:
        return False
    opening = None
    index = start - 1
    while index >= 0 and text[index] not in "\n\r":
        if text[index] in _OPENING:
            opening = index
            break
        if text[index] in _CLOSING and text[index] not in _OPENING:
            return False
        index -= 1
    if opening is None:
        inner = text[start:end]
        return inner[:1] in _OPENING and inner.rstrip()[-1:] in _CLOSING and len(inner) > 2
    closing = None
    index = end
    while index < len(text) and text[index] not in "\n\r":
        if text[index] in _CLOSING:
            closing = index
            break
        index += 1
    if closing is None:
        return False
    enclosed = closing - opening - 1
    return enclosed > 0 and (end - start) * 2 >= enclosed


def _is_mark(text: str, index: int, opening: bool) -> bool:
    """Whether ``text[index]`` is a quotation mark that opens (or closes) a quotation.

    Told by its neighbours, since "”" closes in English and opens in Swedish,
    and "’" is also an apostrophe: an opening mark has a word after it and
    none before it, a closing mark the other way round.
    """
    char = text[index]
    if char not in _OPENING and char not in _CLOSING:
        return False
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    loose_before = before.isspace() or before in "([{—–-/" or before in _OPENING
    loose_after = after.isspace() or after in ".,;:!?)]}—–-" or after in _CLOSING
    if opening:
        return loose_before and not after.isspace()
    return loose_after and not before.isspace()


def quote_fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A quotation selected whole, split where its attribution interrupts it.

    ``“We will not yield,” Varnay told reporters, “not one metre.”`` selected
    from "We" to "metre." gives two fragments, ``We will not yield,`` and
    ``not one metre.``: everything between the marks and nothing of the
    attribution. Quotation marks at the selection's ends are left out, so a
    selection with or without them gives the same fragments. Without an
    interruption, the one range comes back (trimmed of spaces).
    """
    while start < end and (text[start].isspace() or _is_mark(text, start, opening=True)):
        start += 1
    while end > start and (text[end - 1].isspace() or _is_mark(text, end - 1, opening=False)):
        end -= 1
    pieces: list[tuple[int, int]] = []
    piece_start = start
    index = start
    while index < end:
        if _is_mark(text, index, opening=False):
            reopen = next((j for j in range(index + 1, end) if _is_mark(text, j, opening=True)),
                          None)
            if reopen is not None and any(ch.isalpha() for ch in text[index + 1:reopen]):
                pieces.append((piece_start, index))
                piece_start = index = reopen + 1
                continue
        index += 1
    pieces.append((piece_start, end))
    result = []
    for a, b in pieces:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            result.append((a, b))
    return result


def _sentence_bounds(text: str, start: int, end: int, paragraph: tuple[int, int]
                     ) -> tuple[int, int]:
    """The sentence(s) holding ``[start, end)`` within its paragraph."""
    p_start, p_end = paragraph
    sentence_start = p_start
    for match in _SENTENCE_END.finditer(text, p_start, start):
        # a closing quotation mark after ".": the sentence goes on ("… soil," he said)
        sentence_start = match.end()
    sentence_end = p_end
    # the quote's own final full stop ends the sentence too: “… audience.” In a statement
    found = _SENTENCE_END.search(text, max(start, end - 1), p_end)
    if found is not None:
        sentence_end = found.end()
    return sentence_start, sentence_end


def _covered(text: str, fragments: Sequence[Sequence[int]]) -> str:
    if len(fragments) == 1:
        return text[int(fragments[0][0]):int(fragments[0][1])]
    return " … ".join(text[int(a):int(b)] for a, b in fragments)


class Ranked(Sequence[Candidate]):
    """Candidates, likeliest first; marked mentions far from the quote are built when read.

    A long document has thousands of marked mentions, nearly all of them far
    from the quote: they are kept as plain tuples in order of distance and
    become :class:`Candidate` objects only when a picker row shows them.
    """

    def __init__(self, near: list[Candidate],
                 far: list[tuple[int, int, int, MarkedSpan]], text: str,
                 paragraph_of: Callable[[int], int]) -> None:
        # far ones rank 6: after the near ones ranked up to 5, before those inside the quote
        self._head = [c for c in near if c.rank < FAR_RANK]
        self._tail = [c for c in near if c.rank >= FAR_RANK]
        self._far = far
        self._built: dict[int, Candidate] = {}
        self._text = text
        self._paragraph_of = paragraph_of

    def __len__(self) -> int:
        return len(self._head) + len(self._far) + len(self._tail)

    def _far_candidate(self, index: int) -> Candidate:
        built = self._built.get(index)
        if built is None:
            distance, start, _, span = self._far[index]
            end = int(span.fragments[-1][1])
            built = Candidate(start, end, _covered(self._text, span.fragments), span.id,
                              span.entity_id, "marked", "",
                              self._paragraph_of(start), False, None, FAR_RANK, distance,
                              self._text)
            self._built[index] = built
        return built

    @overload
    def __getitem__(self, index: int) -> Candidate: ...
    @overload
    def __getitem__(self, index: slice) -> list[Candidate]: ...

    def __getitem__(self, index: int | slice) -> Candidate | list[Candidate]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("candidate index out of range")
        if index < len(self._head):
            return self._head[index]
        index -= len(self._head)
        if index < len(self._far):
            return self._far_candidate(index)
        return self._tail[index - len(self._far)]


FAR_RANK = 6


def speaker_candidates(
    text: str,
    quote: Sequence[Sequence[int]],
    spans: Iterable[MarkedSpan] = (),
    relations: Iterable[RelationView] | Mapping[int, RelationView] = (),
    registry: Iterable[RegistryActor] = (),
    target_labels: Sequence[str] = ("Actor",),
    relation: str = "speaker",
    quote_id: int | None = None,
    unmarked: bool = True,
) -> Ranked:
    """Ranked speaker candidates for the quote with ``quote`` fragments (see the module).

    ``spans`` are the stored spans of the layer (those with a label in
    ``target_labels`` are the marked candidates), ``relations`` its relations
    (``relation``-typed ones tell the previous speakers; a mapping by id is read by
    its values), ``registry`` the actors whose names and aliases count as
    mentions. ``quote_id`` is the
    quote's own span id when it is stored. With ``unmarked`` False only marked
    spans are offered.
    """
    fragments = sorted((int(a), int(b)) for a, b in quote)
    if not fragments:
        return Ranked([], [], text, lambda _offset: 1)
    q_start, q_end = fragments[0][0], fragments[-1][1]
    registry = list(registry)
    paragraphs, starts = _paragraph_table(text)
    if not paragraphs:
        paragraphs, starts = ((0, len(text)),), (0,)
    here = max(0, bisect.bisect_right(starts, q_start) - 1)
    last = max(0, bisect.bisect_right(starts, max(q_start, q_end - 1)) - 1)
    window = (paragraphs[max(0, here - 1)][0], paragraphs[min(len(paragraphs) - 1,
                                                                 last + 1)][1])
    own = (paragraphs[here][0], paragraphs[last][1])
    sentence = _sentence_bounds(text, q_start, q_end, own)

    span_list = list(spans)
    by_id = {span.id: span for span in span_list}
    targets = [s for s in span_list if s.label in target_labels and s.id != quote_id]
    # the speakers of the other quotes of this paragraph
    previous: set[int] = set()
    for rel in (relations.values() if isinstance(relations, Mapping) else relations):
        if rel.type != relation or rel.source_id == quote_id:
            continue
        source = by_id.get(rel.source_id)
        if source is None or not source.fragments:
            continue
        source_start = int(source.fragments[0][0])
        if own[0] <= source_start < own[1] or \
                (source_start < q_start and window[0] <= source_start < own[0]):
            previous.add(rel.target_id)

    def rank(start: int, end: int, pattern: str, earlier_speaker: bool = False) -> int:
        hit = (start, end)
        if _inside(hit, fragments):
            return 9
        in_sentence = sentence[0] <= start and end <= sentence[1]
        in_paragraph = own[0] <= start and end <= own[1]
        if pattern in ("X said", "said X", "according to X") and in_sentence:
            return 0
        if earlier_speaker:
            return 1
        if pattern and in_paragraph:
            return 2
        if in_sentence:
            return 3
        if in_paragraph:
            return 4
        if window[0] <= start and end <= window[1]:
            return 5 if not pattern else 4
        return FAR_RANK

    result: list[Candidate] = []
    far: list[tuple[int, int, int, MarkedSpan]] = []
    marked_ranges: list[tuple[int, int]] = []  # those near the quote
    paragraph_of = _ParagraphIndex(starts)
    window_start, window_end = window
    add_far = far.append
    for span in targets:
        spans_fragments = span.fragments
        if not spans_fragments:
            continue
        start, end = int(spans_fragments[0][0]), int(spans_fragments[-1][1])
        if (end < window_start or start > window_end) and span.id not in previous:
            # far from the quote: ranked by distance only, built when the list is read
            add_far((q_start - end if end <= q_start else start - q_end, start, span.id, span))
            continue
        mention = _covered(text, spans_fragments)
        earlier = span.id in previous
        if end < window[0] or start > window[1]:
            result.append(Candidate(
                start, end, mention, span.id, span.entity_id, "marked", "previous speaker",
                paragraph_of(start), False, None, 1,
                q_start - end if end <= q_start else start - q_end, text))
            continue
        marked_ranges.append((start, end))
        pattern = _pattern(text, start, end)
        if earlier and not pattern:
            pattern = "previous speaker"
        result.append(Candidate(
            start, end, mention, span.id, span.entity_id, "marked", pattern,
            paragraph_of(start), _inside((start, end), fragments), None,
            rank(start, end, pattern, earlier), _distance((start, end), q_start, q_end),
            text))
    if unmarked:
        kinds = _kinds_by_name(registry)
        # where a single name is also written with a title or as a place
        nearby = text[max(0, window[0] - 6_000):window[1] + 6_000]
        found = [*_registry_mentions(text, *window, registry),
                 *_names(text, *window, nearby),
                 *_descriptions(text, *window), *_pronouns(text, *window)]
        seen: set[tuple[int, int]] = set()
        registry_at = {(f.start, f.end): f.entity_id for f in found if f.entity_id}
        for item in found:
            hit = (item.start, item.end)
            if hit in seen or any(_overlaps(hit, marked) for marked in marked_ranges):
                continue
            # a name inside a longer description or registry name is offered once, whole
            if any(other is not item and other.start <= item.start and item.end <= other.end
                   and (other.end - other.start) > (item.end - item.start)
                   and other.source != "pronoun" for other in found):
                continue
            seen.add(hit)
            mention = text[item.start:item.end]
            pattern = _pattern(text, item.start, item.end)
            result.append(Candidate(
                item.start, item.end, mention, None, registry_at.get(hit), item.source,
                pattern, paragraph_of(item.start), _inside(hit, fragments),
                _guess_kind(mention, kinds, nearby), rank(item.start, item.end, pattern),
                _distance(hit, q_start, q_end), text))
    _mark_subject(text, result, sentence, q_start)
    source_order = {"marked": 0, "registry": 1, "name": 2, "description": 3, "pronoun": 4,
                    "typed": 5}
    result.sort(key=lambda c: (c.rank, c.distance, source_order.get(c.source, 9), c.start))
    far.sort()  # by distance, then start (span ids never tie)
    return Ranked(result, far, text, paragraph_of)


def _mark_subject(text: str, candidates: list[Candidate], sentence: tuple[int, int],
                  quote_start: int) -> None:
    """The sentence's subject before its speech verb and the quote is a speaker too.

    "A senior official, speaking on condition of anonymity because he was not
    authorised to brief the media, said the president had been “furious”":
    the first mention of the sentence, with a speech verb between it and the
    quote, is put in a speaker position ("X … said").
    """
    if any(c.rank == 0 for c in candidates):
        return
    before = [c for c in candidates if sentence[0] <= c.start and c.end <= quote_start]
    if not before:
        return
    first = min(before, key=lambda c: c.start)
    between = [w.casefold() for w in _WORD.findall(text[first.end:quote_start])]
    if any(w in SPEECH_VERBS for w in between):
        index = candidates.index(first)
        candidates[index] = replace(first, pattern="X … said", rank=0)


class _ParagraphIndex:
    """Paragraph numbers by offset (binary search over paragraph starts)."""

    def __init__(self, starts: Sequence[int]) -> None:
        self.starts = list(starts)

    def __call__(self, offset: int) -> int:
        return max(1, bisect.bisect_right(self.starts, offset))


def registry_by_id(registry: Iterable[RegistryActor]) -> Mapping[int, RegistryActor]:
    """The registry keyed by actor id."""
    return {actor.id: actor for actor in registry}
