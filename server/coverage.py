"""Coverage report: which spec operations are implemented, which answer 501, and how much of
the Bagisto operation catalog the spec covers. `python -m server.coverage` (make coverage)."""
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from generated.graphql_bindings import ROOT_FIELDS
from generated.operations import REST_OPERATIONS
from server.handler_table import load_handler

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT.parent / "shared" / "reference" / "bagisto-operations.json"


def path_shape(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def implementation_rows():
    """(transport, surface, area, key, implemented) for every operation in the spec."""
    rows = []
    for operation_id, operation in REST_OPERATIONS.items():
        implemented = load_handler(operation["handler"], planned=operation["planned"]) is not None
        rows.append(("rest", operation["surface"], operation["area"],
                     f"{operation['method']} {operation['path']}", implemented))
    for surface, fields in ROOT_FIELDS.items():
        for field in fields:
            implemented = load_handler(field["handler"], planned=field["planned"]) is not None
            rows.append(("graphql", surface, field["area"], f"{field['type']}.{field['field']}", implemented))
    return rows


def catalog_coverage(rows):
    """{(api, scope, area): [present in our spec, total]} over the Bagisto catalog, or None without it."""
    if not CATALOG.exists():
        return None
    catalog = json.loads(CATALOG.read_text(encoding="utf-8"))
    # The resource paths at /api (`/api/cart_tokens`, ...) are the shop's operations under the overview pages'
    # names; those taking an admin token (products.md's catalog writes) are the admin's.
    admin_keys = {f"{op['method']} {op['path']}" for op in REST_OPERATIONS.values() if "adminToken" in op["auth"]}
    spec_rest = {(("admin" if key in admin_keys else "shop") if surface == "resources" else surface,
                  key.split(" ", 1)[0], path_shape(key.split(" ", 1)[1]))
                 for transport, surface, _, key, _ in rows if transport == "rest"}
    spec_graphql = {(surface, key.split(".", 1)[1]) for transport, surface, _, key, _ in rows if transport == "graphql"}
    totals = defaultdict(lambda: [0, 0])
    for entry in catalog:
        bucket = totals[(entry["api"], entry["scope"], entry["area"])]
        bucket[1] += 1
        if entry["api"] == "rest" and entry.get("path"):
            bucket[0] += (entry["scope"], entry["method"], path_shape(entry["path"])) in spec_rest
        elif entry["api"] == "graphql":
            bucket[0] += (entry["scope"], entry["field"]) in spec_graphql
    return totals


def report() -> str:
    rows = implementation_rows()
    lines = ["Spec operations: implemented / total (the rest answer 501)", ""]
    per_area = defaultdict(lambda: [0, 0])
    for transport, surface, area, _, implemented in rows:
        per_area[(transport, surface, area)][0] += implemented
        per_area[(transport, surface, area)][1] += 1
    lines.append(f"{'transport':<9} {'surface':<9} {'area':<28} {'implemented':>11}")
    for (transport, surface, area), (done, total) in sorted(per_area.items()):
        lines.append(f"{transport:<9} {surface:<9} {area:<28} {done:>5} / {total:<4}")
    done, total = sum(r[4] for r in rows), len(rows)
    lines += ["", f"all: {done} / {total} implemented"]
    missing = [f"  {t} {s} {key}" for t, s, _, key, implemented in rows if not implemented]
    lines += ["", f"planned, answering 501 ({len(missing)}):"] + (missing or ["  none"])
    totals = catalog_coverage(rows)
    if totals is not None:
        lines += ["", "Bagisto catalog operations present in our spec (../shared/reference/bagisto-operations.json):"]
        summary = defaultdict(lambda: [0, 0])
        for (api, scope, _area), (present, total) in totals.items():
            summary[(api, scope)][0] += present
            summary[(api, scope)][1] += total
        for (api, scope), (present, total) in sorted(summary.items()):
            lines.append(f"  {api:<8} {scope:<6} {present:>4} / {total}")
        lines += ["", "  started areas:"]
        for (api, scope, area), (present, total) in sorted(totals.items()):
            if present:
                lines.append(f"  {api:<8} {scope:<6} {area:<32} {present:>4} / {total}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
    sys.exit(0)
