"""The fact specification: one declarative map from a fact's fields to RDF -> loader checks,
rdfize, the JSON Schema for editors (data/curation/facts.schema.json) and the docs table.

Every fact property names the classes its subject may have and exactly one kind of object:
a registry entity (`object:`), a literal (`value:` with the spec's datatype), a structured
value that becomes a node of its own (`value: {...}`), or the fact's own `date:`. Qualifiers
(`date`, `note`, ...) are the same for every property that allows them. Nothing else in the
code knows which fields a property takes: `curation` checks against this map, `rdfize`
walks it, and `python -m tarihkg.factspec` rewrites the schema and the table.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tarihkg.names import BASE
from tarihkg.text.dates import read_wording

#: Registry classes a fact may name: each maps to its parent (None for a root class).
CLASS_PARENTS: dict[str, str | None] = {
    "Person": None,
    "Organization": None,
    "MilitaryUnit": "Organization",
    "Polity": None,
    "Place": None,
    "Vessel": None,
    "Work": None,
    "Event": None,
    **{
        c: "Event"
        for c in (
            "Battle",
            "Capture",
            "Occupation",
            "Withdrawal",
            "Conference",
            "Declaration",
            "Appointment",
            "Plebiscite",
            "Revolution",
            "Founding",
            "Dissolution",
            "Deployment",
            "Order",
            "Signing",
        )
    },
    "Treaty": None,
    **{c: "Treaty" for c in ("Armistice", "PeaceTreaty", "Agreement", "Pact")},
}

AGENTS = ("Person", "Organization", "Polity")


def is_a(cls: str, wanted: tuple[str, ...]) -> bool:
    """True if registry class `cls` is one of `wanted` or a subclass of one.

    >>> is_a("MilitaryUnit", ("Organization",)), is_a("Battle", ("Event",)), is_a("Place", AGENTS)
    (True, True, False)
    """
    c: str | None = cls
    while c is not None:
        if c in wanted:
            return True
        c = CLASS_PARENTS.get(c)
    return False


#: Literal kinds: how a value is checked (JSON Schema) and which RDF literal it becomes.
LITERALS: dict[str, dict[str, Any]] = {
    "langString": {"schema": {"type": "string", "minLength": 1}, "rdf": "a string @tr"},
    "count": {"schema": {"type": "integer", "minimum": 0}, "rdf": "xsd:integer (>= 0)"},
    "entity": {"schema": {"$ref": "#/$defs/id"}, "rdf": "the entity's IRI"},
    "decimal": {"schema": {"type": "number", "minimum": 0}, "rdf": "xsd:decimal"},
    "string": {"schema": {"type": "string", "minLength": 1}, "rdf": "xsd:string"},
}


@dataclass(frozen=True)
class Part:
    """One field of a structured value: its key, the node's predicate and its kind."""

    key: str
    predicate: str
    kind: str  # a key of LITERALS
    classes: tuple[str, ...] = ()  # for kind "entity": the registry classes it may name
    meaning: str = ""
    #: values this part may not take, each with the fact property that records it instead
    refused: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Structure:
    """A structured value: a node of `node_class` hung off the subject by `link`.

    `reverse`: the node points at the subject (`node link subject`) and carries the fact's
    date itself (a dated strength of a unit); otherwise `subject link node`.
    """

    node_class: str
    link: str
    parts: tuple[Part, ...]
    reverse: bool = False

    def part(self, key: str) -> Part | None:
        """The part called `key`, if any."""
        return next((p for p in self.parts if p.key == key), None)


@dataclass(frozen=True)
class PropertySpec:
    """One fact property: its subject classes, its one kind of object and what it means."""

    name: str
    subject: tuple[str, ...]
    meaning: str
    object: tuple[str, ...] = ()  # `object:` is a registry id of one of these classes
    value: str | None = None  # `value:` is a literal of this kind (see LITERALS)
    structure: Structure | None = None  # `value:` is a mapping -> a node
    date_object: bool = False  # the fact's `date:` is its object (`subject tkg:date TimeSpan`)
    qualifiers: tuple[str, ...] = ("date",)

    @property
    def takes(self) -> str:
        """Which field carries the object: `object`, `value` or `date`."""
        if self.object:
            return "object"
        if self.date_object:
            return "date"
        return "value"


_WORDING = {"type": "string", "minLength": 1}
#: The qualifier keeping the words a sentence prints for an object read as another entity.
PRINTED_OBJECT = "printed_object"
#: The field naming an earlier sentence of the paragraph that prints the fact's date.
DATE_SENTENCE = "date_sentence"

