"""Generate realistic, fictional wire stories for benchmarks and load tests.

Every name, country, institution and quote is invented and assembled from
templates; nothing comes from real outlets. Half the articles are plain text
(headline, blank line, dateline paragraph, more paragraphs), half are web pages
wrapping the same kind of story in varied site clutter (menus, cookie banners,
share buttons, newsletter boxes, related-article lists, comment prompts,
footers, scripts and styles), like ``resources/samples/04-*.html``.

Example:
    >>> from bench.make_articles import make_articles
    >>> for filename, content in make_articles(4, seed=1):
    ...     (folder / filename).write_text(content, encoding="utf-8")
"""

from __future__ import annotations

import html
import random
from collections.abc import Iterator
from dataclasses import dataclass

TARGET_WORDS = 400

_FIRST_NAMES = (
    "Aldric",
    "Selene",
    "Tomas",
    "Dorota",
    "Mira",
    "Pavel",
    "Irena",
    "Benedikt",
    "Agnes",
    "Eleni",
    "Dimitris",
    "Marta",
    "Oskar",
    "Liesel",
    "Anton",
    "Ilse",
    "Casimir",
    "Renata",
    "Viktor",
    "Halina",
    "Jorek",
    "Sabin",
    "Ottilie",
    "Lucan",
    "Petra",
    "Emeric",
    "Vesna",
    "Konrad",
    "Talia",
    "Bram",
    "Ysolde",
    "Fenna",
    "Radek",
    "Cosmin",
    "Ingrid",
    "Matthis",
)
_SURNAMES = (
    "Varnay",
    "Ardova",
    "Relling",
    "Vell",
    "Hollis",
    "Oster",
    "Malk",
    "Saar",
    "Torvik",
    "Marakou",
    "Orlan",
    "Kessel",
    "Brandt",
    "Dunavel",
    "Korsak",
    "Lindqvar",
    "Mareth",
    "Petrovan",
    "Quill",
    "Rasmin",
    "Sorell",
    "Tavik",
    "Ulvane",
    "Vossberg",
    "Wendrik",
    "Yarrow",
    "Zelenko",
    "Achterberg",
    "Callow",
    "Drummet",
    "Ferrant",
    "Gaskoyne",
    "Halloran",
    "Istvek",
)


@dataclass(frozen=True)
class _Country:
    name: str
    adjective: str
    capital: str
    parliament: str
    leader_title: str


_COUNTRIES = (
    _Country("Carvonia", "Carvonian", "Velmora", "the Carvonian Assembly", "President"),
    _Country("Ostmere", "Ostmeri", "Halvik", "the Halvik Council", "Prime Minister"),
    _Country("Pellara", "Pellaran", "Korina", "the Pellaran parliament", "President"),
    _Country("Lusania", "Lusanian", "Dunmark", "the Lusanian Diet", "Chancellor"),
    _Country("Vereth", "Verethi", "Samsk", "the Verethi Senate", "Prime Minister"),
    _Country("Morvaine", "Morvainian", "Estrel", "the Morvainian Chamber", "President"),
    _Country("Talvaris", "Talvarian", "Nordhav", "the Talvarian Congress", "First Minister"),
    _Country("Quessia", "Quessian", "Brannow", "the Quessian Assembly", "President"),
)
_MINISTRIES = (
    "foreign ministry",
    "defence ministry",
    "trade ministry",
    "finance ministry",
    "energy ministry",
    "interior ministry",
)
_ROLES = (
    "foreign minister",
    "defence minister",
    "trade minister",
    "finance minister",
    "energy minister",
    "government spokeswoman",
    "government spokesman",
    "deputy prime minister",
)
_ISSUES = (
    ("the river border", "troops", "the bridges"),
    ("the gas pipeline", "supplies", "the pumping stations"),
    ("the fishing grounds", "trawlers", "the harbours"),
    ("the grain corridor", "convoys", "the ports"),
    ("the mountain pass", "border guards", "the checkpoints"),
    ("the power exchange", "transmission lines", "the substations"),
)
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DAYS = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
_PERSON_VERBS = ("said", "told reporters", "said in a statement", "told lawmakers", "added")
_BODY_VERBS = ("said", "said in a statement", "added", "wrote on its website")

