"""Documentation conformance report: `python -m tests.docs.report` (make docs-report).

Runs every example of the Bagisto pages through the three checks (tests/docs/conformance.py) over a
freshly seeded database and prints, per area, how many are valid / execute / match the documented
shape, the totals per surface, the excepted examples and the most frequent reasons for failure.

  --failures AREA   list the failing examples of AREA (a prefix: "graphql-api/shop") with reasons
  --pages [AREA]    one row per page instead of per area (optionally only under AREA)
  --reasons N       how many top reasons to print per surface (default 15)
  --json FILE       write every result as JSON (--quiet: and print nothing)
"""
from __future__ import annotations

import argparse
import logging
import re
import sys
import warnings
from collections import Counter, defaultdict

SURFACE_KINDS = ("graphql/shop", "graphql/admin", "rest/shop", "rest/admin")


def counts(results) -> dict:
    """{examples, excepted, valid, executes, documented, shape} over the results (excepted ones apart)."""
    total = Counter()
    for result in results:
        total["examples"] += 1
        if result.excepted:
            total["excepted"] += 1
            continue
        total["valid"] += result.valid
        total["executes"] += bool(result.executes)
        total["documented"] += bool(result.executes) and result.example.documented_response is not None
        total["shape"] += result.shape is True
    return total


def measured(results) -> dict:
    """{surface kind: {valid, executes, shape}}: the numbers the committed floor holds."""
    grouped = defaultdict(list)
    for result in results:
        grouped[result.example.surface_kind].append(result)
    return {kind: {name: counts(grouped[kind])[name] for name in ("valid", "executes", "shape")}
            for kind in SURFACE_KINDS}


def fully_passing(results) -> list[str]:
    """Areas where every example that is not excepted passes all three checks."""
    grouped = defaultdict(list)
    for result in results:
        if not result.excepted:
            grouped[result.example.area].append(result)
    return sorted(area for area, rows in grouped.items() if rows and all(r.passed for r in rows))


def row(label: str, total: Counter, width: int) -> str:
    shape = f"{total['shape']} / {total['documented']}"
    return (f"{label:<{width}} {total['examples']:>8} {total['excepted']:>8} {total['valid']:>6} "
            f"{total['executes']:>8} {shape:>12}")


def table(results, by_page: bool = False, under: str | None = None) -> list[str]:
    grouped = defaultdict(list)
    for result in results:
        key = result.example.page if by_page else result.example.area
        if under and not key.startswith(under):
            continue
        grouped[key].append(result)
    width = max([len(k) for k in grouped] + [30])
    header = f"{'page' if by_page else 'area':<{width}} {'examples':>8} {'excepted':>8} {'valid':>6} {'executes':>8} " \
             f"{'shape/doc':>12}"
    lines = [header, "-" * len(header)]
    lines += [row(key, counts(rows), width) for key, rows in sorted(grouped.items())]
    lines.append("-" * len(header))
    by_kind = defaultdict(list)
    for result in results:
        by_kind[result.example.surface_kind].append(result)
    lines += [row(kind, counts(by_kind[kind]), width) for kind in SURFACE_KINDS]
    lines.append(row("all", counts(results), width))
    return lines


def stage(result) -> str:
    if not result.valid:
        return "invalid"
    if not result.executes:
        return "executes"
    return "shape"


MISSING = re.compile(r"^no operation at |^Cannot query field '\w+' on type '(?:Query|Mutation)'|^Unknown type '\w+'")


