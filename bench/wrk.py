"""wrk as the load generator when it is installed: a C client that takes far less CPU than the
Python one, so more of the machine is left to the servers being measured.

Each scenario's requests are drawn in advance (the same random pages, ids and GraphQL bodies the
Python generator would send), formatted once when the script loads and replayed round robin; the
script reports the count, errors and latency percentiles as one JSON line. With two or more CPUs
the generator runs on its own CPU (`taskset`), apart from the servers (`pinned`), so it does not
take the measured server's CPU.
"""
import json
import os
import shutil
import subprocess
import tempfile

REQUESTS_PER_SCRIPT = 2000
REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
                 + summary.errors.write + summary.errors.timeout
  io.write(string.format('WRK {"requests": %d, "errors": %d, "status_errors": %d, "seconds": %f, '
    .. '"p50_us": %f, "p99_us": %f}\\n', summary.requests, errors, summary.errors.status,
    summary.duration / 1e6, latency:percentile(50), latency:percentile(99)))
end
"""


def available() -> bool:
    return shutil.which("wrk") is not None


def cpus() -> list[int]:
    return sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else list(range(os.cpu_count() or 1))


def split_cpus() -> tuple[list[int], list[int]] | None:
    """(the servers' CPUs, the generator's CPU) when there are two or more and taskset is installed."""
    available_cpus = cpus()
    if len(available_cpus) < 2 or shutil.which("taskset") is None:
        return None
    return available_cpus[:-1], available_cpus[-1:]


def pinned(command: list[str], side: str) -> list[str]:
    """`command` under taskset on the servers' CPUs (side "server") or the generator's ("generator")."""
    split = split_cpus()
    if split is None:
        return command
    chosen = split[0] if side == "server" else split[1]
    return ["taskset", "-c", ",".join(map(str, chosen)), *command]


def describe() -> str:
    split = split_cpus()
    placement = (f"servers on CPU {','.join(map(str, split[0]))}, wrk on CPU {split[1][0]}" if split
                 else "not pinned (one CPU or no taskset)")
    return f"wrk (1 thread; {placement})"


def lua_string(text: str) -> str:
    """A Lua long string, in parentheses: a table constructor reads `{[` as the start of a key."""
    level = "=" * 4
    while f"]{level}]" in text:
        level += "="
    return f"([{level}[{text}]{level}])"


def script(specs: list[tuple[str, str, dict, bytes]]) -> str:
    """Lua that sends `specs` (method, path, headers, body) round robin."""
    rows = []
    for method, path, headers, body in specs:
        header_table = ", ".join(f"[{lua_string(name)}] = {lua_string(value)}" for name, value in headers.items())
        body_text = lua_string(body.decode()) if body else "nil"
        rows.append(f"{{{lua_string(method)}, {lua_string(path)}, {{{header_table}}}, {body_text}}}")
    return ("local specs = {\n" + ",\n".join(rows) + "\n}\nlocal requests = {}\n"
            "init = function(args)\n  for i, r in ipairs(specs) do requests[i] = wrk.format(r[1], r[2], r[3], r[4]) end\n"
            "end\nlocal index = 0\n"
            "request = function()\n  index = index % #requests + 1\n  return requests[index]\nend\n" + REPORT)


def run(port: int, make_spec, seconds: float, connections: int) -> dict:
    """The same result dict as bench.load.run_load (2xx and 3xx answers count as successes)."""
    specs = [make_spec() for _ in range(REQUESTS_PER_SCRIPT)]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script(specs))
    try:
        completed = subprocess.run(
            pinned(["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "30s",
                    "-s", handle.name, f"http://127.0.0.1:{port}"], "generator"),
            capture_output=True, text=True, check=True)
    finally:
        os.unlink(handle.name)
    line = next((line for line in completed.stdout.splitlines() if line.startswith("WRK ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no report: {completed.stdout[-500:]} {completed.stderr[-500:]}")
    report = json.loads(line[4:])
    return {"requests": report["requests"], "errors": report["errors"],
            "error_statuses": ["non-2xx/3xx"] if report["status_errors"] else [],
            "rps": report["requests"] / report["seconds"], "p50_ms": report["p50_us"] / 1000,
            "p99_ms": report["p99_us"] / 1000}