#: The qualifiers a fact may carry beside its object, and how each maps to RDF. A time
#: qualifier (`date`, `from`, `until`) has a companion `{name}_wording`: the words as printed,
#: checked to be in the sentence. `predicate` is the claim's property; `kind` what it holds.
QUALIFIERS: dict[str, dict[str, Any]] = {
    "date": {
        "schema": {"$ref": "#/$defs/edtf"},
        "kind": "time",
        "predicate": "date",
        "rdf": "claim `tkg:date` a `tkg:TimeSpan` (the date occurrence of the sentence when "
        "`date_wording` finds it there, else a node of its own)",
        "meaning": "when the fact held or happened, 'at' (EDTF: 1918-06-07, 1918-06, 1918, "
        "1918-09-13/1918-09-14)",
    },
    "from": {
        "schema": {"$ref": "#/$defs/edtf"},
        "kind": "time",
        "predicate": "validFrom",
        "rdf": "claim `tkg:validFrom` a `tkg:TimeSpan` (`from_wording` its wording)",
        "meaning": "from when the fact held, as the sentence gives it (EDTF)",
    },
    "until": {
        "schema": {"$ref": "#/$defs/edtf"},
        "kind": "time",
        "predicate": "validUntil",
        "rdf": "claim `tkg:validUntil` a `tkg:TimeSpan` (`until_wording` its wording)",
        "meaning": "until when the fact held, as the sentence gives it (EDTF)",
    },
    "side": {
        "schema": {"$ref": "#/$defs/id"},
        "kind": "entity",
        "classes": ("Organization", "Polity"),
        "predicate": "side",
        "rdf": "claim `tkg:side` the entity",
        "meaning": "the side the sentence gives the fact to (whose losses, whose strength, "
        "on whose side a participant fought): an Organization or Polity",
    },
    "approximate": {
        "schema": {"type": "string", "minLength": 1},
        "kind": "langString",
        "predicate": "approximation",
        "rdf": "claim and its structured value `tkg:approximation` a string @tr",
        "meaning": "the words that make a number inexact, as printed (`yaklaşık`, `en az`, "
        "`kadar`, `aşkın`, `civarında`): the amount is the printed number, this says how the "
        "sentence hedges it (checked: the words are in the sentence)",
    },
    "according_to": {
        "schema": {"$ref": "#/$defs/id"},
        "kind": "entity",
        "classes": ("Event", "Person", "Organization"),
        "predicate": "accordingTo",
        "rdf": "claim `tkg:accordingTo` the entity",
        "meaning": "the report, letter, declaration or person the sentence gives the fact as "
        "the words of (\"… raporda şunlar belirtti: …\", \"… bildiriye göre …\"): the fact is "
        "what that source says, not the article's own finding; pages say 'according to'",
    },
    "role": {
        "schema": {"type": "string", "minLength": 1},
        "kind": "langString",
        "predicate": "inRole",
        "rdf": "claim `tkg:inRole` a string @tr",
        "meaning": "the capacity in which the subject or object acts, as printed "
        "(a person's role in an event: `murahhas`, `komutan`)",
    },
    PRINTED_OBJECT: {
        "schema": {"type": "string", "minLength": 1},
        "kind": "langString",
        "predicate": "printedObject",
        "rdf": "claim `tkg:printedObject` a string @tr, and a claim `tkg:note` quoting it",
        "meaning": "the words the sentence prints for the object where the object is a reading "
        "of them that names something else (an anachronism: `Sovyetler Birliği` for Soviet "
        "Russia in 1920; a misprinted name): the printed words are kept beside the reading, as "
        "`tkg:printedEdtf` keeps a misprinted date beside its reading (checked: in the sentence; "
        "the fact's `note` says why it is read so)",
    },
}
#: Time qualifiers -> the field holding their wording.
WORDINGS = {q: f"{q}_wording" for q, f in QUALIFIERS.items() if f["kind"] == "time"}

#: The kinds of dispute a reviewer may state on a fact (`disputes:`), each with what it needs of
#: both claims. A citation printed two ways is no fact: data/curation/citation-conflicts.yaml.
FACT_DISPUTES: dict[str, str] = {
    "date": "one of them states a date or a time of day, and the other can carry one",
    "number": "both state a count: a counted value or a number printed in the value",
    "assignment": "two different objects or values of one kind of statement: a unit under two "
    "groups, two posts, two agents of one deed",
    "name": "both print a name (`printedName`), or both name one entity the sentences print "
    "differently",
}

#: A text for the subject, the object or both (`mentioned_as`, `mentioned_as_reason`).
_PER_ROLE_TEXT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "subject": {"type": "string", "minLength": 1},
        "object": {"type": "string", "minLength": 1},
    },
    "additionalProperties": False,
    "minProperties": 1,
}

