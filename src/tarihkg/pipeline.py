"""Project files -> data/build/: extract+annotate -> rdfize -> reason -> candidates -> validate -> load.

One function per stage, each named ``{stage}_stage`` with its input and output in its signature:
`extract_stage` (project -> `Inputs`), `rdfize_stage` (`Inputs` -> named graphs),
`reason_stage` (graphs -> graph/inferred), `candidates_stage` (-> graph/candidates),
`validate_stage` (-> SHACL report), `load_stage` (-> data/build/). The CLI's subcommands are thin
wrappers over them. `build` runs them all and stops at the first failing stage. The build
directory is replaced atomically: everything is written to a sibling temp directory which is
swapped in only when every stage has passed, so a failed build leaves the previous good one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, BNode, Dataset, Graph, URIRef
from rdflib.compare import to_canonical_graph

from tarihkg import store
from tarihkg.annotate import (
    AnnotatedSource,
    anchor_facts,
    annotate_source,
    build_lexicon,
    check_aliases,
    unconfirmed_warnings,
)
from tarihkg.check import fact_warnings, misprint_warnings, unread_citation_warnings
from tarihkg.conflicts import citation_claims, conflict_graph, name_claims, stated_disputes
from tarihkg.curation import (
    Entity,
    check_minted,
    confirmed_source_problems,
    first_problem,
    load_citation_conflicts,
    load_facts,
    load_registry,
    load_sources_meta,
    unprinted_metadata,
)
from tarihkg.dumps import write_dumps
from tarihkg.errors import CurationError, DataInvalidError, SourceError, ValidationError
from tarihkg.graphs import union_graph
from tarihkg.iri import Minter
from tarihkg.layout import BuildLayout
from tarihkg.project import (
    Project,
    point_link,
    prune_builds,
    remove_stale_siblings,
    write_atomic,
)
from tarihkg.rdfize import rdfize_dataset, rdfize_retired, wikidata_candidates_graph
from tarihkg.reason import reason_dataset
from tarihkg.retired import load_retired
from tarihkg.rules import candidates_graph
from tarihkg.text.extract import extract_source, read_source
from tarihkg.text.layout import layout_warnings
from tarihkg.validate import load_shapes, validate_graph

log = logging.getLogger(__name__)

KEEP_BUILDS = 3  # finished builds kept in data/builds/: the served one and those still read


@dataclass
class BuildSummary:
    """What a build produced and how long each stage took."""

    triples_per_graph: dict[str, int] = field(default_factory=dict)
    entities_per_class: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(
            {
                "triples_per_graph": self.triples_per_graph,
                "triples": sum(self.triples_per_graph.values()),
                "entities_per_class": self.entities_per_class,
                "counts": self.counts,
                "seconds": {k: round(v, 2) for k, v in self.seconds.items()},
                "warnings": self.warnings,
            },
            ensure_ascii=False,
            indent=2,
            sort_keys=True,
        )


@contextmanager
def _stage(
    name: str, summary: BuildSummary | None, progress: Callable[[str], None]
) -> Iterator[None]:
    progress(f"{name} ...")
    t0 = time.perf_counter()
    yield
    dt = time.perf_counter() - t0
    if summary is not None:
        summary.seconds[name] = dt
    progress(f"{name}: done in {dt:.1f} s")


@dataclass(frozen=True)
class Inputs:
    """Everything the build reads, loaded and checked."""

    raws: dict[str, str]
    sources: dict[str, AnnotatedSource]
    registry: dict[str, Entity]
    warnings: tuple[str, ...] = ()


def extract_stage(project: Project) -> Inputs:
    """Stage 1 (project files -> `Inputs`): read every source (strict UTF-8, with metadata),
    clean and segment it, annotate it; a layout the splitter does not understand is a warning
    (text.layout)."""
    metas = load_sources_meta(project.sources_yaml)
    files = sorted(p for p in project.sources_dir.glob("*.txt"))
    by_file = {m.file: m for m in metas.values()}
    for path in files:
        if path.name not in by_file:
            raise SourceError(
                f"no metadata for {path.name} in sources.yaml (id, file, language, licence)",
                path=path,
            )
    registry = load_registry(project.entities_dir)
    check_minted(registry, project.minted_file)
    unknown = confirmed_source_problems(registry, metas)  # an entity's `sources`
    if unknown:
        raise first_problem(unknown)
    lexicon = build_lexicon(registry)
    raws: dict[str, str] = {}
    sources: dict[str, AnnotatedSource] = {}
    warnings: list[str] = []
    for meta in sorted(metas.values(), key=lambda m: m.id):
        path = project.sources_dir / meta.file
        if not path.exists():
            raise SourceError(
                f"sources.yaml names {meta.file}, which is not in {project.sources_dir}",
                path=project.sources_yaml,
            )
        if meta.sha256 and hashlib.sha256(path.read_bytes()).hexdigest() != meta.sha256:
            raise SourceError(
                "the text differs from the sha256 in sources.yaml: source texts are never edited "
                f"(restore it with `git checkout -- data/sources/{path.name}`; clean a text in "
                "code; for a corrected edition, register it as a new source with new-source, "
                "README 'Add an article' step 3)",
                path=path,
            )
        raw = read_source(path)
        extracted = extract_source(meta.id, raw)
        unprinted = unprinted_metadata(meta, raw, project.sources_yaml,
                                       [(b.kind, b.text) for b in extracted.lifted])
        if unprinted:  # as `tarihkg check` reports it, at its line of sources.yaml
            raise first_problem(unprinted)
        if not extracted.sentences:
            raise SourceError("no sentences found in the text", path=path)
        warnings += [f"{path}:{w.line}: {w.message}" for w in layout_warnings(raw, extracted)]
        raws[meta.id] = raw
        sources[meta.id] = annotate_source(meta, extracted, lexicon)
        warnings += [f"{path}:{line}: {m}" for line, m in misprint_warnings(sources[meta.id], raw)]
        warnings += [
            f"{path}:{line}: {m}" for line, m in unread_citation_warnings(sources[meta.id], raw)
        ]
        warnings += [
            f"{path}:{line}: {m}" for line, m in unconfirmed_warnings(sources[meta.id], raw, registry)
        ]
    return Inputs(raws, sources, registry, tuple(warnings))


def write_extracted(project: Project, inputs: Inputs) -> list[Path]:
    """Stage 1's artefacts for reviewers, committed and so written only when asked:
    data/extracted/{id}.json (layout) and {id}.annotations.json."""
    written = []
    for sid, src in inputs.sources.items():
        for suffix, payload in (
            (".json", src.extracted.to_json()),
            (".annotations.json", src.to_json()),
        ):
            out = project.extracted_dir / f"{sid}{suffix}"
            write_atomic(out, payload + "\n")
            written.append(out)
    return written


def load_ontology(project: Project) -> Graph:
    g = Graph()
    g.parse(project.ontology_file, format="turtle")
    return g


def rdfize_stage(project: Project, inputs: Inputs, warnings: list[str] | None = None) -> Dataset:
    """Stage 2 (`Inputs` + curated facts -> the named graphs): the facts are checked against
    the texts, then everything becomes one named graph per source plus curation and ontology.
    The facts' warnings (`check.fact_warnings`) are appended to ``warnings``."""
    facts = load_facts(project.facts_dir)
    retired = load_retired(project.retired_file, facts)
    for r in retired:
        if r.source not in inputs.sources:
            raise CurationError(f"retired fact {r.id}: unknown source {r.source!r}",
                                path=r.path, line=r.line)
    anchored = anchor_facts(facts, inputs.sources, inputs.registry)
    stated, problems = stated_disputes(anchored)
    if problems:
        raise first_problem(problems)
    if warnings is not None:
        warnings += [f"{w.path}:{w.line}: {w.message}"
                     for w in fact_warnings(anchored, inputs.registry, inputs.sources)]
    minter = Minter()
    ds = rdfize_dataset(
        inputs.sources,
        inputs.raws,
        anchored,
        inputs.registry,
        load_ontology(project),
        minter=minter,
    )
    for sid, names in name_claims(inputs.sources, inputs.registry, minter=minter).items():
        graph = ds.graph(minter.graph(sid))
        graph += names
    cited = load_citation_conflicts(project.citation_conflicts_file)
    for sid, printings in citation_claims(inputs.sources, cited, minter=minter).items():
        graph = ds.graph(minter.graph(sid))
        graph += printings
    curation = ds.graph(minter.graph("curation"))
    curation += conflict_graph(union_graph(ds), minter=minter, stated=stated)
    curation += rdfize_retired(retired, minter=minter)
    return ds


