"""The fact specification (src/tarihkg/factspec.py) -> the loader's checks, the JSON Schema and
the docs table agree with it and with each other; the real facts files follow it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from rdflib import OWL, RDF, Graph, URIRef

from tarihkg.curation import read_facts
from tarihkg.factspec import (
    DOCS_FILE,
    PROPERTIES,
    SCHEMA_FILE,
    SPEC,
    docs_with_table,
    json_schema,
    schema_text,
)
from tarihkg.namespaces import TKG

ROOT = Path(__file__).resolve().parent.parent
FACTS = ROOT / "data" / "curation" / "facts"
MODELINE = "# yaml-language-server: $schema=../facts.schema.json"


def test_committed_schema_and_docs_table_are_generated_from_the_spec() -> None:
    """Run `python -m tarihkg.factspec` after changing the spec."""
    assert (ROOT / SCHEMA_FILE).read_text(encoding="utf-8") == schema_text()
    doc = (ROOT / DOCS_FILE).read_text(encoding="utf-8")
    assert doc == docs_with_table(doc)


def test_every_term_the_spec_maps_to_is_in_the_ontology(ontology_graph: Graph) -> None:
    declared = {
        str(s)
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.Class)
        for s in ontology_graph.subjects(RDF.type, kind)
    }
    terms = set()
    for spec in PROPERTIES:
        if spec.structure is None:
            terms.add(spec.name)
        else:
            terms |= {spec.structure.node_class, spec.structure.link}
            terms |= {p.predicate for p in spec.structure.parts}
    missing = sorted(t for t in terms if str(URIRef(TKG[t])) not in declared)
    assert not missing


def _plain(node: Any) -> Any:
    """YAML as loaded by the line-recording loader, without its `__line__` keys."""
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items() if k != "__line__"}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


@pytest.mark.parametrize("name", ["000.yaml", "002.yaml"])
def test_real_facts_files_follow_the_schema_and_name_it(name: str) -> None:
    path = FACTS / name
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == MODELINE
    data = yaml.safe_load(text)
    jsonschema.validate(data, json.loads((ROOT / SCHEMA_FILE).read_text(encoding="utf-8")))
    facts, problems = read_facts(FACTS)
    assert not problems
    assert {f.property for f in facts} <= set(SPEC)


GROUP = "- source: s\n  sentence: some words\n  facts:\n"

# (fact in flow style, what the loader says): each must be refused by the loader AND the schema.
BAD_FACTS = [
    ("{id: f1, subject: a, property: partOf, value: b}", "'partOf' takes 'object', not 'value'"),
    ("{id: f1, subject: a, property: brotherOf, object: b}", "unknown property 'brotherOf'"),
    ("{id: f1, subject: a, property: partOf, object: b, date: 7 Haziran}", "is not EDTF"),
    ("{id: f1, subject: a, property: partOf, object: b, colour: red}", "unknown field 'colour'"),
    ("{id: F_1, subject: a, property: partOf, object: b}", "is not a slug"),
    ("{id: f1, subject: a, property: date}", "'date' needs 'date'"),
    ("{id: f1, subject: a, property: strength, value: {soldiers: -3}}", "whole number >= 0"),
    ("{id: f1, subject: a, property: strength, value: {horses: 3}}", "unknown field 'horses'"),
    ("{id: f1, subject: a, property: article, value: 4}", "needs a mapping value"),
    ("{id: f1, subject: a, property: holdsRole, value: 3}", "'value' must be text"),
    ("{id: f1, subject: a, property: partOf, object: b, mention_check: false}", "needs a note"),
    (
        "{id: f1, subject: a, property: quantity, value: {kind: money, amount: 19000}}",
        "quantity.kind 'money': write a 'money' fact instead",
    ),
]


@pytest.mark.parametrize(("fact", "message"), BAD_FACTS)
def test_loader_and_schema_refuse_the_same_bad_fact(
    tmp_path: Path, fact: str, message: str
) -> None:
    (tmp_path / "f.yaml").write_text(GROUP + f"    - {fact}\n", encoding="utf-8")
    _, problems = read_facts(tmp_path)
    assert [p.line for p in problems] == [4]
    assert message in problems[0].message
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(yaml.safe_load(GROUP + f"    - {fact}\n"), json_schema())


def test_every_problem_of_a_file_is_reported_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        GROUP
        + "    - {id: f1, subject: a, property: partOf}\n"
        + "    - {id: f2, subject: a, property: partOf, object: b}\n"
        + "    - {id: f1, subject: a, property: partOf, object: c}\n"
        + "- source: s\n  facts: []\n",
        encoding="utf-8",
    )
    (tmp_path / "b.yaml").write_text("- {id: f3\n", encoding="utf-8")
    _, problems = read_facts(tmp_path)
    where = [(Path(p.path or "").name, p.line) for p in problems]
    assert where == [("a.yaml", 4), ("a.yaml", 6), ("a.yaml", 7), ("a.yaml", 7), ("b.yaml", 2)]
    text = " | ".join(p.message for p in problems)
    assert "needs 'object'" in text and "f1: duplicate fact id" in text
    assert "lacks 'sentence'" in text and "non-empty list" in text and "YAML syntax" in text


@pytest.mark.parametrize("text", ["", "# nothing yet\n", "\n\n# still nothing\n"])
def test_an_empty_or_comment_only_facts_file_is_an_error(tmp_path: Path, text: str) -> None:
    (tmp_path / "003.yaml").write_text(text, encoding="utf-8")
    _, problems = read_facts(tmp_path)
    assert len(problems) == 1 and problems[0].line == 1
    assert "write `[]`" in problems[0].message


def test_an_explicitly_empty_list_means_no_facts_yet(tmp_path: Path) -> None:
    (tmp_path / "003.yaml").write_text(MODELINE + "\n[]\n", encoding="utf-8")
    assert read_facts(tmp_path) == ([], [])


def test_absurdly_nested_yaml_is_refused_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "f.yaml").write_text(
        GROUP + "    - {id: f1, subject: a, property: partOf, object: b}\n"
        "- " + "[" * 3000 + "]" * 3000 + "\n",
        encoding="utf-8",
    )
    _, problems = read_facts(tmp_path)
    assert len(problems) == 1
    assert problems[0].line == 5 and "nested more than" in problems[0].message


QUALIFIED = """\
- source: 002_afd972166be37c54
  sentence: "25 Aralık 1918 yılında General Mehmandarov savunma bakanı olarak atanmış"
  facts:
    - id: f-t-mehmandarov-minister
      subject: mehmandarov
      property: holdsRole
      value: savunma bakanı
      from: "1918-12-25"
      from_wording: 25 Aralık 1918 yılında
      cited: [1]