#: Fields every fact may have, whatever its property (besides the qualifiers it allows).
COMMON_FIELDS: dict[str, dict[str, Any]] = {
    "id": {
        "schema": {"$ref": "#/$defs/factId"},
        "rdf": "`resource/claim/{id}`",
        "meaning": "stable fact id, never reused",
    },
    "subject": {
        "schema": {"$ref": "#/$defs/id"},
        "rdf": "`tkg:claimSubject` and the subject of the direct triple",
        "meaning": "registry id",
    },
    "property": {
        "schema": {"type": "string"},
        "rdf": "`tkg:claimPredicate`",
        "meaning": "a fact property (the table above)",
    },
    **{
        w: {
            "schema": _WORDING,
            "rdf": f"`tkg:originalWording` of the `{q}` time span",
            "meaning": f"the `{q}` date as printed (checked: in the sentence)",
        }
        for q, w in WORDINGS.items()
    },
    DATE_SENTENCE: {
        "schema": {"type": "string", "minLength": 1},
        "rdf": "the claim's `tkg:date` is the date occurrence (`tkg:DateExpression`, "
        "`tkg:inSentence`) of that earlier sentence; a claim `tkg:note` says the date is printed "
        "there",
        "meaning": "the first words of an EARLIER sentence of the same paragraph that prints the "
        "fact's date, where the fact's own sentence prints none and the text sets the time for "
        "what follows (\"Geriye kalan tüm askeri kuvvetler 13–14 Eylül gecesi …\" before the "
        "order of battle of that night): `date_wording` is then checked in that sentence, not in "
        "the fact's own (checked: one sentence of the same source and paragraph, before the "
        "fact's, holding the wording; the date is the wording's reading)",
    },
    "conflicts_with": {
        "schema": {"type": "array", "items": {"$ref": "#/$defs/factId"}, "minItems": 1},
        "rdf": "claim `tkg:conflictsWith` claim",
        "meaning": "fact ids this fact contradicts (checked: they exist)",
    },
    "disputes": {
        "schema": {"enum": list(FACT_DISPUTES)},
        "rdf": "the `tkg:Conflict` of each pair it names in `conflicts_with` `tkg:disputes` "
        "`tkg:disputedDate` (`Number`, `Assignment`, `Name`)",
        "meaning": "what this fact and the facts of its `conflicts_with` disagree about, as a "
        "reviewer reads the two sentences: " + ", ".join(
            f"`{k}` ({v})" for k, v in FACT_DISPUTES.items()
        ) + ". Checked: it fits both claims, and contradicts no kind the triples show (exit 2)",
    },
    "cited": {
        "schema": {"type": "array", "items": {"type": "integer", "minimum": 1}, "uniqueItems": True},
        "rdf": "claim `tkg:supportedBy` only the citations it numbers",
        "meaning": "which of its sentence's in-text citations back this fact, by their printed order "
        "(1 = the first): needed where the sentence prints more than one citation (each clause "
        "backed by its own); `[]` where no citation backs the fact (a clause after the last "
        "citation, or a sentence whose next citation in its paragraph is for another point); "
        "left out, the sentence's own citation backs the fact, else the next one printed in "
        "its paragraph; numbers are refused where the sentence prints fewer than two (exit 2)",
    },
    "note": {
        "schema": {
            "oneOf": [
                {"type": "string"},
                {"type": "object", "additionalProperties": {"type": "string"}},
            ]
        },
        "rdf": "claim `tkg:note` (a string is English)",
        "meaning": "a reviewer's note, e.g. a corrected misprint",
    },
    "mentioned_as": {
        "schema": _PER_ROLE_TEXT,
        "rdf": "nothing (a check)",
        "meaning": "words of the sentence that refer to the subject/object where the matcher "
        "finds no name of it (checked: they are in the sentence)",
    },
    "mentioned_as_reason": {
        "schema": _PER_ROLE_TEXT,
        "rdf": "nothing (a check)",
        "meaning": "for a role whose `mentioned_as` words the matcher links to another registry "
        "entity (a warning): why the words mean this one here, as a reviewer read the sentence "
        "(checked: that role has `mentioned_as` words; the warning is then not given)",
    },
    "mention_check": {
        "schema": {"const": False},
        "rdf": "nothing",
        "meaning": "`false` switches the mention check off (needs a `note` saying why); "
        "prefer `mentioned_as`",
    },
}

_HELD = ("date", "from", "until")  # states that hold for a time: commands, memberships ...
_TAKEN = ("date", "side", "role")  # taking part in an event
_COUNTED = ("date", "side", "approximate")  # numbers of one side, exact or as hedged
_EVENT = ("Event",)
_UNIT = ("MilitaryUnit",)
_PLACE = ("Place",)
_PERSON = ("Person",)
_TREATY = ("Treaty",)
_GROUPS = ("Organization", "Polity")
_DATED = ("Event", "Treaty")  # what happens or is concluded at a time: an event, a treaty
_ANY = ("Person", "Organization", "Polity", "Place", "Event", "Treaty")

