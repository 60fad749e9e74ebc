"""True in time: the unit hierarchy is chained only within the time its links share
(`reason.temporal_closure`), and the two time checks (ontology/queries/*-violation.rq) pass on
the built graph and catch the old, time-blind closure put back into it."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, XSD

from tarihkg.iri import Minter
from tarihkg.namespaces import TKG
from tarihkg.reason import property_closure, temporal_closure

MINT = Minter()

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "ontology" / "queries"
TIME_CHECKS = ("unjustified-part-of-violation.rq", "inferred-statement-false-in-time-violation.rq")
ALAY_71 = MINT.resource("unit", "71-alay")
ORDU_3 = MINT.resource("unit", "3-ordu")
DOGU = MINT.resource("unit", "dogu-ordulari-grup-komutanligi")


def _span(g: Graph, name: str, earliest: str, latest: str) -> URIRef:
    node = MINT.resource("date", name)
    g.add((node, RDF.type, TKG.TimeSpan))
    g.add((node, TKG.earliest, Literal(f"{earliest}T00:00:00", datatype=XSD.dateTime)))
    g.add((node, TKG.latest, Literal(f"{latest}T23:59:59", datatype=XSD.dateTime)))
    return node


def _link(g: Graph, name: str, s: URIRef, o: URIRef, **time: URIRef) -> URIRef:
    claim = MINT.resource("claim", name)
    g.add((s, TKG.partOf, o))
    g.add((claim, RDF.type, TKG.Claim))
    g.add((claim, TKG.reviewStatus, TKG.reviewed))
    g.add((claim, TKG.claimSubject, s))
    g.add((claim, TKG.claimPredicate, TKG.partOf))
    g.add((claim, TKG.claimObject, o))
    for prop, span in time.items():
        g.add((claim, TKG[prop], span))
    return claim


def test_chain_is_inferred_within_the_shared_time(ontology_graph: Graph) -> None:
    g = Graph()
    summer = _span(g, "1918-06-01_1918-09-20", "1918-06-01", "1918-09-20")
    sept = _span(g, "1918-09", "1918-09-01", "1918-09-30")
    regiment, division, army = (MINT.resource("unit", u) for u in ("r", "d", "a"))
    c1 = _link(g, "c1", regiment, division, validFrom=summer, validUntil=summer)
    c2 = _link(g, "c2", division, army, date=sept)
    out = temporal_closure(g, ontology=ontology_graph, minter=Minter())
    assert (regiment, TKG.partOf, army) in out and (army, TKG.hasPart, regiment) in out
    (st,) = out.subjects(RDF.type, TKG.InferredStatement)
    assert set(out.objects(st, PROV.wasDerivedFrom)) == {c1, c2}
    assert out.value(st, TKG.validFrom) == sept and out.value(st, TKG.validUntil) == summer


def test_regiment_of_1910_is_not_inside_the_army_group_of_1918(ontology_graph: Graph) -> None:
    """The bug: 'partOf' was transitive, so the 71st Regiment (3rd Army, 1910) was put inside
    the Eastern Armies Group (which the 3rd Army joined in 1918)."""
    g = Graph()
    _link(g, "f-71", ALAY_71, ORDU_3, date=_span(g, "1910", "1910-01-01", "1910-12-31"))
    _link(g, "f-3", ORDU_3, DOGU, date=_span(g, "1918", "1918-01-01", "1918-12-31"))
    assert (TKG.partOf, RDF.type, OWL.TransitiveProperty) not in ontology_graph
    assert (ALAY_71, TKG.partOf, DOGU) not in property_closure(g, ontology=ontology_graph)
    assert len(temporal_closure(g, ontology=ontology_graph, minter=Minter())) == 0


def test_undated_links_are_not_chained(ontology_graph: Graph) -> None:
    g = Graph()
    _link(g, "u1", ALAY_71, ORDU_3)
    _link(g, "u2", ORDU_3, DOGU, date=_span(g, "1918", "1918-01-01", "1918-12-31"))
    assert len(temporal_closure(g, ontology=ontology_graph, minter=Minter())) == 0


@pytest.fixture(scope="module")
def built_union(built_dataset: Dataset) -> Graph:
    """What the endpoint serves as its default graph: every named graph but graph/candidates."""
    union = Graph()
    for s, p, o, g in built_dataset.quads((None, None, None, None)):
        if not str(g).endswith("/graph/candidates"):
            union.add((s, p, o))
    return union


@pytest.mark.parametrize("name", TIME_CHECKS)
def test_time_checks_pass_on_the_built_graph(built_union: Graph, name: str) -> None:
    rows = list(built_union.query((QUERIES / name).read_text(encoding="utf-8")))
    assert rows == []


def test_time_checks_catch_the_old_closure_in_the_built_graph(
    built_union: Graph, ontology_graph: Graph
) -> None:
    """The built graph with the closure the reasoner used to materialise (partOf transitive)."""
    transitive = Graph()
    transitive += ontology_graph
    transitive.add((TKG.partOf, RDF.type, OWL.TransitiveProperty))
    bad = Graph()
    bad += built_union
    bad += property_closure(built_union, ontology=transitive)
    assert (ALAY_71, TKG.partOf, DOGU) in bad
    query = (QUERIES / "unjustified-part-of-violation.rq").read_text(encoding="utf-8")
    flagged = {(row[0], row[1]) for row in bad.query(query)}  # type: ignore[index]
    assert (ALAY_71, DOGU) in flagged


def test_from_and_until_are_checked_qualifiers_of_held_facts() -> None:
    from tarihkg.factspec import check_fact_fields

    fact = {"id": "f-1", "subject": "a", "property": "partOf", "object": "b"}
    assert check_fact_fields({**fact, "from": "1918-06", "until": "1918-09-15"}) == []
    assert check_fact_fields({**fact, "until": "15 Eylül"}) == [
        "until '15 Eylül' is not EDTF (1918-06-07, 1918-06, 1918, a/b)"
    ]
    dated = {"id": "f-2", "subject": "e", "property": "date", "date": "1918", "from": "1917"}
    assert any("unknown field 'from'" in p for p in check_fact_fields(dated))


def test_a_membership_held_until_a_date_is_stated_so(built_union: Graph) -> None:
    """"Vehip Paşa’nın Kafkas Ordusuna veda telgrafı 28 Haziran 1918 tarihlidir": he belonged to
    the army until 28 June 1918, not on that day only."""
    claim = MINT.resource("claim", "f-000-505-vehip-member-of-kafkas-ordusu")
    until = built_union.value(claim, TKG.validUntil)
    assert until is not None and built_union.value(claim, TKG.date) is None
    assert str(built_union.value(until, TKG.edtf)) == "1918-06-28"