def reason_stage(ds: Dataset, ontology: Graph) -> Graph:
    """Stage 3 (graphs + ontology -> ``graph/inferred``, added to ``ds``): HermiT finds the
    ontology and data consistent; its inferences go to their own graph."""
    result = reason_dataset(ds, ontology=ontology, minter=Minter())
    inferred = ds.graph(Minter().graph("inferred"))
    inferred += result.inferred
    return inferred


def candidates_stage(ds: Dataset, project: Project, inputs: Inputs) -> Graph:
    """Stage 4: the rules' proposals and the Wikidata candidates into ``graph/candidates`` only,
    after reasoning (so nothing is inferred from them) and never into a source's graph
    (CONTRACTS 1)."""
    anchored = anchor_facts(load_facts(project.facts_dir), inputs.sources, inputs.registry)
    minter = Minter()
    graph = ds.graph(minter.graph("candidates"))
    graph += candidates_graph(inputs.sources, anchored, inputs.registry, minter=minter)
    graph += wikidata_candidates_graph(inputs.registry, minter=minter)
    return graph


def validate_stage(ds: Dataset, project: Project, ontology: Graph) -> str:
    """Stage 5: SHACL over exactly what will be served; raises ValidationError on any violation."""
    report = validate_graph(ds, shapes=load_shapes(project.shapes_dir), ontology=ontology)
    if not report.conforms:
        raise ValidationError("SHACL validation failed: the build is refused", report=report.text)
    return report.text


