"""HTML import keeps the whole article: text in tables, blockquotes, lists, the standfirst,
and pages trafilatura gives up on; the page furniture stays out.

Every page here is a fictional wire story written for these tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from formats.html import FALLBACK_BASELINE, FALLBACK_CONTAINER
from formats.reading import IngestError
from ingest import import_paths
from ingest.files import read_file
from storage.project import Project
from storage.records import DocumentRecord

HEAD = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title} | The Northern Ledger</title>
<meta property="og:site_name" content="The Northern Ledger">
<meta name="author" content="Ilse Brandt">
<meta property="article:published_time" content="2024-05-14T09:30:00+02:00">
<link rel="canonical" href="https://ledger.example/world/{slug}">
<script>window.dataLayer = window.dataLayer || [];</script></head><body>
<div class="cookie-banner"><p>We use cookies to improve your experience. By continuing to
browse you accept our cookie policy and our partners' advertising.</p><button>Accept all</button>
</div>
<nav class="main-menu"><ul><li><a href="/world">World</a></li><li><a href="/politics">Politics</a>
</li><li><a href="/sport">Sport</a></li></ul></nav>
"""
TAIL = """<aside class="related-stories"><h3>Related stories</h3><ul>
<li><a href="/a">Harbour strike enters third week</a></li>
<li><a href="/b">Ferry fares to rise in June</a></li></ul></aside>
<div class="newsletter-signup"><p>Sign up for the Morning Ledger newsletter and get the top
stories in your inbox every morning.</p></div>
<footer><p>Copyright 2024 The Northern Ledger. All rights reserved.</p>
<a href="/privacy">Privacy policy</a></footer>
</body></html>"""
FURNITURE = ("cookie", "Accept all", "Politics", "Related stories", "Harbour strike",
             "Ferry fares", "newsletter", "All rights reserved", "Privacy policy", "dataLayer")


def page(title: str, slug: str, article: str) -> str:
    return HEAD.format(title=title, slug=slug) + article + TAIL


def read(tmp_path: Path, name: str, html: str) -> DocumentRecord:
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    [document] = read_file(path)
    return document


def assert_no_furniture(text: str) -> None:
    for phrase in FURNITURE:
        assert phrase.lower() not in text.lower(), phrase


LAYOUT_TABLE = page("Kallen bridge reopens after repairs", "kallen-bridge", """
<table class="layout" width="100%"><tr>
<td width="20%"><a href="/">Home</a><br><a href="/archive">Archive</a><br>
<a href="/contact">Contact</a></td>
<td><h1>Kallen bridge reopens after repairs</h1>
<p>FENNICK, May 14 (Saywho Wire) — The Kallen river bridge reopened to traffic on Tuesday after
eleven months of repairs, the regional roads office said, ending long detours for the farmers
and lorry drivers who cross it every day.</p>
<p>"We promised May and it is May," said Oren Talvik, who heads the roads office. "The bridge
will carry full loads again from next week, once the last inspections are signed."</p>
<p>The repairs cost 14 million kroner, two million more than planned, after engineers found
corrosion in the northern piers that the original survey had missed.</p>
<table class="figures"><tr><th>Year</th><th>Vehicles per day</th></tr>
<tr><td>2021</td><td>8,400</td></tr><tr><td>2022</td><td>8,950</td></tr></table>
<p>Traffic on the bridge had grown every year before it closed, the office's figures show.</p>
</td></tr></table>
""")


def test_article_in_a_layout_table_and_its_data_table_are_kept(tmp_path: Path) -> None:
    document = read(tmp_path, "bridge.html", LAYOUT_TABLE)
    paragraphs = document.text.split("\n\n")
    assert paragraphs[0] == "Kallen bridge reopens after repairs"
    assert paragraphs[1].startswith("FENNICK, May 14 (Saywho Wire) — The Kallen river bridge")
    assert ('"We promised May and it is May," said Oren Talvik, who heads the roads office. '
            '"The bridge will carry full loads again from next week, once the last inspections '
            'are signed."') in paragraphs
    assert "2021 | 8,400" in paragraphs and "2022 | 8,950" in paragraphs
    assert ("Traffic on the bridge had grown every year before it closed, the office's figures "
            "show.") in paragraphs
    assert "Archive" not in document.text and "Contact" not in document.text
    assert_no_furniture(document.text)


