"""Competency questions (server/queries/1*.rq-4*.rq) -> their answers on the real build, compared
with answers established by reading the two texts.

Each expected answer below was read off the articles (the sentence is named in a comment), not
copied from the query output; docs/questions.md gives the same answers in words.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import COMMITTED, add_third_article, copy_project

from tarihkg.names import GRAPH_NS, ONTOLOGY_NS, RESOURCE_NS
from tarihkg.pipeline import build
from tarihkg.project import Project
from tarihkg.store import open_store

QUERIES = Path(__file__).resolve().parent.parent / "server" / "queries"
S000 = RESOURCE_NS + "source/000_539a70a237dcfef4"
S002 = RESOURCE_NS + "source/002_afd972166be37c54"
TKG = ONTOLOGY_NS
COMPETENCY = sorted(
    p for p in QUERIES.glob("*.rq") if p.name[:2].isdigit() and 10 <= int(p.name[:2]) < 90
)


@pytest.fixture(scope="module")
def with_third_article(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The project with tests/data/third added as a curator would (README "Add an article"),
    with reviewed facts that restate answers of 000 and 002 (tests/data/third/facts.yaml),
    built once."""
    root = add_third_article(copy_project(tmp_path_factory.mktemp("competency3")), facts=True)
    project = Project(root)
    build(project, extracts=True)
    return project


@pytest.fixture(scope="module", params=["two articles", "a third article added"])
def ask(request: pytest.FixtureRequest):
    """``ask("13")``: the question's rows over the whole build; ``ask("13", committed=True)``:
    over the graphs of 000 and 002 (with the registry, the ontology and what is inferred) only,
    for answers read off those two texts that an article a curator adds (README "Add an
    article") would extend.
    Every question runs twice: on the project as committed, and with a third article whose
    facts state the same things, where the answers read off 000 and 002 must be the same."""
    if request.param == "two articles":
        project, _ = request.getfixturevalue("built_project")
    else:
        project = request.getfixturevalue("with_third_article")
    store = open_store(project.build_dir)
    # The inferred graph too: a class's members (a Treaty's armistices) are stated there.
    theirs = [GRAPH_NS + sid for sid in sorted(COMMITTED)] + [
        GRAPH_NS + g for g in ("curation", "ontology", "inferred")
    ]

    def run(name: str, *, committed: bool = False) -> list[dict[str, str]]:
        (path,) = QUERIES.glob(f"{name}-*.rq")
        query = path.read_text(encoding="utf-8")
        return store.query(query, default_graphs=theirs if committed else None).rows()

    return run


def cols(rows: list[dict[str, str]], *names: str) -> list[tuple[str | None, ...]]:
    return [tuple(r.get(n) for n in names) for r in rows]


def test_at_least_thirty_questions_each_with_a_title() -> None:
    assert len(COMPETENCY) >= 30
    for path in COMPETENCY:
        head = path.read_text(encoding="utf-8").splitlines()[:2]
        assert head[0].startswith("# title: ") and head[0].rstrip().endswith("?"), path.name
        assert head[1].startswith("# description: "), path.name


def test_every_example_query_returns_rows_on_the_build(built_project) -> None:
    """Examples 01-89 (90+ are federated queries to Wikidata, tested with the Wikidata links)."""
    project, _ = built_project
    store = open_store(project.build_dir)
    for path in sorted(p for p in QUERIES.glob("*.rq") if int(p.name[:2]) < 90):
        assert store.query(path.read_text(encoding="utf-8")).rows(), f"{path.name} returns no rows"


def test_10_commander_of_the_caucasus_islam_army(ask) -> None:
    # 002: "... Kafkas İslam Ordusu komutanı Nuri Paşa’yı Azerbaycan’a yardıma göndermişti
    # (Altınsoy, 2019, s. 64–67)"
    # and, with no citation, the abstracts ("Nuri Paşa komutasındaki", "Commanded by Nuri Pasha")
    # and the conclusion ("Nuri Paşa kumandanlığında Kafkas İslam Ordusu’nu tesis ederek")
    assert set(cols(ask("10", committed=True), "commanderLabel", "source", "citedWork")) == {
        ("Nuri Paşa", S002, "Altınsoy, 2019"),
        ("Nuri Paşa", S002, None),
    }