PROPERTIES: tuple[PropertySpec, ...] = (
    PropertySpec(
        "commander",
        ("MilitaryUnit", "Event"),
        "commanded it; inverse `commands` is inferred",
        object=_PERSON,
        qualifiers=_HELD,
    ),
    PropertySpec(
        "partOf",
        _UNIT,
        "subordinate to, at the time on the claim (`hasPart` inferred; chained only within the "
        "time the links share)",
        object=_UNIT,
        qualifiers=_HELD,
    ),
    PropertySpec(
        "headquarters",
        ("Organization", "Polity"),
        "seat / headquarters (capital of a polity)",
        object=_PLACE,
        qualifiers=_HELD,
    ),
    PropertySpec("positionedAt", _UNIT, "stood at", object=_PLACE, qualifiers=_HELD),
    PropertySpec(
        "positionedBetween",
        _UNIT,
        "stood somewhere between this place and another the sentence names (\"Puta-Elet "
        "arasında\": one fact for each end), at neither",
        object=_PLACE,
        qualifiers=_HELD,
    ),
    PropertySpec(
        "locatedAt",
        _PERSON,
        "was at (a place a person was in, at the time on the claim)",
        object=_PLACE,
        qualifiers=_HELD,
    ),
    PropertySpec(
        "inServiceOf",
        ("Vessel",),
        "a named vessel belonged to or served this army, fleet, body or state",
        object=_GROUPS,
        qualifiers=_HELD,
    ),
    PropertySpec(
        "memberOf",
        _PERSON,
        "served in / belonged to",
        object=_GROUPS,
        qualifiers=(*_HELD, "role"),
    ),
    PropertySpec(
        "holdsRole",
        _PERSON,
        "office or rank as printed (`savunma bakanı`, `Yarbay`)",
        value="langString",
        qualifiers=_HELD,
    ),
    PropertySpec("sibling", _PERSON, "brother or sister (symmetric)", object=_PERSON),
    PropertySpec(
        "date",
        ("Event", "Treaty"),
        "when it happened / was signed: the fact's `date` is the object",
        date_object=True,
        qualifiers=(),
    ),
    PropertySpec(
        "startDate",
        _EVENT,
        "when it began (a march set off, an advance or an assault started): the fact's `date`",
        date_object=True,
        qualifiers=(),
    ),
    PropertySpec(
        "endDate",
        _EVENT,
        "when it ended (a march arrived, a withdrawal was complete): the fact's `date`",
        date_object=True,
        qualifiers=(),
    ),
    PropertySpec(
        "dateSent",
        _EVENT,
        "when an order or message was sent off (its own date is `date`): the fact's `date`",
        date_object=True,
        qualifiers=(),
    ),
    PropertySpec(
        "dateReceived",
        _EVENT,
        "when an order or message reached its recipients: the fact's `date`",
        date_object=True,
        qualifiers=(),
    ),
    PropertySpec(
        "plannedDate",
        _EVENT,
        "the date a plan or arrangement set for what it laid down (\"… 11 Eylül’e "
        "planlamıştı\"): never the date that happened, nor the plan's own `date`; the fact's "
        "`date`",
        date_object=True,
        qualifiers=(),
    ),
    PropertySpec("place", _EVENT, "where it happened", object=_PLACE),
    PropertySpec(
        "carriedOutBy",
        _EVENT,
        "who did it (captured, occupied, withdrew, declared ...)",
        object=AGENTS,
        qualifiers=_TAKEN,
    ),
    PropertySpec("participant", _EVENT, "took part", object=AGENTS, qualifiers=_TAKEN),
    PropertySpec(
        "target",
        _EVENT,
        "what was captured, occupied, evacuated, attacked",
        object=("Place", *_GROUPS),
    ),
    PropertySpec("origin", _EVENT, "where a movement started", object=_PLACE),
    PropertySpec("destination", _EVENT, "where a movement went", object=_PLACE),
    PropertySpec(
        "outcome",
        _EVENT,
        "what came of it, in words (`from`/`until` where the sentence says from or until when)",
        value="langString",
        qualifiers=_HELD,
    ),
    PropertySpec(
        "cause",
        _EVENT,
        "what brought it about, in the sentence's words (\"… yüzünden\", \"… nedeniyle\", "
        "\"… sonucunda\"): a cause the text gives, never stored as the outcome",
        value="langString",
    ),
    PropertySpec(
        "after",
        _DATED,
        "happened after that other event or treaty, as the sentence orders them (\"… -den "
        "sonra\", \"… -i müteakip\", \"… ardından\"): time order only, no cause",
        object=_DATED,
    ),
    PropertySpec(
        "promptedBy",
        _DATED,
        "happened in response to, or was brought about by, that other event or treaty, as the "
        "sentence gives it (\"… üzerine\", \"… neticesinde\", \"… sonucunda\", \"… "
        "nedeniyle\", \"… gereğince\"): the cause as a resource (`cause` keeps it in words)",
        object=_DATED,
    ),
    PropertySpec(
        "statedContent",
        _EVENT,
        "what a declaration, letter, telegram, report or speech said, as the sentence reports it "
        "(\"… bildiride şöyle yazmaktadır\", \"… bildirmiştir\", \"… demektedir\"): the document's "
        "words, not the article's finding, and never stored as the outcome",
        value="langString",
    ),
    PropertySpec("appointee", ("Appointment",), "who was appointed", object=_PERSON),
    PropertySpec("appointedTo", ("Appointment",), "the body appointed to", object=_GROUPS),
    PropertySpec("replaces", ("Appointment",), "whom the appointee replaced", object=_PERSON),
    PropertySpec("role", ("Appointment",), "the post, as printed", value="langString"),
    PropertySpec("signedAt", _TREATY, "where it was signed", object=_PLACE),
    PropertySpec("party", _TREATY, "a party to it", object=_GROUPS),
    PropertySpec(
        "founded",
        _EVENT,
        "what it created (a Founding, Declaration ...)",
        object=_GROUPS,
    ),
    PropertySpec("dissolved", _EVENT, "what it ended", object=_GROUPS),
    PropertySpec(
        "signature",
        _TREATY,
        "a signatory for one side",
        structure=Structure(
            "Signature",
            "signature",
            (
                Part("signatory", "signatory", "entity", _PERSON, "who signed"),
                Part("on_behalf_of", "onBehalfOf", "entity", _GROUPS, "for whom"),
            ),
        ),
    ),
    PropertySpec(
        "article",
        _TREATY,
        "an article and what it requires",
        structure=Structure(
            "TreatyArticle",
            "article",
            (
                Part("number", "articleNumber", "count", meaning="the article's number"),
                Part("requirement", "requirement", "langString", meaning="what it requires"),
            ),
        ),
    ),
    PropertySpec(
        "effect",
        _TREATY,
        "what the agreement brought about or was to bring about, as the sentence states it "
        "(\"… ile …\", \"… neticesinde …\"): not a printed article or term (`article`)",
        value="langString",
    ),
    PropertySpec(
        "strength",
        _UNIT,
        "a dated strength (the node carries the date and points at the unit)",
        structure=Structure(
            "UnitStrength",
            "ofUnit",
            (
                Part("officers", "officers", "count"),
                Part("soldiers", "soldiers", "count"),
                Part("animals", "animals", "count"),
                Part("guns", "guns", "count"),
            ),
            reverse=True,
        ),
        qualifiers=_COUNTED,
    ),
    PropertySpec(
        "casualties",
        _EVENT,
        "losses of one side",
        structure=Structure(
            "Casualties",
            "casualties",
            (
                Part("unit", "sufferedBy", "entity", AGENTS, "the side that suffered them"),
                Part("killed_officers", "killedOfficers", "count"),
                Part("killed_soldiers", "killedSoldiers", "count"),
                Part("wounded_officers", "woundedOfficers", "count"),
                Part("wounded_soldiers", "woundedSoldiers", "count"),
                Part("captured_officers", "capturedOfficers", "count"),
                Part("captured_soldiers", "capturedSoldiers", "count"),
                Part("dead", "dead", "count"),
            ),
        ),
        qualifiers=_COUNTED,
    ),
    PropertySpec(
        "materiel",
        _EVENT,
        "materiel captured",
        structure=Structure(
            "Materiel",
            "materiel",
            (
                Part("item", "item", "langString", meaning="what, as printed"),
                Part("count", "count", "count"),
                Part("captured_by", "capturedBy", "entity", AGENTS, "who captured it"),
            ),
        ),
        qualifiers=_COUNTED,
    ),
    PropertySpec(
        "money",
        _EVENT,
        "a sum of money paid, delivered or given (one currency)",
        structure=Structure(
            "MonetaryAmount",
            "money",
            (
                Part("amount", "amount", "count", meaning="how many units (19 bin = 19000)"),
                Part("currency", "currency", "langString", meaning="the currency, as printed"),
                Part("paid_by", "paidBy", "entity", AGENTS, "who paid or delivered it"),
            ),
        ),
        qualifiers=_COUNTED,
    ),
    PropertySpec(
        "assessment",
        _ANY,
        "how the article judges or characterises it, in its words (not a measured fact; "
        "`from`/`until` where the sentence says from or until when)",
        value="langString",
        qualifiers=_HELD,
    ),
    PropertySpec(
        "purpose",
        ("Event", "Organization"),
        "what it was for, as the sentence states it",
        value="langString",
    ),
    PropertySpec(
        "printedName",
        _ANY,
        "a name or title the sentence prints for it (where the texts print it several ways)",
        value="langString",
    ),
    PropertySpec(
        "result",
        ("Plebiscite",),
        "vote counts",
        structure=Structure(
            "PlebisciteResult",
            "result",
            (
                Part("eligible", "eligibleVoters", "count"),
                Part("yes", "votesYes", "count"),
                Part("no", "votesNo", "count"),
                Part("abstained", "abstentions", "count"),
            ),
        ),
    ),
    PropertySpec(
        "quantity",
        ("Event", "Treaty", "Organization", "Polity", "Place"),
        "a number the sentence states that no other property records (votes, seats, men, "
        "distance, duration ...; a sum of money is a `money` fact)",
        structure=Structure(
            "Quantity",
            "quantity",
            (
                Part(
                    "kind",
                    "quantityKind",
                    "string",
                    meaning="votes, seats, men, duration ...",
                    refused=(("money", "money"), ("para", "money")),
                ),
                Part("amount", "quantityAmount", "decimal", meaning="the number printed"),
                Part("unit", "unitOfMeasure", "langString", meaning="as printed: km, gün ..."),
            ),
        ),
        qualifiers=_COUNTED,
    ),
)