BLOCKQUOTES = page("Ardova defends fishing quota", "ardova-quota", """
<main><article><h1>Ardova defends fishing quota</h1>
<div class="share-buttons"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div>
<div class="article-body">
<p>DUNMARK, May 14 (Saywho Wire) — Ostmere's prime minister Selene Ardova defended the new
fishing quota before parliament on Tuesday, as coastal deputies accused her government of
sacrificing small boats to the trawler fleet.</p>
<blockquote><p>"No boat will be left without a season. The quota protects the stock our
children will fish."</p></blockquote>
<p>The opposition's fisheries spokesman, Tomas Reiner, said the figures told another story and
that a third of the northern harbours would lose their autumn catch under the plan.</p>
<blockquote>"She speaks of children while the harbours empty today," Reiner told deputies.
</blockquote>
<p>Parliament is due to vote on the quota next Thursday, after a second reading.</p>
</div></article></main>
""")


def test_blockquotes_are_kept_as_their_own_paragraphs(tmp_path: Path) -> None:
    document = read(tmp_path, "quota.html", BLOCKQUOTES)
    paragraphs = document.text.split("\n\n")
    assert ('"No boat will be left without a season. The quota protects the stock our children '
            'will fish."') in paragraphs
    assert '"She speaks of children while the harbours empty today," Reiner told deputies.' in (
        paragraphs)
    assert paragraphs[-1] == ("Parliament is due to vote on the quota next Thursday, after a "
                              "second reading.")
    assert "Share on" not in document.text
    assert_no_furniture(document.text)


LIST_ITEMS = page("Carvonia and Ostmere agree on river observers", "river-observers", """
<main><article><h1>Carvonia and Ostmere agree on river observers</h1>
<p>PELLARA, May 14 (Saywho Wire) — Carvonia and Ostmere agreed on Tuesday to let forty
unarmed observers patrol the Kallen river, the Assembly of Northern States announced after
two days of talks in Pellara.</p>
<p>Under the agreement, which both delegations signed late on Monday:</p>
<ul>
<li>the observers may visit any post within ten kilometres of the river without notice;</li>
<li>each side withdraws its armour to at least twenty kilometres from the bank by June 1;</li>
<li>a joint commission meets every month in Pellara to hear complaints.</li>
</ul>
<p>"It is a modest text, and modest texts last," Assembly envoy Pavel Oster told reporters.</p>
</article></main>
""")


def test_list_items_are_kept_each_as_a_paragraph(tmp_path: Path) -> None:
    document = read(tmp_path, "observers.html", LIST_ITEMS)
    paragraphs = document.text.split("\n\n")
    items = [
        "the observers may visit any post within ten kilometres of the river without notice;",
        "each side withdraws its armour to at least twenty kilometres from the bank by June 1;",
        "a joint commission meets every month in Pellara to hear complaints.",
    ]
    start = paragraphs.index(items[0])
    assert paragraphs[start:start + 3] == items
    assert paragraphs[start - 1] == (
        "Under the agreement, which both delegations signed late on Monday:")
    assert_no_furniture(document.text)


STANDFIRST = page("Storm closes western ports", "storm-ports", """
<main><article>
<header class="article-header"><h1>Storm closes western ports</h1>
<p class="standfirst">Gales of up to 120 kilometres an hour shut every port on the western
coast on Tuesday, and forecasters warned the worst would come overnight.</p>
<p class="byline">By Ilse Brandt · 14 May 2024</p></header>
<div class="article-body">
<p>VARNHOLM, May 14 (Saywho Wire) — Harbour masters along the western coast ordered all
vessels to stay in port on Tuesday morning as the first storm of the season reached the
islands, the coast guard said.</p>
<p>"Nobody sails tonight, not even the ferries," said coast guard spokeswoman Lena Haug. "We
would rather lose a day than a crew."</p>
<p>The weather office expects the wind to ease by Thursday afternoon.</p>
</div></article></main>
""")