def test_11_units_attacking_baku_on_14_september(ask) -> None:
    # 002: 13. Alay, 9. Alay, 56. Alay, 106. Alay; 13 ve 19. Alay; 5. Kafkas Piyade Tümeni (not the
    # 5th Regiment: "9. ve 5. Alaylar ... yarmaya hazır vaziyette bekliyordu" says it stood ready,
    # not that it took part, and it appears nowhere else);
    # "İkinci Bakü Azerbaycan milislerinin gücü"; the division's line on the evening of 14
    # September ("sağdan 5. Kafkas Piyade Tümeni, 13., 9., 56. ve 10. Alaylar geldi"); the army's
    # remaining forces sent to the western front on the night of 13-14 September.
    rows = {r["unitLabel"]: r.get("positions", "") for r in ask("11", committed=True)}
    assert set(rows) == {
        "9. Kafkas Alayı",
        "10. Kafkas Alayı",
        "Kafkas İslam Ordusu",
        "13. Kafkas Alayı",
        "19. Alay",
        "56. Alay",
        "106. Kafkas Alayı",
        "5. Kafkas Tümeni",
        "Azerbaycan Milisleri",
    }
    # "Hıristiyan Mezarlığı-Sallaghana-Kırmızı kışla, Beyaz kışla hattında pozisyon almıştı": the
    # division's line; the sentence prints no date, the one before it does ("14 Eylül 1918
    # akşamı sağdan 5. Kafkas Piyade Tümeni ... geldi"), so the line is dated 14 September.
    assert set(rows["5. Kafkas Tümeni"].split(", ")) == {
        "Hıristiyan Mezarlığı", "Sallaghana", "Kırmızı Kışla", "Beyaz Kışla"}
    # "13. Alay’ın bir taburu da 364 numaralı tepedeydi": one battalion stood on hill 364, not the
    # regiment, and the sentence prints no date, so the regiment has no dated position.
    assert rows["13. Kafkas Alayı"] == ""


def test_12_treaties_of_1918_in_order_with_signatories(ask) -> None:
    rows = ask("12", committed=True)
    order = list(dict.fromkeys((r["treatyLabel"], r["edtf"]) for r in rows))
    # 000: Brest Litovsk 3 Mart 1918; Batum 4 Haziran 1918; Mondros 30 Ekim 1918
    assert order == [
        ("Brest Litovsk Barış Antlaşması", "1918-03-03"),
        ("Batum Antlaşması", "1918-06-04"),
        ("Mondros Mütarekesi", "1918-10-30"),
    ]
    # 002: "Türkiye tarafından ... Vahib Paşa, Adalet Bakanı Halil Menteşe ...; Azerbaycan
    # Hükümeti tarafından
    # Dışişleri Bakanı M. H. Hacinski ve Millî Konseyi Başkanı Mehmet Emin Resulzâde imzaladı"
    signed = {(r["signatoryLabel"], r["sideLabel"]) for r in rows if "signatoryLabel" in r}
    assert signed == {
        ("Vehip Paşa", "Osmanlı Devleti"),
        ("Halil Menteşe", "Osmanlı Devleti"),
        ("M. H. Hacinski", "Azerbaycan Cumhuriyeti"),
        ("Mehmet Emin Resulzâde", "Azerbaycan Cumhuriyeti"),
    }


def test_13_what_mudros_required(ask) -> None:
    # 000 abstract: "Mondros Mütarekesinin 11 ile 15. maddelerinde belirtilen hususlara göre, Türk
    # Birlikleri
    # Azerbaycan’ı ve bütün Kafkasya’yı tahliye etmek zorunda kalmıştır"
    # and the English abstract: "In this truce's 11th and 15th paragraphs ..."; footnote 9 and the
    # body print provisions without a number
    # (000's graph and 002's: another article stating article 11 adds its own rows)
    rows = ask("13", committed=True)
    numbered = [r for r in rows if "number" in r]
    assert sorted(int(r["number"]) for r in numbered) == [11, 11, 15, 15]
    # the Turkish abstract's words, and the English abstract's own (tagged English)
    assert all("Kafkasya’yı" in r["requirement"] or "all Caucasia" in r["requirement"]
               for r in numbered)
    assert any("iltihak etmemiş bütün araziyi" in r["requirement"] for r in rows if "number" not in r)


