"""Cold start: seconds from launching `specshop run` to its first successful answers.

    python -m bench.cold_start [--runs 5] [--first rest|graphql] [--tree DIR ...]

Each run starts a new `python -m server.cli run --port <free port>` process on an already seeded
scratch SQLite database (created and seeded once, outside the timing, in a scratch folder that also
holds the run's var/ files), then polls one real operation until it answers 200:

  --first rest     GET /api/shop/locales with the demo storefront key (default)
  --first graphql  POST /api/graphql `{ locales(first: 5) { edges { node { code } } } }`

and then sends, one after the other, the first request of every other entry point (shop GraphQL or
REST, admin REST, admin GraphQL, the shop OpenAPI document) so that nothing deferred past the first
answer goes unnoticed. Times are seconds since the process was launched; the median of the runs is
reported with the load average, since the figure depends on how busy the machine is, and with the
CPU seconds the server process used until it was stopped (start-up plus these few requests), a
figure that depends much less on the load.

Python caches compiled modules as an installed app does (in the scratch folder, so the checkout
stays clean; `--no-bytecode-cache` compiles every module at every start instead). One untimed start
per tree comes first. `--tree` (repeatable) times other checkouts of specshop in the same sitting,
their runs interleaved, e.g. the previous commit exported with `git archive`.
"""
import argparse
import http.client
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCRATCH = Path(tempfile.gettempdir()) / "specshop-cold-start"
SHOP_GRAPHQL = "{ locales(first: 5) { edges { node { code } } } }"
ADMIN_GRAPHQL = "{ adminSettingsCurrencies(first: 5) { edges { node { code } } } }"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(scratch: Path, tree: Path, bytecode_cache: bool) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "PYTHONDONTWRITEBYTECODE")}
    env.update(DATABASE_URL=f"sqlite:///{scratch / 'specshop.db'}", MEDIA_ROOT=str(scratch / "media"),
               PYTHONPATH=str(tree))
    if bytecode_cache:
        env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.setdefault("PYTHONWARNINGS", "ignore")
    return env


def request(port: int, method: str, path: str, headers: dict, body: dict | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        connection.request(method, path, body=payload,
                           headers={**headers, **({"Content-Type": "application/json"} if payload else {})})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def stop(process: subprocess.Popen):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def child_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def poll(port: int, method: str, path: str, headers: dict, body: dict | None, process: subprocess.Popen,
         deadline: float, log: Path) -> tuple[int, bytes]:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()[-2000:]}")
        try:
            return request(port, method, path, headers, body)
        except OSError:
            time.sleep(0.01)
    raise RuntimeError("no answer within the time limit")


class Bench:
    def __init__(self, scratch: Path, first: str, bytecode_cache: bool):
        self.scratch, self.first, self.bytecode_cache = scratch, first, bytecode_cache
        self.key = self.token = None

    def prepare(self, tree: Path):
        """Seed the scratch database if needed; one untimed start writes var/demo-* (the key and the
        admin token the runs use) and the bytecode cache."""
        self.scratch.mkdir(parents=True, exist_ok=True)
        if not (self.scratch / "specshop.db").exists():
            print(f"seeding {self.scratch / 'specshop.db'} (not timed)...", file=sys.stderr, flush=True)
            subprocess.run([sys.executable, "-m", "server.cli", "seed"], cwd=self.scratch, check=True,
                           env=environment(self.scratch, tree, self.bytecode_cache), stdout=subprocess.DEVNULL)
        self.measure(tree)

    def measure(self, tree: Path) -> dict[str, float]:
        """One cold start: seconds since launch at which each first request got its 200, and the CPU
        seconds of the server process."""
        port = free_port()
        log = self.scratch / "server.log"
        cpu_before = child_cpu_seconds()
        started = time.monotonic()
        with log.open("w") as log_file:
            process = subprocess.Popen([sys.executable, "-m", "server.cli", "run", "--port", str(port)],
                                       cwd=self.scratch, env=environment(self.scratch, tree, self.bytecode_cache),
                                       stdout=subprocess.DEVNULL, stderr=log_file)
        try:
            deadline = started + 120
            if self.key is None:  # preparation run: wait for the files the run command writes
                token_file = self.scratch / "var" / "demo-admin-token"
                while process.poll() is None and not token_file.exists() and time.monotonic() < deadline:
                    time.sleep(0.05)
                self.key = (self.scratch / "var" / "demo-storefront-key").read_text().strip()
                self.token = token_file.read_text().strip()
            times = self.first_answers(port, process, deadline, started, log)
        finally:
            stop(process)
        times["server CPU"] = child_cpu_seconds() - cpu_before
        return times

    def first_answers(self, port, process, deadline, started, log) -> dict[str, float]:
        shop = {"X-STOREFRONT-KEY": self.key, "Accept": "application/json"}
        admin = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        checks = {
            "shop REST": ("GET", "/api/shop/locales", shop, None),
            "shop GraphQL": ("POST", "/api/graphql", shop, {"query": SHOP_GRAPHQL}),
            "admin REST": ("GET", "/api/admin/settings/currencies", admin, None),
            "admin GraphQL": ("POST", "/api/admin/graphql", admin, {"query": ADMIN_GRAPHQL}),
            "shop openapi.json": ("GET", "/api/shop/openapi.json", {}, None),
        }
        order = ["shop REST", "shop GraphQL"] if self.first == "rest" else ["shop GraphQL", "shop REST"]
        order += [name for name in checks if name not in order]
        times = {}
        for index, name in enumerate(order):
            method, path, headers, body = checks[name]
            if index == 0:
                status, payload = poll(port, method, path, headers, body, process, deadline, log)
            else:
                status, payload = request(port, method, path, headers, body)
            if status != 200 or ("GraphQL" in name and b'"errors"' in payload):
                raise RuntimeError(f"{name}: {status} {payload[:300]!r}")
            times[name] = time.monotonic() - started
        return times


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.cold_start", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--first", choices=("rest", "graphql"), default="rest",
                        help="the request polled until the server answers (default rest)")
    parser.add_argument("--tree", type=Path, action="append",
                        help="a specshop checkout to time (repeatable; default this one)")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="compile every module at every start (PYTHONDONTWRITEBYTECODE)")
    parser.add_argument("--scratch", type=Path, default=DEFAULT_SCRATCH,
                        help=f"folder of the scratch database and var/ files (default {DEFAULT_SCRATCH})")
    args = parser.parse_args(argv)
    trees = [tree.resolve() for tree in args.tree or [ROOT]]
    bench = Bench(args.scratch, args.first, not args.no_bytecode_cache)
    for tree in trees:
        bench.prepare(tree)
    runs: dict[Path, list[dict]] = {tree: [] for tree in trees}
    loads = []
    for number in range(1, args.runs + 1):
        for tree in trees:
            loads.append(os.getloadavg()[0])
            times = bench.measure(tree)
            runs[tree].append(times)
            label = f" {tree}" if len(trees) > 1 else ""
            print(f"run {number}{label}: " + "  ".join(f"{name} {seconds:.2f}s" for name, seconds in times.items())
                  + f"  (load {loads[-1]:.2f})", flush=True)
    print(f"\nmedian of {args.runs} cold starts, seconds from launch to the first 200 (load average during the "
          f"runs {min(loads):.2f}-{max(loads):.2f}, {os.cpu_count()} cores, bytecode "
          f"{'cached' if bench.bytecode_cache else 'compiled at every start'}):")
    for tree in trees:
        if len(trees) > 1:
            print(f"  {tree}")
        for name in runs[tree][0]:
            print(f"    {name:18s} {statistics.median(run[name] for run in runs[tree]):6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
