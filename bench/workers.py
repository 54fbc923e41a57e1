"""Scale-out: the catalog list on `specshop run --workers N`, N = 1 and 2, sharing one database and Redis.

    python -m bench.workers [--database URL] [--redis URL] [--seconds 5] [--rounds 3] [--connections 16]

Each setting starts `python -m server.cli run --workers N --no-worker` (uvicorn's process manager, as
deployed) on the database `--database` names (default DATABASE_URL; the demo catalog is seeded into
an empty one) with REDIS_URL set, so the workers share the rate-limit budgets; a storefront key
without a limit is created for the run. The load generator is wrk when installed (bench/wrk.py),
else the Python one (bench/load.py): `GET /api/shop/products?per_page=30&page=<random>`. With one
worker, the server is pinned to CPU 0 and wrk to CPU 1 (taskset); with two, the workers get both
CPUs and wrk runs beside them, so the ratio is what the machine gives, load generator included.
Rounds alternate the settings; medians are reported with the ratio 2 workers / 1 worker (target
>= 1.7 on two cores), the load average, the workers' CPU per request (what the load of other
processes changes least) and the resident memory of each worker after the run.
"""
import argparse
import http.client
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import wrk
from bench.checkout import cpu_seconds, free_port, memory_of

ROOT = Path(__file__).resolve().parent.parent
LIST = "GET /api/shop/products?per_page=30"


def prepare(url: str) -> tuple[str, int]:
    """Migrate, seed an empty database, create a key without a limit; (key, listed product count)."""
    from domain.storefront_keys import create_key
    from storage.db import database, init_database
    from storage.models import Product
    from storage.schema import migrate
    init_database(url)
    with database.connection_context():
        migrate()
        if not Product.select().exists():
            from storage.seed import seed_catalog
            seed_catalog(show_progress=False)
        _record, key = create_key("bench workers", rate_limit=10**9)
        listed = Product.select().where(Product.parent.is_null(), Product.status == True).count()  # noqa: E712
    database.obj.close_all()
    return key, listed