#: Qualifiers any fact may carry, whatever its property; a fact naming an object by its
#: `object:` may also keep the words printed for it (`printed_object`).
EVERY_FACT = ("according_to",)
PROPERTIES = tuple(
    replace(p, qualifiers=p.qualifiers + EVERY_FACT + ((PRINTED_OBJECT,) if p.object else ()))
    for p in PROPERTIES
)

SPEC: dict[str, PropertySpec] = {p.name: p for p in PROPERTIES}

EDTF_RE = r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?$"
ID_RE = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def check_fact_fields(raw: dict[str, Any]) -> list[str]:
    """The problems of one fact's fields against the spec (no registry, no text): a list of messages.

    >>> check_fact_fields({"id": "f-1", "subject": "a", "property": "partOf", "value": 3})
    ["'partOf' takes 'object', not 'value'"]
    """
    problems: list[str] = []
    fid = raw.get("id")
    for key in ("id", "subject", "property"):
        if key not in raw:
            problems.append(f"lacks '{key}'")
    if fid is not None and not re.match(ID_RE, str(fid)):
        problems.append(f"id {fid!r} is not a slug ([a-z0-9-])")
    prop = raw.get("property")
    spec = SPEC.get(str(prop)) if prop is not None else None
    if prop is not None and spec is None:
        problems.append(f"unknown property {prop!r} (known: {', '.join(SPEC)})")
    allowed = set(COMMON_FIELDS) | set(QUALIFIERS)
    if spec is not None:
        allowed = set(COMMON_FIELDS) | set(spec.qualifiers) | {spec.takes}
        problems += _check_object(spec, raw)
    for key in sorted(set(raw) - allowed - {"object", "value"}):
        what = f"'{prop}'" if spec is not None else "a fact"
        problems.append(f"unknown field {key!r} for {what} (allowed: {', '.join(sorted(allowed))})")
    return problems + _check_qualifier_fields(raw)


