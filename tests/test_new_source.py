"""The README's "Add an article", step by step, on a short article of our own writing:
new-source -> a facts file in the sentence-group format -> check -> build -> the fact is in the
graph with its sentence (and its citation)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml
from helpers import copy_project, run_cli

from tarihkg.curation import load_sources_meta
from tarihkg.store import open_store

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "newsource"
PREFIX = "PREFIX tkg: <https://w3id.org/tarihkg/ontology#>\n"




def _registered(root: Path) -> set[str]:
    return set(load_sources_meta(root / "data" / "sources" / "sources.yaml"))


def _the_new_one(root: Path, before: set[str]) -> str:
    """The source id the test's own `new-source` added: the one registered now and not before
    (a curator may have registered articles besides 000 and 002, README "Add an article")."""
    [sid] = _registered(root) - before
    return sid


README_ID = "003_090d1df0f632365c"


def _readme_blocks() -> tuple[str, str, list[str], str]:
    """README "Add an article", as written: the facts of step 5, the error line of step 6, the
    query of step 7 and the rows it shows."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Add an article\n", 1)[1].split("\n## ", 1)[0]
    blocks = [textwrap.dedent(b) for b in re.findall(r"\n   ```\w*\n(.*?)\n   ```", section, re.S)]
    facts = next(b for b in blocks if b.startswith("- source:"))
    check = next(b for b in blocks if b.startswith("$ tarihkg check"))
    query = next(b for b in blocks if b.startswith("$ tarihkg query"))
    error = next(line for line in check.splitlines() if ": error: " in line)
    text, rows = query.split("\n?claim", 1)
    sparql = text.removeprefix("$ tarihkg query '").strip().removesuffix("'")
    return facts, error, ["?claim" + rows.split("\n", 1)[0], *rows.split("\n")[1:]], sparql


