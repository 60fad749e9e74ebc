"""Command line -> pipeline stages and the server; exit 0 ok, 1 data invalid, 2 bad input, 3 internal."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

from tarihkg.errors import (
    InputError,
    TarihkgError,
    ValidationError,
    write_error,
    written_file,
)
from tarihkg.layout import BuildLayout
from tarihkg.names import BASE, DATASET

log = logging.getLogger("tarihkg")

DESCRIPTION = f"""\
{DATASET.title["en"]}, built from Turkish-language scholarship.
Each subcommand is one stage of the build; `build` runs them all.

exit codes: 0 ok, 1 data invalid (SHACL violation, inconsistent ontology), 2 bad input or usage,
3 internal error.
"""

WORK_RDF = "rdfized.nq"
WORK_INFERRED = "inferred.nt"
WORK_CANDIDATES = "candidates.nt"


def _summary(func: Any) -> str:
    """A subcommand's summary for `tarihkg --help`: its whole docstring on one line (argparse
    rewraps it; cut at the docstring's first line break it read '... record its')."""
    return " ".join((func.__doc__ or "").split())


def _progress(message: str) -> None:
    print(f"tarihkg: {message}", file=sys.stderr, flush=True)


def _project(args: argparse.Namespace):  # noqa: ANN202 - pipeline imported lazily (fast --help)
    from tarihkg.project import Project

    root = Path(args.root).resolve()
    if not (root / "data" / "sources").is_dir():
        raise InputError(f"{root} is not a tarihkg project (no data/sources/); use --root")
    return Project(root)


def cmd_extract(args: argparse.Namespace) -> int:
    """Read, clean, segment and annotate the sources; write data/extracted/."""
    from tarihkg.pipeline import extract_stage, write_extracted

    project = _project(args)
    t0 = time.perf_counter()
    inputs = extract_stage(project)
    for path in write_extracted(project, inputs):
        _progress(f"wrote {path.relative_to(project.root)}")
    for warning in inputs.warnings:  # layouts not understood, printed years read as misprints
        _progress(f"warning: {warning}")
    n = sum(len(s.sentences) for s in inputs.sources.values())
    _progress(
        f"extract: {len(inputs.sources)} sources, {n} sentences in {time.perf_counter() - t0:.1f} s"
    )
    return 0


def _rdfized(args: argparse.Namespace, *, reuse: bool):  # noqa: ANN202
    """The project and its stage-2 graphs: read from data/work/rdfized.nq when ``reuse`` and
    it is there (what `tarihkg rdfize` wrote), else made now."""
    from rdflib import Dataset

    from tarihkg.pipeline import extract_stage, rdfize_stage

    project = _project(args)
    path = project.work_dir / WORK_RDF
    if not reuse or not path.exists():
        return project, rdfize_stage(project, extract_stage(project))
    ds = Dataset()
    ds.parse(path, format="nquads")
    return project, ds


def cmd_rdfize(args: argparse.Namespace) -> int:
    """Turn the annotated sources and curation files into named graphs: data/work/rdfized.nq."""
    from tarihkg.pipeline import serialize_nquads
    from tarihkg.project import write_atomic

    project, ds = _rdfized(args, reuse=False)
    out = project.work_dir / WORK_RDF
    write_atomic(out, serialize_nquads(ds))
    _progress(f"wrote {out.relative_to(project.root)} ({len(ds)} quads)")
    return 0


def cmd_reason(args: argparse.Namespace) -> int:
    """Check consistency with owlready2 + HermiT; write the inferred triples to data/work/inferred.nt."""
    from tarihkg.pipeline import load_ontology, reason_stage
    from tarihkg.project import write_atomic

    project, ds = _rdfized(args, reuse=True)
    t0 = time.perf_counter()
    inferred = reason_stage(ds, load_ontology(project))
    out = project.work_dir / WORK_INFERRED
    write_atomic(out, inferred.serialize(format="nt"))
    _progress(
        f"consistent; {len(inferred)} inferred triples in {time.perf_counter() - t0:.1f} s"
        f" -> {out.relative_to(project.root)}"
    )
    return 0