def test_14_works_supporting_the_date_of_bakus_liberation(ask) -> None:
    # 000: "Bakü, 15 Eylül 1918 tarihinde Türk birliklerince alınmıştır (Saray, 1999: 41)"
    # 002: "15 Eylül 1918 yılında Bakü işgalden kurtulmuş ve iki gün sonra (17 Eylül 1918
    # yılında) Hükümet merkezi Bakü’ye taşınmıştır (Nesipli, 2011, s. 67)"
    assert set(cols(ask("14", committed=True), "edtf", "source", "work", "pages")) == {
        ("1918-09-15", S000, "Saray, 1999", "41"),
        ("1918-09-15", S002, "Nesipli, 2011", "67"),
    }


def test_15_what_the_5th_division_sent_to_gazah(ask) -> None:
    # 002: "toplam 147 subay, 2812 asker, 698 hayvan. İkinci grup: ... toplam 110 subay, 2763
    # asker, 668 hayvan"
    assert set(cols(ask("15", committed=True), "officers", "soldiers", "animals")) == {
        ("147", "2812", "698"),
        ("110", "2763", "668"),
    }


def test_16_regiments_of_the_5th_caucasian_division(ask) -> None:
    # 002: "5. Kafkas Piyade Tümeni’ne bağlı 9., 10., 13. ve 56. piyade alayları"; "5. Kafkas
    # Tümeni’nin 38. Alayı"
    regiments = {r["unitLabel"] for r in ask("16", committed=True) if r.get("echelon") == TKG + "regiment"}
    assert regiments == {
        "9. Kafkas Alayı",
        "10. Kafkas Alayı",
        "13. Kafkas Alayı",
        "38. Alay",
        "56. Alay",
    }


def test_17_units_under_two_divisions_are_kept_both_ways(ask) -> None:
    # 002 puts the 38th and the 56th Regiment once under the 5th Caucasian, once under the 15th
    # Infantry Division.
    assert {(u, d) for u, d in cols(ask("17", committed=True), "unitLabel", "divisionLabel")} == {
        ("38. Alay", "5. Kafkas Tümeni"),
        ("38. Alay", "15. Piyade Tümeni"),
        ("56. Alay", "5. Kafkas Tümeni"),
        ("56. Alay", "15. Piyade Tümeni"),
    }


def test_18_who_replaced_vehip_pasha(ask) -> None:
    # 000: "Türk ordusunda Vehip Paşa’nın yerine Halil Paşa atanmış"
    rows = ask("18", committed=True)
    assert set(cols(rows, "appointeeLabel", "replacedLabel")) == {("Halil Paşa", "Vehip Paşa")}


def test_19_appointments(ask) -> None:
    rows = ask("19", committed=True)
    dated = {(r["appointeeLabel"], r["edtf"]) for r in rows if "edtf" in r}
    # 002: 25 Aralık 1918 Mehmandarov; 29 Aralık 1918 A. Şıhlinski; 26 Mart 1919 S. Şulkeviç
    assert {
        ("Mehmandarov", "1918-12-25"),
        ("A. Şıhlinski", "1918-12-29"),
        ("S. Şulkeviç", "1919-03-26"),
    } <= dated
    assert ("Nuri Paşa", "Kafkas İslam Ordusu") in set(cols(rows, "appointeeLabel", "toLabel"))


def test_20_captures_of_1918_in_order(ask) -> None:
    rows = ask("20", committed=True)
    by_target = {r["targetLabel"]: r["edtf"] for r in rows}
    # 000: Erzincan 13 Şubat 1918, Trabzon 24 Şubat, Erzurum 12 Mart, Sarıkamış 5 Nisan, Van 7
    # Nisan,
    # Kağızman 8 Nisan, Batum 14 Nisan, Kars 25 Nisan, Gümrü 15 Mayıs, Bakü 15 Eylül, Petrovsk 8
    # Kasım 1918
    expected = {
        "Erzincan": "1918-02-13",
        "Trabzon": "1918-02-24",
        "Erzurum": "1918-03-12",
        "Sarıkamış": "1918-04-05",
        "Van": "1918-04-07",
        "Kağızman": "1918-04-08",
        "Batum": "1918-04-14",
        "Kars": "1918-04-25",
        "Gümrü": "1918-05-15",
        "Bakü": "1918-09-15",
        "Petrovsk": "1918-11-08",
    }
    assert {k: by_target.get(k) for k in expected} == expected
    firsts = [r["edtf"][:10] for r in rows]
    assert firsts == sorted(firsts)


