"""Sentence splitting: rules on real passages, whole sentences of both files, a third article."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from tarihkg.text.extract import extract_source, read_source
from tarihkg.text.model import ExtractedSource, Sentence
from tarihkg.text.normalise import normalise_text
from tarihkg.text.segment import split_sentences, takes_ordinal

DATA = Path(__file__).resolve().parent / "data" / "text"
S000 = "000_539a70a237dcfef4"
S002 = "002_afd972166be37c54"


@pytest.fixture(scope="module")
def extracted(raw_sources: dict[str, str]) -> dict[str, ExtractedSource]:
    return {sid: extract_source(sid, raw) for sid, raw in raw_sources.items()}


def sentences_of(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def between(raw: str, start: str, end: str) -> str:
    """The cleaned passage of ``raw`` from the unique ``start`` through the next ``end``."""
    clean = normalise_text(raw)
    assert clean.count(start) == 1, start
    a = clean.index(start)
    return clean[a : clean.index(end, a) + len(end)]


# (file, passage from, passage through, the sentences it must split into: first words of each)
SPLITS = [
    (S002, "Osman Bey 10.", "kaçtı", ["Osman Bey 10. alayla", "30. Tabur’un"]),
    (S002, "Ayrıca 25., 26.", "belirlendi.", ["Ayrıca 25., 26. ve 28.", "Bakü’ye yürüyecek"]),
    (S002, "Bakü’ye yürüyecek güçlerin", "edecekti.", ["Bakü’ye", "Güney grubuna"]),
    (S002, "Kuzey grubunu askerî", "edilecekti.", ["Kuzey grubunu askerî birliklerini"]),
    (S002, "verildi. Mürsel Paşa 5.", "edecekti.", ["verildi.", "Mürsel Paşa 5. Kafkas"]),
    (S002, "cephesine sevk edildi.", "kaybettirmişlerdi.", ["cephesine", "Bakü cephesinden"]),
    (S002, "Anlaşmanın 4. maddesine", "s. 254).", ["Anlaşmanın 4. maddesine esasen"]),
    (S002, "Halil Paşa komutasındaki III.", "64–67).", ["Halil Paşa komutasındaki III. ve IX."]),
    (S002, "Bakanı M. H. Hacinski", "s. 84).", ["Bakanı M. H. Hacinski ve Millî"]),
    (S002, "2018a), 29 Aralık", "2018b).", ["2018a), 29 Aralık 1918 tarihinde A. Şıhlinski"]),
    (S002, "liderlerinden G. V.", "bildirdi.", ["liderlerinden G. V. Çiçerin"]),
    (S002, "Bu birlikte 65", "vardı.", ["Bu birlikte 65 subay ve 2.475 er vardı."]),
    (S002, "ilerleme, saat 11.40", "sonuçlandı.", ["ilerleme, saat 11.40’ta 364"]),
    (S002, "Nuri Paşa, 13 Eylül", "imzaladı.", ["Nuri Paşa, 13 Eylül günü saat 17.11’de"]),
    (S002, "(Ağayey & Ahmedov, 2009, s. 342", "yaralandı.", ["(Ağayey", "Bu çatışmada"]),
    (S002, "3. Ordu komutanı 7", "verdi: 5.", ["3. Ordu komutanı 7 Haziran"]),
    (S002, "Bu olay, I. Dünya", "gerçekleşmiştir.", ["Bu olay, I. Dünya Savaşı'nın"]),
    (S000, "personeli vb. Türk", "etmişlerdir.", ["personeli vb. Türk unsurlar"]),
    (S000, "F.Hoyski, 17", "112).", ["F.Hoyski, 17 Kasım"]),
    (S000, "şöyle yazmaktadır:", "Nahçıvan Milli", ["şöyle yazmaktadır: “Andranik", "Nahçıvan"]),
    (S000, "Karadeniz ve Doğu Anadolu", "(Sürmeli, 2001: 323)", ["Karadeniz", "Ancak", "Geri"]),
    (S000, "açısından önemini", "K.3). Halil", ["açısından", "Nahçıvan halkı", "Halil"]),
    (S000, "etken oldu. (Qaffarov", "15-16).", ["etken oldu. (Qaffarov-Aliyev, 1999: 15-16)."]),
]


@pytest.mark.parametrize(("sid", "start", "end", "firsts"), SPLITS)
def test_splits_real_passages(
    raw_sources: dict[str, str], sid: str, start: str, end: str, firsts: list[str]
) -> None:
    got = sentences_of(between(raw_sources[sid], start, end))
    assert len(got) == len(firsts), got
    for sentence, first in zip(got, firsts, strict=True):
        assert sentence.startswith(first), (sentence, first)


def test_quotation_with_inner_full_stops_stays_whole() -> None:
    text = "Bu konuda şöyle der: “Türkler gittiler. Ölüme mahkum edildik.” Sonra döndü."
    assert sentences_of(text) == [
        "Bu konuda şöyle der: “Türkler gittiler. Ölüme mahkum edildik.”",
        "Sonra döndü.",
    ]


def test_colon_does_not_end_a_sentence() -> None:
    assert len(sentences_of("İkinci grup: 13. Kafkas Alayı, güçlü dağ topçu taburu.")) == 1


def test_year_before_capital_ends_a_sentence() -> None:
    assert sentences_of("Antlaşma 1918. Kafkas cephesi kapandı.") == [
        "Antlaşma 1918.",
        "Kafkas cephesi kapandı.",
    ]


def test_number_before_capital_that_takes_no_ordinal_ends_a_sentence() -> None:
    assert len(sentences_of("Kayıp sayısı 30. Bakü’ye dönüldü.")) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an endnote of archive references in the ATASE and BOA styles stays one sentence
        ("ATASE, BDH, Kls. 3825, Dos. 5, F. 12-3; BOA, DH.ŞFR, 92/158. Bakü’ye gidildi.",
         ["ATASE, BDH, Kls. 3825, Dos. 5, F. 12-3; BOA, DH.ŞFR, 92/158.", "Bakü’ye gidildi."]),
        ("ATASE, Kls. 1, Göm. 4, Sh. 25, Vr. 3. Bakü’ye gidildi.",
         ["ATASE, Kls. 1, Göm. 4, Sh. 25, Vr. 3.", "Bakü’ye gidildi."]),
        # ranks written short before a name
        ("Kur. Bnb. Ali Rıza Bey ile Tğm. Hüseyin Efendi geldi. Ordu ilerledi.",
         ["Kur. Bnb. Ali Rıza Bey ile Tğm. Hüseyin Efendi geldi.", "Ordu ilerledi."]),
        # a Rumi date's marker
        ("Emir 15 Eylül 1334 R. Bakü önünde verildi. Ordu ilerledi.",
         ["Emir 15 Eylül 1334 R. Bakü önünde verildi.", "Ordu ilerledi."]),
    ],
)
def test_archive_references_and_short_ranks_do_not_end_a_sentence(
    text: str, expected: list[str]
) -> None:
    assert sentences_of(text) == expected


@pytest.mark.parametrize("word", ["Kafkas", "Piyade", "Alayına", "Tabur’un", "Ordu", "Dünya"])
def test_words_that_take_ordinals(word: str) -> None:
    assert takes_ordinal(word)


def test_paragraph_without_final_stop_is_one_sentence() -> None:
    assert sentences_of("Türk Ordusunun Azerbaycan Harekatı") == [
        "Türk Ordusunun Azerbaycan Harekatı"
    ]


def find(x: ExtractedSource, text: str) -> Sentence:
    hits = [s for s in x.sentences if s.text == text]
    assert len(hits) == 1, f"not exactly one sentence: {text}"
    return hits[0]


def test_spliced_002_sentence_is_one_body_sentence_in_two_pieces(
    raw_sources: dict[str, str], extracted: dict[str, ExtractedSource]
) -> None:
    raw, x = raw_sources[S002], extracted[S002]
    s = find(
        x,
        "16 Haziran 1919 yılında Gürcistan’la Azerbaycan arasında yapılan savunma paktına göre, "
        "Gürcistan’dan Azerbaycan’a 12 top, 24 roketatar, 3.000 tüfek ve 795 küçük çaplı "
        "silahlar alınmıştır.",
    )
    assert s.zone == "body" and s.section == "1. Giriş"
    assert len(s.pieces) == 2
    first, second = s.pieces
    assert unicodedata.normalize("NFC", raw[first.start : first.end]).endswith("Gürcistan’la \n")
    assert first.end <= raw.index("Öz. Kafkas") < raw.index("Keywords:") < second.start
    assert raw[second.start :].startswith("Azerbaycan arasında yapılan")
    abstract = [x for x in x.lifted if x.kind == "abstract"]
    assert all(first.end <= a.start and a.end <= second.start for a in abstract)


def test_000_sentence_across_page_break_with_footnotes_between(
    raw_sources: dict[str, str], extracted: dict[str, ExtractedSource]
) -> None:
    raw, x = raw_sources[S000], extracted[S000]
    s = find(
        x,
        "Türk ordusunun ileri harekatı, Türklerden böyle bir girişimi beklemeyen Ermeni ve Gürcü "
        "yetkililerde panik havasının oluşmasına neden olmuş ve 23 Şubat 1918’de Tiflis’te "
        "Transkafkasya Seym’i toplanmıştır.",
    )
    first, second = s.pieces
    footnote_3 = raw.index("3 15 Aralık 1917’de imzalanan")
    assert first.end < raw.index("1 Şubat 1917’de gerçekleşen") < footnote_3 < second.start
    assert second.start == raw.index("oluşmasına neden olmuş")
    assert s.page_index == 2
    assert s.section == "Türk Ordusunun Doğu Anadolu ve Doğu Karadeniz İleri Harekatı"


def test_002_sentence_across_running_header(
    raw_sources: dict[str, str], extracted: dict[str, ExtractedSource]
) -> None:
    raw, x = raw_sources[S002], extracted[S002]
    s = find(
        x,
        "10. Kafkas Alayı, Göyçay’a vardıktan sonra, Yarbay Karameryem kasabasına ulaştıktan "
        "sonra Kızıl Ordunun önünde ön saftaki yerini aldı.",
    )
    first, second = s.pieces
    assert first.end < raw.index("T. Halilov") < raw.index("190 ") < second.start
    # Its page's number is not printed (189 only counted back from the 190 printed on the next
    # page): the page keeps the counted label, the sentence carries printed numbers only.
    assert s.page is None and s.page_index == 3
    assert (x.pages[2].label, x.pages[2].label_inferred) == ("189", True)
    assert {t.page for t in x.sentences if t.page_index == 4} == {"190"}
    assert {t.page for t in x.sentences if t.page_index != 4} == {None}


WHOLE_000 = [
    "24 Ekim 1918 tarihli emir geldiğinde 15. Piyade Fırkasından ibaret Türk kuvvetleri "
    "Bakü’yü merkez alarak Kuzey Kafkasya’da birtakım harekatlar yapmaktaydılar.",
    "Bunlardan ilki 15 Aralık 1917 tarihli Brest Litovsk Mütarekesi (ATASE, A, K.324, D.371, "
    "F.1-26), diğeri de 18 Aralık 1917 tarihli Erzincan Mütarekesidir (ATASE, A, L.2921, "
    "D.511, F.1-13).",
    "1801’de Rusya’nın Doğu Gürcistan’ı ele geçirmesi neticesinde Azerbaycan’ın işgalinin önü "
    "açılmış ve 1828 Rusya ile İran arasında Türkmençay Antlaşması ile de Azerbaycan iki devlet "
    "arasında pay edilmiştir (Gömeç, 1996: 28-29).",
    "Türk ordusunun çekilmesinden ve İngiliz kuvvetlerinin bölgeye gelmesinden sonra Bakü "
    "Valiliği görevini üstlenen İngiliz General Thomson ilk olarak üç renkli "
    "(mavi-kırmızı-yeşil) ay-yıldızlı Azerbaycan bayrağının kullanılmasını yasaklamıştır.",
    "Dönemin uluslararası konjonktüründeki karmaşa, bu iki kardeş milletin uluslararası "
    "platformdaki -kendi dışında- dost ülke tespitinde tezatlık yaratmıştır (QAPPODAR, F.277, "
    "L.2, B.2, Koruma Birimi 65, K.3).",
    "17 Kasım 1918 tarihinde Türk birlikleri Bakü’den ayrılmışlardır (ATASE A, K.115, D.144, F.1).",
]

WHOLE_002 = [
    "Türkiye tarafından Kafkas Cephesi komutanı Vahib Paşa, Adalet Bakanı Halil Menteşe, "
    "Azerbaycan Hükümeti tarafından Dışişleri Bakanı M. H. Hacinski ve Millî Konseyi Başkanı "
    "Mehmet Emin Resulzâde imzaladı (Şahin, 2022, s. 84).",
    "Nuri Paşa, 13 Eylül günü saat 17.11’de Hacı Hasan köyünün batısındaki müşahide "
    "istasyonunda Bakü’ye kesin hücum emri imzaladı.",
    "Osman Bey 10. alayla bağlı 30. taburunu Soltankend, Mollaisaklı ve Veyselli köyleri "
    "civarındaki bölgeden eşkıya çetelerini temizlemekle görevlendirildi.",
    "Ayrıca 25., 26. ve 28. taburlar da yedek olarak görevlendirildi.",
    "Mürsel Paşa 5. Kafkas Piyade Tümeni’ne, Yarbay Süleyman İzzet Bey 15. Piyade Tümeni’ne, "
    "Albay Cemil Cahit ise Güney Grubu’nun askeri birliklerine komuta edecekti.",
    "Bu grup Muslüslü-Kürdemir-Hacıgabul-Bakü demiryolu boyunca güneye ilerleyerek önündeki "
    "düşmanı temizleyecekti.",
    "Bakü’nün kurtuluşu, Osmanlı-Azerbaycan ilişkilerini pekiştirdi ve iki halk arasındaki "
    "dayanışmayı güçlendirdi.",
    "O yıllarda Gence, 55–60 bin nüfusuyla Azerbaycan’ın Bakü’den sonra en büyük ikinci şehriydi.",
]


WHOLE = [(S000, t) for t in WHOLE_000] + [(S002, t) for t in WHOLE_002]


@pytest.mark.parametrize(("sid", "text"), WHOLE)
def test_sentences_come_out_whole(
    raw_sources: dict[str, str], extracted: dict[str, ExtractedSource], sid: str, text: str
) -> None:
    s = find(extracted[sid], text)
    assert s.zone == "body"
    extent = unicodedata.normalize("NFC", raw_sources[sid][s.start : s.end])
    assert extent.startswith(text.split()[0])
    assert extent[-1] == text[-1] and not extent[-1].isspace()


def test_abstract_sentences_and_sections(extracted: dict[str, ExtractedSource]) -> None:
    x = extracted[S002]
    s = find(
        x,
        "Bu olay, I. Dünya Savaşı'nın sonlarına doğru, Osmanlı İmparatorluğu’nun Kafkasya "
        "Cephesi’ndeki faaliyetlerinin bir parçası olarak gerçekleşmiştir.",
    )
    assert (s.zone, s.section) == ("abstract", "Öz")
    english = [t for t in x.sentences if t.section == "Abstract"]
    assert english[0].text.startswith("The Islamic Army of the Caucasus")
    assert all(t.zone == "abstract" for t in english)
    first = find(
        extracted[S000],
        "Birinci Dünya Savaşının başlamasından sonra Türk Birlikleri; Nuri Paşa, Enver Paşa ve "
        "Halil Paşa komutalarında Azerbaycan’a yönelik bir harekat düzenlemişlerdir.",
    )
    assert (first.zone, first.section) == ("abstract", "Özet")


def test_headings_are_found_and_not_glued_to_sentences(
    extracted: dict[str, ExtractedSource],
) -> None:
    h000 = [h.text for h in extracted[S000].headings]
    assert h000 == [
        "Özet",
        "Abstract",
        "Giriş",
        "Türk Ordusunun Doğu Anadolu ve Doğu Karadeniz İleri Harekatı",
        "Transkafkasya Federatif Cumhuriyetinin Dağılması ve Bağımsız Azerbaycan "
        "Cumhuriyetinin Kurulması",
        "Türk Ordusunun Azerbaycan Harekatı",
        "Türk Ordusunun Azerbaycan’dan Çekilmesi",
        "Türk Ordusunun Azerbaycan’dan Çekilmesinden Sonra Yaşanan Gelişmeler",
        "Sonuç",
    ]
    h002 = [h.text for h in extracted[S002].headings]
    assert h002 == [
        "1. Giriş",
        "Öz",
        "Abstract",
        "2. Azerbaycan ve Osmanlı Devleti İlişkileri",
        "3. Azerbaycan Heyetinin Osmanlı’dan Destek Talebi ve Kafkas İslam Ordusu’nun "
        "Azerbaycan’a İntikali",
        "4. Bakü’nün İşgalden Kurtarılması",
        "5. Sonuç",
    ]
    for x in extracted.values():
        for h in x.headings:
            inside = [p for s in x.sentences for p in s.pieces if p.start <= h.start < p.end]
            assert not inside, h.text


def test_title_and_keywords_are_lifted(extracted: dict[str, ExtractedSource]) -> None:
    lifted = extracted[S000].lifted
    titles = [x.text for x in lifted if x.kind == "title"]
    assert titles == ["LEAVING PROCESS OF THE TURKISH MILITARY UNITIES OF THE AZERBAIJAN (1918)"]
    keywords = [x.text for x in lifted if x.kind == "keywords"]
    assert keywords[0].startswith("Anahtar Kelimeler:") and keywords[1].startswith("Key Words:")
    assert keywords[1].endswith("Turkish Military Unities.")
    assert not any("Anahtar" in s.text or "LEAVING" in s.text for s in extracted[S000].sentences)


def test_third_article_in_the_same_style() -> None:
    raw = read_source(DATA / "003_synthetic.txt")
    x = extract_source("003_synthetic", raw)
    body = [s.text for s in x.sentences if s.zone == "body"]
    assert body == [
        "Kazım Karabekir Paşa 1919 baharında 15. Kolordu ile Erzurum’da bulunuyordu "
        "(Karabekir, 1990: 12).",
        "Nahçıvan’daki Müslüman ahali, Ermeni saldırılarına karşı Paşa’dan yardım istemişti.",
        "Paşa, M. Ş. Bey aracılığıyla 11. Piyade Tümeni’nden subaylar gönderdi.",
        "Bu subaylar arasında Yüzbaşı Halil Bey de vardı.",
        "Halil Bey’in birlikleri 3 Haziran 1919’da Şahtahtı’na ulaşmış, buradaki halk ile "
        "birlikte bir savunma hattı kurmuştur.",
        "Halil Bey bu hatta 10. alayla bağlı iki taburu yerleştirdi.",
        "Türk-Ermeni çatışmaları Haziran ayı boyunca sürdü (ATASE A, K.12, D.3, F.4-5).",
        "Bu mücadelede köylüler yiyecek, cephane vb. Kars’tan getirilen malzemeleri kendileri "
        "taşımıştır.",
        "Halil Bey şöyle yazmıştı: “Ahali bize yardım etti. Kimse geri durmadı.”",
        "Bu sözler kayda geçmiştir (Genç, 1997: 45–47).",
        "Tümen komutanı 5. Kafkas Alayı’nı da bölgeye gönderdi.",
        "Nahçıvan’a giden subaylar bölgenin Türk yurdu olarak kalmasında büyük rol oynamıştır.",
    ]
    abstract = [s.text for s in x.sentences if s.zone == "abstract"]
    assert abstract[0] == (
        "Bu çalışma 1919 yılında Nahçıvan’a giden Türk subaylarını ele almaktadır."
    )
    assert abstract[2].startswith("This study deals with")
    assert len(abstract) == 4
    assert [f.number for f in x.footnotes] == [1, 2, 3]
    markers = [f.marker_offset for f in x.footnotes]
    assert [raw[m - 2 : m + 1] for m in markers if m is not None] == ["2)1", "dı2", "5)3"]
    assert [x.text for x in x.lifted if x.kind == "title"] == [
        "NAHÇIVAN’DA TÜRK SUBAYLARI (1919)",
        "TURKISH OFFICERS IN NAKHCHIVAN (1919)",
    ]
    assert [(p.label, p.label_inferred) for p in x.pages] == [
        ("44", True),
        ("45", True),
        ("46", True),
        ("47", False),
    ]
    assert [h.text for h in x.headings] == ["Öz", "Abstract", "1. Giriş", "2. Sonuç"]
    last = x.sentences[-1]
    assert (last.section, last.page) == ("2. Sonuç", "47")


def test_a_note_marker_after_the_full_stop_ends_the_sentence() -> None:
    t = "Halk endişe ediyordu.1 Sonra ordu geldi (Kaya, 2005: 3).2 Şura Dos.5 F. 7 dedi. Yıl 1918.3 Ordu."
    assert [t[a:b] for a, b in split_sentences(t)] == [
        "Halk endişe ediyordu.1",
        "Sonra ordu geldi (Kaya, 2005: 3).2",
        "Şura Dos.5 F. 7 dedi.",
        "Yıl 1918.3 Ordu.",
    ]