def _edtf_problems(q: str, when: Any) -> list[str]:
    """A date qualifier's value: EDTF, written as YAML text. Unquoted, YAML reads `1918-07-25`
    as a calendar date and `1918` as a number, which the JSON Schema refuses; so does the
    check (one rule for both), saying how to write it."""
    if not isinstance(when, str):
        kind = "a number" if isinstance(when, int) else "a calendar date"
        return [f"{q} {when} is read by YAML as {kind}, not as text: quote it "
                f"({q}: \"{when}\")"]
    if not re.match(EDTF_RE, when):
        return [f"{q} {when!r} is not EDTF (1918-06-07, 1918-06, 1918, a/b)"]
    return []


_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
#: Words after a date that bound a period at it without moving it ('29 Nisan 1918’e kadar',
#: '3 Eylül’den itibaren'); 'sonra' and 'önce' move it, so a wording with them is not read.
def _note_text(note: Any) -> str:
    if isinstance(note, dict):
        return " ".join(str(v) for v in note.values())
    return str(note) if note is not None else ""


def wording_reading(wording: str) -> str | None:
    """What the date parser reads ``wording`` as, in EDTF (``XXXX`` for a year not printed),
    when the wording is one date or one period; else None: ``text.dates.read_wording``."""
    return read_wording(wording)


def wording_problems(q: str, when: str, wording: str, note: str = "") -> list[str]:
    """A date qualifier against its own printed wording (docs/curation.md, "The date is its
    wording"): the value is the parser's reading of the wording, at its precision (a day, a
    month, a year, a season 1918-22, a range as an interval). A year the wording does not print
    comes from the context: the fact's year is taken there, its month and day must agree. A
    year printed but not taken (a misprint, '5 Kasım 1938’de' for 1918) must be named in the
    fact's note. A wording the parser cannot read as one date gives no problem.

    >>> [p.split(", ")[1] for p in wording_problems("date", "1919-04-29", "19 Nisan 1919’da")]
    ['which reads 1919-04-19 (write date: "1919-04-19")']
    >>> wording_problems("date", "1918-02-25", "25 Şubatta")
    []
    """
    reading = wording_reading(wording)
    if reading is None:
        return []
    years = _YEAR.findall(when)
    if "XXXX" in reading and years:
        reading = reading.replace("XXXX", years[0], 1).replace("XXXX", years[-1])
    if reading == when:
        return []
    printed = set(_YEAR.findall(reading))
    if printed and printed != set(years) and all(y in note for y in printed - set(years)):
        # A printed year read as a misprint, the note names it: the rest must agree.
        if _YEAR.sub("Y", reading) == _YEAR.sub("Y", when):
            return []
    hint = (
        f" (write {q}: \"{reading}\")" if not printed or printed <= set(years)
        else f" (write {q}: \"{reading}\", or, if the printed year is a misprint, name it in "
        "the fact's note)"
    )
    return [f"{q} {when!r} is not its wording {wording!r}, which reads {reading}{hint}"]


def _check_qualifier_fields(raw: dict[str, Any]) -> list[str]:
    """The problems of a fact's qualifiers: EDTF dates (with their wordings), side and role as
    text, and mention_check only ever false, with a note."""
    problems: list[str] = []
    for q, wording in WORDINGS.items():
        when = raw.get(q)
        if when is not None:
            found = _edtf_problems(q, when)
            problems += found
            if not found and isinstance(raw.get(wording), str):
                problems += wording_problems(q, when, raw[wording], _note_text(raw.get("note")))
        if wording in raw and when is None:
            problems.append(f"'{wording}' without '{q}'")
    if DATE_SENTENCE in raw:
        if not (isinstance(raw[DATE_SENTENCE], str) and raw[DATE_SENTENCE].strip()):
            problems.append(f"'{DATE_SENTENCE}' must be the words of a sentence, not "
                            f"{raw[DATE_SENTENCE]!r}")
        elif "date_wording" not in raw:
            problems.append(f"'{DATE_SENTENCE}' without 'date_wording': say which words of that "
                            "sentence print the date")
    for q in ("side", "role", PRINTED_OBJECT):
        if q in raw and not (isinstance(raw[q], str) and raw[q].strip()):
            problems.append(f"'{q}' must be a registry id or text, not {raw[q]!r}")
    if PRINTED_OBJECT in raw and not raw.get("note"):
        problems.append(f"'{PRINTED_OBJECT}' needs a note saying why the object is read as "
                        "another entity than the printed words name")
    if "disputes" in raw:
        if raw["disputes"] not in FACT_DISPUTES:
            problems.append(
                f"disputes {raw['disputes']!r} is not one of {', '.join(FACT_DISPUTES)} (a "
                "citation printed two ways goes in data/curation/citation-conflicts.yaml)"
            )
        if not raw.get("conflicts_with"):
            problems.append("'disputes' without 'conflicts_with': it says what a conflict is about")
    return problems + _check_cited(raw) + _check_mention_fields(raw)