def start(workers: int, port: int, environment: dict, scratch: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "server.cli", "run", "--workers", str(workers), "--port", str(port), "--no-worker"]
    if workers == 1 and shutil.which("taskset") and (os.cpu_count() or 1) > 1:
        command = ["taskset", "-c", "0", *command]
    with (scratch / f"server-{workers}.log").open("a") as log:  # wrk closing its connections is logged there
        process = subprocess.Popen(command, cwd=scratch, env=environment, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and process.poll() is None:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/health")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"specshop run --workers {workers} did not start")


def worker_pids(parent: int) -> list[int]:
    """The processes serving requests: uvicorn's worker children, or the process itself with one worker."""
    children = []
    for task in Path(f"/proc/{parent}/task").iterdir():
        children += [int(pid) for pid in (task / "children").read_text().split()]
    serving = [pid for pid in children if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text()]
    return serving or [parent]


def stop(process: subprocess.Popen):
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def load(port: int, key: str, pages: int, seconds: float, connections: int, workers: int) -> dict:
    rng = random.Random(7)
    headers = {"X-STOREFRONT-KEY": key, "Accept": "application/json"}

    def spec():
        return "GET", f"/api/shop/products?per_page=30&page={rng.randint(1, pages)}", headers, b""

    if wrk.available():
        if workers == 1 and shutil.which("taskset") and (os.cpu_count() or 1) > 1:
            os.sched_setaffinity(0, {1})  # wrk inherits this process's CPU
        try:
            return run_wrk(port, [spec() for _ in range(wrk.REQUESTS_PER_SCRIPT)], seconds, connections)
        finally:
            os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
    from bench.load import encode_request
    from bench.run import run_in_process
    return run_in_process(port, lambda: encode_request(*spec()), seconds, connections)


def run_wrk(port: int, specs: list, seconds: float, connections: int) -> dict:
    """wrk replaying `specs` (method, path, headers, body) round robin; bench/wrk.py's report. The
    script is written here: header names are Lua table keys, `[ [=[name]=] ]` (a key written `[[=[`
    would open a long string)."""
    import json
    import tempfile
    rows = []
    for method, path, headers, body in specs:
        header_table = ", ".join(f"[ {wrk.lua_string(name)} ] = {wrk.lua_string(value)}" for name, value in headers.items())
        body_text = wrk.lua_string(body.decode()) if body else "nil"
        rows.append(f"{{{wrk.lua_string(method)}, {wrk.lua_string(path)}, {{{header_table}}}, {body_text}}}")
    text = ("local requests = {\n" + ",\n".join(rows) + "\n}\nlocal index = 0\n"
            "request = function()\n  index = index % #requests + 1\n  local r = requests[index]\n"
            "  return wrk.format(r[1], r[2], r[3], r[4])\nend\n" + wrk.REPORT)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(text)
    try:
        completed = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "-s", handle.name,
                                    f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True)
    finally:
        os.unlink(handle.name)
    line = next((line for line in completed.stdout.splitlines() if line.startswith("WRK ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no report:\n{completed.stdout[-1000:]}{completed.stderr[-1000:]}")
    report = json.loads(line[4:])
    return {"requests": report["requests"], "errors": report["errors"], "error_statuses": [],
            "rps": report["requests"] / report["seconds"], "p50_ms": report["p50_us"] / 1000,
            "p99_ms": report["p99_us"] / 1000}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.workers", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL"),
                        help="database URL (default DATABASE_URL; PostgreSQL is what several workers are for)")
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"))
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args(argv)
    import tempfile
    with tempfile.TemporaryDirectory(prefix="specshop-workers-") as scratch:
        url = args.database or f"sqlite:///{scratch}/workers.db"
        key, listed = prepare(url)
        pages = max(1, listed // 30)
        environment = {**os.environ, "DATABASE_URL": url, "REDIS_URL": args.redis, "MEDIA_ROOT": f"{scratch}/media",
                       "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}
        results: dict[int, list[dict]] = {1: [], 2: []}
        memory: dict[int, list[float]] = {}
        loads = []
        for number in range(args.rounds):
            for workers in (1, 2):
                port = free_port()
                server = start(workers, port, environment, Path(scratch))
                try:
                    load(port, key, pages, 1.0, args.connections, workers)  # warm: caches and pools
                    loads.append(os.getloadavg()[0])
                    serving = worker_pids(server.pid)
                    cpu_before = sum(cpu_seconds(pid) for pid in serving)
                    outcome = load(port, key, pages, args.seconds, args.connections, workers)
                    outcome["cpu_ms"] = (sum(cpu_seconds(pid) for pid in serving) - cpu_before) * 1000 / outcome["requests"]
                    if outcome["errors"]:
                        raise SystemExit(f"{workers} worker(s): {outcome['errors']} failed requests")
                    results[workers].append(outcome)
                    memory[workers] = [memory_of(pid)["VmRSS"] for pid in worker_pids(server.pid)]
                finally:
                    stop(server)
            print(f"round {number + 1}/{args.rounds}: 1 worker {results[1][-1]['rps']:.0f} req/s, "
                  f"2 workers {results[2][-1]['rps']:.0f} req/s", flush=True)
    one, two = (statistics.median(run["rps"] for run in results[workers]) for workers in (1, 2))
    database = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"\n{LIST}, {database}, Redis rate limits, {args.connections} connections, {args.rounds} x "
          f"{args.seconds:.0f} s per setting (medians); load generator: "
          f"{'wrk' if wrk.available() else 'Python asyncio (bench/load.py; wrk not installed)'}; "
          f"{os.cpu_count()} cores, load average {min(loads):.2f}-{max(loads):.2f}\n")
    for workers, rps in ((1, one), (2, two)):
        runs = results[workers]
        print(f"  {workers} worker{'s' if workers > 1 else ' '}  {rps:8.0f} req/s   p50 "
              f"{statistics.median(run['p50_ms'] for run in runs):6.1f} ms   p99 "
              f"{statistics.median(run['p99_ms'] for run in runs):6.1f} ms   worker CPU per request "
              f"{statistics.median(run['cpu_ms'] for run in runs):5.2f} ms   RSS per worker "
              + ", ".join(f"{mb:.0f} MB" for mb in memory[workers]))
    print(f"\n2 workers / 1 worker: {two / one:.2f} (target >= 1.7); the CPU per request says whether a second "
          "worker costs more per request or only lacked a free core")
    return 0


if __name__ == "__main__":
    sys.exit(main())