def serialize_nquads(ds: Dataset) -> str:
    """Sorted N-Quads: the same graph always serialises to the same bytes.

    Blank nodes (the ontology's OWL lists) get canonical labels (RGDA1) per graph, so their
    names do not change from one build to the next.
    """
    lines: set[str] = set()
    for ctx in ds.graphs():
        if len(ctx) == 0:
            continue
        graph: Graph = ctx
        if any(isinstance(t, BNode) for triple in ctx for t in triple):
            graph = to_canonical_graph(ctx)
        name = ctx.identifier.n3()
        for line in graph.serialize(format="nt").splitlines():
            if line.strip():
                lines.add(f"{line[:-1].rstrip()} {name} .")
    return "\n".join(sorted(lines)) + "\n"


def summarise(ds: Dataset, summary: BuildSummary) -> None:
    types: Counter[str] = Counter()
    for ctx in ds.graphs():
        if len(ctx) == 0:
            continue
        summary.triples_per_graph[str(ctx.identifier)] = len(ctx)
    seen: set[tuple[URIRef, URIRef]] = set()
    for s, _, o, _ in ds.quads((None, RDF.type, None, None)):
        if isinstance(o, URIRef) and (s, o) not in seen and "ontology#" in str(o):
            seen.add((s, o))  # type: ignore[arg-type]
            types[str(o).split("#")[-1]] += 1
    summary.entities_per_class = dict(sorted(types.items()))


