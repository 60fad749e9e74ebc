"""The request -> the page language (tr/en: ``?lang=``, cookie, browser), the interface strings
in it and dates written out in it."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import request

from tarihkg.names import DATASET

LANGS = ("tr", "en")
LANG_COOKIE = "lang"

MONTHS = {
    "tr": ("Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül",
           "Ekim", "Kasım", "Aralık"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}

#: EDTF seasons (level 1, northern hemisphere) written out: ``1919-21`` is spring 1919, not
#: 1919–1921.
SEASONS = {
    "tr": {"21": "{year} ilkbaharı", "22": "{year} yazı", "23": "{year} sonbaharı",
           "24": "{year} kışı"},
    "en": {"21": "spring {year}", "22": "summer {year}", "23": "autumn {year}",
           "24": "winter {year}"},
}

#: The dataset's period as shown to readers (``data/dataset.yaml``), e.g. ``1917–1921``.
PERIOD = DATASET.period_text

#: Interface strings: key -> (Turkish, English).
STRINGS: dict[str, tuple[str, str]] = {
    "tagline": (f"Kafkas Cephesi {PERIOD}: Türkçe bilimsel makalelerden bir bilgi grafı.",
                f"A knowledge graph of the Caucasus front, {PERIOD}, from Turkish-language "
                "scholarship."),
    "nav.dataset": ("Veri seti", "Dataset"),
    "nav.timeline": ("Zaman çizelgesi", "Timeline"),
    "nav.map": ("Harita", "Map"),
    "nav.query": ("Sorgu", "Query"),
    "nav.ontology": ("Ontoloji", "Ontology"),
    "nav.downloads": ("İndir", "Downloads"),
    "nav.review": ("İnceleme", "Review"),
    "review.title": ("İncelenmemiş aday bilgiler", "Unreviewed candidate facts"),
    "review.unreviewed": ("İNCELENMEMİŞ — bilgi değil, öneri.",
                          "NOT REVIEWED — proposals, not facts."),
    "review.explain": ("Bu satırları çıkarım kuralları metinlerden önerdi; hiçbiri veri setinin "
                       "bilgisi değildir: sorguların ve sayfaların gördüğü varsayılan grafın "
                       "dışında, yalnızca kendi adlandırılmış grafında tutulurlar.",
                       "Extraction rules proposed these rows from the texts; none of them is a "
                       "fact of the dataset: they are kept in their own named graph only, outside "
                       "the default graph that queries and pages see."),
    "review.promote": ("Bir adayı bilgiye dönüştürmenin tek yolu: gözden geçiren, cümleyi okuyup "
                       "bilgiyi data/curation/facts/ altındaki derleme dosyalarına eklemelidir; "
                       "bir sonraki derleme onu incelenmiş bilgi olarak yazar.",
                       "The only way to promote a candidate: a reviewer reads the sentence and "
                       "adds the fact to the curation files in data/curation/facts/; the next "
                       "build states it as a reviewed fact."),
    "review.graph": ("Adlandırılmış graf", "Named graph"),
    "review.count": ("aday", "candidates"),
    "review.rules": ("kurallar", "rules"),
    "review.rule": ("Kural", "Rule"),
    "review.proposal": ("Öneri", "Proposal"),
    "review.sentence": ("Cümle (tetikleyen sözcükler işaretli)",
                        "Sentence (trigger words marked)"),
    "review.status": ("incelenmemiş", "unreviewed"),
    "review.open_sentence": ("cümleyi kaynağında aç", "open the sentence in its source"),
    "review.none": ("Bekleyen aday yok.", "No candidates waiting."),
    "review.wikidata": ("Wikidata aday bağlantıları", "Wikidata candidate links"),
    "review.wikidata_explain": (
        "Bu öğeler bir adın Wikidata öğesi olabilir, ama benzerlerinden ayıran kanıt yetmedi: "
        "hiçbiri kimlik bağlantısı (owl:sameAs) değildir. Gözden geçiren, kanıtı okuyup "
        "data/curation/wikidata.yaml dosyasında durumu 'confirmed' ya da 'rejected' yapar.",
        "These items may be an entity's Wikidata item, but the evidence does not tell them from "
        "look-alikes: none is an identity link (owl:sameAs). A reviewer reads the evidence and sets "
        "the status to 'confirmed' or 'rejected' in data/curation/wikidata.yaml."),
    "review.entity": ("Varlık", "Entity"),
    "review.item": ("Wikidata öğesi (görülen ad)", "Wikidata item (label seen)"),
    "review.evidence": ("Kanıt", "Evidence"),
    "search": ("Ara", "Search"),
    "search.placeholder": ("Kişi, birlik, yer, olay…", "Person, unit, place, event…"),
    "search.results": ("Arama sonuçları", "Search results"),
    "search.none": ("Sonuç yok.", "No results."),
    "search.all_types": ("Tüm türler", "All types"),
    "type": ("Tür", "Type"),
    "retired": ("Geri alındı: bu IRI artık geçerli bir bilgi bildirmiyor (owl:deprecated).",
                "Retired: this IRI no longer states a fact (owl:deprecated)."),
    "retired.replaced_by": ("Yerine geçen", "Replaced by"),
    "label": ("Ad", "Label"),
    "aliases": ("Metinlerdeki yazılışlar", "Spellings in the texts"),
    "description": ("Açıklama", "Description"),
    "wikidata": ("Wikidata", "Wikidata"),
    "facts": ("Olgular", "Facts"),
    "facts.none": ("Hiçbir olgu bu varlığı konu ya da değer olarak anmıyor.",
                   "No fact names this entity, as its subject or as its value."),
    "facts.none.brief": ("“Kısaca” bölümündeki değerler bir cümleden değil, varlık kaydından "
                         "gelir.", "The values “In brief” come from the entity registry, "
                         "not from a sentence."),
    "facts.about": ("Konusu bu varlık olan olgular", "Facts about this entity"),
    "facts.as_value": ("Bu varlığı değer olarak anan olgular",
                       "Facts naming this entity as their value"),
    "date": ("Tarih", "Date"),
    "as_printed": ("metindeki yazılış", "as printed"),
    "evidence": ("Kanıt", "Evidence"),
    "article": ("Makale", "Article"),
    "cites": ("Dayandığı kaynak", "Cited work"),
    "note": ("Not", "Note"),
    "conflicts": ("Çelişen ifadeler", "Conflicting statements"),
    "conflict.mark": ("çelişki", "conflict"),
    "according_to": ("söyleyen", "according to"),
    "other_statements": ("Diğer ifadeler", "Other statements"),
    "graph": ("Graf", "Graph"),
    "incoming": ("Buraya bağlananlar", "Linked from"),
    "mentions": ("Metinlerde geçtiği yerler", "Mentions in the texts"),
    "in_context": ("bağlamında", "in context"),
    "text": ("Metin", "Text"),
    "property": ("Özellik", "Property"),
    "value": ("Değer", "Value"),
    "download_as": ("Bu kaynağı indir", "This resource as"),
    "not_found": ("Bulunamadı", "Not found"),
    "not_found.text": ("Veri setinde bu IRI ile bir kaynak yok.",
                       "The dataset has no resource with this IRI."),
    "did_you_mean": ("Bunu mu aradınız?", "Did you mean"),
    "all": ("Tümü", "All"),
    "filter": ("Süz", "Filter"),
    "place": ("Yer", "Place"),
    "events": ("Olaylar", "Events"),
    "units_positioned": ("Burada bulunan birlikler", "Units positioned here"),
    "movements": ("Hareketler", "Movements"),
    "coordinates": ("Koordinatlar", "Coordinates"),
    "coordinates.source": ("Koordinat kaynağı", "Where the coordinates come from"),
    "map.note": ("Harita çevrimdışı çizilir: yalnızca bir gazetede (gazetteer) doğrulanmış "
                 "koordinatları olan yerler gösterilir.",
                 "Drawn offline: only places whose coordinates were confirmed in a gazetteer "
                 "are shown."),
    "map.inset": ("Bakü ve Abşeron", "Baku and the Absheron peninsula"),
    "timeline.note": (f"{PERIOD} arası tarihlenmiş olaylar; her olay sayfasına bağlanır.",
                      f"Dated events of {PERIOD}; each links to its page."),
    "query.title": ("SPARQL sorgusu", "SPARQL query"),
    "query.examples": ("Örnek sorgular", "Example queries"),
    "query.run": ("Çalıştır", "Run"),
    "query.share": ("Paylaşılabilir bağlantı", "Shareable link"),
    "query.noscript": ("Düzenleyici JavaScript gerektirir; aşağıdaki form onsuz çalışır.",
                       "The editor needs JavaScript; the form below works without it."),
    "query.views": ("Sonuçlar zaman çizelgesi ve harita olarak", "Results as timeline and map"),
    "landing.what": ("Bu nedir", "What this is"),
    "landing.size": ("Boyut", "How big"),
    "landing.licence": ("Lisans", "Licence"),
    "landing.cite": ("Atıf", "How to cite"),
    "landing.classes": ("Sınıflara göre kaynaklar", "Resources per class"),
    "landing.graphs": ("Adlandırılmış graflar", "Named graphs"),
    "triples": ("Üçlüler", "Triples"),
    "resources": ("kaynak", "resources"),
    "downloads.title": ("Veri dökümleri", "Data dumps"),
    "downloads.none": ("Bu derlemede döküm yok (tarihkg build ile yazılır).",
                       "This build has no dumps (tarihkg build writes them)."),
    "file": ("Dosya", "File"),
    "size": ("Boyut", "Size"),
    "statements": ("İfade", "Statements"),
    "shacl.title": ("Son SHACL raporu", "Latest SHACL report"),
    "shacl.conforms": ("Veri, şekillere (shapes) uyuyor.", "The data conforms to the shapes."),
    "ontology.classes": ("Sınıflar", "Classes"),
    "ontology.properties": ("Özellikler", "Properties"),
    "ontology.individuals": ("Bireyler", "Individuals"),
    "ontology.alignments": ("Eşleştirmeler", "Alignments"),
    "ontology.definition": ("Tanım", "Definition"),
    "ontology.domain": ("Tanım kümesi", "Domain"),
    "ontology.range": ("Değer kümesi", "Range"),
    "source.text": ("Metin, işaretlenmiş", "The text, marked up"),
    "source.legend": ("İşaretler: kişi/yer/birlik adları, tarihler, atıflar.",
                      "Marked: names of entities, dates, citations."),
    "footnote": ("Dipnot", "Footnote"),
    "source.footnote_back": ("↑ metindeki işaretine dön", "↑ back to its marker in the text"),
    "source.sentence_link": ("bu cümlenin sayfası", "this sentence's page"),
    "graph.size": ("Bu graftaki üçlüler", "Triples in this graph"),
    "graph.download": ("Grafı indir", "Download the graph"),
    "lang.switch": ("English", "Türkçe"),
}


def current_lang() -> str:
    """The page language: ``?lang=``, else the cookie, else the browser's preference, else tr."""
    asked = request.args.get("lang")
    if asked in LANGS:
        return asked
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in LANGS:
        return cookie
    return request.accept_languages.best_match(LANGS, default="tr") or "tr"


