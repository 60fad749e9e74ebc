"""Nodes without rdfs:label -> words on pages, never their IRI: a quantity by its amount, unit and
kind, any other structured value (strength, casualties, materiel, a sum, a plebiscite's result) by
its parts and the labels of their properties, in the page's language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.labels import Labeller
from tarihkg.store import open_store

KINDS = ("quantity", "strength", "casualties", "materiel", "money", "result")


@pytest.fixture(scope="module")
def nodes(build_dir: Path) -> dict[str, list[str]]:
    text = (build_dir / "tarihkg.nq").read_text(encoding="utf-8")
    return {
        kind: sorted(set(re.findall(rf"<(https://w3id\.org/tarihkg/resource/{kind}/f-[^>]+)>", text)))
        for kind in KINDS
    }


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_every_structured_value_is_named_by_its_parts(
    build_dir: Path, nodes: dict[str, list[str]], lang: str
) -> None:
    labeller = Labeller(open_store(build_dir), lang)
    for kind in KINDS:
        assert nodes[kind], kind
        for iri in nodes[kind]:
            label = labeller.label(iri)
            assert label and "w3id.org" not in label and "tkg:" not in label, (iri, label)
            # its number (or, for materiel listed without one, its item) is what it says
            assert re.search(r"\d", label) or kind == "materiel" and ": " in label, (iri, label)


def test_a_quantity_reads_amount_unit_and_kind(build_dir: Path, nodes: dict[str, list[str]]) -> None:
    labeller = Labeller(open_store(build_dir), "en")
    labels = [labeller.label(iri) or "" for iri in nodes["quantity"]]
    assert any(re.fullmatch(r"\d+(\.\d+)? \S.* \(.+\)", label) for label in labels), labels[:5]
    assert not any(label.endswith(".0") or ".0 " in label for label in labels)
