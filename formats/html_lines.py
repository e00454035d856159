"""Paragraphs of an extracted web article that are page furniture by their wording.

The extractor keeps some of the article's surroundings as paragraphs of their
own: a date or copyright line, a "read more" label before related links, a
picture credit, an appeal to subscribe or follow, an author's bio, a comment
counter, a disclaimer. :func:`is_furniture_line` tells them by their text
alone (shape, length and the usual wording in the languages of news sites),
never by the name of a site; :mod:`formats.html` drops them. Every rule is
declared once in the tables below.
"""

from __future__ import annotations

import re

DATE_LINE_MAX_CHARS = 40
_DATE_LINE = re.compile(
    r"^\W*(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}\.? \w+ \d{4})(?:,? \d{1,2}:\d{2})?\W*"
    r"(?:\|.{0,30})?$")
_COPYRIGHT_LINE = re.compile(r"^\s*(?:©|\(c\)|copyright\b)", re.IGNORECASE)
_READ_MORE_MAX_CHARS = 100
_READ_MORE = re.compile(
    r"^\W*(?:read more|read also|see also|related|more on|more from|you may also like|"
    r"recommended|auch interessant|zum weiterlesen|weiterlesen|schon gelesen|lesen sie auch|"
    r"mehr zum thema|mehr dazu|weitere informationen|weitere artikel|"
    r"das könnte sie auch interessieren|top-themen|themen|czytaj (?:też|także|również)|"
    r"zobacz (?:też|także)|más sobre|lea también|vea también|mire|leer más|temas|lire aussi|"
    r"à lire aussi|voir aussi|leggi anche|"
    # navigation between articles and "learn more" teasers
    r"(?:también )?(?:le|te) puede interesar|dowiedz się więcej|entdecke (?:weitere|mehr)|"
    r"(?:vorschau auf den )?nächsten? (?:artikel|beitrag)|vorheriger (?:artikel|beitrag)|"
    r"next (?:article|story|post)|previous (?:article|story|post)|article suivant|"
    r"permalink|permalien|continue reading|lire la suite)\b",
    re.IGNORECASE)
_CREDIT_MAX_CHARS = 80
_CREDIT = re.compile(
    r"^\W*(?:crédits? photos?|photo credits?|image credits?|bildquelle|beitragsbild|bildnachweis|"
    r"fotos?|photos?|foto credit|quelle|source|image|bild|credit|crédito|fuente)\s*:",
    re.IGNORECASE)
_CALL_TO_ACTION_MAX_CHARS = 300
_CALL_TO_ACTION_LAST = 3
"""A call to subscribe, support or buy is furniture among the article's last paragraphs..."""
_CALL_TO_ACTION = re.compile(
    r"\b(?:subscribe|sign up|newsletter|download (?:the|our)|follow us|síguenos|siguenos|"
    r"suscríbete|abonnieren|abonniere|im abo|e-paper|registrieren|hazte miembro|"
    r"jetzt bestellen|unterstütze|unterstützen sie)\b",
    re.IGNORECASE)
_APPEAL = re.compile(
    r"\b(?:subscribe (?:to|now|today|here)|already a subscriber|log in for|"
    r"sign(?:ing)? up (?:here|now|today|for (?:our|the|free)|to (?:our|the))|"
    r"(?:our|unse[rn]e?n?|kostenlosen?) [\w-]{0,30}newsletter|newsletter abonnieren|"
    r"follow us|follow [^.]{0,40} on (?:twitter|facebook|instagram|tiktok|youtube)|"
    r"síguenos|siguenos|suscríbete|jetzt abonnieren|"
    r"(?:canal|channel|kanal) (?:de |on |auf )?(?:telegram|whatsapp)|"
    r"(?:sie sind|you are) (?:aktuell |currently |not |nicht )*(?:eingeloggt|logged in))\b",
    re.IGNORECASE)
"""...and an appeal to subscribe or follow, or a paywall's message, anywhere."""
_BIO_MAX_CHARS = 700
_BIO_LAST = 2
"""An author's bio is furniture among the article's last this many paragraphs: it opens..."""
_BIO_OPENING = re.compile(
    r"^(?:[A-ZÀ-Þ][\w'’.-]+ ){1,3}(?:is|ist|es|est|è|was|war|has been|hat|—|–)\s")
"""...with a name and a verb ("Mara Lind is ...") and names a trade of writers:"""
_BIO_TRADE = re.compile(
    r"\b(?:founder|editor|journalist|reporter|correspondent|writer|writing|writes|author|"
    r"consultant|head of|columnist|redakteur(?:in)?|autor(?:in)?|journalistin|gründer(?:in)?|"
    r"professor|periodista|redactor(?:a)?|fundador(?:a)?|rédact(?:eur|rice)|journaliste)\b",
    re.IGNORECASE)
_COUNTER_MAX_CHARS = 80
_COUNTER = re.compile(
    r"^\W*(?:\d+ |keine |no |sin |aucun )?(?:kommentare?|comments?|comentarios?|commentaires?|"
    r"antworten|replies)\b", re.IGNORECASE)
"""A comment counter ("3 comments", "Keine Kommentare (...)")."""
_DISCLAIMER_MAX_CHARS = 300
_DISCLAIMER = re.compile(
    r"\b(?:enthält werbung|affiliate[- ]links?|ohne gewähr|inhalte dieser (?:web)?seite|"
    r"content of this (?:web)?site|stehen inhalte dieser)|"
    # a rights notice, not one quoted in the text ("... (all rights reserved) ...")
    r"(?<![(“\"„])\b(?:all rights reserved|alle rechte vorbehalten|todos los derechos reservados|"
    r"tous droits réservés)\b",
    re.IGNORECASE)
"""A site's disclaimer, licence or advertising notice."""
_STAMP_MAX_CHARS = 80
_STAMP = re.compile(
    r"^\W*(?:aktualisiert(?: am)?|zuletzt aktualisiert(?: am)?|letzte aktualisierung(?: am)?|"
    r"stand|updated(?: on)?|last updated(?: on)?|published(?: on)?|veröffentlicht(?: am)?|"
    r"news date|actualizado(?: el)?|publicado(?: el)?|mis à jour(?: le)?|publié(?: le)?)"
    r"\s*:?\s*\d", re.IGNORECASE)
"""A date stamp with its label ("Updated: 17.01.2021", "Aktualisiert am 2.02.2022")."""


def is_furniture_line(text: str, after: int) -> bool:
    """Whether an extracted paragraph, followed by ``after`` others, is page furniture."""
    length = len(text)
    return bool(
        (length <= DATE_LINE_MAX_CHARS and _DATE_LINE.match(text))
        or _COPYRIGHT_LINE.match(text)
        or (length <= _READ_MORE_MAX_CHARS and _READ_MORE.match(text))
        or (length <= _CREDIT_MAX_CHARS and _CREDIT.match(text))
        or (length <= _CALL_TO_ACTION_MAX_CHARS and (
            _APPEAL.search(text)
            or (after < _CALL_TO_ACTION_LAST and _CALL_TO_ACTION.search(text))))
        or (after < _BIO_LAST and length <= _BIO_MAX_CHARS and _BIO_OPENING.match(text)
            and _BIO_TRADE.search(text))
        or (length <= _COUNTER_MAX_CHARS and _COUNTER.match(text))
        or (length <= _DISCLAIMER_MAX_CHARS and _DISCLAIMER.search(text))
        or (length <= _STAMP_MAX_CHARS and _STAMP.match(text)))