def test_21_casualties(ask) -> None:
    rows = cols(
        ask("21", committed=True),
        "eventLabel",
        "unitLabel",
        "killedOfficers",
        "killedSoldiers",
        "woundedOfficers",
        "woundedSoldiers",
    )
    # 002: "Türk birliklerinden 3 subay ve 23 asker şehit oldu, 3 subay ve 70 asker ise yaralandı"
    # ('Türk birlikleri': the Turkish units in that fight, not the Ottoman Army as a whole)
    assert ("364 numaralı tepenin ele geçirilmesi", "Türk birlikleri", "3", "23", "3", "70") in rows
    # 002 gives the 56th Regiment's first-day losses twice: 2 officers and 74 men wounded, then 47
    # men.
    assert ("İkinci Bakü taarruzu", "56. Alay", "1", "16", "2", "74") in rows
    assert ("İkinci Bakü taarruzu", "56. Alay", "1", "16", "2", "47") in rows


def test_22_captured_materiel(ask) -> None:
    # 002: "14 makineli tüfek, 100 top mermisi, 70 sandık tüfek mermisi"; "800 piyade tüfeği ve 6
    # makineli tüfek"
    rows = set(cols(ask("22", committed=True), "item", "count"))
    assert {
        ("makineli tüfek", "14"),
        ("top mermisi", "100"),
        ("sandık tüfek mermisi", "70"),
        ("piyade tüfeği", "800"),
    } <= rows


def test_23_plebiscite(ask) -> None:
    # 000 footnote 8: "87.048 kişiden 85.129 evet, 441 hayır ve 1693 çekimser"
    assert cols(ask("23", committed=True), "eligible", "yes", "no", "abstained", "footnoteNumber") == [
        ("87048", "85129", "441", "1693", "8")
    ]


def test_24_declarations(ask) -> None:
    dated = dict(cols(ask("24", committed=True), "declarationLabel", "edtf"))
    # 000: "28 Mayıs 1918’de Azerbaycan bağımsızlık bildirgesi okunarak"; "12 Kasım 1920 tarihinde
    # müttefikler Azerbaycan’ı tanıdılar"
    assert dated["Azerbaycan bağımsızlık bildirgesi"] == "1918-05-28"
    assert dated["Müttefiklerin Azerbaycan’ı tanıması"] == "1920-11-12"


def test_25_conflicts_are_kept_with_both_sides(ask) -> None:
    pairs = {(r["claim"].rsplit("/", 1)[1], r["other"].rsplit("/", 1)[1]) for r in ask("25", committed=True)}
    assert ("f-002-246-38-part-5kt", "f-002-389-38-part-15pt") in pairs
    assert ("f-002-387-taarruz-cas-56-a", "f-002-390-taarruz-cas-56-b") in pairs
    assert len(pairs) >= 5


def test_26_misprinted_date(ask) -> None:
    # 000 footnote 11: "Bu emir Nuri Paşa’nın eline 5 Kasım 1938’de ulaşmıştır" in a 1918 narrative;
    # 000: "22 Şubat 1917’de Mamahatun" printed between 24 Şubat 1918 and 12 Mart 1918
    assert sorted(cols(ask("26", committed=True), "printed", "corrected")) == [
        ("1917-02-22", "1918-02-22"),
        ("1938-11-05", "1918-11-05"),
    ]


def test_27_year_less_dates(ask) -> None:
    by_wording = {(r["source"], r["wording"]): r["edtf"] for r in ask("27", committed=True)}
    # 002: "13–14 Eylül gece yarısı" (the night of 13-14 September 1918); 000: "Erzurum’u müteakip
    # ... 4 gün içerisinde"
    assert by_wording[(S002, "13–14 Eylül gece yarısı")] == "1918-09-13/1918-09-14"
    assert by_wording[(S000, "8 Nisanda")] == "1918-04-08"
    assert by_wording[(S000, "4 gün içerisinde")] == "1918-03-12/1918-03-16"


def test_28_archival_records(ask) -> None:
    # what 000 and 002 cite (another article citing the BOA brings its own archive)
    rows = set(cols(ask("28", committed=True), "archive", "shelfmark"))
    assert ("ATASE", "A, K.526, D.369, F.43-5") in rows
    assert ("QAPPODAR", "F.277, L.2, B.2, Koruma Birimi 64, K.3") in rows
    assert {a for a, _ in rows} == {"ATASE", "QAPPODAR"}