- source: 002_afd972166be37c54
  sentence: "Enver Paşa bu ordunun kumandanlığına kendi kardeşi olan Nuri Paşa’yı tayin etti"
  facts:
    - id: f-t-enver-appoints
      subject: nuri-pasanin-kafkas-islam-ordusu-komutanligina-tayini
      property: participant
      object: enver-pasa
      side: osmanli-devleti
      role: tayin eden
    - id: f-t-army-men
      subject: kafkas-islam-ordusu
      mentioned_as: {subject: bu ordunun}
      property: quantity
      value: {kind: men, amount: 1500.5, unit: asker}
      cited: []
"""


def test_qualifiers_and_structured_values_become_what_the_spec_says(tmp_path: Path) -> None:
    """from/until time spans, side, role and a quantity node, as factspec maps them."""
    from helpers import copy_project
    from rdflib import Literal, Namespace
    from rdflib.namespace import XSD

    from tarihkg.pipeline import extract_stage, rdfize_stage
    from tarihkg.project import Project

    project = Project(copy_project(tmp_path))
    (project.facts_dir / "zz-q.yaml").write_text(MODELINE + "\n" + QUALIFIED, encoding="utf-8")
    jsonschema.validate(yaml.safe_load(QUALIFIED), json_schema())
    ds = rdfize_stage(project, extract_stage(project))
    def has(*triple: object) -> bool:
        return any(True for _ in ds.quads((*triple, None)))  # type: ignore[arg-type]

    r = Namespace("https://w3id.org/tarihkg/resource/")
    claim = r["claim/f-t-mehmandarov-minister"]
    start = r["date/claim-f-t-mehmandarov-minister-from"]
    assert has(claim, TKG.validFrom, start)
    assert has(start, TKG.edtf, Literal("1918-12-25"))
    assert has(start, TKG.originalWording, Literal("25 Aralık 1918 yılında", lang="tr"))
    assert len({o for _, _, o, _ in ds.quads((claim, TKG.supportedBy, None, None))}) == 1
    claim = r["claim/f-t-enver-appoints"]
    assert has(claim, TKG.side, r["polity/osmanli-devleti"])
    assert has(claim, TKG.inRole, Literal("tayin eden", lang="tr"))
    # the sentence's own citation backs the appointment, not the fact whose reviewer wrote []
    assert has(claim, TKG.supportedBy, None)
    assert not has(r["claim/f-t-army-men"], TKG.supportedBy, None)
    node = r["quantity/f-t-army-men"]
    assert has(r["unit/kafkas-islam-ordusu"], TKG.quantity, node)
    assert has(node, TKG.quantityAmount, Literal("1500.5", datatype=XSD.decimal))
    from tarihkg.rdfize import _decimal
    # canonical, as a store gives it back: the dump and the endpoint print the same literal
    assert [_decimal(v) for v in (15.0, 3.5, 19000, "0.50", 1e-3)] == ["15", "3.5", "19000", "0.5", "0.001"]
    assert has(node, TKG.quantityKind, Literal("men"))
    assert has(node, TKG.unitOfMeasure, Literal("asker", lang="tr"))


def test_a_side_of_the_wrong_class_and_a_wording_not_in_the_sentence_are_refused(
    tmp_path: Path,
) -> None:
    from helpers import copy_project

    from tarihkg.annotate import check_anchors
    from tarihkg.pipeline import extract_stage
    from tarihkg.project import Project

    project = Project(copy_project(tmp_path))
    bad = QUALIFIED.replace("side: osmanli-devleti", "side: baku").replace(
        "from_wording: 25 Aralık 1918 yılında", "from_wording: 26 Aralık"
    ).replace('from: "1918-12-25"', 'from: "1918-12-26"')  # the date its wording reads
    (project.facts_dir / "zz-q.yaml").write_text(bad, encoding="utf-8")
    inputs = extract_stage(project)
    facts, problems = read_facts(project.facts_dir)
    assert not problems
    _, problems = check_anchors(facts, inputs.sources, inputs.registry)
    messages = sorted((p.line, p.message) for p in problems)
    assert messages == [
        (4, "fact f-t-mehmandarov-minister: from_wording '26 Aralık' is not in its sentence"),
        (14, "fact f-t-enver-appoints: side 'baku' is a Place; 'participant' takes "
         "Organization or Polity (docs/model.md)"),
    ]


VESSEL_AND_PLACE = """\
- source: 002_afd972166be37c54
  sentence: "Kars ve Ardahan adlı 2 deniz gambota bulunuyor"
  facts:
    - id: f-t-kars-in-service
      subject: kars-gambotu
      property: inServiceOf
      object: azerbaycan-milli-ordusu
      mentioned_as: {object: orduda}