def cmd_candidates(args: argparse.Namespace) -> int:
    """Run the candidate rules; write graph/candidates (proposals, never facts) to data/work/candidates.nt."""
    from tarihkg.pipeline import candidates_stage, extract_stage
    from tarihkg.project import write_atomic

    project, ds = _rdfized(args, reuse=True)
    graph = candidates_stage(ds, project, extract_stage(project))
    out = project.work_dir / WORK_CANDIDATES
    write_atomic(out, graph.serialize(format="nt"))
    _progress(f"{len(graph)} candidate triples -> {out.relative_to(project.root)}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Run the SHACL shapes over what would be served; write data/work/shacl-report.txt."""
    from tarihkg.iri import Minter
    from tarihkg.pipeline import load_ontology, validate_stage
    from tarihkg.project import write_atomic

    project, ds = _rdfized(args, reuse=True)
    for name, work in (("inferred", WORK_INFERRED), ("candidates", WORK_CANDIDATES)):
        path = project.work_dir / work
        if path.exists():
            ds.graph(Minter().graph(name)).parse(path, format="nt")
    out = project.work_dir / "shacl-report.txt"
    try:
        report = validate_stage(ds, project, load_ontology(project))
    except ValidationError as exc:
        write_atomic(out, exc.report)
        raise
    write_atomic(out, report)
    _progress(f"conforms; report in {out.relative_to(project.root)}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Run every stage and replace data/build/ atomically (a failed build leaves the old one);
    data/extracted/ only with --extracts."""
    from tarihkg.pipeline import build

    project = _project(args)
    summary = build(project, extracts=args.extracts, progress=_progress)
    total = sum(summary.triples_per_graph.values())
    _progress(
        f"built {total} quads in {len(summary.triples_per_graph)} named graphs -> data/build/"
    )
    for warning in summary.warnings:
        _progress(f"warning: {warning}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """List every problem of the curation and the sources at once (file:line), building nothing;
    exit 2 if there is any."""
    from tarihkg.check import check_project

    project = _project(args)
    if args.source is not None and f"id: {args.source}" not in project.sources_yaml.read_text(
            encoding="utf-8"):
        raise InputError(f"--source {args.source}: no source of that id in {project.sources_yaml}")
    findings = check_project(project)
    errors = sum(f.level == "error" for f in findings)
    shown = [f for f in findings if f.level == "error" or _about(f, args.source)]
    for finding in shown:
        print(finding)
    hidden = len(findings) - len(shown)
    _progress(f"check: {errors} errors, {len(findings) - errors} warnings"
              + (f" ({hidden} not about {args.source} not shown)" if hidden else ""))
    return 2 if errors else 0


def _about(finding: Any, source: str | None) -> bool:
    """Whether a warning is about ``source`` (None: every warning is): it is at a line of its
    text or its facts file (`{id}.yaml`, or `000.yaml` for `000_…`), or names the id."""
    if source is None:
        return True
    where = Path(finding.where.rsplit(":", 1)[0] if ":" in finding.where else finding.where)
    return (
        source in finding.where
        or source in finding.message
        or (where.parent.name == "facts" and where.stem in (source, source.split("_")[0]))
    )


def cmd_new_source(args: argparse.Namespace) -> int:
    """Register an article: copy its text into data/sources/ under a minted id, record its
    metadata and sha256 in sources.yaml (`unknown` where not given), start its facts file."""
    from tarihkg.newsource import register_source

    project = _project(args)
    new = register_source(
        project,
        Path(args.file),
        title=args.title,
        authors=[a.strip() for a in args.authors.split(";")] if args.authors else None,
        publication={k: getattr(args, k) for k in ("journal", "volume", "issue", "pages", "year")},
        language=args.language,
        licence=args.licence,
    )
    for path in (new.text, project.sources_yaml, new.facts):
        _progress(f"wrote {path.relative_to(project.root)}")
    for line, message in (*((w.line, w.message) for w in new.warnings), *new.notices):
        _progress(f"warning: {new.text.relative_to(project.root)}:{line}: {message}")
    _progress(f"registered {new.id}: add facts to {new.facts.relative_to(project.root)}, "
              "then run `tarihkg check` and `tarihkg build`")
    return 0


def cmd_remove_source(args: argparse.Namespace) -> int:
    """Withdraw a source registered by mistake (a misread text, wrong metadata): delete its
    text, its facts file and its extracts and cut its entry out of sources.yaml, all or
    nothing; refused while the curation uses it (each place as file:line)."""
    from tarihkg.newsource import remove_source

    project = _project(args)
    removed = remove_source(project, args.id, force=args.force)
    for path in removed.deleted:
        _progress(f"deleted {path.relative_to(project.root)}")
    _progress(f"removed {removed.id} from {project.sources_yaml.relative_to(project.root)}; "
              "register the corrected text with `tarihkg new-source`")
    return 0


def cmd_replace_source(args: argparse.Namespace) -> int:
    """Register a corrected text of a source in its place in one step: the new text under the
    old number and its own sha256, the sources.yaml entry kept with every field, the facts
    file renamed and the old id rewritten wherever the curation names it; refused, writing
    nothing, while a sentence the curation quotes is missing from the new text."""
    from tarihkg.newsource import replace_source

    project = _project(args)
    done = replace_source(project, args.id, Path(args.file))
    for warning in done.warnings:
        _progress(f"warning: {done.text.relative_to(project.root)}:{warning.line}: "
                  f"{warning.message}")
    for path in (done.text, project.sources_yaml, *(p for p in (done.facts,) if p),
                 *done.rewritten):
        _progress(f"wrote {path.relative_to(project.root)}")
    for path in done.removed:
        _progress(f"deleted {path.relative_to(project.root)}")
    _progress(f"replaced {done.old} by {done.new}: run `tarihkg extract`, then `tarihkg check`")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve data/build/ with a production WSGI server (waitress under a supervisor), never the
    Flask dev server."""
    from tarihkg.supervise import COMMAND as SUPERVISOR

    project = _project(args)
    if not BuildLayout(project.build_dir).nquads.exists():
        raise InputError("no built dataset in data/build/: run `tarihkg build` first")
    public_url = args.public_url or os.environ.get("TARIHKG_PUBLIC_URL") \
        or f"http://{args.host}:{args.port}/"
    command = [sys.executable, "-c", SUPERVISOR, "--host", args.host,
               "--port", str(args.port), "--dataset", str(project.build_dir),
               "--public-url", public_url]
    if args.threads:
        command += ["--threads", str(args.threads)]
    if args.verbose:
        command.append("--verbose")
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, command)  # the supervisor imports little (tarihkg.supervise)


def cmd_query(args: argparse.Namespace) -> int:
    """Run a SPARQL query (text, @file or -) against data/build/ and print the results."""
    from tarihkg.formats import by_name
    from tarihkg.store import ResultKind, open_store

    project = _project(args)
    text = args.sparql
    if text == "-":
        text = sys.stdin.read()
    elif text.startswith("@"):
        try:
            text = Path(text[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read the query: {exc.strerror}", path=text[1:]) from exc
    result = open_store(project.build_dir).query(text)
    name = args.format or ("ttl" if result.kind == ResultKind.GRAPH else "tsv")
    fmt = by_name(name)
    if fmt is None or fmt not in result.formats:
        usable = ", ".join(f.name for f in result.formats)
        raise InputError(
            f"a {result.kind} result cannot be written as {name}; use one of: {usable}"
        )
    sys.stdout.buffer.write(result.serialize(fmt))
    sys.stdout.flush()
    return 0


def cmd_link(args: argparse.Namespace) -> int:
    """Ask Wikidata for candidates for unlinked entities, re-check existing links, and write the
    proposals to data/curation/wikidata.yaml for review (needs the internet; never run by build)."""
    from datetime import date

    from tarihkg.curation import WIKIDATA_FILE, load_registry
    from tarihkg.link import UrllibHttp, WikidataClient, link_entities, registry_links, write_links

    project = _project(args)
    registry = load_registry(project.entities_dir)
    if args.offline:
        return _link_offline(args, project, registry)
    client = WikidataClient(
        UrllibHttp(min_interval=args.interval), api=args.api, sparql=args.sparql_endpoint
    )
    run = link_entities(
        registry,
        registry_links(registry),
        client,
        today=date.today(),
        types=args.types.split(",") if args.types else None,
        limit=args.limit,
        min_score=args.min_score,
        confirm_above=args.confirm_above,
    )
    for line in run.decisions:
        _progress(line)
    if not args.dry_run:
        path = project.entities_dir.parent / WIKIDATA_FILE
        write_links(path, run.links)
        _progress(f"wrote {path.relative_to(project.root)} ({len(run.links)} links): review it")
    return 0


def _link_offline(args: argparse.Namespace, project: Any, registry: dict[str, Any]) -> int:
    """`tarihkg link --offline`: decide links from the committed evidence table, write them and
    the report (file and standard output)."""
    from datetime import date

    from tarihkg.curation import WIKIDATA_FILE, load_facts
    from tarihkg.evidence import (
        EVIDENCE_DIR,
        REPORT_FILE,
        format_report,
        link_offline,
        load_evidence,
    )
    from tarihkg.link import registry_links, write_links
    from tarihkg.project import write_atomic

    curation = project.entities_dir.parent
    folder = Path(args.evidence) if args.evidence else curation / EVIDENCE_DIR
    sources, rows = load_evidence(folder)
    links = registry_links(registry)
    run = link_offline(registry, links, rows, sources, load_facts(project.facts_dir),
                       max_km=args.max_km)
    report = format_report(run, registry, day=date.today().isoformat(),
                           before=sum(1 for lk in links if lk.status == "confirmed"))
    sys.stdout.write(report)
    if not args.dry_run:
        write_links(curation / WIKIDATA_FILE, run.links)
        report_path = Path(args.report) if args.report else folder / REPORT_FILE
        write_atomic(report_path, report)
        _progress(f"wrote {WIKIDATA_FILE} ({len(run.links)} links) and {report_path.name}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write QuickStatements V1, CSL-JSON, BibTeX or RIS from data/build/ (stdout or --output)."""
    from datetime import date

    from tarihkg.citation import licence_notice, release_of
    from tarihkg.export import export_text
    from tarihkg.project import write_atomic
    from tarihkg.store import open_store

    project = _project(args)
    retrieved = date.fromisoformat(args.retrieved) if args.retrieved else date.today()
    text = export_text(
        open_store(project.build_dir), args.format, base=BASE, retrieved=retrieved,
        release=release_of(project.build_dir),
    )
    if args.output:
        write_atomic(Path(args.output), text)
        _progress(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    _progress(licence_notice())
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tarihkg",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--root", default=os.environ.get("TARIHKG_ROOT", "."), help="project folder (default: .)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log every step")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, func in (
        ("extract", cmd_extract),
        ("rdfize", cmd_rdfize),
        ("reason", cmd_reason),
        ("candidates", cmd_candidates),
        ("validate", cmd_validate),
        ("build", cmd_build),
        ("check", cmd_check),
    ):
        p = sub.add_parser(name, help=_summary(func), description=func.__doc__)
        p.set_defaults(func=func)
        if func is cmd_check:
            p.add_argument("--source", default=None, metavar="ID",
                           help="print only the warnings about this source (its text, its facts "
                           "file, its id); errors are all printed")
        if func is cmd_build:
            p.add_argument("--extracts", action="store_true",
                           help="also rewrite data/extracted/ (committed for review; "
                                "`tarihkg extract` does only that)")
    p = sub.add_parser(
        "new-source", help=_summary(cmd_new_source),
        description=cmd_new_source.__doc__,
    )
    p.add_argument("file", help="the article's text (UTF-8), as extracted from its PDF")
    p.add_argument("--title", help="the title as printed")
    p.add_argument("--authors", help="the authors as printed, in order, separated by ';'")
    for field in ("journal", "volume", "issue", "pages", "year"):
        p.add_argument(f"--{field}", help=f"the {field} as the article prints it (else unknown)")
    p.add_argument("--language", default="tr", help="the text's language (default tr)")
    p.add_argument("--licence", help="the licence the text is under, if stated")
    p.set_defaults(func=cmd_new_source)
    p = sub.add_parser("remove-source", help=_summary(cmd_remove_source),
                       description=cmd_remove_source.__doc__)
    p.add_argument("id", help="the source's id, as in sources.yaml (e.g. 003_090d1df0f632365c)")
    p.add_argument("--force", action="store_true",
                   help="also discard the facts curated in its own facts file (never those of "
                   "other files: edit them first)")
    p.set_defaults(func=cmd_remove_source)
    p = sub.add_parser("replace-source", help=_summary(cmd_replace_source),
                       description=cmd_replace_source.__doc__)
    p.add_argument("id", help="the source's id, as in sources.yaml (e.g. 003_090d1df0f632365c)")
    p.add_argument("file", help="the corrected text (UTF-8)")
    p.set_defaults(func=cmd_replace_source)
    p = sub.add_parser("serve", help=_summary(cmd_serve), description=cmd_serve.__doc__)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT", "8080")),
        help="port (default $PORT or 8080)",
    )
    p.add_argument("--threads", type=int, default=None,
                   help="requests answered at once, each with its own query process "
                   "(default: server.serve.THREADS)")
    p.add_argument("--public-url", default=None,
                   help="the URL clients reach the server at, used in every absolute link "
                   "(default $TARIHKG_PUBLIC_URL or http://HOST:PORT/; never the Host header)")
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser(
        "link", help=_summary(cmd_link), description=cmd_link.__doc__
    )
    p.add_argument("--types", default=None, help="registry types to link, e.g. Person,Treaty")
    p.add_argument("--limit", type=int, default=None, help="at most this many unlinked entities")
    p.add_argument("--min-score", type=float, default=60.0, help="propose from this score (0-100)")
    p.add_argument(
        "--confirm-above",
        type=float,
        default=None,
        help="mark proposals scoring this much as confirmed (default: never)",
    )
    p.add_argument("--interval", type=float, default=1.0, help="seconds between requests")
    p.add_argument("--api", default="https://www.wikidata.org/w/api.php", help="Wikidata API")
    p.add_argument(
        "--sparql-endpoint",
        default="https://query.wikidata.org/sparql",
        help="Wikidata query service",
    )
    p.add_argument("--dry-run", action="store_true", help="print the decisions, write nothing")
    p.add_argument(
        "--offline",
        action="store_true",
        help="decide from the evidence table (data/curation/wikidata-evidence), no network",
    )
    p.add_argument("--evidence", default=None, help="evidence folder (with --offline)")
    p.add_argument("--report", default=None, help="where to write the report (with --offline)")
    p.add_argument(
        "--max-km", type=float, default=10.0, help="coordinates agree within this many km"
    )
    p.set_defaults(func=cmd_link)
    p = sub.add_parser("export", help=_summary(cmd_export), description=cmd_export.__doc__)
    p.add_argument("--format", required=True, choices=("quickstatements", "csl-json", "bibtex", "ris"))
    p.add_argument("--output", default=None, help="file to write (default: standard output)")
    p.add_argument("--retrieved", default=None, help="retrieval day for references (YYYY-MM-DD)")
    p.set_defaults(func=cmd_export)
    from tarihkg.load import cmd_load

    p = sub.add_parser("load", help=_summary(cmd_load), description=cmd_load.__doc__)
    p.add_argument(
        "--to", required=True, help="Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store,"
        " or virtuoso://HOST:SQLPORT for Virtuoso's bulk loader"
    )
    p.add_argument(
        "--load-dir", default=None, help="virtuoso:// only: a directory the Virtuoso server "
        "reads at the same path (in its DirsAllowed) to bulk-load from"
    )
    p.add_argument(
        "--dataset", default=None, help="N-Quads file to send (default: data/build/tarihkg.nq)"
    )
    p.set_defaults(func=cmd_load)
    p = sub.add_parser("query", help=_summary(cmd_query), description=cmd_query.__doc__)
    p.add_argument(
        "sparql", help="the query, @FILE to read it from a file, or - for standard input"
    )
    p.add_argument(
        "--format",
        default=None,
        help="tsv, csv, json, xml (SELECT/ASK); ttl, nt, jsonld, rdfxml (CONSTRUCT)",
    )
    p.set_defaults(func=cmd_query)
    # `--root` also after the command (`tarihkg new-source FILE --root DIR`), and in each
    # command's --help; given there, it wins over the one before the command.
    for command in sub.choices.values():
        command.add_argument("--root", default=argparse.SUPPRESS,
                             help="project folder (default: .; also accepted before the command)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return int(args.func(args))
    except ValidationError as exc:
        print(f"tarihkg: error: {exc}", file=sys.stderr)
        lines = exc.report.splitlines()
        for line in lines[:50]:
            print(f"  {line}", file=sys.stderr)
        if len(lines) > 50:
            print(
                f"  ... {len(lines) - 50} more lines (full report: data/work/shacl-report.txt)",
                file=sys.stderr,
            )
        return exc.exit_code
    except TarihkgError as exc:
        print(f"tarihkg: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the last resort maps to exit 3, with the cause
        error = (write_error(exc, path=exc.filename or written_file(exc))
                 if isinstance(exc, OSError) else None)
        if error is not None and error.exit_code == 2:  # a full disk, permissions
            print(f"tarihkg: error: {error}", file=sys.stderr)
            return 2
        log.info("internal error", exc_info=True)
        print(
            f"tarihkg: internal error: {type(exc).__name__}: {exc} (run with -v for details)",
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":
    sys.exit(main())
