"""Cleaned sentence text -> in-text citations (works and archival records) with parsed references.

Two styles occur: ``(Sürmeli, 2001: 323-324)`` and ``(Ağayey & Ahmedov, 2009, s. 342–345)``;
archival references name an archive then its shelfmark parts: ``(ATASE A, K.526, D.369, F.43-5)``,
``(QAPPODAR, F.277, L.2, B.2, Koruma Birimi 64, K.3)``. A parenthesis that parses as neither
(``(Transkafkasya)``, ``(1910)``, ``(Toydemir)``) is not a citation.

A narrative citation names its author in the running text, before a parenthesis holding the
year and the pages: ``Gökdemir’in (2003: 24) belirttiğine göre``, ``Gökdemir (2003, s. 24)``,
``Gökdemir ve Kaya’nın (2003: 24)``. The author is the capitalised name (or names joined by
``ve``/``&``/``and``, with ``vd.``) just before the parenthesis, its apostrophe suffix stripped;
given names and a title after the name are not taken (``Kazım Karabekir Paşa’nın (1960: 212)``
cites ``Karabekir, 1960``, the form a parenthetical citation prints). A parenthesis of a year
and pages with no such name before it (``çalışmada (2003: 24)``) is not read as a citation:
:func:`unread_citations` gives it, so that it is reported and never read as a date.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from tarihkg.text.turkish import slugify

log = logging.getLogger(__name__)

ARCHIVES = frozenset({"ATASE", "QAPPODAR", "BOA", "BCA"})
"""Archives whose name opens an archival citation (ATASE: Turkish military archive; QAPPODAR:
Azerbaijani presidential archive of political documents; BOA/BCA: Ottoman/Republican archives)."""


@dataclass(frozen=True)
class WorkRef:
    """A cited work: ``authors`` and ``pages`` as printed (whitespace normalised)."""

    authors: str
    year: int
    pages: str | None
    year_suffix: str | None
    first_page: int | None = None
    last_page: int | None = None
    volume: str | None = None
    """The volume the citation names, as printed (``C. II``, ``Cilt 3``, ``Vol. 2``)."""


@dataclass(frozen=True)
class RecordRef:
    """An archival record: ``parts`` are (key, value) pairs, ``("K", "526")``; a bare collection
    code such as ATASE's ``A`` has the key ``""``."""

    archive: str
    shelfmark: str
    parts: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Citation:
    """One citation; ``[start, end)`` covers the parentheses (or, for an archival reference
    printed without them, the reference from the archive's name to its last part)."""

    start: int
    end: int
    text: str
    kind: Literal["work", "record"]
    refs: tuple[WorkRef | RecordRef, ...]


class KnownVariant(NamedTuple):
    """A printed work key that names the same work as ``canonical``."""

    canonical: str
    note: str


KNOWN_VARIANTS: dict[str, KnownVariant] = {
    "swietochhowski-1988": KnownVariant(
        "swietochowski-1988",
        "000 cites 'Swietochhowski, 1988: 212' and 'Swietochowski, 1988: 215': one work "
        "(Tadeusz Swietochowski), the first spelling is a misprint.",
    ),
    "agayey-ahmedov-2009": KnownVariant(
        "agayev-ahmedov-2009",
        "002 prints 'Ağayey & Ahmedov, 2009' throughout; the author's name is Ağayev "
        "(final v printed as y).",
    ),
}
"""Printed key -> canonical key. Nothing merges them silently; the pipeline may link them."""