def test_add_an_article_walkthrough(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The README's steps with the README's own facts, check output and query."""
    root = copy_project(tmp_path)
    text = DATA / "gence-baku.txt"
    sources_yaml = root / "data" / "sources" / "sources.yaml"
    before = set(load_sources_meta(sources_yaml))

    # 2. Register the article: it takes the next free number (003_ with the two committed
    # articles, later when a curator has added one).
    code, _, err = run_cli(
        root, capsys, "new-source", str(text),
        "--title", "Gence’den Bakü’ye: Kafkas İslam Ordusu Üzerine Kısa Bir Deneme",
        "--authors", "tarihkg test suite", "--journal", "Test Dergisi",
    )
    assert code == 0, err
    metas = load_sources_meta(sources_yaml)
    [meta] = [m for m in metas.values() if m.id not in before]
    numbers = [int(sid[:3]) for sid in before]
    assert meta.id.startswith(f"{max(numbers) + 1:03d}_")
    assert meta.id[4:] == README_ID[4:]
    assert meta.journal == "Test Dergisi" and meta.authors == ("tarihkg test suite",)
    assert meta.title == "Gence’den Bakü’ye: Kafkas İslam Ordusu Üzerine Kısa Bir Deneme"
    assert meta.not_printed == ("volume", "issue", "pages", "year")
    assert (root / "data" / "sources" / meta.file).read_bytes() == text.read_bytes()
    facts = root / "data" / "curation" / "facts" / f"{meta.id}.yaml"
    assert yaml.safe_load(facts.read_text(encoding="utf-8")) == []

    # Registering the same text twice is refused.
    code, _, err = run_cli(root, capsys, "new-source", str(text))
    assert code == 2 and f"already registered as {meta.id}" in err
    # ... and so is the same text with only its white space changed (a trailing newline)
    again = tmp_path / "again.txt"
    again.write_bytes(text.read_bytes() + b"\n")
    code, _, err = run_cli(root, capsys, "new-source", str(again))
    assert code == 2 and f"this text is {meta.id}" in err and "but for white space" in err

    # 5. The facts of the README, under the header new-source wrote; 6. the check's one error.
    readme_facts, readme_error, readme_rows, sparql = _readme_blocks()
    header = facts.read_text(encoding="utf-8").replace("[]\n", "")
    facts.write_text(header + readme_facts.replace(README_ID, meta.id) + "\n", encoding="utf-8")
    code, out, err = run_cli(root, capsys, "check")
    errors = [line for line in out.splitlines() if ": error: " in line]
    assert code == 2 and len(errors) == 1, out
    shown = readme_error.split(f"/{README_ID}.yaml:", 1)[1]
    assert errors[0].endswith(f"/{meta.id}.yaml:{shown}"), (errors[0], shown)
    fixed = readme_facts.replace(
        "    - id: f-003-003-hq-gence\n",
        "    - id: f-003-003-hq-gence\n      mentioned_as: {subject: Ordunun}\n",
    )
    assert fixed != readme_facts
    facts.write_text(header + fixed.replace(README_ID, meta.id) + "\n", encoding="utf-8")
    code, out, err = run_cli(root, capsys, "check")
    assert code == 0, out + err
    assert ": error: " not in out

    # 7. Build, and the README's query gives the README's rows.
    code, _, err = run_cli(root, capsys, "build")
    assert code == 0, err
    code, out, err = run_cli(root, capsys, "query", sparql.replace(README_ID, meta.id))
    assert code == 0, err
    assert out.splitlines() == [row.replace(README_ID, meta.id) for row in readme_rows], out

    # The carriedOutBy fact carries its sentence's citation; the event its date, directly.
    rows = open_store(root / "data" / "build").query(PREFIX + """
        SELECT ?cited ?edtf WHERE {
          <https://w3id.org/tarihkg/resource/claim/f-003-001-baku-entered-by>
              tkg:claimObject <https://w3id.org/tarihkg/resource/unit/kafkas-islam-ordusu> ;
              tkg:supportedBy ?c . ?c tkg:text ?cited .
          <https://w3id.org/tarihkg/resource/event/bakunun-kurtulusu> tkg:date/tkg:edtf ?edtf .
        }""").rows()
    assert {"cited": "(Yüceer, 1996: 98)", "edtf": "1918-09-15"} in rows, rows


def test_a_source_without_a_period_of_its_own_takes_the_datasets() -> None:
    """Year misprints are flagged against the dataset's period (data/dataset.yaml) when the
    source's entry gives none, as `new-source` writes it."""
    from tarihkg.annotate import annotate_source
    from tarihkg.curation import SourceMeta
    from tarihkg.text.extract import extract_source
    from tarihkg.text.mentions import Lexicon

    raw = "Kafkas İslam Ordusu 15 Eylül 1938’de Bakü’ye girdi.\n"
    meta = SourceMeta(id="009_x", file="009_x.txt", language="tr", licence="test")
    src = annotate_source(meta, extract_source("009_x", raw), Lexicon.build([]))
    [date] = [d.date for s in src.sentences for d in s.dates]
    assert (date.edtf, date.corrected_edtf) == ("1938-09-15", "1918-09-15")


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (None, (), "no such file"),
        (b"\xef\xbb\xbfBir c\xc3\xbcmle.\n", (), "byte order mark"),
        (b"Bir c\xfcmle.\n", (), "not valid UTF-8"),
        # Windows Turkish (cp1254): 'İğdır'da bir cümle.' -> what it is and how to convert it
        ("İğdır’da bir cümle.\n".encode("cp1254"), (), "Windows Turkish (cp1254"),
        ("İğdır’da bir cümle.\n".encode("cp1254"), (), "iconv -f cp1254 -t utf-8 article.txt"),
        (b"Bir c\xc3\xbcmle.\n", ("--year", "c. 2019"), "--year must be a year"),
    ],
)
def test_a_text_new_source_cannot_take_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None,
    args: tuple[str, ...], message: str,
) -> None:
    root = tmp_path / "project"
    (root / "data" / "sources").mkdir(parents=True)
    (root / "data" / "sources" / "sources.yaml").write_text("sources: []\n", encoding="utf-8")
    text = tmp_path / "article.txt"
    if content is not None:
        text.write_bytes(content)
    code, _, err = run_cli(root, capsys, "new-source", str(text), *args)
    assert code == 2 and message in err, err
    assert sorted(p.name for p in (root / "data" / "sources").iterdir()) == ["sources.yaml"]
    assert not (root / "data" / "curation").exists()


