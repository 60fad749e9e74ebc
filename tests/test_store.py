"""The store: open a built dataset, count it, the union default graph, updates refused, and
build_store's atomic replace."""

from __future__ import annotations

import shutil
import time
import unicodedata
from collections import Counter
from pathlib import Path

import pyoxigraph
import pytest
from helpers import DUPLICATED
from rdflib import Dataset

from tarihkg.errors import InputError
from tarihkg.names import BASE
from tarihkg.store import (
    QueryRefusedError,
    QuerySyntaxError,
    UpdateRefusedError,
    build_store,
    find_dataset,
    open_store,
)

SAMPLE = Path(__file__).resolve().parent / "data" / "server" / "sample.nq"
B = BASE
TKG = B + "ontology#"
CURATION = B + "graph/curation"
G000 = B + "graph/000_539a70a237dcfef4"
G002 = B + "graph/002_afd972166be37c54"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _reference() -> Dataset:
    ds = Dataset(default_union=True)
    ds.parse(SAMPLE, format="nquads")
    return ds


REF = _reference()
SIZES = {str(g.identifier): len(g) for g in REF.graphs() if len(g)}


def count(store, query: str = COUNT, **options) -> int:
    return int(store.query(query, **options).rows()[0]["n"])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("built")
    shutil.copy(SAMPLE, root / "tarihkg.nq")
    build_store(root / "tarihkg.nq", root / "store")
    return root


@pytest.fixture(scope="module", params=["on-disk", "in-memory",
                                        pytest.param("virtuoso", marks=pytest.mark.virtuoso)])
def store(request, built: Path, tmp_path_factory: pytest.TempPathFactory):
    if request.param == "on-disk":
        return open_store(built)
    if request.param == "virtuoso":  # the sample, loaded by `tarihkg load` (conftest.py)
        return open_store(request.getfixturevalue("virtuoso").store_url)
    only_nq = tmp_path_factory.mktemp("nq-only")
    shutil.copy(SAMPLE, only_nq / "tarihkg.nq")
    return open_store(only_nq)


def test_counts_and_graphs(store) -> None:
    assert store.triple_count() == len(SAMPLE.read_text(encoding="utf-8").splitlines())
    assert store.graphs() == sorted([CURATION, G000, G002])


def test_default_graph_is_the_union(store) -> None:
    distinct = len(set(REF.triples((None, None, None))))
    assert count(store) == distinct
    # a join across graphs: the unit's type is in graph/curation, its commander claim in 002
    joined = store.query(
        f"SELECT ?c WHERE {{ ?u a <{TKG}MilitaryUnit> ; <{TKG}commander> ?c ."
        f" ?claim <{TKG}claimSubject> ?u ; <{TKG}claimObject> ?c }}"
    ).rows()
    assert {r["c"] for r in joined} == {B + "resource/person/nuri-pasa",
                                        B + "resource/person/mursel-pasa"}


def test_union_can_be_switched_off_and_graphs_chosen(store) -> None:
    assert count(store, default_graph_union=False) == 0  # nothing in the real default graph
    assert count(store, default_graphs=[CURATION]) == SIZES[CURATION]
    named = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                        named_graphs=[G002]).rows()
    assert [r["g"] for r in named] == [G002]