_PAREN_RE = re.compile(r"\(([^()]*)\)")
_YEAR = r"(?P<year>1[5-9]\d\d|20\d\d)(?P<suffix>[a-z])?"
#: Pages as printed: one page or a range, maybe open ('45 vd.', ve devamı; '45 ff.').
_PAGES = r"(?P<pages>\d+(?:\s*[-–—]\s*\d+)?(?:\s+(?:vdd?|ff)\.?)?)"
#: A volume before the pages: '(Yüceer, 1996, C. II, s. 45)', 'Cilt 3', 'Vol. 2'.
_VOLUME = r"(?:\s*,\s*(?P<volume>(?:C|Cilt|Vol|vol)\.?\s*(?:[IVXLC]+|\d{1,2})))?"
#: Author and year, with a comma ('Kurat, 1990: 491') or without one before pages
#: ('Kurat 1990: 491'; without pages, 'Kars 1921' would be a place and a year).
_WORK_RE = re.compile(
    rf"^(?P<authors>[^\W\d_][^,;:()\d]*?)(?P<sep>\s*,\s*|\s+){_YEAR}{_VOLUME}"
    rf"(?:\s*(?::|,\s*(?:ss?|pp?)\.|,)\s*{_PAGES})?$"
)
_YEAR_PAGES_RE = re.compile(rf"^\s*{_YEAR}\s*(?::|,\s*(?:ss?|pp?)\.)\s*{_PAGES}\s*$")
_YEAR_ONLY_RE = re.compile(rf"^\s*{_YEAR}\s*$")
#: Words that open a reference inside a citation's parenthesis and are not part of it: 'bkz.'
#: (bakınız, see), 'bk.', 'krş.'/'karş.' (karşılaştırınız, compare), 'ayrıca' (also), 'see', 'cf.'.
_SEE_RE = re.compile(
    r"^\s*(?:(?:ayrıca|Ayrıca|also|Also)\s+)?(?:[Bb]kz|[Bb]k|[Kk]rş|[Kk]arş|[Ss]ee|[Cc]f)\.\s*"
)
_CAP = "A-ZÇĞİÖŞÜÂÎÛ"
_NAME = rf"[{_CAP}][^\W\d_]*(?:-[{_CAP}][^\W\d_]*)?"
_NARRATIVE_AUTHOR_RE = re.compile(
    rf"(?<![\w’'‘])(?P<authors>{_NAME}(?:(?:\s*,\s*{_NAME})*\s*(?:\s(?:ve|and)\s|&)\s*{_NAME})?"
    rf"(?:\s+vd\.)?)(?:\s+(?:Paşa|Bey|Efendi|Hanım|Ağa))?(?:[’'‘][a-zçğıöşü]+)?\s*$"
)
_ARCHIVE_RE = re.compile(
    r"^(?P<archive>[A-ZÇĞİÖŞÜ]{3,})(?:\s+Arşivi)?(?:\s*,\s*|\s+)(?P<rest>.+)$"
)
_PART_RE = re.compile(
    # K.526, F.43-5; and the abbreviations spelled in full case: Kls. 3825, Dos. 5, Göm. 4
    r"^(?:(?P<key>[A-Z]{1,3}|[A-ZÇĞİÖŞÜ][a-zçğıöşü]{1,5})\s*\.\s*(?P<value>\d[\d\s\-–/]*)"
    r"|(?P<name>[A-ZÇĞİÖŞÜ][a-zçğıöşü]+(?:\s+[A-ZÇĞİÖŞÜ][a-zçğıöşü]+)*)\s+(?P<number>\d+)"
    r"|(?P<code>[A-ZÇĞİÖŞÜ]{1,6}(?:\.[A-ZÇĞİÖŞÜ]{1,6})*)"
    r"|(?P<bare>\d+(?:[-–/.]\d+)*))$"
)
_DASH_RE = re.compile(r"\s*([-–—])\s*")
_WS_RE = re.compile(r"\s+")
_DASHES = str.maketrans({"–": "-", "—": "-"})


def _squash(s: str) -> str:
    return _DASH_RE.sub(r"\1", _WS_RE.sub(" ", s.strip()))