- source: 002_afd972166be37c54
  sentence: "O yıllarda Gence, 55–60 bin nüfusuyla"
  facts:
    - id: f-t-gence-population
      subject: gence
      property: quantity
      value: {kind: population, amount: 55000, unit: nüfus}
"""


def test_a_vessel_serves_an_army_and_a_place_has_a_population(tmp_path: Path) -> None:
    """`inServiceOf` (a named vessel -> the army it belonged to) and a `quantity` of a place
    become their triples; a person cannot be `inServiceOf`, a vessel not `memberOf`."""
    from helpers import copy_project
    from rdflib import Literal, Namespace
    from rdflib.namespace import XSD

    from tarihkg.annotate import check_anchors
    from tarihkg.pipeline import extract_stage, rdfize_stage
    from tarihkg.project import Project

    project = Project(copy_project(tmp_path))
    path = project.facts_dir / "zz-v.yaml"
    path.write_text(MODELINE + "\n" + VESSEL_AND_PLACE, encoding="utf-8")
    jsonschema.validate(yaml.safe_load(VESSEL_AND_PLACE), json_schema())
    inputs = extract_stage(project)
    ds = rdfize_stage(project, inputs)
    def has(*triple: object) -> bool:
        return any(True for _ in ds.quads((*triple, None)))  # type: ignore[arg-type]

    r = Namespace("https://w3id.org/tarihkg/resource/")
    assert has(r["vessel/kars-gambotu"], TKG.inServiceOf, r["unit/azerbaycan-milli-ordusu"])
    node = r["quantity/f-t-gence-population"]
    assert has(r["place/gence"], TKG.quantity, node)
    assert has(node, TKG.quantityAmount, Literal("55000", datatype=XSD.decimal))

    swapped = (
        VESSEL_AND_PLACE.replace("subject: kars-gambotu", "subject: nuri-pasa", 1)
        .replace("subject: gence", "subject: kars-gambotu", 1)
        .replace("property: quantity", "property: memberOf", 1)
        .replace("value: {kind: population, amount: 55000, unit: nüfus}", "object: gence", 1)
    )
    path.write_text(swapped, encoding="utf-8")
    facts, problems = read_facts(project.facts_dir)
    assert not problems
    _, problems = check_anchors(facts, inputs.sources, inputs.registry)
    messages = [p.message for p in problems if p.path and Path(p.path).name == "zz-v.yaml"]
    assert any("f-t-kars-in-service" in m and "Person" in m for m in messages), messages
    assert any("f-t-gence-population" in m and "Vessel" in m for m in messages), messages


CAUSE = """\
- source: 000_539a70a237dcfef4
  sentence: >-
    Seym temsilcilerinin, Türk tarafının kabul etmeyeceği tekliflerle Trabzon’a gelmiş olması
    neticesinde, yapılan müzakerelerden olumlu bir sonuç alınamamıştır
  facts:
    - id: f-t-trabzon-cause
      subject: trabzon-gorusmeleri
      mentioned_as: {subject: yapılan müzakerelerden}
      property: cause
      value: "Seym temsilcilerinin, Türk tarafının kabul etmeyeceği tekliflerle Trabzon’a gelmiş olması"
    - id: f-t-trabzon-outcome
      subject: trabzon-gorusmeleri
      mentioned_as: {subject: yapılan müzakerelerden}
      property: outcome
      value: olumlu bir sonuç alınamadı