def test_a_query_naming_its_dataset_is_respected(store) -> None:
    assert count(store, f"SELECT (COUNT(*) AS ?n) FROM <{G000}> WHERE {{ ?s ?p ?o }}") \
        == SIZES[G000]
    # FROM NAMED alone: the default graph is empty, per SPARQL 1.1 §13.2
    assert count(store, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{G000}> WHERE {{ ?s ?p ?o }}") == 0


@pytest.mark.parametrize("update", [
    f'INSERT DATA {{ <{B}x> <{B}p> "1" }}',
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://192.0.2.1/unreachable.ttl>",
    "CLEAR ALL",
    f"DROP GRAPH <{CURATION}>",
    "CREATE GRAPH <http://example.org/g>",
    f"WITH <{CURATION}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
])
def test_updates_are_refused_and_change_nothing(store, update: str) -> None:
    before = store.triple_count()
    started = time.monotonic()
    with pytest.raises(UpdateRefusedError):
        store.query(update)
    assert time.monotonic() - started < 2  # LOAD is refused, not attempted
    assert count(store, default_graph_union=True) == len(set(REF.triples((None, None, None))))
    assert store.triple_count() == before


def test_malformed_query_reports_the_position(store) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        store.query("SELECT ?s\nWHERE { ?s ?p }")
    assert "2:" in info.value.message
    with pytest.raises(QuerySyntaxError):
        store.query("INSERT DATA { <x> }")  # neither a query nor a well-formed update


@pytest.mark.parametrize("query", [
    "ASK { SERVICE <http://192.0.2.1/sparql> { ?s ?p ?o } }",
    "SELECT * { ?s ?p ?o OPTIONAL { { SELECT ?s { SERVICE SILENT <http://192.0.2.1/> {"
    " ?s ?p ?o } } } } }",
])
def test_federated_service_is_refused(store, query: str) -> None:
    started = time.monotonic()
    with pytest.raises(QueryRefusedError):
        store.query(query)
    assert time.monotonic() - started < 2


def test_bad_graph_iri_is_input_error(store) -> None:
    with pytest.raises(InputError) as info:
        store.query(COUNT, default_graphs=["not an iri"])
    assert info.value.iri == "not an iri"


def test_results_serialize_and_refuse_wrong_formats(store) -> None:
    from tarihkg.formats import by_name

    result = store.query(f"ASK {{ ?u <{TKG}partOf>+ <{B}resource/unit/kafkas-islam-ordusu> }}")
    assert result.boolean is True
    select = store.query(COUNT)
    with pytest.raises(ValueError):
        select.serialize(by_name("ttl"))


def test_open_store_without_a_dataset(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        open_store(tmp_path)
    assert info.value.path == str(tmp_path)
    (tmp_path / "tarihkg.nq").write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(InputError):
        open_store(tmp_path)


def test_open_store_prefers_the_store_dir(built: Path) -> None:
    assert find_dataset(built) == built / "store"
    assert open_store(built).location == built / "store"


def test_build_store_replaces_atomically(tmp_path: Path) -> None:
    target = tmp_path / "store"
    small = tmp_path / "small.nq"
    small.write_text(f'<{B}x> <{B}p> "1" <{CURATION}> .\n', encoding="utf-8")
    assert build_store(small, target) == 1
    (target / "MARKER").write_text("old", encoding="utf-8")
    assert build_store(SAMPLE, target) == len(SAMPLE.read_text(encoding="utf-8").splitlines())
    assert not (target / "MARKER").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small.nq", "store"]  # no leftovers
    assert open_store(tmp_path).triple_count() == SIZES[CURATION] + SIZES[G000] + SIZES[G002]


def test_built_store_keeps_no_spent_write_ahead_log(tmp_path: Path) -> None:
    """The default graph is written by an update after the bulk load, through the engine's
    write-ahead log, which the engine keeps for reuse once flushed (on the 1M bench graph:
    400 MB of an 802 MB store; 19.6 of 35 MB on the build). The store written is its live
    files only, and answers the same."""
    build_store(SAMPLE, tmp_path / "store")
    logs = sum(p.stat().st_size for p in (tmp_path / "store").glob("*.log"))
    assert logs < 4096, logs
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]  # no leftovers
    store = open_store(tmp_path)
    assert store.triple_count() == SIZES[CURATION] + SIZES[G000] + SIZES[G002]
    assert store.graphs() == sorted([CURATION, G000, G002])


def test_failed_build_keeps_the_previous_store(tmp_path: Path) -> None:
    target = tmp_path / "store"
    build_store(SAMPLE, target)
    broken = tmp_path / "broken.nq"
    broken.write_text(f"<{B}x> <{B}p> .\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        build_store(broken, target)
    assert info.value.path == str(broken)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.nq", "store"]
    assert open_store(tmp_path).graphs() == sorted([CURATION, G000, G002])


def test_sample_offsets_point_at_the_printed_words(raw_sources: dict[str, str]) -> None:
    """The hand-made sample is honest: every span's offsets cut its text out of the source."""
    spans = REF.query(f"""
        SELECT ?span ?source ?start ?end ?text WHERE {{
          ?span <{TKG}inSource> ?doc ; <{TKG}startOffset> ?start ; <{TKG}endOffset> ?end ;
                <{TKG}text> ?text .
          BIND(STRAFTER(STR(?doc), "resource/source/") AS ?source)
        }}""")
    checked = 0
    for span, source, start, end, text in spans:
        printed = raw_sources[str(source)][int(start):int(end)]
        assert unicodedata.normalize("NFC", " ".join(printed.split())) == str(text), span
        assert str(span).endswith(f"/{start}-{end}") or "/footnote/" in str(span)
        checked += 1
    assert checked == 12 + 1 + 5  # sentences, the footnote, the in-text citations


@pytest.mark.parametrize("query", [
    "ASK { \\u0053ERVICE <http://192.0.2.1/sparql> { ?s ?p ?o } }",
    "ASK { \\U00000053ERVICE <http://192.0.2.1/sparql> { ?s ?p ?o } }",
    "ASK { # a comment }\n service <http://192.0.2.1/sparql> { ?s ?p ?o } }",
    "ASK { ?s ?p 1SERVICE <http://192.0.2.1/sparql> { ?s ?p ?o } }",
    "ASK { \u017fERVICE <http://192.0.2.1/sparql> { ?s ?p ?o } }",
    'ASK { ?s ?p "a\\u0022 . SERVICE <http://192.0.2.1/sparql> { ?s ?p ?o } #" }',
    "PREFIX s: <http://192.0.2.1/> ASK { SERVICE s: { ?s ?p ?o } }",
])
def test_disguised_service_never_runs(store, query: str) -> None:
    """Escapes, comments, case and glued tokens do not hide SERVICE from the check."""
    started = time.monotonic()
    with pytest.raises((QueryRefusedError, QuerySyntaxError)):
        store.query(query)
    assert time.monotonic() - started < 2  # refused, not attempted against the unroutable host


def test_from_is_read_from_the_parse() -> None:
    from tarihkg.store import inspect_query

    assert inspect_query(f"SELECT * FROM <{CURATION}> {{ ?s ?p ?o }}").from_graphs == (CURATION,)
    assert inspect_query("PREFIX : <urn:> SELECT * FROM:g { ?s ?p ?o }").from_graphs == ("urn:g",)
    assert inspect_query("SELECT ?from { ?from <urn:from> 'from' } # from") == inspect_query(
        "SELECT * { ?s ?p ?o }")




@pytest.mark.parametrize("where", ["on-disk", "in-memory"])
def test_default_graph_is_a_set_without_candidates(tmp_path: Path, where: str) -> None:
    """CONTRACTS.md 2: a triple stated in two graphs is one triple of the default graph, and
    graph/candidates is not in it (but stays queryable by name)."""
    (tmp_path / "tarihkg.nq").write_text(DUPLICATED, encoding="utf-8")
    if where == "on-disk":
        assert build_store(tmp_path / "tarihkg.nq", tmp_path / "store") == 4
    store = open_store(tmp_path)
    assert count(store) == 2
    assert count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{TKG}candidate> ?o }}") == 0
    assert count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{B}graph/candidates> "
                        "{ ?s ?p ?o } }") == 1
    assert count(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }") == 4
    assert store.triple_count() == 4
    assert store.graphs() == sorted([G000, G002, B + "graph/candidates"])



LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_TYPED = """?s ?p ?o FILTER(isLiteral(?o) && LANG(?o) = "")
  BIND(IF(isBlank(?s), "_:", STR(?s)) AS ?sk) BIND(STR(DATATYPE(?o)) AS ?dt)"""


def _dump_datatypes(nq: Path) -> Counter[tuple[str, str, str, str]]:
    """(graph, subject, predicate, datatype) of every typed literal in the N-Quads, counted;
    every blank subject is "_:" (its label is the parser's)."""
    out: Counter[tuple[str, str, str, str]] = Counter()
    for quad in pyoxigraph.parse(path=str(nq), format=pyoxigraph.RdfFormat.N_QUADS):
        o, s = quad.object, quad.subject
        if isinstance(o, pyoxigraph.Literal) and o.datatype.value != LANG_STRING:
            key = "_:" if isinstance(s, pyoxigraph.BlankNode) else s.value
            out[(quad.graph_name.value, key, quad.predicate.value, o.datatype.value)] += 1
    return out


def _assert_store_keeps_datatypes(dataset: Path) -> None:
    """The store opened on ``dataset`` answers every typed literal of its N-Quads with the
    datatype the N-Quads give it, in GRAPH ?g and in the default graph."""
    dump = _dump_datatypes(dataset / "tarihkg.nq")
    store = open_store(dataset)
    named = Counter((r["g"], r["sk"], r["p"], r["dt"]) for r in store.query(
        f"SELECT ?g ?sk ?p ?dt WHERE {{ GRAPH ?g {{ {_TYPED} }} }}").rows())
    assert named == dump
    in_dump = {key[1:] for key in dump}
    default = {(r["sk"], r["p"], r["dt"]) for r in store.query(
        f"SELECT ?sk ?p ?dt WHERE {{ {_TYPED} }}").rows()}
    assert default and default <= in_dump, sorted(default - in_dump)[:5]


def test_store_keeps_every_literal_datatype_of_the_sample(built: Path) -> None:
    _assert_store_keeps_datatypes(built)


def test_store_keeps_every_literal_datatype_of_the_build(build_dir: Path) -> None:
    _assert_store_keeps_datatypes(build_dir)