def _page_bounds(pages: str) -> tuple[int, int | None]:
    """First and last page; an open range ('45 vd.') has no last page."""
    pages, opened = re.subn(r"\s+(?:vdd?|ff)\.?$", "", pages)
    first, _, last = pages.translate(_DASHES).partition("-")
    if opened:
        return int(first), None
    if not last:
        return int(first), int(first)
    if len(last) < len(first) and int(last) < int(first):
        last = first[: len(first) - len(last)] + last
    return int(first), int(last)


def _parse_work(ref: str) -> WorkRef | None:
    m = _WORK_RE.match(ref)
    if m is None or ("," not in m.group("sep") and not m.group("pages")):
        return None
    return _work_ref(m.group("authors"), m)


def _work_ref(authors: str, m: re.Match[str]) -> WorkRef:
    """A work reference from ``authors`` and a match with groups year, suffix and pages."""
    pages = _squash(m.group("pages")) if m.groupdict().get("pages") else None
    first, last = _page_bounds(pages) if pages else (None, None)
    volume = m.groupdict().get("volume")
    return WorkRef(
        authors=_squash(authors),
        year=int(m.group("year")),
        pages=pages,
        year_suffix=m.group("suffix"),
        first_page=first,
        last_page=last,
        volume=_squash(volume) if volume else None,
    )


def _parse_record(ref: str) -> RecordRef | None:
    m = _ARCHIVE_RE.match(ref)
    if m is None or m.group("archive") not in ARCHIVES:
        return None
    parts: list[tuple[str, str]] = []
    for raw in m.group("rest").split(","):
        p = _PART_RE.match(_squash(raw))
        if p is None:
            return None
        if p.group("key"):
            parts.append((p.group("key"), _squash(p.group("value"))))
        elif p.group("name"):
            parts.append((p.group("name"), p.group("number")))
        elif p.group("code"):
            parts.append(("", p.group("code")))
        else:  # a bare number: BOA's dossier/shirt (123/45), BCA's place number (030.10.0.0)
            parts.append(("", _squash(p.group("bare"))))
    if not any(value[:1].isdigit() for _, value in parts):
        return None
    shelfmark = ", ".join(f"{k}.{v}" if len(k) <= 3 and k else f"{k} {v}".strip() for k, v in parts)
    return RecordRef(archive=m.group("archive"), shelfmark=shelfmark, parts=tuple(parts))


def parse_reference(ref: str) -> WorkRef | RecordRef | None:
    """Parse one reference (the inside of a citation, without parentheses).

    >>> parse_reference("Kurat, 1990: 491-492")
    WorkRef(authors='Kurat', year=1990, pages='491-492', year_suffix=None, first_page=491, \
last_page=492, volume=None)
    >>> parse_reference("ATASE A, K.526, D.369, F.43-5").parts
    (('', 'A'), ('K', '526'), ('D', '369'), ('F', '43-5'))
    >>> parse_reference("ATASE, BDH, Kls. 3825, Dos. 5, F. 12-3").shelfmark
    'BDH, Kls.3825, Dos.5, F.12-3'
    >>> parse_reference("Toydemir") is None
    True
    """
    ref = _WS_RE.sub(" ", ref.strip())
    return _parse_work(ref) or _parse_record(ref)


_BARE_ARCHIVE = re.compile(rf"(?<![\w(])(?:{'|'.join(sorted(ARCHIVES))})\b")
_BARE_END = re.compile(r"[;()]|\.\s+(?=\D)|\.?\s*$")


def _bare_records(text: str, taken: list[tuple[int, int]]) -> list[Citation]:
    """Archival references printed without parentheses (``bk. ATASE, A, K.3820, D.72, F.9.``):
    an archive's name, then at least two shelfmark parts, up to a ``;``, a parenthesis, a full
    stop before a word or the text's end; outside the parenthesised citations ``taken``."""
    found = []
    for m in _BARE_ARCHIVE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        end_m = _BARE_END.search(text, m.end())
        end = end_m.start() if end_m else len(text)
        ref = _parse_record(_WS_RE.sub(" ", text[m.start() : end].strip()))
        if ref is not None and len(ref.parts) >= 2:
            found.append(Citation(m.start(), end, text[m.start() : end], "record", (ref,)))
    return found