_HEADLINES = (
    "{a_adj} leader warns {b} over {issue}",
    "{b} offers talks on {issue} if {a} steps back",
    "{a} and {b} trade threats as dispute over {issue} deepens",
    "{a_adj} minister sets conditions for deal on {issue}",
    "Envoys race to ease row between {a} and {b}",
    "{b_adj} government rejects {a_adj} ultimatum on {issue}",
    "{a} threatens to close {places} as talks with {b} stall",
    "{b_adj} leader says deal on {issue} is 'within reach'",
)
# Direct quotes interrupted by their attribution.
_SPLIT_QUOTES = (
    '"We will not yield," {who} {verb}, "not one metre, not one day."',
    '"Our patience is long," {who} {verb}, "but it is not endless."',
    '"We have made our offer," {who} {verb}, "and it will not be repeated."',
    '"Nobody wants a war," {who} {verb}, "least of all the people who would have to fight it."',
    '"The door is open," {who} {verb}, "but they have to walk through it themselves."',
    '"We did not start this," {who} {verb}, '
    '"and we will not be the ones to end it on their terms."',
    '"Every week of delay," {who} {verb}, '
    '"costs our farmers more than the whole dispute is worth."',
    '"Let them pull back first," {who} {verb}, "and we will match every step they take."',
)
# Conditional statements: threats, offers, promises, demands, predictions.
_CONDITIONALS = (
    '"If they move their {things} one step closer, our answer will be swift," {who} {verb}.',
    '"Should the talks resume, we are ready to lift the tariffs," {who} {verb}.',
    '"Unless {capital} withdraws its {things}, we will close {places} to all traffic," '
    "{who} {verb}.",
    '"The moment they sign, we will reopen {places}," {who} {verb}. "Not a day before."',
    '"If the observers are blocked, this government will act alone," {who} {verb}.',
    '"Provided nobody fires a shot by accident, a deal is possible within weeks," {who} {verb}.',
    "{who_cap} {verb} that {country} would freeze the assets of {capital}'s state companies "
    "if {things} were not withdrawn by the end of the month.",
    "{who_cap} promised that {places} would reopen within a day of a signed agreement.",
    '"Give us a date for the withdrawal and we will give you a date for the talks," {who} {verb}.',
    "{who_cap} predicted that prices would rise by a fifth if {places} stayed closed "
    "into the winter.",
)
# Indirect speech and reported positions.
_INDIRECT = (
    "{who_cap} said that {country} would not accept any settlement that left {issue} "
    "under foreign control.",
    "{who_cap} said the government had asked the Assembly of Northern States to send "
    "observers and that two member states had already agreed.",
    "According to {who}, the {things} near the border were taking part in exercises "
    "planned months ago.",
    "{who_cap} accused {capital} of inventing a crisis to distract voters from rising prices.",
    "In a statement, the {ministry} said it would study the proposal carefully but noted "
    "that it said nothing about the {things}.",
    "{who_cap} denied that {country} had moved any {things} in the past week and called "
    'the reports "fantasy."',
    '{who_cap} told the state broadcaster that talks could resume "as early as next week."',
    'Asked whether sanctions were being prepared, {who} said only that "every option '
    'remains on the table."',
)
_BACKGROUND = (
    "The dispute over {issue} dates back to a treaty signed in 1921, which both "
    "governments interpret differently.",
    "Trade between the two countries has fallen by a third since ambassadors were "
    "recalled in January.",
    "Analysts in {capital} said the exchange was the sharpest in a decade.",
    "Diplomats said a compromise was possible but would take time.",
    "Markets in {capital} fell on the news, with shares in shipping companies hit hardest.",
    "The Assembly of Northern States is due to meet in emergency session later this week.",
    "Neither government has published the text of the proposals exchanged so far.",
)
_ANONYMOUS = (
    '"Both capitals are talking to their own voters," said a senior diplomat, who asked '
    "not to be named because he was not authorised to speak to the media.",
    '"Angry in public, practical in private," one official said of the mood in the corridors.',
    '"Everybody knows where the exit is," said an envoy who has followed the talks. '
    '"Nobody wants to be first through it."',
    "A senior official, speaking on condition of anonymity, said the leader had been "
    '"furious" after reading the latest intelligence assessment.',
)