def _check_mention_fields(raw: dict[str, Any]) -> list[str]:
    """`mentioned_as_reason`, where given: a reason for a role that has `mentioned_as` words;
    `mention_check` only ever false, with a note."""
    reasons = raw.get("mentioned_as_reason") or {}
    said = raw["mentioned_as"] if isinstance(raw.get("mentioned_as"), dict) else {}
    problems = [
        f"mentioned_as_reason {role} without mentioned_as {role}: it says why the "
        "mentioned_as words, which name another entity, mean this one"
        for role in (reasons if isinstance(reasons, dict) else ())
        if not str(role).startswith("__") and role not in said
    ]
    if raw.get("mention_check") is False and not raw.get("note"):
        problems.append("mention_check: false needs a note saying why")
    if "mention_check" in raw and raw.get("mention_check") is not False:
        problems.append("mention_check may only be false (true is the default)")
    return problems


def _check_cited(raw: dict[str, Any]) -> list[str]:
    """`cited`, where given: distinct citation numbers counted from 1, or []."""
    if "cited" not in raw:
        return []
    cited = raw["cited"]
    if isinstance(cited, list) and len(set(map(str, cited))) == len(cited) and all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in cited
    ):
        return []
    return [f"cited {cited!r} must be a list of citation numbers (1 = the sentence's first), or []"]


def _check_object(spec: PropertySpec, raw: dict[str, Any]) -> list[str]:
    """The problems of the object side of a fact: the right field, of the right kind."""
    wrong = [k for k in ("object", "value") if k in raw and k != spec.takes]
    if wrong:
        return [f"'{spec.name}' takes '{spec.takes}', not '{wrong[0]}'"]
    if spec.takes not in raw:
        return [f"'{spec.name}' needs '{spec.takes}'"]
    val = raw[spec.takes]
    if spec.object:
        if not isinstance(val, str):
            return [f"'object' must be a registry id, not {val!r}"]
        if val == raw.get("subject"):
            return [f"'{spec.name}' links {val!r} to itself: the object must be another entity"]
        return []
    if spec.value is not None:
        return [] if isinstance(val, str) and val.strip() else [f"'value' must be text: {val!r}"]
    if spec.structure is not None:
        return _check_structure(spec.name, spec.structure, val)
    return []


def _check_structure(name: str, st: Structure, val: Any) -> list[str]:
    if not isinstance(val, dict):
        return [f"'{name}' needs a mapping value ({', '.join(p.key for p in st.parts)})"]
    problems = []
    keys = [k for k in val if not k.startswith("__")]
    if not keys:
        problems.append(f"'{name}' value is empty")
    for key in keys:
        part = st.part(key)
        if part is None:
            problems.append(
                f"unknown field {key!r} for {name} (known: {', '.join(p.key for p in st.parts)})"
            )
        elif not _fits(part.kind, val[key]):
            what = {"count": "a whole number >= 0", "decimal": "a number >= 0"}.get(
                part.kind, "text or a registry id"
            )
            problems.append(f"{name}.{key} must be {what}, not {val[key]!r}")
        else:
            problems += [
                f"{name}.{key} {val[key]!r}: write a '{instead}' fact instead"
                for refused, instead in part.refused
                if val[key].strip().casefold() == refused
            ]
    return problems


def _fits(kind: str, value: Any) -> bool:
    if kind in ("count", "decimal"):
        number = (int,) if kind == "count" else (int, float)
        return isinstance(value, number) and not isinstance(value, bool) and value >= 0
    return isinstance(value, str) and bool(value.strip())


def object_classes(spec: PropertySpec) -> dict[str, tuple[str, ...]]:
    """Registry ids a fact names besides its subject -> the classes each may have.

    Keys are `object`, `value.{part}` or a qualifier (`side`).
    """
    out: dict[str, tuple[str, ...]] = {
        q: QUALIFIERS[q]["classes"] for q in spec.qualifiers if QUALIFIERS[q]["kind"] == "entity"
    }
    if spec.object:
        out["object"] = spec.object
    if spec.structure is not None:
        for p in spec.structure.parts:
            if p.kind == "entity":
                out[f"value.{p.key}"] = p.classes
    return out


def _part_schema(part: Part) -> dict[str, Any]:
    schema: dict[str, Any] = LITERALS[part.kind]["schema"]
    if part.refused:
        return {**schema, "not": {"enum": [value for value, _ in part.refused]}}
    return schema