def test_29_works_each_article_leans_on(ask) -> None:
    rows = ask("29", committed=True)
    top = {r["source"]: r["workLabel"] for r in reversed(rows)}  # the first row per source wins
    # the two committed articles' top works; an article a curator adds brings its own row
    assert {s: top.get(s) for s in (S000, S002)} == {S000: "Sürmeli, 2001",
                                                     S002: "Görüryılmaz, 2008"}


def test_30_nuri_pashas_brother(ask) -> None:
    # 002: "Enver Paşa bu ordunun kumandanlığına kendi kardeşi olan Nuri Paşa’yı tayin etti"
    assert cols(ask("30", committed=True), "personLabel", "relativeLabel") == [("Nuri Paşa", "Enver Paşa")]


def test_31_seat_of_the_azerbaijani_government(ask) -> None:
    # 000: "Cumhuriyetin ilk merkezi ... Gence olmuştur"; 002: "17 Eylül 1918 yılında Azerbaycan
    # başkenti Gence’den Bakü’ye taşınmıştır"
    rows = set(cols(ask("31", committed=True), "placeLabel", "edtf"))
    assert ("Bakü", "1918-09-17") in rows and ("Gence", None) in rows


def test_32_when_the_turks_left_baku(ask) -> None:
    # 000: "17 Kasım 1918 tarihinde Türk birlikleri Bakü’den ayrılmışlardır"; "Türk askerinin
    # ayrılışından hemen sonra General Thomson idaresinde ... Bakü’yü işgal etmiştir" (no day
    # printed: only the month is recorded)
    rows = set(cols(ask("32", committed=True), "eventLabel", "edtf", "byLabel", "commanderLabel"))
    assert ("Bakü’nün boşaltılması", "1918-11-17", "Türk birlikleri", None) in rows
    assert ("Bakü’nün İngiliz işgali", "1918-11", "İngiliz kuvvetleri", "Thomson") in rows


def test_33_unit_strengths(ask) -> None:
    rows = set(cols(ask("33", committed=True), "unitLabel", "officers", "soldiers"))
    # 002: "191 subay ve 5.541 asker" (the 56th and 106th Regiments that came with Süleyman İzzet
    # Bey, not the whole 15th Division); "65 subay ve 2.475 er"; 000: "1200 kişilik bir İngiliz
    # kuvveti"
    assert {
        ("Süleyman İzzet Bey’in kuvvetleri", "191", "5541"),
        ("6 Temmuz takviye müfrezesi", "65", "2475"),
        ("İngiliz kuvvetleri", None, "1200"),
    } <= rows


def test_34_namesakes(ask) -> None:
    # 000 and 002 name three Halils (Halil Paşa, Halil Menteşe, Yüzbaşı Halil Bey), each kept
    # apart from the other two, both ways. The registry is shared by every article: another
    # article's namesake (an outside trial registered "Halil Sami Bey") adds rows of its own,
    # so the answer read off 000/002 is these six pairs among the rows, not all of them.
    rows = ask("34", committed=True)
    pairs = set(cols(rows, "personLabel", "otherLabel"))
    three = {"Halil Paşa", "Halil Menteşe", "Halil Bey (Yüzbaşı)"}
    assert {(a, b) for a in three for b in three if a != b} <= pairs


def test_35_commanders_in_september_1918(ask) -> None:
    # 002: "Mürsel Paşa 5. Kafkas Piyade Tümeni’ne, Yarbay Süleyman İzzet Bey 15. Piyade
    # Tümeni’ne, Albay Cemil Cahit
    # ise Güney Grubu’nun askeri birliklerine komuta edecekti"
    # That sentence prints no date (the order of 10 September is two sentences earlier), so only
    # the command dated in its own sentence answers: "15. Piyade Tümeni Komutanı Yarbay Süleyman
    # İzzet Bey, karargâhıyla birlikte 3 Eylül’de Gümrü’den hareket etti".
    rows = set(cols(ask("35", committed=True), "unitLabel", "commanderLabel"))
    assert ("15. Piyade Tümeni", "Süleyman İzzet Bey") in rows
    assert ("5. Kafkas Tümeni", "Mürsel Paşa") not in rows