"""


def _facts_file(tmp_path: Path, text: str) -> Any:
    """A copy of the project with one more facts file holding ``text`` (schema-valid)."""
    from helpers import copy_project

    from tarihkg.project import Project

    jsonschema.validate(yaml.safe_load(text), json_schema())
    project = Project(copy_project(tmp_path))
    (project.facts_dir / "zz-test.yaml").write_text(text, encoding="utf-8")
    return project


def _objects(project: Any, subject: str, predicate: URIRef) -> set[Any]:
    """What the rdfized ``project`` says ``subject`` (a resource path) ``predicate``, any graph."""
    from rdflib import Namespace

    from tarihkg.pipeline import extract_stage, rdfize_stage

    ds = rdfize_stage(project, extract_stage(project))
    node = Namespace("https://w3id.org/tarihkg/resource/")[subject]
    return {o for _, _, o, _ in ds.quads((node, predicate, None, None))}


def _problems(project: Any, text: str) -> list[Any]:
    """The loader's problems with ``text`` as the test facts file, else the anchoring's."""
    from tarihkg.annotate import check_anchors
    from tarihkg.pipeline import extract_stage

    (project.facts_dir / "zz-test.yaml").write_text(text, encoding="utf-8")
    inputs = extract_stage(project)
    facts, problems = read_facts(project.facts_dir)
    if problems:
        return list(problems)
    return list(check_anchors(facts, inputs.sources, inputs.registry)[1])


def test_a_cause_is_kept_apart_from_the_outcome(tmp_path: Path) -> None:
    """'… neticesinde' gives what brought the talks' failure about: tkg:cause, not tkg:outcome;
    a cause is said of events only (a person has none in the spec)."""
    from rdflib import Literal

    project = _facts_file(tmp_path, CAUSE)
    causes = _objects(project, "event/trabzon-gorusmeleri", TKG.cause)
    outcomes = _objects(project, "event/trabzon-gorusmeleri", TKG.outcome)
    cause = Literal("Seym temsilcilerinin, Türk tarafının kabul etmeyeceği tekliflerle Trabzon’a "
                    "gelmiş olması", lang="tr")
    assert cause in causes and cause not in outcomes
    assert Literal("olumlu bir sonuç alınamadı", lang="tr") in outcomes

    on_person = CAUSE.replace("subject: trabzon-gorusmeleri\n      mentioned_as: {subject: yapılan "
                              "müzakerelerden}\n      property: cause",
                              "subject: transkafkasya-seymi\n      mentioned_as: {subject: Seym}\n"
                              "      property: cause", 1)
    problems = _problems(project, on_person)
    assert [p.line for p in problems] == [6]  # the fact's id line
    assert "cause" in problems[0].message and "Event" in problems[0].message


APPROX = """\
- source: 002_afd972166be37c54
  sentence: >-
    Bakü cephesinde savaşmaya hazır olan Türk Kafkas İslam Ordusu, Anadolu’dan gelen yaklaşık 8
    bin Türk askeri
  facts:
    - id: f-t-kio-about-8000
      subject: kafkas-islam-ordusu
      property: strength
      value: {soldiers: 8000}
      approximate: yaklaşık
