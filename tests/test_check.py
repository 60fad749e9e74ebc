"""`tarihkg check` -> every problem of the curation and the sources at once, each at its
file:line, exit 2 if there is any (0 for the project as committed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import copy_project

from tarihkg.cli import main
from tarihkg.errors import TarihkgError
from tarihkg.pipeline import extract_stage
from tarihkg.project import Project

S002 = "002_afd972166be37c54"
ENVER = "Enver Paşa bu ordunun kumandanlığına kendi kardeşi olan Nuri Paşa’yı tayin etti"


def _check(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    code = main(["--root", str(root), "check"])
    out = capsys.readouterr()
    return code, out.out.splitlines(), out.err


def _errors(root: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The error lines of `tarihkg check` over ``root``, which must refuse it (exit 2)."""
    code, lines, _ = _check(root, capsys)
    errors = [line for line in lines if ": error: " in line]
    assert code == 2, "\n".join(lines)
    return errors


def test_the_committed_project_has_no_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, err = _check(Path(__file__).resolve().parent.parent, capsys)
    assert code == 0, "\n".join(lines)
    assert not [line for line in lines if ": error: " in line]
    assert re.search(r"check: 0 errors, \d+ warnings", err)


def test_every_problem_is_listed_at_once_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_project(tmp_path)
    facts = root / "data" / "curation" / "facts"
    (facts / "zz-a.yaml").write_text(
        f'- source: {S002}\n  sentence: "{ENVER}"\n  facts:\n'
        "    - {id: f-t-1, subject: kafkas-islam-ordusu, property: commander, object: nuri-pasa,\n"
        "       mentioned_as: {subject: bu ordunun}}\n"
        "    - {id: f-t-2, subject: nuri-pasa, property: partOf, object: enver-pasa}\n"
        "    - {id: f-t-3, subject: kafkas-islam-ordusu, property: commander, object: halil-x,\n"
        "       mentioned_as: {subject: bu ordunun, object: Halil Bey}}\n"
        f'- source: {S002}\n  sentence: "Nuri Paşa Viyana’da doğmuştur"\n  facts:\n'
        "    - {id: f-t-4, subject: kafkas-islam-ordusu, property: headquarters, object: viyana}\n"
        "    - {id: f-t-1, subject: kafkas-islam-ordusu, property: positionedAt, value: 3}\n"
        f'- source: {S002}\n  sentence: "{ENVER}"\n  facts:\n'
        "    - {id: f-t-5, subject: nuri-pasa, property: sibling, object: enver-pasa}\n",
        encoding="utf-8",
    )
    (facts / "zz-b.yaml").write_text("# nothing here yet\n", encoding="utf-8")
    (facts / "zz-c.yaml").write_text("- source: x\n  facts: [\n", encoding="utf-8")
    with (root / "data" / "curation" / "entities" / "persons.yaml").open("a") as fh:
        fh.write("- id: Bad_Id\n  type: Person\n  label: {tr: X, en: X}\n")
    code, lines, err = _check(root, capsys)
    assert code == 2
    errors = [line for line in lines if ": error: " in line]
    expected = [
        ("persons.yaml", None, "is not a slug"),
        ("zz-a.yaml", 13, "duplicate fact id"),
        ("zz-a.yaml", 13, "'positionedAt' takes 'object', not 'value'"),
        ("zz-b.yaml", 1, "write `[]`"),
        ("zz-c.yaml", 3, "YAML syntax error"),
        ("zz-a.yaml", 6, "subject 'nuri-pasa' is a Person; 'partOf' takes MilitaryUnit"),
        ("zz-a.yaml", 6, "object 'enver-pasa' is a Person; 'partOf' takes MilitaryUnit"),
        ("zz-a.yaml", 7, "object 'halil-x' is not in the entity registry"),
        ("zz-a.yaml", 7, "mentioned_as object 'Halil Bey' is not in its sentence"),
        ("zz-a.yaml", 10, "sentence not found"),  # at the group's `sentence:` line
        ("zz-a.yaml", 14, "the same sentence as the group at line 1: put its facts under one group"),
    ]
    for name, line, message in expected:
        where = f"{name}:{line}:" if line else f"{name}:"
        assert any(where in e and message in e for e in errors), (name, line, message, errors)
    assert len(errors) == len(expected), "\n".join(errors)
    assert f"check: {len(expected)} errors" in err