def test_36_units_under_the_caucasus_islam_army(ask) -> None:
    # 002: "Doğu Cephesi Komutanlığı ve ona bağlı Kuzey Grubu ... Türk-Kafkas İslam Ordusu’nun
    # kontrolüne verildi";
    # the 10th and 13th Regiments were in the Northern Group.
    units = {r["unitLabel"] for r in ask("36", committed=True)}
    assert {"Doğu Cephesi", "Kuzey Grubu", "10. Kafkas Alayı", "13. Kafkas Alayı"} <= units


def test_37_positions_in_august_1918(ask) -> None:
    rows = set(cols(ask("37", committed=True), "unitLabel", "placeLabel"))
    # 002: "9. Ordu’nun (Karakilse’de durmuştu) 107. Alayı 9 Ağustos’ta Bakü’ye doğru yola çıktı"
    assert ("9. Ordu", "Karakilse") in rows
    # "38. Alayın 2. Taburu Maştağa’da, 29. Tabur Digah’ın güneyinde ... Lazgi Süvari Alayı
    # Bine’de": these sentences print no date, but their paragraph sets it ("26 Ağustos sabahı
    # başlayan ilerleme, saat 11.40’ta 364 numaralı tepenin ele geçirilmesiyle sonuçlandı", then
    # "Aynı zamanda 107. Alayın iki taburu ... mevzilendi"): dated by that earlier sentence.
    dated = set(cols(ask("37", committed=True), "unitLabel", "placeLabel", "edtf"))
    assert {
        ("38. Alayın 2. Taburu", "Maştağa", "1918-08-26"),
        ("29. Tabur", "Digah", "1918-08-26"),
        ("Lazgi Süvari Alayı", "Bine", "1918-08-26"),
    } <= dated


def test_38_batum_signatories_with_offices(ask) -> None:
    rows = set(cols(ask("38", committed=True), "signatoryLabel", "sideLabel", "office"))
    assert ("Halil Menteşe", "Osmanlı Devleti", "Adalet Bakanı") in rows
    assert ("M. H. Hacinski", "Azerbaycan Cumhuriyeti", "Dışişleri Bakanı") in rows


def test_39_mentions_of_the_pashas(ask) -> None:
    counts = {(r["personLabel"], r["source"]): int(r["mentions"]) for r in ask("39", committed=True)}
    # Nuri Paşa is named in both articles, far more often in 002 (which is about his army).
    assert counts[("Nuri Paşa", S002)] > counts[("Nuri Paşa", S000)] > 0


def test_40_foundings_and_dissolutions(ask) -> None:
    rows = set(cols(ask("40", committed=True), "kind", "whatLabel", "edtf"))
    # 000: "26 Mayıs 1918 tarihinde Transkafkasya Federasyonunu fesh etmiştir"; 002: "13 Ağustos
    # 1918’de ... Alahidde Azerbaycan Kolordusu kaldırıldı"
    assert ("dissolved", "Transkafkasya Federatif Cumhuriyeti", "1918-05-26") in rows
    assert ("dissolved", "Alahidde Azerbaycan Kolordusu", "1918-08-13") in rows


def test_41_facts_from_footnotes(ask) -> None:
    numbers = {int(r["footnoteNumber"]) for r in ask("41", committed=True)}
    assert {
        7,
        8,
        11,
    } <= numbers  # Vehip's farewell telegram, the plebiscite, the misprinted order date


def test_42_share_of_claims_with_a_citation(ask) -> None:
    for row in ask("42", committed=True):
        claims, cited = int(row["claims"]), int(row["withCitation"])
        print(
            f"{row['source'].rsplit('/', 1)[1]}: {cited}/{claims} claims with a citation "
            f"({cited / claims:.0%})"
        )
        # the abstracts and the conclusion cite nothing, and a complete reading takes their
        # claims too (the outside reading of 000 finds 240 of its 379 statements uncited)
        assert cited / claims >= 0.65


def test_43_events_at_baku(ask) -> None:
    rows = [(r["eventLabel"], r.get("edtf")) for r in ask("43", committed=True)]
    dated = [e for e, d in rows if d]
    assert dated.index("Bakü’nün kurtuluşu") < dated.index("Bakü’nün boşaltılması")