"""


def test_a_hedged_number_keeps_its_hedge(tmp_path: Path) -> None:
    """'yaklaşık 8 bin' is a strength of 8000 with the printed hedge on the claim and on the
    strength (tkg:approximation), and a hedge the sentence does not print is refused at its fact."""
    from rdflib import Literal

    project = _facts_file(tmp_path, APPROX)
    hedges = _objects(project, "claim/f-t-kio-about-8000", TKG.approximation)
    assert hedges == {Literal("yaklaşık", lang="tr")}
    assert _objects(project, "strength/f-t-kio-about-8000", TKG.approximation) == hedges

    problems = _problems(project, APPROX.replace("approximate: yaklaşık", "approximate: en az"))
    assert [(p.line, p.message) for p in problems] == [
        (6, "fact f-t-kio-about-8000: approximate 'en az' is not in its sentence")]


DATED_EARLIER = """\
- source: 002_afd972166be37c54
  sentence: "Bakü cephesinden geçecek olan 5. Kafkas Piyade Tümeni’ne bağlı 9., 10., 13. ve 56. piyade"
  facts:
    - id: f-t-9-part-5kpt-dated
      subject: 9-kafkas-alayi
      property: partOf
      object: 5-kafkas-tumeni
      date: 1918-09-13/1918-09-14
      date_wording: 13–14 Eylül gecesi
      date_sentence: "Geriye kalan tüm askeri kuvvetler 13–14 Eylül gecesi"
      mentioned_as: {subject: "9., 10., 13. ve 56. piyade"}