def top_reasons(results, limit: int) -> list[str]:
    """Per surface: the areas whose examples call operations our spec does not have, then the most
    frequent other reasons (mismatches of operations we have: what to fix next)."""
    lines = []
    for kind in SURFACE_KINDS:
        reasons, missing = Counter(), Counter()
        failing = [r for r in results if r.example.surface_kind == kind and not r.excepted and not r.passed]
        for result in failing:
            if not result.valid and MISSING.search(result.reason):
                missing[result.example.area] += 1
                continue
            for problem in result.reasons or [result.reason]:
                folded = re.sub(r"\[\d+\]", "[]", problem)
                reasons[f"{stage(result)}: {folded}"] += 1
        lines.append(f"{kind} ({len(failing)} failing examples):")
        if missing:
            lines.append(f"  calling operations the spec does not have ({sum(missing.values())}), per area: "
                         + ", ".join(f"{area} {count}" for area, count in missing.most_common()))
        lines += [f"  {count:>4}  {reason}" for reason, count in reasons.most_common(limit)] or ["     none"]
    return lines


def failures(results, area: str) -> list[str]:
    lines = []
    for result in results:
        if not result.example.area.startswith(area) and not result.example.page.startswith(area):
            continue
        if result.passed and not result.excepted:
            continue
        status = f" [{result.status}]" if result.status else ""
        tag = f"EXCEPTED ({result.excepted}) " if result.excepted else ""
        where = f"{result.example.surface_kind}, {stage(result)}{status}"
        lines.append(f"{result.example.key} ({where}): {tag}{result.reason}")
        lines += [f"    - {problem}" for problem in result.reasons[1:6]]
    return lines or ["no failing examples"]


def report_lines(run, args) -> list[str]:
    results, skipped, seconds = run.results, run.skipped, run.seconds
    pages = {r.example.page for r in results}
    timing = run.timing
    lines = [f"Documentation examples of ../shared/seeds/bagisto: {len(results)} examples on {len(pages)} pages, "
             f"{len(skipped)} blocks not read",
             f"harness {seconds:.0f} s: extraction {timing.get('extraction', 0):.0f} s, validation "
             f"{timing.get('validation', 0):.0f} s, {timing.get('requests', 0)} requests in "
             f"{timing.get('request_seconds', 0):.0f} s (examples, tokens, carts, id look-ups)", ""]
    lines += table(results, by_page=args.pages is not None, under=args.pages or None)
    lines += ["", "shape/doc: examples whose response matches the documented one / executed examples that show one",
              "Funnel: only a valid example is executed, only an executed one is compared.", ""]
    excepted = [r for r in results if r.excepted]
    lines.append(f"Exceptions (docs/compatibility.md, \"Documentation examples we answer differently\"): "
                 f"{len(excepted)}")
    lines += [f"  {r.example.key}: {r.excepted} (now {'passes' if r.passed else stage(r) + ' fails'})"
              for r in excepted]
    if run.unmatched:
        names = ", ".join(f"{page}#{example}" for page, example in run.unmatched)
        lines.append(f"  rows naming no example ({len(run.unmatched)}): {names}")
    lines += ["", f"Blocks not read as examples: {len(skipped)}"]
    lines += [f"  {page} {where}: {reason}" for page, where, reason in skipped]
    passing = fully_passing(results)
    lines += ["", f"Areas where every example passes: {', '.join(passing) if passing else 'none'}", ""]
    lines += ["Top reasons for failure per surface:"] + top_reasons(results, args.reasons)
    if args.failures:
        lines += ["", f"Failing examples under {args.failures}:"] + failures(results, args.failures)
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--failures", metavar="AREA")
    parser.add_argument("--pages", nargs="?", const="", metavar="AREA")
    parser.add_argument("--reasons", type=int, default=15)
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--quiet", action="store_true", help="print nothing (with --json)")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    # server errors are counted in the report, not logged
    logging.getLogger("specshop.graphql").setLevel(logging.CRITICAL)
    from starlette.testclient import TestClient

    from tests.conftest import TEST_KEY, get_app
    from tests.docs.conformance import dump, run_all
    app = get_app()
    with TestClient(app) as client:
        run = run_all(client, TEST_KEY)
    if not args.quiet:
        print("\n".join(report_lines(run, args)))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            handle.write(dump(run))
    return 0


if __name__ == "__main__":
    sys.exit(main())