def test_paragraph_citation_steps_over_footnotes(built_project) -> None:
    """Regression: 000's paragraph 8 runs on past a page foot whose footnotes 1-3 are printed
    between its sentences; its closing citation (Bayur, 1995: 13) backs the sentences before the
    footnotes too, and a footnote never borrows a body citation."""
    project, _ = built_project
    store = open_store(project.build_dir)
    works = store.query("""
        PREFIX tkg: <https://w3id.org/tarihkg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?work WHERE {
          ?claim tkg:reviewStatus tkg:reviewed ; tkg:quote ?q ;
                 tkg:supportedBy/tkg:citesWork/rdfs:label ?work .
          FILTER(CONTAINS(?q, "Tiflis’te Transkafkasya Seym’i toplanmıştır"))
        }""").rows()
    assert works == [{"work": "Bayur, 1995"}]
    borrowed = store.query("""
        PREFIX tkg: <https://w3id.org/tarihkg/ontology#>
        SELECT ?claim WHERE { ?claim tkg:inFootnote ?f ; tkg:supportedBy ?c .
                              FILTER NOT EXISTS { ?c tkg:inSentence/tkg:inFootnote ?f } }""").rows()
    assert borrowed == []


MODEL_DOC = Path(__file__).resolve().parent.parent / "docs" / "model.md"


def _arrangement_queries() -> list[str]:
    """The SPARQL of docs/model.md's section on arrangements, in printed order."""
    doc = MODEL_DOC.read_text(encoding="utf-8")
    section = doc.split("## Arrangements", 1)[1].split("\n## ", 1)[0]
    return [block.split("```", 1)[0] for block in section.split("```sparql\n")[1:]]


def test_who_was_to_command_and_where_a_headquarters_was_to_be(built_project) -> None:
    """The queries docs/model.md gives for arrangements answer what 002 says. 002: '10. Kafkas
    Alayına Yarbay Selim Bey … tarafından komuta edilecekti' (was to be commanded: no
    commander); 'Mürsel Paşa 5. Kafkas Piyade Tümeni’ne … komuta edecekti' beside his command
    stated elsewhere; 'Türk Kafkas İslam Ordusu ve 5. Kafkas Piyade Tümeni’nin karargâhı
    Güzdek’te, 15. Piyade Tümeni’nin karargâhı Binegadi’de olacaktı'."""
    project, _ = built_project
    store = open_store(project.build_dir)
    to_command, either, headquarters, planned = _arrangement_queries()
    rows = store.query(to_command).rows()
    assert set(cols(rows, "person", "role")) == {("Selim Bey", "10. Kafkas Alayına komuta (edilecekti)")}
    rows = store.query(either).rows()
    hows = {(r["person"], r["how"].split()[0]) for r in rows}
    assert {("Mürsel Paşa", "commanded"), ("Mürsel Paşa", "appointed")} <= hows
    rows = store.query(headquarters).rows()
    assert set(cols(rows, "unitLabel", "placeLabel")) == {
        ("Kafkas İslam Ordusu", "Güzdek"),
        ("5. Kafkas Tümeni", "Güzdek"),
        ("15. Piyade Tümeni", "Binegadi"),
    }
    # '… 11 Eylül’e planlamıştı': the day set by the plan, kept on the plan, with its wording
    rows = store.query(planned).rows()
    assert set(cols(rows, "byLabel", "day", "wording")) == {
        ("Kafkas İslam Ordusu", "1918-09-11", "11 Eylül’e")}
    # ... and never the date of a march or an assault
    assert store.query("""
        PREFIX tkg: <https://w3id.org/tarihkg/ontology#>
        SELECT ?e WHERE { ?e tkg:date|tkg:startDate ?d . ?d tkg:edtf "1918-09-11" }""").rows() == []
    # An arranged command is no command: the 10th Caucasian Regiment has no commander.
    assert store.query("""
        PREFIX tkg: <https://w3id.org/tarihkg/ontology#>
        SELECT ?p WHERE { <https://w3id.org/tarihkg/resource/unit/10-kafkas-alayi> tkg:commander ?p }
        """).rows() == []