_CLUTTER_BLOCKS = (
    '<div class="{cookie}"><p>We use cookies to improve your experience and to show you '
    "personalised advertising. By continuing to browse you accept our cookie policy.</p>"
    "<button>Accept all</button><button>Manage preferences</button></div>",
    '<div class="{share}"><a href="#">Share on Facebook</a> <a href="#">Share on X</a> '
    '<a href="#">Email this story</a></div>',
    '<div class="{newsletter}"><h4>Get the morning briefing</h4><p>Sign up for our free '
    "newsletter and get the day's top stories in your inbox every morning.</p>"
    '<form><input type="email"><button>Subscribe</button></form></div>',
    '<aside class="{related}"><h3>Related articles</h3><ul>{related_items}</ul></aside>',
    '<section class="{comments}"><h3>Comments</h3><p>Join the conversation. Log in or '
    "create a free account to leave a comment.</p></section>",
    '<div class="ad-slot"><p>Advertisement</p></div>',
)
_CLASS_VARIANTS = {
    "cookie": ("cookie-banner", "cookie-consent", "gdpr-notice cookies"),
    "share": ("share-buttons", "social-share", "article-share sharing"),
    "newsletter": ("newsletter-signup", "promo newsletter", "subscribe-box"),
    "related": ("related-articles", "related", "recommended-stories"),
    "comments": ("comments", "comment-prompt", "article-comments"),
}
_OUTLETS = (
    "The Northern Ledger",
    "Velmora Evening Post",
    "Halvik Courier",
    "The Estrel Gazette",
    "Dunmark Daily Record",
)


def make_articles(n: int, seed: int) -> Iterator[tuple[str, str]]:
    """Yield ``n`` fictional news articles as ``(filename, content)`` pairs.

    Even-numbered articles are ``.txt``, odd-numbered ones ``.html`` pages with
    varied clutter around an ``<article>``. The same ``n`` and ``seed`` always
    give the same files.

    Args:
        n: How many articles.
        seed: Seed of the random generator.

    Yields:
        A file name (unique within the run) and the file's text content.
    """
    rng = random.Random(seed)
    for index in range(n):
        headline, paragraphs = _story(rng)
        if index % 2 == 0:
            content = headline + "\n\n" + "\n\n".join(paragraphs) + "\n"
            yield f"article-{index:05d}.txt", content
        else:
            yield f"article-{index:05d}.html", _web_page(rng, headline, paragraphs, index)


def _person(rng: random.Random) -> str:
    """A random full name."""
    return f"{rng.choice(_FIRST_NAMES)} {rng.choice(_SURNAMES)}"


def _story(rng: random.Random) -> tuple[str, list[str]]:
    country_a, country_b = rng.sample(_COUNTRIES, 2)
    issue, things, places = rng.choice(_ISSUES)
    surnames = rng.sample(_SURNAMES, 3)
    first_names = rng.sample(_FIRST_NAMES, 3)
    minister_role = rng.choice(_ROLES)
    headline = rng.choice(_HEADLINES).format(
        a=country_a.name,
        b=country_b.name,
        a_adj=country_a.adjective,
        b_adj=country_b.adjective,
        issue=issue,
        places=places,
    )
    headline = headline[0].upper() + headline[1:]
    day, month, date = rng.choice(_DAYS), rng.choice(_MONTHS), rng.randint(1, 28)
    city = rng.choice((country_a, country_b)).capital.upper()
    # (first mention, later mentions, country); the first mention is used once.
    speakers = [
        (f"{country_a.leader_title} {first_names[0]} {surnames[0]}", surnames[0], country_a),
        (f"{country_b.leader_title} {first_names[1]} {surnames[1]}", surnames[1], country_b),
        (
            f"{country_a.adjective} {minister_role} {first_names[2]} {surnames[2]}",
            surnames[2],
            country_a,
        ),
    ]
    mentioned: set[str] = {speakers[0][1]}
    paragraphs = [
        f"{city}, {month} {date} (Saywho Wire) — {speakers[0][0]} of {country_a.name} warned "
        f"{country_b.name} on {day} that any move on {issue} would be answered, as "
        f"{country_b.adjective} {things} were reported near the border."
    ]
    decks = {
        name: rng.sample(pool, len(pool))
        for name, pool in (
            ("split", _SPLIT_QUOTES),
            ("conditional", _CONDITIONALS),
            ("indirect", _INDIRECT),
            ("background", _BACKGROUND),
            ("anonymous", _ANONYMOUS),
        )
    }
    words = len(paragraphs[0].split())
    while words < TARGET_WORDS and any(decks.values()):
        kind = rng.choices(list(decks), weights=(3, 3, 3, 1, 1))[0]
        if not decks[kind]:
            continue
        template = decks[kind].pop()
        first, later, country = rng.choice(speakers)
        other = country_b if country is country_a else country_a
        if rng.random() < 0.25:
            who = f"the {country.adjective} {rng.choice(_MINISTRIES)}"
            verb = rng.choice(_BODY_VERBS)
        else:
            who = later if later in mentioned else first
            if "{who" in template:
                mentioned.add(later)
            verb = rng.choice(_PERSON_VERBS)
        fields = {
            "who": who,
            "who_cap": who[0].upper() + who[1:],
            "verb": verb,
            "things": things,
            "places": places,
            "issue": issue,
            "capital": other.capital,
            "country": country.name,
            "ministry": rng.choice(_MINISTRIES),
        }
        paragraph = template.format(**fields)
        if kind == "conditional" and decks["background"] and rng.random() < 0.3:
            paragraph += " " + decks["background"].pop().format(**fields)
        paragraphs.append(paragraph)
        words += len(paragraph.split())
    return headline, paragraphs


