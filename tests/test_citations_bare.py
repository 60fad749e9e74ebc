"""An archival reference printed without parentheses, as Turkish footnotes commonly cite
(``bk. ATASE, A, K.3820, D.72, F.9.``), is a citation (issue 9, second outside trial P8: the
footnote sentence had none). Words after an archive's name that are no shelfmark are not."""

from __future__ import annotations

from tarihkg.text.citations import RecordRef, find_citations, record_key


def test_a_bare_archival_reference_in_a_footnote_is_a_citation() -> None:
    text = "Tümenin bir kısmı Ardahan üzerinden yürüyerek çekilmiştir; bk. ATASE, A, K.3820, D.72, F.9."
    [c] = find_citations(text)
    assert c.kind == "record" and c.text == "ATASE, A, K.3820, D.72, F.9"
    assert text[c.start : c.end] == c.text
    [ref] = c.refs
    assert isinstance(ref, RecordRef) and record_key(ref) == "atase-a-k3820-d72-f9"


def test_a_bare_reference_followed_by_a_sentence_or_another_reference() -> None:
    text = "Bk. BOA, DH.ŞFR, 88/14. Ayrıca bk. ATASE, A, K.526, D.369, F.43-5; Kaya, 2011: 12."
    cits = find_citations(text)
    assert [c.text for c in cits] == ["BOA, DH.ŞFR, 88/14", "ATASE, A, K.526, D.369, F.43-5"]


def test_a_parenthesised_reference_is_found_once_and_prose_is_no_reference() -> None:
    assert [c.text for c in find_citations("Kars alındı (ATASE A, K.526, D.369, F.43-5).")] == [
        "(ATASE A, K.526, D.369, F.43-5)"
    ]
    for prose in ("ATASE arşivinde 1918 yılına ait belgeler vardır.",
                  "Bu belgeler ATASE, 1995 yılında yayımlandı.",
                  "BOA belgeleri 12 Mart 1918 tarihlidir."):
        assert find_citations(prose) == [], prose
