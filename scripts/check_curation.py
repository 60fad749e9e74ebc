"""Curation files -> a list of every problem the build would refuse, not just the first (for curators).

Usage: python scripts/check_curation.py [--facts FILE ...]
Exit 0 if the registry and facts are all anchored in the texts, 2 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tarihkg.annotate import anchor_facts, check_aliases, load_inputs
from tarihkg.curation import load_facts
from tarihkg.errors import TarihkgError
from tarihkg.project import Project


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=".", help="project folder")
    args = parser.parse_args()
    project = Project(Path(args.root).resolve())
    inputs = load_inputs(project)
    problems = [f"warning: {w}" for w in check_aliases(inputs.registry, inputs.sources)]
    facts = load_facts(project.facts_dir)
    ok = 0
    for fact in facts:
        try:
            anchor_facts([fact], inputs.sources, inputs.registry)
            ok += 1
        except TarihkgError as exc:
            problems.append(f"error: {exc}")
    for line in problems:
        print(line)
    print(
        f"{ok}/{len(facts)} facts anchored; {len(inputs.registry)} registry entries",
        file=sys.stderr,
    )
    return 2 if any(p.startswith("error") for p in problems) else 0


if __name__ == "__main__":
    sys.exit(main())