def test_a_text_the_splitter_does_not_understand_is_a_warning_as_in_the_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A registered text is never edited, so its layout reports cannot be errors: the build
    warns, and so does the check (newart2 P4)."""
    root = copy_project(tmp_path)
    text = "Ordu Kars’a doğru ilerledi ve şehri aldı sonra komutan yeni emirler verdi " * 30
    (root / "data" / "sources" / "009_x.txt").write_text(text + "\n", encoding="utf-8")
    with (root / "data" / "sources" / "sources.yaml").open("a", encoding="utf-8") as fh:
        fh.write(
            "  - {id: 009_x, file: 009_x.txt, language: tr, licence: test, journal: unknown,\n"
            "     volume: unknown, issue: unknown, pages: unknown, year: unknown}\n"
        )
    code, lines, _ = _check(root, capsys)
    assert code == 0, [line for line in lines if ": error: " in line]
    assert (
        f"{root / 'data' / 'sources' / '009_x.txt'}:1: warning: a 'sentence' of 360 words: the "
        "text may lack sentence punctuation (the splitter ends sentences at . ! ? …)"
    ) in lines
    inputs = extract_stage(Project(root))  # the build's first stage: the same report, a warning
    assert any("009_x.txt:1: a 'sentence' of 360 words" in w for w in inputs.warnings)


@pytest.mark.parametrize(("key", "old", "new", "why"), [
    ("keywords", '"Halil Paşa", ', '"Halil Paşa", "Sarıkamış Harekâtı", ',
     "is not one of the keywords its keywords lines print"),
    # printed in the body ("Gence’de"), not in the keywords line: not a keyword of the article
    ("keywords", '"Halil Paşa", ', '"Halil Paşa", "Gence", ',
     "is not one of the keywords its keywords lines print"),
    ("scope", "süreci anlatılmaktadır.", "süreci ayrıntılı anlatılmaktadır.",
     "is not printed in the text"),
    # a sentence of the body, not of an abstract: not the article's statement of its scope
    ("scope", '"Bu çalışmada yukarıda bahsedilen Türk Birliklerinin Azerbaycan’ı tahliye etmesi '
     'süreci anlatılmaktadır."', '"Azerbaycan Cumhuriyetinin merkezi Gence şehri olmuştur."',
     "is printed in the body, not in an abstract"),
])
def test_a_keyword_or_scope_not_printed_is_refused_by_check_and_build_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str, old: str, new: str, why: str
) -> None:
    root = copy_project(tmp_path)
    sources_yaml = root / "data" / "sources" / "sources.yaml"
    text = sources_yaml.read_text(encoding="utf-8")
    assert text.count(old) == 1
    sources_yaml.write_text(text.replace(old, new), encoding="utf-8")
    line = next(n for n, t in enumerate(text.replace(old, new).splitlines(), 1) if new in t)
    errors = _errors(root, capsys)
    assert len(errors) == 1 and errors[0].startswith(f"{sources_yaml}:{line}: error: "), errors
    assert f"{key[:-1] if key == 'keywords' else key} " in errors[0]
    assert why in errors[0], errors[0]
    with pytest.raises(TarihkgError) as refused:  # the build stops at the same line
        extract_stage(Project(root))
    assert (refused.value.path, refused.value.line) == (str(sources_yaml), line)


def test_two_groups_whose_quotes_resolve_to_one_sentence_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One quote inside the other (or two pieces of one sentence) are still one sentence: the
    check compares the sentence each quote resolves to, not the quote strings."""
    root = copy_project(tmp_path)
    facts = root / "data" / "curation" / "facts"
    (facts / "zz-a.yaml").write_text(
        f'- source: {S002}\n  sentence: "{ENVER}"\n  facts:\n'
        "    - {id: f-t-1, subject: nuri-pasa, property: sibling, object: enver-pasa}\n"
        f'- source: {S002}\n  sentence: "kendi kardeşi olan Nuri Paşa’yı"\n  facts:\n'
        "    - {id: f-t-2, subject: enver-pasa, property: sibling, object: nuri-pasa,\n"
        "       mentioned_as: {subject: kendi}}\n"
        f'- source: {S002}\n  sentence: "Enver Paşa bu ordunun"\n  facts:\n'
        "    - {id: f-t-3, subject: enver-pasa, property: sibling, object: nuri-pasa,\n"
        "       mentioned_as: {object: kardeşi}}\n",
        encoding="utf-8",
    )
    errors = _errors(root, capsys)
    assert errors == [
        f"{facts / 'zz-a.yaml'}:{n}: error: the same sentence as the group at line 1: put its "
        "facts under one group"
        for n in (5, 10)
    ], "\n".join(errors)