#: A work cited without parentheses after 'bkz.'/'bk.'/'krş.' (as notes print it: '1 Kars
#: halkının endişesi için bkz. Bayur, 1983: 515.'), up to the text's end, a ')' or a full stop
#: before a capital.
_BARE_SEE = re.compile(
    r"(?<![\w(])(?:(?:[Aa]yrıca)\s+)?(?:[Bb]kz|[Bb]k|[Kk]rş|[Kk]arş)\.\s*"
    r"(?P<refs>[^()]+?)(?=\.?\s*$|\.\s+(?=[A-ZÇĞİÖŞÜ])|\s*\))"
)


def _bare_works(text: str, taken: list[tuple[int, int]]) -> list[Citation]:
    """Works cited without parentheses after 'bkz.', 'bk.', 'krş.' (``bkz. Bayur, 1983:
    515``; several separated by ``;``, each of which must parse), outside ``taken``."""
    found = []
    for m in _BARE_SEE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        refs = [_parse_work(_WS_RE.sub(" ", r.strip())) for r in m.group("refs").split(";")]
        if refs and all(r is not None for r in refs):
            start, end = m.span("refs")
            found.append(Citation(start, end, text[start:end], "work",
                                  tuple(r for r in refs if r is not None)))
    return found


def _narrative(text: str, paren: re.Match[str], works_after: int | None) -> Citation | None:
    """The narrative citation ending with ``paren`` (a year and pages, or a year alone later
    than ``works_after``) in ``text``: its author named just before it, or None."""
    inner = _YEAR_PAGES_RE.match(paren.group(1))
    if inner is None and works_after is not None:
        inner = _YEAR_ONLY_RE.match(paren.group(1))
        if inner is not None and int(inner.group("year")) <= works_after:
            inner = None  # '3. Ordu Karargâhı (1909)', 'Kars Antlaşması (1921)': a date
    if inner is None:
        return None
    author = _NARRATIVE_AUTHOR_RE.search(text, 0, paren.start())
    if inner is None or author is None:
        return None
    ref = _work_ref(author.group("authors"), inner)
    start = author.start("authors")
    return Citation(start, paren.end(), text[start : paren.end()], "work", (ref,))


def unread_citations(text: str, *, works_after: int | None = None) -> list[tuple[int, int]]:
    """Parentheses of a year and pages (``(2003: 24)``, ``(2003, s. 24)``) that
    :func:`find_citations` does not read as part of a citation: no author is named before them.
    They are not dates either (:func:`tarihkg.text.dates.find_dates` skips them).

    >>> unread_citations("Bu çalışmada (2003: 24) ve Gökdemir’in (2003: 25) notunda.")
    [(13, 23)]
    """
    taken = [(c.start, c.end) for c in find_citations(text, works_after=works_after)]
    return [
        m.span()
        for m in _PAREN_RE.finditer(text)
        if _YEAR_PAGES_RE.match(m.group(1)) and not any(a <= m.start() < b for a, b in taken)
    ]


#: What a reference the parser cannot read looks like, inside a parenthesis: a capitalised
#: word, then a year and a page ('(ATASE, 1993, C. III, K. 1, s. 45)'), or an op. cit. form
#: ('(Kurat, a.g.e., s. 491)', '(İbid., s. 5)', '(Aynı eser, s. 12)').
_REFERENCE_LIKE = re.compile(
    r"[A-ZÇĞİÖŞÜ][^\W\d_]+.*?(?:(?<!\d)(?:1[5-9]\d\d|20\d\d)[a-z]?(?!\d).*?"
    r"(?:\bs{1,2}\.\s*\d|:\s*\d|\bpp?\.\s*\d)"
    r"|\ba\.\s?g\.\s?[emy]\.?|\bag[em]\b|\b[İI]bid\b|\b[Aa]ynı\s+eser)",
    re.S,
)