def test_standfirst_in_the_article_header_is_kept(tmp_path: Path) -> None:
    document = read(tmp_path, "storm.html", STANDFIRST)
    paragraphs = document.text.split("\n\n")
    assert paragraphs[0] == "Storm closes western ports"
    assert paragraphs[1] == (
        "Gales of up to 120 kilometres an hour shut every port on the western coast on Tuesday, "
        "and forecasters warned the worst would come overnight.")
    assert paragraphs[2].startswith("VARNHOLM, May 14 (Saywho Wire)")
    assert "We would rather lose a day than a crew." in document.text
    assert document.meta["author"] == "Ilse Brandt"
    assert document.meta["date"].startswith("2024-05-14")
    assert document.meta["url"] == "https://ledger.example/world/storm-ports"
    assert document.meta["outlet"] == "The Northern Ledger"
    assert "extraction" not in document.meta
    assert_no_furniture(document.text)


BRIEF = page("Minister resigns", "minister-resigns", """
<div class="page"><div class="flash">
<h1>Minister resigns</h1>
<p>FENNICK, May 14 (Saywho Wire) — Carvonia's trade minister Aldo Messer resigned on Tuesday.</p>
<p>"I leave with a clear conscience," Messer said.</p>
</div></div>
""")


def test_page_the_main_extractor_gives_up_on_is_imported_by_the_fallback(
        tmp_path: Path) -> None:
    document = read(tmp_path, "brief.html", BRIEF)
    assert document.text == (
        "Minister resigns\n\n"
        "FENNICK, May 14 (Saywho Wire) — Carvonia's trade minister Aldo Messer resigned on "
        "Tuesday.\n\n"
        '"I leave with a clear conscience," Messer said.')
    assert document.meta["extraction"] == FALLBACK_CONTAINER
    assert document.meta["outlet"] == "The Northern Ledger"


def test_import_report_names_the_pages_that_needed_a_fallback(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "brief.html").write_text(BRIEF, encoding="utf-8")
    (folder / "storm.html").write_text(STANDFIRST, encoding="utf-8")
    with Project.create(tmp_path / "p.saywho") as project:
        report = import_paths(project, [folder])
        assert report.errors == [] and report.documents == 2
        assert report.fallbacks == [f"{folder / 'brief.html'}: text from {FALLBACK_CONTAINER}"]
        assert "1 extracted by a fallback" in report.summary()
        stored = {d.external_id: project.document(d.id) for d in project.documents()}
        assert stored["brief"].meta["extraction"] == FALLBACK_CONTAINER
        assert "extraction" not in stored["storm"].meta