def check_violation_queries(store_dir: Path, queries: list[Path]) -> None:
    """Run every ``*-violation.rq`` over the store's default graph (what is served); raises
    `DataInvalidError` naming each query that returns rows and its first rows."""
    served = store.open_store(store_dir)
    failed = []
    for query in queries:
        rows = served.query(query.read_text(encoding="utf-8")).rows()
        if rows:
            shown = "; ".join(" ".join(f"{k}={v}" for k, v in row.items()) for row in rows[:3])
            failed.append(f"{query}: {len(rows)} row(s), first: {shown}")
    if failed:
        raise DataInvalidError("quality checks that must return no rows returned rows: "
                               + " | ".join(failed) + "; the build is refused")


def load_stage(ds: Dataset, project: Project, *, report: str, summary: BuildSummary) -> Path:
    """Stage 6: write a new build directory ``data/builds/{time}-{random}/`` (N-Quads, store,
    dumps, SHACL report, summary), run the ``ontology/queries/*-violation.rq`` checks on its
    store, then point ``data/build`` at it in one atomic rename (CONTRACTS.md 6: a server takes
    it up without a restart). The last `KEEP_BUILDS` builds stay, for servers still reading
    them; what a killed build left is removed."""
    builds = project.builds_dir
    builds.mkdir(parents=True, exist_ok=True)
    for stale in remove_stale_siblings(project.build_dir):
        log.info("removed %s, left by a build that was stopped", stale)
    tmp = builds / f".tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        layout = BuildLayout(tmp)
        layout.nquads.write_text(serialize_nquads(ds), encoding="utf-8")
        store.build_store(layout.nquads, layout.store)
        check_violation_queries(tmp, sorted(project.queries_dir.glob("*-violation.rq")))
        write_dumps(layout.nquads, tmp)
        layout.shacl_report.write_text(report, encoding="utf-8")
        layout.summary.write_text(summary.to_json() + "\n", encoding="utf-8")
        final = Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%dT%H%M%S-"), dir=builds))
        os.rename(tmp, final)  # onto the empty directory that reserved the name
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    point_link(project.build_dir, final)
    for old in prune_builds(builds, keep=KEEP_BUILDS, current=final):
        log.info("removed the old build %s", old)
    return project.build_dir


def build(
    project: Project, *, extracts: bool = False, progress: Callable[[str], None] = log.info
) -> BuildSummary:
    """Run every stage; the first failure raises and leaves the previous build untouched.
    ``data/extracted/`` is committed for review, so it is rewritten only with ``extracts``."""
    summary = BuildSummary()
    with _stage("[1/6] extract", summary, progress):
        inputs = extract_stage(project)
        if extracts:
            write_extracted(project, inputs)
        summary.warnings.extend(inputs.warnings)
        summary.warnings.extend(check_aliases(inputs.registry, inputs.sources))
    with _stage("[2/6] rdfize", summary, progress):
        ds = rdfize_stage(project, inputs, summary.warnings)
        ontology = load_ontology(project)
    with _stage("[3/6] reason (owlready2 + HermiT)", summary, progress):
        reason_stage(ds, ontology)
    with _stage("[4/6] candidates (rules)", summary, progress):
        candidates_stage(ds, project, inputs)
    with _stage("[5/6] validate (SHACL)", summary, progress):
        try:
            report = validate_stage(ds, project, ontology)
        except ValidationError as exc:
            write_atomic(project.work_dir / "shacl-report.txt", exc.report)
            raise
    summarise(ds, summary)
    summary.counts = {
        "sources": len(inputs.sources),
        "sentences": sum(len(s.sentences) for s in inputs.sources.values()),
        "footnotes": sum(len(s.extracted.footnotes) for s in inputs.sources.values()),
        "mentions": sum(len(a.mentions) for s in inputs.sources.values() for a in s.sentences),
        "citations": sum(len(a.citations) for s in inputs.sources.values() for a in s.sentences),
        "dates": sum(len(a.dates) for s in inputs.sources.values() for a in s.sentences),
        "registry_entities": len(inputs.registry),
    }
    with _stage("[6/6] load", summary, progress):
        load_stage(ds, project, report=report, summary=summary)
    return summary