"""


def test_a_date_printed_in_an_earlier_sentence_of_the_paragraph(tmp_path: Path) -> None:
    """002: 'Geriye kalan tüm askeri kuvvetler 13–14 Eylül gecesi batı cephesine sevk edildi.'
    sets the time of the next sentence's order of battle, which prints no date: `date_sentence`
    names it, the claim's date is that sentence's date occurrence, and a note says so. A
    sentence after the fact's, one of another paragraph, one the wording is not in, or no
    `date_wording` is refused."""
    from rdflib import Namespace

    res = Namespace("https://w3id.org/tarihkg/resource/")
    project = _facts_file(tmp_path, DATED_EARLIER)
    dates = _objects(project, "claim/f-t-9-part-5kpt-dated", TKG.date)
    # the occurrence '13–14 Eylül gecesi' of sentence 002[28006:28089]
    (occ,) = dates
    assert str(occ).startswith(str(res["date/002_afd972166be37c54/"]))
    start, end = (int(n) for n in str(occ).rsplit("/", 1)[1].split("-"))
    assert 28006 <= start < end <= 28089
    notes = {str(n) for n in _objects(project, "claim/f-t-9-part-5kpt-dated", TKG.note)}
    assert any("earlier sentence of the same paragraph" in n for n in notes)

    def refused(text: str) -> list[tuple[int, str]]:
        return [(p.line, p.message) for p in _problems(project, text)]

    later = DATED_EARLIER.replace(
        "Geriye kalan tüm askeri kuvvetler 13–14 Eylül gecesi",
        "Cephedeki topçu birliğinin büyük bir kısmı",
    ).replace("date_wording: 13–14 Eylül gecesi", "date_wording: Cephedeki")
    ((line, message),) = refused(later)
    assert line == 4 and "is not before the fact's sentence" in message
    other_paragraph = DATED_EARLIER.replace(
        "Geriye kalan tüm askeri kuvvetler 13–14 Eylül gecesi",
        "38. Alay, uzun bir yolculuktan sonra Temmuz ortasında",
    ).replace("date_wording: 13–14 Eylül gecesi", "date_wording: Temmuz ortasında").replace(
        "date: 1918-09-13/1918-09-14", 'date: "1918-07"')
    ((line, message),) = refused(other_paragraph)
    assert line == 4 and "is not in the paragraph of the fact's sentence" in message
    not_there = DATED_EARLIER.replace("date_wording: 13–14 Eylül gecesi",
                                      "date_wording: 15 Eylül").replace(
        "date: 1918-09-13/1918-09-14", 'date: "1918-09-15"')
    ((line, message),) = refused(not_there)
    assert line == 4 and "date wording '15 Eylül' is not in its date_sentence" in message
    no_wording = DATED_EARLIER.replace("      date_wording: 13–14 Eylül gecesi\n", "")
    ((line, message),) = refused(no_wording)
    assert line == 4 and "'date_sentence' without 'date_wording'" in message
    wrong_date = DATED_EARLIER.replace("date: 1918-09-13/1918-09-14", 'date: "1918-09-14"')
    ((line, message),) = refused(wrong_date)
    assert line == 8 and "which reads 1918-09-13/1918-09-14" in message  # at `date:`


ORDER_AND_CAUSE = """\
- source: 000_539a70a237dcfef4
  sentence: "1917 Şubat ihtilalinden sonra Mavera-yı Kafkas’ta (Transkafkasya) Gürcü Menşeviklerce"
  facts:
    - id: f-t-mkk-after-subat
      subject: mavera-yi-kafkas-komitesinin-kurulmasi
      property: after
      object: subat-ihtilali
- source: 000_539a70a237dcfef4
  sentence: "Trabzon görüşmelerinin olumlu bir sonuç getirmeyeceğinin anlaşılması üzerine"
  facts:
    - id: f-t-move-prompted-by-talks
      subject: 1-kafkas-kolordusunun-kars-ve-batum-harekati
      property: promptedBy
      object: trabzon-gorusmeleri