def test_a_fact_of_a_sentence_with_several_citations_must_say_which_back_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Giving every fact of a sentence all its citations overstates what each clause's citation
    backs: where a sentence prints several, `cited` numbers them; where it prints one or none
    there is nothing to choose."""
    root = copy_project(tmp_path)
    facts = root / "data" / "curation" / "facts"
    several = "25 Aralık 1918 yılında General Mehmandarov savunma bakanı olarak atanmış"
    (facts / "zz-b.yaml").write_text(
        f'- source: {S002}\n  sentence: "{several}"\n  facts:\n'
        "    - {id: f-t-1, subject: mehmandarov, property: holdsRole, value: general}\n"
        "    - {id: f-t-2, subject: mehmandarov, property: holdsRole, value: general, cited: [4]}\n"
        "    - {id: f-t-3, subject: mehmandarov, property: holdsRole, value: general, cited: [1]}\n"
        "    - {id: f-t-4, subject: mehmandarov, property: holdsRole, value: general, cited: one}\n"
        f'- source: {S002}\n  sentence: "{ENVER}"\n  facts:\n'
        "    - {id: f-t-5, subject: nuri-pasa, property: sibling, object: enver-pasa, cited: [1]}\n"
        "    - {id: f-t-6, subject: nuri-pasa, property: sibling, object: enver-pasa, cited: []}\n",
        encoding="utf-8",
    )
    code, lines, _ = _check(root, capsys)
    assert code == 2
    errors = {int(line.split(":")[1]): line for line in lines if "zz-b.yaml" in line}
    assert sorted(errors) == [4, 5, 7, 11], "\n".join(errors.values())
    assert "prints 3 citations (1 = '(Azerbaycan Cumhuriyeti Savunma Bakanlığı, 2018a)'" in errors[4]
    assert "say which back this fact" in errors[4]
    assert "cited 4: its sentence prints only 3" in errors[5]
    assert "must be a list of citation numbers" in errors[7]
    assert "nothing to choose" in errors[11]


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ('year: "2024"', "without quotes (year: 2024)"),
        ("year: c. 2019", "year must be a year"),
        ("language:", "lacks 'language'"),
    ],
)
def test_a_bad_sources_yaml_field_is_one_error_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: str, says: str
) -> None:
    """One bad field of one entry: one error at the entry's line, not "no metadata" for every
    text, "unknown source" for every fact and "mentioned nowhere" for every entity."""
    root = copy_project(tmp_path)
    sources_yaml = root / "data" / "sources" / "sources.yaml"
    lines = sources_yaml.read_text(encoding="utf-8").splitlines()
    key = bad.split(":")[0]
    at = next(i for i, line in enumerate(lines) if line.strip().startswith(f"{key}:"))
    lines[at] = lines[at].split(key)[0] + bad
    sources_yaml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = _check(root, capsys)
    errors = [line for line in out if ": error: " in line]
    assert code == 2
    assert len(errors) == 1, "\n".join(errors[:10])
    assert errors[0].startswith(f"{sources_yaml}:") and says in errors[0], errors[0]
    assert not [line for line in out if "mentioned nowhere" in line]


def test_a_quote_found_nowhere_is_one_error_at_its_sentence_line_with_a_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A group of three facts under a quote typed with a straight apostrophe (the text prints
    ’): one error, at the `sentence:` line, saying what the text prints and which character
    differs; a quote matching nothing even so gets no hint."""
    root = copy_project(tmp_path)
    facts = root / "data" / "curation" / "facts"
    typed = ENVER.replace("’", "'")
    (facts / "zz-a.yaml").write_text(
        f"- source: {S002}\n  sentence: \"{typed}\"\n  facts:\n"
        "    - {id: f-t-1, subject: kafkas-islam-ordusu, property: commander, object: nuri-pasa,\n"
        "       mentioned_as: {subject: bu ordunun}}\n"
        "    - {id: f-t-2, subject: nuri-pasa, property: sibling, object: enver-pasa}\n"
        "    - {id: f-t-3, subject: enver-pasa, property: sibling, object: nuri-pasa}\n"
        f"- source: {S002}\n  sentence: \"Nuri Paşa Viyana’da doğmuştur\"\n  facts:\n"
        "    - {id: f-t-4, subject: nuri-pasa, property: sibling, object: enver-pasa}\n"
        "    - {id: f-t-5, subject: enver-pasa, property: sibling, object: nuri-pasa}\n",
        encoding="utf-8",
    )
    errors = _errors(root, capsys)
    assert len(errors) == 2, "\n".join(errors)
    first, second = errors
    assert "zz-a.yaml:2: error: " in first and "sentence not found" in first, first
    assert f"did you mean {ENVER!r} (’ not ')" in first, first
    assert "zz-a.yaml:9: error: " in second and "did you mean" not in second, second