def test_new_source_writes_a_year_the_loader_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--year 2024` is written as the YAML integer the loader accepts, so extract and check run
    on the entry new-source wrote (a quoted "2024" made every later command refuse it)."""
    root = copy_project(tmp_path)
    code, _, err = run_cli(
        root, capsys, "new-source", str(DATA / "gence-baku.txt"), "--journal", "Test Dergisi",
        "--volume", "2", "--issue", "1", "--pages", "111-114", "--year", "2024",
    )
    assert code == 0, err
    sources_yaml = root / "data" / "sources" / "sources.yaml"
    [entry] = [
        s for s in yaml.safe_load(sources_yaml.read_text(encoding="utf-8"))["sources"]
        if s.get("journal") == "Test Dergisi"
    ]
    assert entry["year"] == 2024
    [meta] = [m for m in load_sources_meta(sources_yaml).values() if m.journal == "Test Dergisi"]
    assert (meta.year, meta.volume, meta.pages) == (2024, "2", "111-114")
    code, _, err = run_cli(root, capsys, "extract")
    assert code == 0, err


def test_a_quoted_year_by_hand_is_refused_naming_the_quotes(tmp_path: Path) -> None:
    from tarihkg.errors import SourceError

    root = copy_project(tmp_path)
    sources_yaml = root / "data" / "sources" / "sources.yaml"
    text = sources_yaml.read_text(encoding="utf-8")
    first_year = next(line for line in text.splitlines() if line.strip().startswith("year:"))
    sources_yaml.write_text(
        text.replace(first_year, first_year.split("year:")[0] + 'year: "1999"', 1),
        encoding="utf-8",
    )
    with pytest.raises(SourceError) as caught:
        load_sources_meta(sources_yaml)
    message = str(caught.value)
    assert "quote" in message and "year: 1999" in message, message


def test_a_printed_year_read_as_a_misprint_is_said_on_the_console(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`15 Eylül 1938’de` in an article about 1917-1921 is read as 1918-09-15; new-source,
    extract and check said nothing of it (only the graph kept tkg:printedEdtf). Each now warns
    at the line, with what is printed and what it is read as."""
    root = copy_project(tmp_path)
    text = tmp_path / "misprint.txt"
    original = (DATA / "gence-baku.txt").read_text(encoding="utf-8")
    text.write_text(original.replace("15 Eylül 1918’de", "15 Eylül 1938’de"), encoding="utf-8")
    line = next(i for i, t in enumerate(original.splitlines(), 1) if "15 Eylül 1918" in t)
    said = "'15 Eylül 1938’de' prints 1938-09-15, read as 1918-09-15"
    before = _registered(root)
    code, _, err = run_cli(root, capsys, "new-source", str(text), "--title", "Bir deneme")
    assert code == 0, err
    sid = _the_new_one(root, before)
    where = f"data/sources/{sid}.txt:{line}: "
    assert f"warning: {where}{said}" in err, err
    assert "period: [from, to]" in err
    code, _, err = run_cli(root, capsys, "extract")
    assert code == 0 and f"{where}{said}" in err, err
    code, out, _ = run_cli(root, capsys, "check")
    assert code == 0
    assert any(f"{where}warning: {said}" in row for row in out.splitlines()), out


def _register_walkthrough(root: Path, capsys: pytest.CaptureFixture[str]) -> str:
    before = _registered(root)
    code, _, err = run_cli(root, capsys, "new-source", str(DATA / "gence-baku.txt"), "--title", "X")
    assert code == 0, err
    return _the_new_one(root, before)


def _state(root: Path) -> dict[str, bytes]:
    data = root / "data"
    return {str(p.relative_to(data)): p.read_bytes() for p in sorted(data.rglob("*")) if p.is_file()}


def test_remove_source_withdraws_a_registration_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A text registered by mistake (misread, wrong metadata) had no way out but deleting three
    files and the extracts and cutting a block out of sources.yaml by hand. `remove-source`
    does it: afterwards the project is byte for byte as before, and the corrected text
    registered next takes the number the withdrawn one had."""
    root = copy_project(tmp_path)
    before = _state(root)
    sid = _register_walkthrough(root, capsys)
    assert run_cli(root, capsys, "extract")[0] == 0
    assert (root / "data" / "extracted" / f"{sid}.json").exists()
    code, _, err = run_cli(root, capsys, "remove-source", sid)
    assert code == 0, err
    assert f"deleted data/sources/{sid}.txt" in err
    assert f"deleted data/curation/facts/{sid}.yaml" in err
    after = {k: v for k, v in _state(root).items() if not k.startswith("extracted/")}
    assert after == before
    assert not list((root / "data" / "extracted").glob(f"{sid}.*"))
    assert _register_walkthrough(root, capsys) == sid
    code, _, err = run_cli(root, capsys, "remove-source", "003_0000000000000000")
    assert code == 2 and "no source '003_0000000000000000'" in err and sid in err, err


def test_remove_source_refuses_while_the_curation_uses_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Facts in its own facts file and an entity anchored in it: refused, every use listed as
    file:line, nothing changed. --force discards its own facts, never another file's use."""
    root = copy_project(tmp_path)
    sid = _register_walkthrough(root, capsys)
    facts = root / "data" / "curation" / "facts" / f"{sid}.yaml"
    facts.write_text((DATA / "facts.yaml").read_text(encoding="utf-8").replace("SOURCE_ID", sid),
                     encoding="utf-8")
    events = root / "data" / "curation" / "entities" / "events.yaml"
    anchored = events.read_text(encoding="utf-8")
    events.write_text(
        anchored + "- id: gence-toplanma\n  type: Event\n  label: {tr: Toplanma, en: Muster}\n"
        f"  mentioned_in:\n    - {{source: {sid}, quote: \"Gence’de toplandı\"}}\n",
        encoding="utf-8",
    )
    anchor_line = len(anchored.splitlines()) + 5
    group_lines = [n for n, line in enumerate(facts.read_text("utf-8").splitlines(), 1)
                   if line.startswith("- source:")]
    before = _state(root)
    code, _, err = run_cli(root, capsys, "remove-source", sid)
    assert code == 2
    for n in group_lines:
        assert f"{facts}:{n}" in err, err
    assert f"{events}:{anchor_line}" in err and "--force discards" in err, err
    code, _, err = run_cli(root, capsys, "remove-source", sid, "--force")
    assert code == 2 and f"{events}:{anchor_line}" in err and f"{facts}:" not in err, err
    assert _state(root) == before
    events.write_text(anchored, encoding="utf-8")
    code, _, err = run_cli(root, capsys, "remove-source", sid, "--force")
    assert code == 0, err
    assert not facts.exists() and sid not in (root / "data" / "sources" / "sources.yaml").read_text()


def test_remove_source_is_all_or_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """sources.yaml cannot be written (a full disk): every file moved aside comes back, so no
    entry is left without its text nor a text without its entry."""
    import tarihkg.newsource

    root = copy_project(tmp_path)
    sid = _register_walkthrough(root, capsys)
    before = _state(root)

    def full_disk(path: Path, data: str | bytes) -> None:
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(tarihkg.newsource, "write_atomic", full_disk)
    code, _, err = run_cli(root, capsys, "remove-source", sid)
    assert code == 2, err
    assert _state(root) == before
    assert not [p for p in (root / "data").iterdir() if p.name.startswith(".removing")]


def test_a_title_the_text_does_not_print_is_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """new-source took any --title; a title the text prints (in other case, across a line
    break) passes, one it does not print is a warning naming it."""
    root = copy_project(tmp_path)
    printed = "GENCE’DEN BAKÜ’YE: KAFKAS İSLAM ORDUSU ÜZERİNE Kısa Bir Deneme"
    before = _registered(root)
    code, _, err = run_cli(root, capsys, "new-source", str(DATA / "gence-baku.txt"),
                        "--title", printed)
    assert code == 0 and "--title" not in err, err
    sid = _the_new_one(root, before)
    assert run_cli(root, capsys, "remove-source", sid)[0] == 0
    code, _, err = run_cli(root, capsys, "new-source", str(DATA / "gence-baku.txt"),
                        "--title", "Gence’den Bakü’ye: Kafkas İslam Ordusu Üzerine Bir Deneme")
    assert code == 0, err
    assert f"warning: data/sources/{sid}.txt:1: the --title given" in err
    assert "is not printed in the text" in err