"""


def test_an_event_after_another_and_one_prompted_by_another(tmp_path: Path) -> None:
    """'… ihtilalinden sonra … kurulmuştur' is tkg:after (time order), '… anlaşılması üzerine' is
    tkg:promptedBy (a response): two distinct triples, each with its claim; a link from or to
    something that is no event or treaty (a person, a place) and a link to itself are refused."""
    project = _facts_file(tmp_path, ORDER_AND_CAUSE)
    founding = "event/mavera-yi-kafkas-komitesinin-kurulmasi"
    revolution = URIRef("https://w3id.org/tarihkg/resource/event/subat-ihtilali")
    assert revolution in _objects(project, founding, TKG.after)
    assert revolution not in _objects(project, founding, TKG.promptedBy)
    move = "event/1-kafkas-kolordusunun-kars-ve-batum-harekati"
    talks = URIRef("https://w3id.org/tarihkg/resource/event/trabzon-gorusmeleri")
    assert talks in _objects(project, move, TKG.promptedBy)
    assert talks not in _objects(project, move, TKG.after)
    assert _objects(project, "claim/f-t-move-prompted-by-talks", TKG.claimPredicate) == {
        TKG.promptedBy}

    to_place = ORDER_AND_CAUSE.replace("object: trabzon-gorusmeleri",
                                       "object: trabzon\n      mentioned_as: {object: Trabzon}")
    problems = _problems(project, to_place)
    assert [p.line for p in problems] == [11], problems  # the fact's id line
    assert "promptedBy" in problems[0].message and "Place" in problems[0].message
    from_person = ORDER_AND_CAUSE.replace(
        "subject: mavera-yi-kafkas-komitesinin-kurulmasi",
        "subject: enver-pasa\n      mentioned_as: {subject: Mavera-yı Kafkas}")
    problems = _problems(project, from_person)
    assert [p.line for p in problems] == [4], problems
    assert "Person" in problems[0].message and "after" in problems[0].message
    to_itself = ORDER_AND_CAUSE.replace("object: subat-ihtilali",
                                        "object: mavera-yi-kafkas-komitesinin-kurulmasi")
    problems = _problems(project, to_itself)
    assert len(problems) == 1 and problems[0].line == 4, problems
    assert "to itself" in problems[0].message


PRINTED = """\
- source: 002_afd972166be37c54
  sentence: "Ancak Kafkas İslam Ordusu’nun çekilmesiyle birlikte Azerbaycan Sovyetler Birliği"
  facts:
    - id: f-t-occupier-read-as-soviet-russia
      subject: kizil-rus-istilasi
      property: carriedOutBy
      object: sovyet-rusya
      mentioned_as: {subject: "işgal", object: "Sovyetler Birliği"}
      printed_object: "Sovyetler Birliği"
      note: "The USSR was founded in 1922: the occupier of 1920 is Soviet Russia."
"""


def test_a_name_read_as_another_entity_keeps_the_printed_words_on_the_claim(
    tmp_path: Path,
) -> None:
    """`printed_object` keeps the words beside the reading (tkg:printedObject on the claim, and a
    note quoting them); refused without a note saying why, or where the sentence does not print
    them; only a fact with an `object:` takes it."""
    from rdflib import Literal

    from tarihkg.factspec import check_fact_fields

    text = PRINTED.replace('  sentence: "Ancak Kafkas İslam Ordusu’nun çekilmesiyle birlikte '
                           'Azerbaycan Sovyetler Birliği"',
                           '  sentence: "Ancak Kafkas İslam Ordusu’nun çekilmesiyle birlikte '
                           'Azerbaycan Sovyetler Birliği tarafından işgal edildi"')
    project = _facts_file(tmp_path, text)
    claim = "claim/f-t-occupier-read-as-soviet-russia"
    assert _objects(project, claim, TKG.printedObject) == {Literal("Sovyetler Birliği", lang="tr")}
    notes = {str(n) for n in _objects(project, claim, TKG.note)}
    assert any("prints 'Sovyetler Birliği'" in n and "Soviet Russia" in n for n in notes), notes

    raw = yaml.safe_load(text)[0]["facts"][0]
    assert any("needs a note" in p for p in check_fact_fields({**raw, "note": None}))
    on_value = {**raw, "property": "outcome", "value": "işgal edildi"}
    del on_value["object"]
    assert any("printed_object" in p for p in check_fact_fields(on_value))
    problems = _problems(project, text.replace('printed_object: "Sovyetler Birliği"',
                                               'printed_object: "SSCB"'))
    assert [(p.line, p.message) for p in problems] == [
        (4, "fact f-t-occupier-read-as-soviet-russia: printed_object 'SSCB' is not in its sentence")]