def test_order_of_battle_at_a_date_and_two_acts_of_money_aid(built_project) -> None:
    """002: 'Geriye kalan tüm askeri kuvvetler 13–14 Eylül gecesi …' dates the next sentence's
    '5. Kafkas Piyade Tümeni’ne bağlı 9., 10., 13. ve 56. piyade alayları'; the 38th was the
    division's in July ('38. Alay … Temmuz ortasında cepheye ulaştı'), so at 13 September 1918
    it is not among them. 000: the cabinet's aid of 'Aralık 1919' and Ahmetzade's delivery of
    '1920' ('Ayrıca') are two events, each with its own date."""
    project, _ = built_project
    store = open_store(project.build_dir)
    # the query docs/model.md ("Time: when a statement held") gives for this
    doc = MODEL_DOC.read_text(encoding="utf-8")
    section = doc.split("## Time: when a statement held", 1)[1].split("\n## ", 1)[0]
    rows = store.query(section.split("```sparql\n", 1)[1].split("```", 1)[0]).rows()
    assert {r["regiment"] for r in rows} == {
        "9. Kafkas Alayı", "10. Kafkas Alayı", "13. Kafkas Alayı", "56. Alay"}
    rows = store.query("""
        PREFIX tkg: <https://w3id.org/tarihkg/ontology#>
        SELECT ?event ?edtf WHERE {
          ?event tkg:carriedOutBy ?by ; tkg:date/tkg:edtf ?edtf .
          VALUES ?by { <https://w3id.org/tarihkg/resource/organization/yusufbekovun-ikinci-kabinesi>
                       <https://w3id.org/tarihkg/resource/person/mehmed-ali-ahmetzade-bey> }
        }""").rows()
    by_event: dict[str, set[str]] = {}
    for r in rows:
        by_event.setdefault(r["event"], set()).add(r["edtf"])
    assert sorted(by_event.values(), key=sorted) == [{"1919-12"}, {"1920"}]


def _section_queries(heading: str) -> list[str]:
    """The SPARQL blocks of the docs/model.md section whose heading starts with ``heading``."""
    doc = MODEL_DOC.read_text(encoding="utf-8")
    section = doc.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    return [block.split("```", 1)[0] for block in section.split("```sparql\n")[1:]]


def test_what_followed_the_armistice_and_what_prompted_the_baku_campaign(built_project) -> None:
    """docs/model.md's queries for tkg:after and tkg:promptedBy answer what 000 says: the
    withdrawal came after the Mudros armistice ('Mondros Mütarekesini müteakip bölgeden çekilen')
    and as its result ('Mondros Mütarekesi neticesinde … çekilecektir'), the evacuation order
    answered its articles ('… maddeleri üzerine'); the Baku campaign answered the bilateral
    agreement and Azerbaijan's request ('… gereğince ve Azerbaycan’ın isteği doğrultusunda')."""
    project, _ = built_project
    store = open_store(project.build_dir)
    armistice, before = _section_queries("Order and cause")
    rows = store.query(armistice).rows()
    found = {(r["eventLabel"], r["how"]) for r in rows}
    assert {("Türk Ordusunun Azerbaycan’dan Çekilmesi", "after"),
            ("Türk Ordusunun Azerbaycan’dan Çekilmesi", "in response to / as a result of"),
            ("Osmanlı Genel Kurmayı’nın tahliye emri", "in response to / as a result of")} <= found
    assert any("müteakip" in r["quote"] for r in rows if r["how"] == "after")
    rows = store.query(before).rows()
    assert set(cols(rows, "earlierLabel", "how")) == {
        ("Batum Antlaşması", "prompted by"),
        ("Azerbaycanlıların Osmanlı Devleti’nden yardım istemesi", "prompted by")}
    # time order and cause are two properties: a link stated as one is not the other
    assert store.query("""
        PREFIX tkg: <https://w3id.org/tarihkg/ontology#>
        SELECT ?e WHERE { ?e tkg:promptedBy <https://w3id.org/tarihkg/resource/event/subat-ihtilali> }
        """).rows() == []


def test_a_name_read_as_another_entity_keeps_its_printed_words(built_project) -> None:
    """002 prints 'Sovyetler Birliği' for the occupier of 1920: the claim's object is Soviet
    Russia, the printed words stay on the claim (tkg:printedObject) and in a note shown with it."""
    project, _ = built_project
    store = open_store(project.build_dir)
    query = next(q for q in _section_queries("Conflicts") if "printedObject" in q)
    rows = store.query(query).rows()
    assert set(cols(rows, "readAs", "printed")) == {("Sovyet Rusya", "Sovyetler Birliği")}
    notes = store.query("""
        PREFIX tkg: <https://w3id.org/tarihkg/ontology#>
        SELECT ?n WHERE { <https://w3id.org/tarihkg/resource/claim/f-002-7227-sovyet-isgal-by-rsfsr>
                          tkg:note ?n }""").rows()
    assert any("prints 'Sovyetler Birliği'" in r["n"] for r in notes)