def _fact_schema(spec: PropertySpec) -> dict[str, Any]:
    props: dict[str, Any] = {k: v["schema"] for k, v in COMMON_FIELDS.items()}
    props.update({q: QUALIFIERS[q]["schema"] for q in spec.qualifiers})
    props["property"] = {"const": spec.name}
    if spec.date_object:
        props["date"] = QUALIFIERS["date"]["schema"]
    if spec.object:
        props["object"] = {"$ref": "#/$defs/id", "description": " or ".join(spec.object)}
    elif spec.value is not None:
        props["value"] = LITERALS[spec.value]["schema"]
    elif spec.structure is not None:
        props["value"] = {
            "type": "object",
            "properties": {p.key: _part_schema(p) for p in spec.structure.parts},
            "additionalProperties": False,
            "minProperties": 1,
        }
    required = ["id", "subject", "property", spec.takes]
    return {
        "if": {"properties": {"property": {"const": spec.name}}, "required": ["property"]},
        "then": {
            "description": spec.meaning,
            "properties": props,
            "required": required,
            "additionalProperties": False,
        },
    }


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a facts file (draft 2020-12), generated from the spec."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": BASE + "facts.schema.json",
        "title": "tarihkg curated facts, grouped under the sentence that states them",
        "description": "Generated by `python -m tarihkg.factspec` from src/tarihkg/factspec.py; "
        "do not edit. See docs/curation.md.",
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "source": {"type": "string", "description": "source id (sources.yaml)"},
                "sentence": {
                    "type": "string",
                    "minLength": 1,
                    "description": "words of ONE sentence of the source, as the cleaned text "
                    "has them",
                },
                "facts": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/fact"}},
            },
            "required": ["source", "sentence", "facts"],
            "additionalProperties": False,
        },
        "$defs": {
            "id": {"type": "string", "pattern": ID_RE},
            "factId": {"type": "string", "pattern": ID_RE},
            "edtf": {"type": "string", "pattern": EDTF_RE},
            "fact": {
                "type": "object",
                "properties": {"property": {"enum": list(SPEC)}},
                "required": ["id", "subject", "property"],
                "allOf": [
                    *(_fact_schema(spec) for spec in PROPERTIES),
                    {
                        "if": {"required": ["mention_check"]},
                        "then": {"required": ["note"]},
                    },
                ],
            },
        },
    }


def _cell(classes: tuple[str, ...]) -> str:
    return ", ".join(classes)


def _object_cell(spec: PropertySpec) -> str:
    if spec.object:
        return f"`object:` {_cell(spec.object)}"
    if spec.date_object:
        return "the fact's `date:`"
    if spec.value is not None:
        return f"`value:` {LITERALS[spec.value]['rdf']}"
    assert spec.structure is not None
    parts = ", ".join(_part_cell(p) for p in spec.structure.parts)
    return f"`value: {{{parts}}}`"


def _part_cell(part: Part) -> str:
    what = _cell(part.classes) if part.kind == "entity" else part.kind
    if part.refused:
        what += "; not " + " or ".join(value for value, _ in part.refused)
    return f"{part.key} ({what})"


def _rdf_cell(spec: PropertySpec) -> str:
    if spec.structure is not None:
        st = spec.structure
        node = f"node `tkg:{st.node_class}`"
        if st.reverse:
            return f"{node} `tkg:{st.link}` subject; the date on the node"
        return f"subject `tkg:{st.link}` {node}"
    return f"subject `tkg:{spec.name}` object"


def docs_table() -> str:
    """The Markdown table of fact properties and of the fields every fact may have."""
    rows = [
        "| property | subject | object | RDF | meaning | qualifiers |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for spec in PROPERTIES:
        rows.append(
            f"| `{spec.name}` | {_cell(spec.subject)} | {_object_cell(spec)} | {_rdf_cell(spec)} "
            f"| {spec.meaning} | {', '.join(spec.qualifiers) or '-'} |"
        )
    rows += ["", "| field | RDF | meaning |", "| --- | --- | --- |"]
    for key, f in {**COMMON_FIELDS, **QUALIFIERS}.items():
        rows.append(f"| `{key}` | {f['rdf']} | {f['meaning']} |")
    return "\n".join(rows) + "\n"


SCHEMA_FILE = Path("data") / "curation" / "facts.schema.json"
DOCS_FILE = Path("docs") / "model.md"
BEGIN, END = "<!-- factspec:begin -->", "<!-- factspec:end -->"


def schema_text() -> str:
    """The JSON Schema as committed (in the spec's order, two-space indent)."""
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


def docs_with_table(doc: str) -> str:
    """`doc` with the text between the factspec markers replaced by the generated table."""
    head, sep, rest = doc.partition(BEGIN)
    _, sep2, tail = rest.partition(END)
    if not sep or not sep2:
        raise ValueError(f"markers {BEGIN} ... {END} not found")
    return f"{head}{BEGIN}\n{docs_table()}{END}{tail}"


def write_generated(root: Path) -> list[Path]:
    """Rewrite the schema and the docs table under project `root`; returns what changed."""
    changed = []
    for path, text in (
        (root / SCHEMA_FILE, schema_text()),
        (root / DOCS_FILE, docs_with_table((root / DOCS_FILE).read_text(encoding="utf-8"))),
    ):
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


if __name__ == "__main__":
    for p in write_generated(Path(sys.argv[1] if len(sys.argv) > 1 else ".")):
        sys.stdout.write(f"wrote {p}\n")