def _web_page(rng: random.Random, headline: str, paragraphs: list[str], index: int) -> str:
    outlet = rng.choice(_OUTLETS)
    author = _person(rng)
    slug = "-".join(headline.lower().split()[:6])
    url = f"https://news{index % 7}.example/world/{index:05d}/{slug}"
    date = f"20{rng.randint(18, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    classes = {key: rng.choice(values) for key, values in _CLASS_VARIANTS.items()}
    related_items = "".join(
        f'<li><a href="/world/{rng.randint(1000, 9999)}">{html.escape(_person(rng))} '
        f"{rng.choice(('speaks out', 'warns again', 'meets envoys', 'rejects offer'))}</a></li>"
        for _ in range(rng.randint(2, 5))
    )
    blocks = [
        block.format(related_items=related_items, **classes)
        for block in rng.sample(_CLUTTER_BLOCKS, rng.randint(3, len(_CLUTTER_BLOCKS)))
    ]
    body_parts = [f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs]
    # Scatter some clutter inside the article body, as real pages do.
    for block in blocks[: rng.randint(1, 2)]:
        body_parts.insert(rng.randint(1, len(body_parts) - 1), block)
    page_clutter = blocks[2:]
    menu = "".join(
        f'<li><a href="/{section.lower()}">{section}</a></li>'
        for section in rng.sample(
            ["World", "Politics", "Business", "Sport", "Culture", "Opinion", "Science"], 5
        )
    )
    title = html.escape(headline)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} | {html.escape(outlet)}</title>
<meta name="author" content="{html.escape(author)}">
<meta property="article:published_time" content="{date}T{rng.randint(6, 22):02d}:00:00Z">
<meta property="og:url" content="{url}">
<meta property="og:site_name" content="{html.escape(outlet)}">
<link rel="canonical" href="{url}">
<style>body {{ margin: 0 }} .{classes["cookie"].split()[0]} {{ position: fixed }}</style>
<script>window.dataLayer = window.dataLayer || []; dataLayer.push({{"page": {index}}});</script>
</head>
<body>
{page_clutter[0] if page_clutter else ""}
<header class="site-header"><a class="logo" href="/">{html.escape(outlet)}</a>
<nav class="main-menu"><ul>{menu}</ul></nav></header>
<main>
<article>
<header><h1>{title}</h1>
<p class="byline">By {html.escape(author)} · <time datetime="{date}">{date}</time></p></header>
<div class="article-body">
{chr(10).join(body_parts)}
</div>
</article>
</main>
{chr(10).join(page_clutter[1:])}
<footer class="site-footer"><p>© {date[:4]} {html.escape(outlet)}. All rights reserved.</p>
<ul><li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms</a></li></ul>
</footer>
<script src="/static/app.js"></script>
</body>
</html>
"""
