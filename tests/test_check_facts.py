"""The warnings of the facts, in `tarihkg check` and in the build, each at the fact's file:line:
`mentioned_as` words the matcher gives to another registry entity (newart3 P4), and an event
whose only dates are on its agents' or participants' facts (newart3 P5). The committed facts
give none of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import copy_project, sentence

from tarihkg.cli import main
from tarihkg.pipeline import extract_stage, rdfize_stage
from tarihkg.project import Project

ROOT = Path(__file__).resolve().parent.parent
S000 = "000_539a70a237dcfef4"
S002 = "002_afd972166be37c54"
BAKU = sentence(S002, "Bakü’nün düşman işgalinden kurtarılmasında", "Bakü’yü kurtarmayı başarmıştır")
BATUM = sentence(S000, "4 Haziran 1918’de imzalanan Batum", "işbirliği kararı alınmıştır")

FACTS = (
    f'- source: {S002}\n  sentence: "{BAKU}"\n  facts:\n'
    # 'Bakü’yü' is Baku: not Gence
    "    - {id: f-t-1, subject: bakunun-kurtulusu, property: target, object: gence,\n"
    "       mentioned_as: {subject: Bakü’yü kurtarmayı, object: Bakü’yü}}\n"
    # 'Kafkas İslam Ordusu' (İ) is the Caucasus Islam Army: not the 5th Caucasian Division
    "    - {id: f-t-2, subject: bakunun-kurtulusu, property: carriedOutBy, object: 5-kafkas-tumeni,\n"
    "       mentioned_as: {subject: Bakü’yü kurtarmayı, object: Kafkas İslam Ordusu}}\n"
    # the entity's own name, in other letter case: nothing to say
    "    - {id: f-t-3, subject: bakunun-kurtulusu, property: carriedOutBy,\n"
    "       object: kafkas-islam-ordusu,\n"
    "       mentioned_as: {subject: Bakü’yü kurtarmayı, object: KAFKAS İSLAM ORDUSU}}\n"
    # kept on purpose, with the reason: nothing to say
    "    - {id: f-t-4, subject: bakunun-kurtulusu, property: target, object: gence,\n"
    "       mentioned_as: {subject: Bakü’yü kurtarmayı, object: Bakü’yü},\n"
    "       mentioned_as_reason: {object: a test}}\n"
    f'- source: {S000}\n  sentence: "{BATUM}"\n  facts:\n'
    # a polity named by the land it is named after: not reported
    "    - {id: f-t-5, subject: batum-antlasmasi, property: party, object: azerbaycan-cumhuriyeti,\n"
    "       mentioned_as: {object: Azerbaycan}}\n"
    # the same land's name for another polity: reported
    "    - {id: f-t-6, subject: batum-antlasmasi, property: party, object: ermenistan,\n"
    "       mentioned_as: {object: Azerbaycan}}\n"
)


def _project(tmp_path: Path, facts: str) -> Path:
    root = copy_project(tmp_path)
    (root / "data" / "curation" / "facts" / "zz-t.yaml").write_text(facts, encoding="utf-8")
    return root


def _check(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["--root", str(root), "check"])
    return code, capsys.readouterr().out.splitlines()


def test_committed_facts_give_no_fact_warning(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = _check(ROOT, capsys)
    assert code == 0
    assert not [line for line in lines if "mentioned_as" in line or "no date fact" in line], lines


def test_mentioned_as_words_naming_another_entity_are_a_warning_naming_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path, FACTS)
    code, lines = _check(root, capsys)
    assert code == 0, [line for line in lines if ": error: " in line]
    path = root / "data" / "curation" / "facts" / "zz-t.yaml"
    warned = {line.split(": warning: fact ")[1].split(":")[0]: line
              for line in lines if str(path) in line and ": warning: fact " in line}
    assert sorted(warned) == ["f-t-1", "f-t-2", "f-t-6"], lines
    assert warned["f-t-1"].startswith(
        f"{path}:4: warning: fact f-t-1: mentioned_as object 'Bakü’yü' is a name of place/baku "
        "(Baku), not of 'gence' (place/gence, ")
    assert "mentioned_as_reason: {object: ...}" in warned["f-t-1"]
    assert warned["f-t-2"].startswith(
        f"{path}:6: warning: fact f-t-2: mentioned_as object 'Kafkas İslam Ordusu' is a name of "
        "unit/kafkas-islam-ordusu")
    assert "not of '5-kafkas-tumeni' (unit/5-kafkas-tumeni," in warned["f-t-2"]
    assert warned["f-t-6"].startswith(
        f"{path}:19: warning: fact f-t-6: mentioned_as object 'Azerbaycan' is a name of "
        "place/azerbaycan (Azerbaijan), not of 'ermenistan' (polity/ermenistan, ")
    # The build gives the same warnings, at the same lines.
    warnings: list[str] = []
    rdfize_stage(Project(root), extract_stage(Project(root)), warnings)
    assert sorted(w for w in warnings if "mentioned_as" in w) == sorted(
        line.replace(": warning: ", ": ", 1) for line in warned.values())


def test_a_reason_needs_the_words_it_is_the_reason_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path, (
        f'- source: {S002}\n  sentence: "{BAKU}"\n  facts:\n'
        "    - {id: f-t-1, subject: bakunun-kurtulusu, property: target, object: baku,\n"
        "       mentioned_as: {subject: Bakü’yü kurtarmayı}, mentioned_as_reason: {object: a test}}\n"
    ))
    code, lines = _check(root, capsys)
    assert code == 2
    assert any(":4: error: " in line and "mentioned_as_reason object without mentioned_as "
               "object" in line for line in lines), lines


EVENT = (
    "\n- id: zz-test-kurtarma\n  type: Capture\n  label: {tr: Test kurtarması, en: Test capture}\n"
    "  aliases: []\n  unattested: true\n  mentioned_in:\n"
    f"    - {{source: {S002}, quote: \"Bakü’yü kurtarmayı başarmıştır\"}}\n"
)


def _event_project(tmp_path: Path, facts: str) -> Path:
    root = _project(tmp_path, f'- source: {S002}\n  sentence: "{BAKU}"\n  facts:\n' + facts)
    with (root / "data" / "curation" / "entities" / "additions-002.yaml").open("a") as fh:
        fh.write(EVENT)
    with (root / "data" / "curation" / "minted-iris.txt").open("a") as fh:
        fh.write("zz-test-kurtarma\n")
    return root


def test_an_event_dated_only_on_its_agent_is_a_warning_at_that_fact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _event_project(tmp_path, (
        "    - {id: f-t-1, subject: zz-test-kurtarma, property: target, object: baku}\n"
        "    - {id: f-t-2, subject: zz-test-kurtarma, property: carriedOutBy,\n"
        "       object: kafkas-islam-ordusu, date: \"1918-09-15\"}\n"
    ))
    code, lines = _check(root, capsys)
    assert code == 0, [line for line in lines if ": error: " in line]
    path = root / "data" / "curation" / "facts" / "zz-t.yaml"
    [warning] = [line for line in lines if "no date fact" in line]
    assert warning.startswith(
        f"{path}:5: warning: fact f-t-2: event 'zz-test-kurtarma' has dated facts but no date "
        "fact: its only date (1918-09-15) is on this carriedOutBy fact")
    warnings: list[str] = []
    rdfize_stage(Project(root), extract_stage(Project(root)), warnings)
    assert [w for w in warnings if "no date fact" in w] == [warning.replace(": warning: ", ": ", 1)]


def test_an_event_with_its_own_date_fact_is_not_warned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _event_project(tmp_path, (
        "    - {id: f-t-1, subject: zz-test-kurtarma, property: date, date: \"1918-09-15\"}\n"
        "    - {id: f-t-2, subject: zz-test-kurtarma, property: carriedOutBy,\n"
        "       object: kafkas-islam-ordusu, date: \"1918-09-15\"}\n"
    ))
    code, lines = _check(root, capsys)
    assert code == 0, [line for line in lines if ": error: " in line]
    assert not [line for line in lines if "no date fact" in line]


def test_another_articles_own_entity_does_not_make_a_warning_here(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An article's own entity (its `sources` name that article only) that shares a name with
    words of another article's facts: those facts are not warned (in their article the name is
    not that entity's; README "Add an article", step 4), the facts of its own article are. The
    outside trial newart4 registered 'İngilizler' for its 1919 force and got warnings at 000's
    'İngilizler' for the British state."""
    root = copy_project(tmp_path)
    with (root / "data" / "curation" / "entities" / "additions-002.yaml").open("a") as fh:
        fh.write(
            "\n- id: zz-ingiliz-kuvvetleri-test\n  type: MilitaryUnit\n  echelon: detachment\n"
            "  label: {tr: İngiliz kuvvetleri (test), en: British force (test)}\n"
            f"  aliases: [İngilizler]\n  sources: [{S002}]\n"
        )
    with (root / "data" / "curation" / "minted-iris.txt").open("a") as fh:
        fh.write("zz-ingiliz-kuvvetleri-test\n")
    code, lines = _check(root, capsys)
    assert code == 0, [line for line in lines if ": error: " in line]
    warned = [line for line in lines if "zz-ingiliz-kuvvetleri-test" in line
              and "mentioned_as" in line]
    assert not [w for w in warned if "/facts/000.yaml:" in w], warned
    assert [w for w in warned if "/facts/002.yaml:" in w], lines