def t(key: str, lang: str | None = None) -> str:
    """The interface string ``key`` in ``lang`` (the page language by default)."""
    tr, en = STRINGS[key]
    return tr if (lang or current_lang()) == "tr" else en


def format_edtf(edtf: str, lang: str) -> str:
    """A normalised EDTF date written out in ``lang``; what it cannot read comes back as is.

    >>> format_edtf("1918-09-15", "tr"), format_edtf("1918-09", "en"), format_edtf("1918", "en")
    ('15 Eylül 1918', 'September 1918', '1918')
    >>> format_edtf("1918-09-13/1918-09-14", "en")
    '13 September 1918 – 14 September 1918'
    >>> format_edtf("1918-13-40", "en")
    '1918-13-40'
    >>> format_edtf("1919-21", "tr"), format_edtf("1918-22", "en")
    ('1919 ilkbaharı', 'summer 1918')
    """
    if "/" in edtf:
        return " – ".join(format_edtf(part, lang) for part in edtf.split("/", 1))
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", edtf)
    if m is None:
        return edtf
    year, month, day = m.groups()
    if month is None:
        return year
    if day is None and month in SEASONS[lang]:  # EDTF level 1 seasons: 21 spring ... 24 winter
        return SEASONS[lang][month].format(year=year)
    if not 1 <= int(month) <= 12 or (day is not None and not 1 <= int(day) <= 31):
        return edtf
    name = MONTHS[lang][int(month) - 1]
    return f"{int(day)} {name} {year}" if day else f"{name} {year}"


def lang_url(lang: str) -> str:
    """The current page in another language (the switch sets the cookie)."""
    args = {k: v for k, v in request.args.items() if k != "lang"}
    args["lang"] = lang
    return f"{request.path}?{urlencode(args)}"