def test_an_unquoted_date_is_refused_as_the_json_schema_refuses_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`date: 1918-07-25` unquoted is a calendar date to YAML and `date: 1918` a number: the
    JSON Schema editors check against refuses both; `tarihkg check` accepted them. One rule
    now: each is an error at its fact, saying to quote it, and the quoted form passes both. (A
    refused fact that replaces a retired one does not make the retired entry an error too.)"""
    import json

    import jsonschema
    import yaml

    root = copy_project(tmp_path)
    path = root / "data" / "curation" / "facts" / "000.yaml"
    text = path.read_text(encoding="utf-8")
    day = re.search(r'date: "(\d{4}-\d{2}-\d{2})"', text)
    year = re.search(r'date: "(\d{4})"', text)
    assert day and year
    text = text.replace(day.group(0), f"date: {day.group(1)}", 1)
    text = text.replace(year.group(0), f"date: {year.group(1)}", 1)
    path.write_text(text, encoding="utf-8")
    errors = _errors(root, capsys)
    assert len(errors) == 2, "\n".join(errors)
    assert any(f'quote it (date: "{day.group(1)}")' in e and "calendar date" in e for e in errors)
    assert any(f'quote it (date: "{year.group(1)}")' in e and "a number" in e for e in errors)
    assert all(re.search(r"000\.yaml:\d+: error: fact f-", e) for e in errors), errors
    schema = json.loads((root / "data" / "curation" / "facts.schema.json").read_text("utf-8"))
    found = list(jsonschema.Draft202012Validator(schema).iter_errors(yaml.safe_load(text)))
    assert len(found) == 2, [e.message for e in found]


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ("- id: nuri-geri-cekilis\n  type: Retreat\n  label: {tr: Geri çekiliş, en: Retreat}\n",
         "unknown type 'Retreat' for nuri-geri-cekilis: the types are Agreement"),
        ("- id: nuri-geri-çekiliş\n  type: Withdrawal\n  label: {tr: Geri çekiliş, en: R}\n",
         "id 'nuri-geri-çekiliş' is not a slug"),
    ],
)
def test_a_refused_registry_entry_is_one_error_not_one_per_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], entry: str, says: str
) -> None:
    """An entry with an unknown type or a non-slug id, minted and used by two facts, gave 5-6
    errors: its own, "minted id ... has no registry entry: a retired id stays" (misleading: the
    entry is there) and "not in the entity registry" per fact. Now its own error only."""
    root = copy_project(tmp_path)
    ident = entry.split()[2]
    curation = root / "data" / "curation"
    with (curation / "entities" / "events.yaml").open("a", encoding="utf-8") as fh:
        fh.write(entry)
    with (curation / "minted-iris.txt").open("a", encoding="utf-8") as fh:
        fh.write(ident + "\n")
    (curation / "facts" / "zz-a.yaml").write_text(
        f'- source: {S002}\n  sentence: "{ENVER}"\n  facts:\n'
        f"    - {{id: f-t-1, subject: {ident}, property: carriedOutBy, object: enver-pasa,\n"
        "       mentioned_as: {subject: tayin etti}}\n"
        f"    - {{id: f-t-2, subject: {ident}, property: carriedOutBy, object: nuri-pasa,\n"
        "       mentioned_as: {subject: tayin etti}}\n",
        encoding="utf-8",
    )
    errors = _errors(root, capsys)
    assert len(errors) == 1, "\n".join(errors)
    assert "events.yaml:" in errors[0] and says in errors[0], errors[0]


def test_an_alias_no_text_prints_is_reported_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/curation.md: every alias occurs in a source text (with suffixes), or the entry says
    `unattested: true`. `aliases: [Gence, Gencce]` was accepted silently; now the misspelt one
    is a warning at its line, and the printed one (Gence’de, Gence’ye) is not."""
    root = copy_project(tmp_path)
    places = root / "data" / "curation" / "entities" / "places.yaml"
    lines = places.read_text(encoding="utf-8").splitlines()
    start = lines.index("- id: gence")
    at = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("aliases:"))
    lines[at] = '  aliases: ["Gence",\n    "Gencce"]'
    places.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = _check(root, capsys)
    assert code == 0
    said = [line for line in out if "alias " in line and " of gence " in line]
    assert said == [
        f"{places}:{at + 2}: warning: alias 'Gencce' of gence is printed in no source text: "
        "correct or drop it (a name seen elsewhere goes under names_elsewhere, with where it "
        "was seen)"
    ], said
    lines[start + 1 : start + 1] = ["  unattested: true"]
    places.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = _check(root, capsys)
    assert not [line for line in out if "alias " in line and " of gence " in line]