DUNSTERVILLE = sentence(S002, "Türk Kafkas İslam Ordusu’nun Bakü’ye ikinci yürüyüşünün karşısında",
                        "Bakü’den çıkma emri verdi")


@pytest.mark.parametrize(("when", "warned"), [("1334-09-14", True), ("1918-09-14", False)])
def test_a_date_no_wording_checked_outside_the_period_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], when: str, warned: bool
) -> None:
    """'aynı günde' is no date the parser reads, so nothing checks the value: a year outside the
    article's period (a date copied from another calendar) is warned at the fact (newart4)."""
    root = _project(tmp_path, (
        f'- source: {S002}\n  sentence: "{DUNSTERVILLE}"\n  facts:\n'
        "    - {id: f-t-1, subject: deustervilin-bakuden-cekilme-emri, property: carriedOutBy,\n"
        f"       object: dunsterville, date: \"{when}\", date_wording: aynı günde}}\n"
    ))
    code, lines = _check(root, capsys)
    assert code == 0, [line for line in lines if ": error: " in line]
    found = [line for line in lines if "nothing checked it" in line]
    path = root / "data" / "curation" / "facts" / "zz-t.yaml"
    assert found == ([f"{path}:4: warning: fact f-t-1: date '{when}' lies outside the article's "
                      "period (1917–1921) and its wording 'aynı günde' is not a date the parser "
                      "reads, so nothing checked it: a date printed in another calendar is "
                      "written as its Gregorian reading (Rumi dates are read: docs/curation.md, "
                      "'Dates in the Rumi calendar'); if the value is right, name its year in "
                      "the fact's note"] if warned else []), lines
    if warned:  # a note naming the year: a reviewer has looked, nothing to say
        facts = root / "data" / "curation" / "facts" / "zz-t.yaml"
        facts.write_text(facts.read_text(encoding="utf-8").replace(
            "date_wording: aynı günde}", "date_wording: aynı günde, note: {en: 'Rumi 1334'}}"),
            encoding="utf-8")
        code, lines = _check(root, capsys)
        assert code == 0 and not [line for line in lines if "nothing checked it" in line], lines
