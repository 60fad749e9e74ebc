"""Hand-marked mentions of 40 sentences (tests/data/mentions-sample/gold.yaml) -> the matcher's
precision and recall on them, printed, with a floor.

A found mention is right when a hand-marked one of the same entity overlaps it. An ambiguous
mention the matcher leaves unlinked is no answer (neither right nor wrong). Recall is given twice:
over the names the registry has (what the matcher can find) and over every name marked (strict:
a name missing from the registry counts as missed).
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import yaml

GOLD = Path(__file__).resolve().parent / "data" / "mentions-sample" / "gold.yaml"
SOURCES = Path(__file__).resolve().parent.parent / "data" / "sources"
FLOOR = 0.85


def _char(c: str) -> str:
    """A letter as printed composed (ü) or decomposed (u + U+0308): the texts have both."""
    nfd = unicodedata.normalize("NFD", c)
    return re.escape(c) if nfd == c else f"(?:{re.escape(c)}|{re.escape(nfd)})"


def _spans(raw: str, start: int, end: int, surfaces: list[str]) -> list[tuple[int, int]]:
    """Each surface located in raw[start:end], in order (line breaks inside a name allowed)."""
    spans, pos = [], start
    for surface in surfaces:
        pattern = r"\s+".join("".join(map(_char, w)) for w in surface.split())
        found = re.compile(pattern).search(raw, pos, end)
        assert found, f"{surface!r} not found after {pos} in sentence {start}-{end}"
        spans.append((found.start(), found.end()))
        pos = found.start() + 1
    return spans


def score(built_dir: Path) -> dict[str, float]:
    gold = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    assert len(gold) == 40 and {g["source"][:3] for g in gold} == {"000", "002"}
    tp = fp = fn_registered = fn_all = n_registered = n_all = 0
    annotations = {}
    for entry in gold:
        sid = entry["source"]
        if sid not in annotations:
            rows = json.loads((built_dir / f"{sid}.annotations.json").read_text(encoding="utf-8"))
            annotations[sid] = {r["sentence"][0]: r for r in rows["sentences"]}
        row = annotations[sid][entry["start"]]
        raw = (SOURCES / f"{sid}.txt").read_text(encoding="utf-8")
        marked = entry["mentions"] or []
        spans = _spans(raw, row["sentence"][0], row["sentence"][1], [s for s, _ in marked])
        gold_items = [(a, b, eid) for (a, b), (_, eid) in zip(spans, marked, strict=True)]
        found = [(m[0], m[1], m[3]) for m in row["mentions"] if m[3]]
        hit: set[int] = set()
        for a, b, eid in found:
            match = next(
                (
                    i
                    for i, (ga, gb, ge) in enumerate(gold_items)
                    if ge == eid and ga < b and a < gb and i not in hit
                ),
                None,
            )
            if match is None:
                fp += 1
            else:
                hit.add(match)
                tp += 1
        for i, (_, _, eid) in enumerate(gold_items):
            n_all += 1
            n_registered += eid is not None
            if i not in hit:
                fn_all += 1
                fn_registered += eid is not None
    return {
        "precision": tp / (tp + fp),
        "recall": (n_registered - fn_registered) / n_registered,
        "recall_strict": (n_all - fn_all) / n_all,
        "marked": n_all,
        "found": tp + fp,
    }


def test_matcher_precision_and_recall_on_the_hand_marked_sample(built_project) -> None:
    project, _ = built_project
    s = score(project.root / "data" / "extracted")
    print(
        f"\nmentions sample: {s['marked']} marked, {s['found']} found; "
        f"precision {s['precision']:.2f}, "
        f"recall {s['recall']:.2f} (registered names), {s['recall_strict']:.2f} (all names)"
    )
    assert s["precision"] >= FLOOR
    assert s["recall"] >= FLOOR