def unparsed_references(text: str, *, works_after: int | None = None) -> list[tuple[int, int]]:
    """Parentheses that read like a reference (a name, a year and a page; or an op. cit. form,
    'a.g.e.', 'İbid.', 'Aynı eser') in a form :func:`find_citations` does not read, and that
    are not :func:`unread_citations`' year and pages alone: check reports them, since the
    facts of their sentence take no citation from them. Not dates either.

    >>> t = "Ordu (ATASE, 1993, C. III, K. 1, s. 45) ve (Kurat, a.g.e., s. 491) (Kurat, 1990: 5)."
    >>> [t[a:b] for a, b in unparsed_references(t)]
    ['(ATASE, 1993, C. III, K. 1, s. 45)', '(Kurat, a.g.e., s. 491)']
    """
    taken = [(c.start, c.end) for c in find_citations(text, works_after=works_after)]
    return [
        m.span()
        for m in _PAREN_RE.finditer(text)
        if not any(a <= m.start() < b for a, b in taken)
        and not _YEAR_PAGES_RE.match(m.group(1))
        and _REFERENCE_LIKE.search(m.group(1))
    ]


def find_citations(text: str, *, works_after: int | None = None) -> list[Citation]:
    """All citations of ``text`` in order: parenthesised ones (a parenthesis may hold several
    references separated by ``;`` and counts only if every one of them parses; a reference may
    open with 'bkz.', 'bk.', 'krş.', 'ayrıca bkz.', 'see', 'cf.'), narrative ones
    (``Gökdemir’in (2003: 24)``: the author before a parenthesis of a year and pages), and
    archival references and works printed without parentheses, as footnotes cite
    (``bk. ATASE, A, K.3820``, ``bkz. Bayur, 1983: 515``).

    A name before a parenthesis of a year alone (``Gökdemir (2003)``, ``Gökdemir’in (2003)
    eserinde``) is a narrative citation of that work, with no pages, only where the year is
    later than ``works_after`` (the last year of the period the text is about): a year of the
    period or before it after a name is a date of the narrative ('3. Ordu Karargâhı (1909)',
    'Kars Antlaşması (1921)'). ``works_after=None``: none is read so.

    >>> [(c.text, c.refs[0].authors, c.refs[0].pages) for c in find_citations(
    ...     "Gökdemir’in (2003: 24) belirttiğine göre kuvvet azdı.")]
    [('Gökdemir’in (2003: 24)', 'Gökdemir', '24')]
    >>> [(c.text, c.refs[0].year, c.refs[0].pages) for c in find_citations(
    ...     "Gökdemir’in (2003) eserinde, 3. Ordu Karargâhı (1909)", works_after=1921)]
    [('Gökdemir’in (2003)', 2003, None)]
    """
    found: list[Citation] = []
    for m in _PAREN_RE.finditer(text):
        narrative = _narrative(text, m, works_after)
        if narrative is not None:
            found.append(narrative)
            continue
        refs = [parse_reference(_SEE_RE.sub("", r)) for r in m.group(1).split(";")]
        if not refs or any(r is None for r in refs):
            continue
        parsed = tuple(r for r in refs if r is not None)
        kind: Literal["work", "record"] = "record" if isinstance(parsed[0], RecordRef) else "work"
        if any(isinstance(r, RecordRef) != (kind == "record") for r in parsed):
            log.debug("mixed work and record references in %r", m.group())
        found.append(Citation(m.start(), m.end(), m.group(), kind, parsed))
    found += _bare_records(text, [(c.start, c.end) for c in found])
    found += _bare_works(text, [(c.start, c.end) for c in found])
    return sorted(found, key=lambda c: c.start)


