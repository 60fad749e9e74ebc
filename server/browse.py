"""The store + the page language -> the ways into the dataset: the landing page (the two
articles, size and version, browse lists with counts, the units as an order-of-battle tree,
events by year, a short gallery of example queries) and a list page per class (``/browse/{kind}``).

Routes: ``/browse/<kind>`` (the ``browse`` blueprint); `landing` renders ``/`` (endpoint
``index`` of the app).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from flask import Blueprint, render_template, request

from server.errors import not_found
from server.exports import current_release
from server.iris import iri_ref, queries, safe_href
from server.lang import current_lang, format_edtf
from server.state import current_state, store
from tarihkg.citation import Article, articles
from tarihkg.store import Store

log = logging.getLogger(__name__)

bp = Blueprint("browse", __name__)
QUERIES = queries("browse")

#: List pages: kind in the URL -> (tkg: class, Turkish name, English name).
KINDS: dict[str, tuple[str, str, str]] = {
    "persons": ("Person", "Kişiler", "Persons"),
    "units": ("MilitaryUnit", "Askerî birlikler", "Military units"),
    "treaties": ("Treaty", "Antlaşmalar", "Treaties"),
    "events": ("Event", "Olaylar", "Events"),
    "places": ("Place", "Yerler", "Places"),
    "polities": ("Polity", "Devletler", "Polities"),
    "organizations": ("Organization", "Kuruluşlar", "Organizations"),
    "vessels": ("Vessel", "Gemiler", "Vessels"),
    "works": ("CitedWork", "Atıf yapılan eserler", "Cited works"),
    "records": ("ArchivalRecord", "Arşiv belgeleri", "Archival records"),
}
#: The gallery of the landing page: example files by the start of their names, in this order.
FEATURED = ("35-", "02-", "10-", "11-", "03-", "13-", "18-", "37-", "43-", "25-")
#: Echelons from the top down, for ordering siblings in the order of battle.
ECHELONS = ("front", "armyGroup", "group", "army", "corps", "division", "brigade", "regiment",
            "battalion", "company", "detachment", "militia")


@dataclass
class Item:
    """One entry of a list: label, link, and a short note (date, echelon, place kind)."""

    label: str
    href: str | None
    note: str = ""
    sort: str = ""
    children: list[Item] = field(default_factory=list)


def items_of(st: Store, cls: str, lang: str) -> list[Item]:
    """Every curated instance of ``cls`` with its label, note and (for events) earliest date,
    sorted by date then label."""
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    notes: dict[str, dict[str, str]] = defaultdict(dict)
    dates: dict[str, tuple[str, str]] = {}
    for row in QUERIES.rows(st, "items", {"class": f"tkg:{cls}"}):
        names = labels[row["x"]]  # a resource without a label still gets an entry
        if "l" in row:
            names.setdefault(row.get("lang", ""), row["l"])
        if "note" in row:
            notes[row["x"]].setdefault(row.get("notelang", ""), row["note"])
        if "earliest" in row and (row["x"] not in dates or row["earliest"] < dates[row["x"]][0]):
            dates[row["x"]] = (row["earliest"], row["edtf"])
    other = "en" if lang == "tr" else "tr"
    out = []
    for x, names in labels.items():
        label = names.get(lang) or names.get(other) or names.get("") or x.rsplit("/", 1)[-1]
        note = notes[x].get(lang, "") if x in notes else ""
        sort, edtf = dates.get(x, ("", ""))
        out.append(Item(label, safe_href(x), format_edtf(edtf, lang) if edtf else note, sort))
    return sorted(out, key=lambda i: (i.sort or "9999", i.label.casefold()))


def order_of_battle(st: Store, lang: str) -> list[Item]:
    """The military units as a tree: each unit under the unit(s) it was part of, the roots
    being units part of no other unit; ordered by echelon, then label."""
    units = {i.href: i for i in items_of(st, "MilitaryUnit", lang) if i.href}
    rank: dict[str, int] = {}
    for row in QUERIES.rows(st, "unit-echelons"):
        name = row["e"].rsplit("#", 1)[-1]
        rank[str(safe_href(row["x"]))] = ECHELONS.index(name) if name in ECHELONS else 99
    parents: dict[str, set[str]] = defaultdict(set)
    for row in QUERIES.rows(st, "unit-parents"):
        child, up = safe_href(row["x"]), safe_href(row["up"])
        if child in units and up in units and child != up:
            parents[str(child)].add(str(up))
    for child, ups in parents.items():
        for up in sorted(ups):
            units[up].children.append(units[child])

    def order(items: list[Item]) -> list[Item]:
        return sorted(items, key=lambda i: (rank.get(str(i.href), 99), i.label.casefold()))

    for unit in units.values():
        unit.children = order(unit.children)
    return order([u for href, u in units.items() if href not in parents])


@dataclass(frozen=True)
class ArticleSummary:
    """One source article on the landing page: its record and what it covers."""

    article: Article
    href: str | None
    sentences: int
    facts: int
    first: str | None
    last: str | None


def article_summaries(st: Store, lang: str) -> list[ArticleSummary]:
    """Each article with its number of sentences and reviewed facts and the span of the
    dates of those facts."""
    out = []
    for a in articles(st):
        doc = {"doc": iri_ref(a.iri)}
        rows = QUERIES.rows(st, "article-sentences", doc)
        facts = QUERIES.rows(st, "article-facts", doc)[0]
        first, last = facts.get("first"), facts.get("last")
        out.append(ArticleSummary(
            a, safe_href(a.iri), int(rows[0]["n"]), int(facts["n"]),
            format_edtf(first[:10], lang) if first else None,
            format_edtf(last[:10], lang) if last else None))
    return out


def events_by_year(events: list[Item]) -> list[tuple[str, int]]:
    """How many events fall in each year (by their earliest date); undated ones last."""
    counts: dict[str, int] = defaultdict(int)
    for e in events:
        counts[e.sort[:4] if e.sort else "?"] += 1
    return sorted(counts.items(), key=lambda kv: (kv[0] == "?", kv[0]))


def landing() -> str:
    """The landing page."""
    st = store()
    lang = current_lang()
    state = current_state()
    counts = {kind: len(items_of(st, cls, lang)) for kind, (cls, _tr, _en) in KINDS.items()}
    facts = QUERIES.rows(st, "reviewed-facts")[0]["n"]
    featured = [ex for key in FEATURED for ex in state.examples if ex.name.startswith(key)]
    return render_template(
        "index.html", summary=state.get_summary(), examples=state.examples, featured=featured,
        articles=article_summaries(st, lang), kinds=KINDS, counts=counts, facts=int(facts),
        oob=order_of_battle(st, lang), treaties=items_of(st, "Treaty", lang),
        years=events_by_year(items_of(st, "Event", lang)), release=current_release())


@bp.get("/browse/<kind>")
def list_page(kind: str) -> str:
    if kind not in KINDS:
        raise not_found(f"no list {kind!r}; the lists are {', '.join(KINDS)}")
    cls, name_tr, name_en = KINDS[kind]
    lang = current_lang()
    st = store()
    items = items_of(st, cls, lang)
    year = request.args.get("year", "")
    if kind == "events" and year:
        items = [i for i in items if i.sort.startswith(year) or (year == "?" and not i.sort)]
    tree = order_of_battle(st, lang) if kind == "units" else None
    return render_template("browse.html", kind=kind, title=name_tr if lang == "tr" else name_en,
                           items=items, oob=tree, year=year, kinds=KINDS)
