"""Breaking-change gate: the current documents against the released baseline (`make compat`, part of `make check`).

    python -m codegen.compat             compare generated/ with specs/baseline/; exit 1 on an unlisted breaking change
    python -m codegen.compat --refresh   make the current documents the baseline (on release) and empty the CHANGES list

GraphQL: graphql-core's `find_breaking_changes` / `find_dangerous_changes`. REST: `codegen.rest_diff` (removed
operations and success statuses, removed or loosened response fields, new required parameters and body fields,
narrowed types and enums). A breaking change passes only when specs/baseline/CHANGES.yaml lists it, word for word,
with a reason; dangerous changes are printed and never fail.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import yaml
from graphql import build_schema, find_breaking_changes, find_dangerous_changes

from codegen.rest_diff import compare_documents

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "generated"
BASELINE = ROOT / "specs" / "baseline"
REST_DOCUMENTS = ("shop", "admin", "resources")
GRAPHQL_SURFACES = ("shop", "admin")


def graphql_changes(surface: str, old_sdl: str, new_sdl: str) -> tuple[list[str], list[str]]:
    old, new = build_schema(old_sdl), build_schema(new_sdl)
    label = f"graphql/{surface}"
    breaking = [f"{label}: {change.description}" for change in find_breaking_changes(old, new)]
    dangerous = [f"{label}: {change.description}" for change in find_dangerous_changes(old, new)]
    return breaking, dangerous


def all_changes(baseline: Path, current: Path) -> tuple[list[str], list[str]]:
    breaking, dangerous = [], []
    for name in REST_DOCUMENTS:
        old = json.loads((baseline / f"{name}.json").read_text())
        new = json.loads((current / "openapi" / f"{name}.json").read_text())
        found = compare_documents(f"rest/{name}", old, new)
        breaking += found.breaking
        dangerous += found.dangerous
    for surface in GRAPHQL_SURFACES:
        found_breaking, found_dangerous = graphql_changes(
            surface, (baseline / f"{surface}.graphql").read_text(), (current / "graphql" / f"{surface}.graphql").read_text())
        breaking += found_breaking
        dangerous += found_dangerous
    return breaking, dangerous


def accepted_changes(path: Path) -> dict[str, str]:
    """{change: reason} from CHANGES.yaml; an entry without a reason is an error."""
    entries = yaml.safe_load(path.read_text()) if path.exists() else None
    accepted = {}
    for entry in entries or []:
        if not isinstance(entry, dict) or not str(entry.get("reason") or "").strip() or not entry.get("change"):
            raise SystemExit(f"{path}: every entry needs `change` and a non-empty `reason`: {entry!r}")
        accepted[str(entry["change"])] = str(entry["reason"]).strip()
    return accepted


def check(baseline: Path = BASELINE, current: Path = GENERATED, out=sys.stdout) -> int:
    breaking, dangerous = all_changes(baseline, current)
    accepted = accepted_changes(baseline / "CHANGES.yaml")
    unlisted = [change for change in breaking if change not in accepted]
    for change in breaking:
        note = f"   (accepted: {accepted[change]})" if change in accepted else ""
        print(f"BREAKING  {change}{note}", file=out)
    for change in dangerous:
        print(f"dangerous {change}", file=out)
    for change in sorted(set(accepted) - set(breaking)):
        print(f"stale     CHANGES.yaml lists a change that is not found: {change}", file=out)
    print(f"compat: {len(breaking)} breaking ({len(unlisted)} not in CHANGES.yaml), {len(dangerous)} dangerous "
          f"against {baseline.relative_to(ROOT) if baseline.is_relative_to(ROOT) else baseline}", file=out)
    return 1 if unlisted else 0


def refresh(baseline: Path = BASELINE, current: Path = GENERATED):
    baseline.mkdir(parents=True, exist_ok=True)
    for name in REST_DOCUMENTS:
        shutil.copyfile(current / "openapi" / f"{name}.json", baseline / f"{name}.json")
    for surface in GRAPHQL_SURFACES:
        shutil.copyfile(current / "graphql" / f"{surface}.graphql", baseline / f"{surface}.graphql")
    (baseline / "CHANGES.yaml").write_text(
        "# Breaking changes accepted since the baseline, each with its reason:\n"
        "# - change: \"<the line `make compat` prints after BREAKING>\"\n"
        "#   reason: \"why clients can live with it, and what they should do\"\n[]\n")


def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refresh", action="store_true", help="make the current documents the baseline")
    options = parser.parse_args(arguments)
    if options.refresh:
        refresh()
        print(f"baseline refreshed from generated/ into {BASELINE.relative_to(ROOT)}")
        return 0
    return check()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