def work_key(ref: WorkRef) -> str:
    """Stable key of a cited work: slug of authors + year (+ suffix), as printed.

    >>> work_key(WorkRef("Gafarov & Şükürov", 2017, "254", None))
    'gafarov-sukurov-2017'
    >>> work_key(WorkRef("Azerbaycan Cumhuriyeti Savunma Bakanlığı", 2018, None, "a"))
    'azerbaycan-cumhuriyeti-savunma-bakanligi-2018a'
    """
    return slugify(f"{ref.authors} {ref.year}{ref.year_suffix or ''}")


def record_key(ref: RecordRef) -> str:
    """Stable key of an archival record: archive and parts, each letter key glued to its value.

    >>> record_key(parse_reference("ATASE A, K.526, D.369, F.43-5"))
    'atase-a-k526-d369-f43-5'
    >>> record_key(parse_reference("QAPPODAR, F.277, L.2, B.2, Koruma Birimi 64, K.3"))
    'qappodar-f277-l2-b2-koruma-birimi-64-k3'

    ATASE's parts are abbreviated short or long (``K.3825`` or ``Kls. 3825``, Klasör; ``D.``
    or ``Dos.``, Dosya; ``F.`` or ``Fih.``, Fihrist; ``G.`` or ``Göm.``, Gömlek): one record.

    >>> record_key(parse_reference("ATASE, BDH, Kls. 3825, Dos. 5, F. 12-3"))
    'atase-bdh-k3825-d5-f12-3'
    """
    pieces = [ref.archive]
    for key, value in ref.parts:
        if ref.archive == "ATASE":
            key = _ATASE_PARTS.get(key, key)
        pieces.append(slugify(f"{key}{value}" if len(key) <= 3 else f"{key} {value}"))
    return slugify(" ".join(pieces))


#: ATASE's long abbreviations of its shelfmark parts -> the short ones (record_key).
_ATASE_PARTS = {"Kls": "K", "Dos": "D", "Fih": "F", "Göm": "G"}


_ENTRY = re.compile(r"(?P<author>[^,(]+)[,.]?[^()\d]*\(?(?P<year>\d{4})(?P<suffix>[a-z])?\b")


def _first_author(authors: str) -> str:
    first = re.split(r"\s*(?:&|,|\bve\b|\band\b|\bvd\b\.?|\bet al\b\.?)\s*", authors, maxsplit=1)[0]
    return slugify(first)


def full_reference(ref: WorkRef, entries: Sequence[str]) -> str | None:
    """The bibliography entry of a cited work: the one entry whose first author (the words
    before its first comma) and year (with its letter: ``2018a``) are the in-text citation's;
    None where no entry or several fit.

    >>> entries = ["Kaya, M. (2011). Kafkas Cephesinde 36. Tümen. İstanbul: Deneme.",
    ...            "Demir, S. (2016a). Ardahan 1918. Ankara: Örnek.",
    ...            "Demir, S. (2016b). Göle 1918. Ankara: Örnek."]
    >>> full_reference(WorkRef("Kaya", 2011, "12", None), entries)
    'Kaya, M. (2011). Kafkas Cephesinde 36. Tümen. İstanbul: Deneme.'
    >>> full_reference(WorkRef("Demir", 2016, None, "b"), entries)
    'Demir, S. (2016b). Göle 1918. Ankara: Örnek.'
    >>> full_reference(WorkRef("Demir", 2016, None, None), entries) is None  # two fit
    True
    >>> full_reference(WorkRef("Kaya & Demir", 2011, None, None), entries)[:4]
    'Kaya'
    """
    fits = []
    for entry in entries:
        m = _ENTRY.match(entry)
        if (
            m
            and _first_author(m.group("author")) == _first_author(ref.authors)
            and int(m.group("year")) == ref.year
            and (m.group("suffix") or None) in (ref.year_suffix, None)
        ):
            fits.append((m.group("suffix") == ref.year_suffix, entry))
    exact = [e for same, e in fits if same]
    chosen = exact if exact else [e for _, e in fits]
    return chosen[0] if len(chosen) == 1 else None