SCRIPTED = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Pellara opens its night market | The Northern Ledger</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
"headline": "Pellara opens its night market",
"datePublished": "2024-05-14T18:00:00+02:00",
"author": {"@type": "Person", "name": "Ilse Brandt"},
"publisher": {"@type": "Organization", "name": "The Northern Ledger"},
"articleBody": "PELLARA, May 14 (Saywho Wire) — Pellara opened its first night market on \
Tuesday, with two hundred stalls along the old harbour wall and a brass band from the naval \
school. \\"We wanted the harbour to stay awake after the ferries leave,\\" said deputy mayor \
Rasmus Veld, who cut the ribbon at dusk. The market will run every Tuesday and Friday until the \
end of September, the city council said, and stall fees will stay at forty kroner a night."}
</script></head><body>
<div id="app" data-props="{}"></div>
<nav class="main-menu"><a href="/world">World</a> <a href="/politics">Politics</a></nav>
<footer><p>Copyright 2024 The Northern Ledger. All rights reserved.</p></footer>
</body></html>"""


def test_article_only_declared_in_json_ld_is_imported_by_the_fallback(tmp_path: Path) -> None:
    document = read(tmp_path, "market.html", SCRIPTED)
    assert "Pellara opened its first night market on Tuesday" in document.text
    assert "stall fees will stay at forty kroner a night." in document.text
    assert document.title == "Pellara opens its night market"
    assert document.meta["extraction"] == FALLBACK_BASELINE
    assert document.meta["author"] == "Ilse Brandt"
    assert document.meta["outlet"] == "The Northern Ledger"
    assert document.meta["date"] == "2024-05-14"
    assert_no_furniture(document.text)


def test_other_trafilatura_calls_in_the_process_are_not_recorded(tmp_path: Path) -> None:
    import trafilatura

    from formats.html import _FallbackProbe

    read(tmp_path, "market.html", SCRIPTED)  # installs the probe
    assert trafilatura.extract(SCRIPTED) is not None  # its baseline runs, unrecorded
    assert _FallbackProbe.bodies == [] and not _FallbackProbe.active


FURNITURE_LINES = page("Pellara opens its night ferry", "night-ferry", """
<main><article><h1>Pellara opens its night ferry</h1>
<div class="article-text">
<p>14.05.2024</p>
<p>PELLARA, May 14 (Saywho Wire) — The first night ferry between Pellara and the Varn islands
left the old harbour at eleven on Tuesday evening, carrying 212 passengers and a brass band
hired by the islands' council for the occasion.</p>
<p>Photo: Mara Lind / Northern Ledger</p>
<p>"People on the islands asked for this boat for twenty years," said council chair Britta
Solem, who sailed on the first crossing. "Tonight nobody has to sleep in a waiting room."</p>
<p>Related: Ferry fares to rise in June</p>
<p>The council pays for the crossings until the end of the year and will then ask the port
authority to take them over; a subscription pass for islanders goes on sale next month.</p>
<p>The ferry sails every night except Sundays, and the crossing takes two hours and a half.</p>
<p>© 2024 The Northern Ledger. Written by Ilse Brandt.</p>
<p>Subscribe to the Ledger for all our stories from the islands, or follow us on Varnbook.</p>
</div></article></main>
""")
FURNITURE_LINE_BODY = (
    "PELLARA, May 14 (Saywho Wire) — The first night ferry",
    "Tonight nobody has to sleep in a waiting room.",
    "a subscription pass for islanders goes on sale next month.",
    "The ferry sails every night except Sundays, and the crossing takes two hours and a half.",
)


@pytest.mark.parametrize("line", [
    "14.05.2024",  # a date line on its own
    "Photo: Mara Lind",  # a picture credit
    "Related: Ferry fares",  # a "read more" label
    "© 2024 The Northern Ledger",  # a copyright line
    "Subscribe to the Ledger",  # a call to subscribe among the last paragraphs
])
def test_furniture_lines_inside_the_article_are_left_out(tmp_path: Path, line: str) -> None:
    document = read(tmp_path, "ferry.html", FURNITURE_LINES)
    assert line not in document.text
    for body in FURNITURE_LINE_BODY:
        assert body in document.text
    assert document.text.split("\n\n")[-1] == FURNITURE_LINE_BODY[-1]
    assert_no_furniture(document.text)


def test_utf8_page_with_a_few_stray_latin1_bytes_is_imported(tmp_path: Path) -> None:
    html = page("Kallen bridge reopens after repairs", "kallen-bridge", """
<main><article><h1>Kallen bridge reopens after repairs</h1>
<p>FENNICK, May 14 (Saywho Wire) — The bridge over the Kallen reopened on Tuesday, said
Jürgen Åberg of the roads office, after eleven months of repairs: “We kept our word.”</p>
<p>The repairs cost 14 million kroner, two million more than planned, after engineers found
corrosion in the northern piers that the original survey had missed, Åberg said.</p>
<p>The office expects full traffic again from next week, once the last inspections are done
and the temporary lights are taken down at both ends of the bridge — STRAYMARK.</p>
<p>„Über die Brücke fährt man wieder, und die Bäckerei am Südufer öffnet früh“, sagte die
Bürgermeisterin von Fennick, Käthe Sørensen, die die Öffnung der Brücke für Fußgänger und
Radfahrer schon ab Montag ankündigte.</p>
</article></main>""")
    path = tmp_path / "bridge.html"
    stray = "Gr\u00fc\u00dfe".encode("latin-1")  # two bytes that are not UTF-8
    path.write_bytes(html.encode("utf-8").replace(b"STRAYMARK", stray))
    [document] = read_file(path)
    assert "Jürgen Åberg of the roads office" in document.text
    assert "Gr\ufffd\ufffde" in document.text
    assert_no_furniture(document.text)


def test_page_in_another_code_page_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "cyrillic.html"
    path.write_bytes(("<html><body><p>" + "Мост через реку Каллен снова открыт. " * 20
                      + "</p></body></html>").encode("cp1251"))
    with pytest.raises(IngestError, match="is not valid UTF-8"):
        read_file(path)