def test_a_wrong_type_is_named_with_its_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'is an Organization', not 'is a Organization' (newart2 P9)."""
    root = copy_project(tmp_path)
    (root / "data" / "curation" / "facts" / "zz-a.yaml").write_text(
        f'- source: {S002}\n  sentence: "{ENVER}"\n  facts:\n'
        "    - {id: f-t-1, subject: gence-askeri-okulu, property: partOf,\n"
        "       object: kafkas-islam-ordusu, mention_check: false, note: {en: test}}\n",
        encoding="utf-8",
    )
    errors = _errors(root, capsys)
    assert any("subject 'gence-askeri-okulu' is an Organization; 'partOf' takes" in e
               for e in errors), errors


def test_every_problem_of_one_sources_entry_is_listed_in_one_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """newart3 P8: a quoted year, a missing journal and a keyword not on the keywords line of
    one entry are three problems of one run, each at its line (the first no longer hides the
    others)."""
    root = copy_project(tmp_path)
    sources_yaml = root / "data" / "sources" / "sources.yaml"
    text = sources_yaml.read_text(encoding="utf-8")
    first = text.index("  - id: 000_")
    entry = text[first:text.index("  - id: ", first + 5)]
    edited = (entry.replace("year: unknown", 'year: "1991"', 1)
              .replace('"Halil Paşa", ', '"Halil Paşa", "Gence", ', 1))
    assert edited.count('"1991"') == 1 and edited.count('"Gence"') == 1
    journal = next(t for t in edited.splitlines() if t.startswith("    journal:"))
    edited = edited.replace(journal + "\n", "", 1)
    text = text.replace(entry, edited, 1)
    sources_yaml.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    entry_line = next(n for n, t in enumerate(lines, 1) if t.startswith("  - id: 000_"))
    keyword_line = next(n for n, t in enumerate(lines, 1) if '"Gence"' in t)
    errors = _errors(root, capsys)
    at = f"{sources_yaml}:"
    assert any(e.startswith(f"{at}{entry_line}: error: ") and "year is the quoted string '1991'"
               in e for e in errors), errors
    assert any(e.startswith(f"{at}{entry_line}: error: ") and "'journal' must be given" in e
               for e in errors), errors
    assert any(e.startswith(f"{at}{keyword_line}: error: ") and "keyword 'Gence' is not one of "
               "the keywords its keywords lines print" in e for e in errors), errors
    assert len(errors) == 3, errors


S000 = "000_539a70a237dcfef4"
BATUM = "4 Haziran 1918’de imzalanan Batum Antlaşması ile Türkiye ile Azerbaycan arasında"


def test_a_date_not_its_wording_is_reported_at_the_date_line_and_unknown_ids_get_a_suggestion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """newart3 P10: the `date:` line, not the fact's `id` line; 'did you mean' for an unknown
    id close to a registry id or name; a quote running over a sentence end says so."""
    root = copy_project(tmp_path)
    (root / "data" / "curation" / "facts" / "zz-a.yaml").write_text(
        f'- source: {S000}\n  sentence: "{BATUM}"\n  facts:\n'
        "    - id: f-t-1\n"
        "      subject: batum-antlasmasi\n"
        "      property: date\n"
        "      note: {en: a test}\n"
        "      date: \"1918-06-14\"\n"  # line 8: the wording reads 1918-06-04
        "      date_wording: 4 Haziran 1918’de\n"
        "    - {id: f-t-2, subject: batum-antlasmasi, property: party, object: azerbaycan-cumhuriyetı,\n"
        "       mentioned_as: {object: Azerbaycan}}\n"
        "    - {id: f-t-3, subject: batum-antlasmasi, property: party, object: Osmanlı Devleti}\n"
        f'- source: {S000}\n'
        "  sentence: \"Tiflis’te Transkafkasya Seym’i toplanmıştır. Seym, Türkiye ile derhal\"\n"
        "  facts:\n"
        "    - {id: f-t-4, subject: transkafkasya-seymi, property: assessment, value: x}\n",
        encoding="utf-8",
    )
    errors = _errors(root, capsys)
    path = root / "data" / "curation" / "facts" / "zz-a.yaml"
    assert any(e.startswith(f"{path}:8: error: fact f-t-1: date '1918-06-14' is not its "
                            "wording '4 Haziran 1918’de', which reads 1918-06-04") for e in errors), errors
    assert f"{path}:10: error: fact f-t-2: object 'azerbaycan-cumhuriyetı' is not in the " \
        "entity registry; did you mean `azerbaycan-cumhuriyeti` (Azerbaycan Cumhuriyeti)?" in errors
    assert f"{path}:12: error: fact f-t-3: object 'Osmanlı Devleti' is not in the entity " \
        "registry; did you mean `osmanli-devleti` (Osmanlı Devleti)?" in errors
    [crossing] = [e for e in errors if "f-t-4" in e or f"{path}:14:" in e]
    assert crossing.startswith(f"{path}:14: error: sentence not found in {S000}: ")
    assert "the words cross a sentence end: the text's sentence ends at " in crossing
    assert "'Seym, Türkiye ile derhal'" in crossing and "toplanmıştır.'" in crossing


def test_root_is_accepted_after_the_command_and_shown_in_its_help(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """newart3 P10: `tarihkg new-source --help` lists --root; `tarihkg check --root DIR` (the
    option after the command) checks DIR, from any working directory."""
    assert main(["new-source", "--help"]) == 0
    assert "--root ROOT" in capsys.readouterr().out
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--root", str(Path(__file__).resolve().parent.parent)]) == 0
    assert "check: 0 errors" in capsys.readouterr().err
    assert main(["check"]) == 2
    assert "is not a tarihkg project (no data/sources/); use --root" in capsys.readouterr().err


def test_check_source_prints_only_the_warnings_about_that_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = str(copy_project(tmp_path))
    # a warning about the other article: 002's 'Sovyetler Birliği' for Soviet Russia, without
    # the reason its fact gives (the committed files give no warning about 002 any more)
    facts = Path(root) / "data" / "curation" / "facts" / "002.yaml"
    text = facts.read_text(encoding="utf-8")
    reason = re.search(r"\n      mentioned_as_reason:\n        object: \"The occupation after[^\n]*",
                       text)
    assert reason is not None
    facts.write_text(text.replace(reason.group(0), ""), encoding="utf-8")
    assert main(["--root", root, "check"]) == 0
    every = capsys.readouterr().out.splitlines()
    assert main(["check", "--root", root, "--source", S000]) == 0
    out = capsys.readouterr()
    shown = out.out.splitlines()
    assert shown and set(shown) < set(every)
    assert all(S000 in line or "/facts/000.yaml:" in line for line in shown), shown
    assert [line for line in every if f"{S000}.txt:" in line] == \
        [line for line in shown if f"{S000}.txt:" in line]
    assert f"not about {S000} not shown" in out.err
    assert main(["check", "--root", root, "--source", "009_nothing"]) == 2
    assert "--source 009_nothing: no source of that id" in capsys.readouterr().err
