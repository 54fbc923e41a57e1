"""Gate of the documentation conformance harness.

The harness runs in a process of its own (`python -m tests.docs.report --json`) over its own freshly
seeded SQLite database, so its many writes and deletions never reach the other tests and its numbers
are the ones `make docs-report` prints, whatever ran before it (and whatever DATABASE_URL says).

* every example of an area listed in `gated_areas.txt` (areas declared complete) passes all three
  checks, unless docs/compatibility.md excepts it;
* the counts of valid / executing / shape-matching examples per surface never drop below
  `floor.json`. Raise the floor (and extend the gated list) when a change makes more examples pass:
  `python -m tests.docs.report` prints the current numbers.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs.extract import SEEDS

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

pytestmark = [
    pytest.mark.skipif(not SEEDS.exists(), reason="the Bagisto pages are not next to the project"),
    pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")),
                       reason="the harness always runs on SQLite of its own; `make test` runs it in the SQLite pass"),
]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    output = tmp_path_factory.mktemp("docs") / "results.json"
    env = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    env.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")
    completed = subprocess.run([sys.executable, "-m", "tests.docs.report", "--quiet", "--json", str(output)],
                               cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert completed.returncode == 0, completed.stderr[-4000:]
    return json.loads(output.read_text(encoding="utf-8"))


def gated_areas() -> list[str]:
    lines = (HERE / "gated_areas.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_every_example_of_a_gated_area_passes(run):
    results = [r for r in run["results"] if not r["excepted"]]
    areas = {r["area"] for r in results}
    missing = [area for area in gated_areas() if area not in areas]
    assert not missing, f"gated areas without examples (renamed?): {missing}"
    failing = [f"{r['key']}: {r['reason']}" for r in results if r["area"] in gated_areas() and not r["passed"]]
    assert not failing, "examples of gated areas fail:\n" + "\n".join(failing)


def test_counts_never_drop_below_the_floor(run):
    floor = json.loads((HERE / "floor.json").read_text(encoding="utf-8"))
    measured = {}
    for result in run["results"]:
        if result["excepted"]:
            continue
        counts = measured.setdefault(result["surface_kind"], {"valid": 0, "executes": 0, "shape": 0})
        counts["valid"] += result["valid"]
        counts["executes"] += bool(result["executes"])
        counts["shape"] += result["shape"] is True
    dropped = [f"{kind} {name}: {measured.get(kind, {}).get(name, 0)} < {minimum}"
               for kind, minimums in floor.items() for name, minimum in minimums.items()
               if measured.get(kind, {}).get(name, 0) < minimum]
    assert not dropped, "fewer documentation examples pass than the floor:\n" + "\n".join(dropped)


def test_every_exception_row_names_an_example(run):
    assert run["unmatched_exceptions"] == [], "rows of the exceptions table in docs/compatibility.md name no example"
