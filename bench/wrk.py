"""wrk as the load generator when it is installed: a C client that takes far less CPU than the
Python one, so more of the machine is left to the servers being measured.

Each scenario's requests are drawn in advance (the same random pages, ids and GraphQL bodies the
Python generator would send) and replayed round robin by a Lua script, which reports the count,
errors and latency percentiles as one JSON line.
"""
import json
import shutil
import subprocess
import tempfile

REQUESTS_PER_SCRIPT = 2000
REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
                 + summary.errors.write + summary.errors.timeout
  io.write(string.format('WRK {"requests": %d, "errors": %d, "seconds": %f, "p50_us": %f, "p99_us": %f}\\n',
    summary.requests, errors, summary.duration / 1e6, latency:percentile(50), latency:percentile(99)))
end
"""


def available() -> bool:
    return shutil.which("wrk") is not None


def lua_string(text: str) -> str:
    level = "=" * 4
    while f"]{level}]" in text:
        level += "="
    return f"[{level}[{text}]{level}]"


def script(specs: list[tuple[str, str, dict, bytes]]) -> str:
    """Lua that sends `specs` (method, path, headers, body) round robin."""
    rows = []
    for method, path, headers, body in specs:
        header_table = ", ".join(f"[{lua_string(name)}] = {lua_string(value)}" for name, value in headers.items())
        body_text = lua_string(body.decode()) if body else "nil"
        rows.append(f"{{{lua_string(method)}, {lua_string(path)}, {{{header_table}}}, {body_text}}}")
    return ("local requests = {\n" + ",\n".join(rows) + "\n}\nlocal index = 0\n"
            "request = function()\n  index = index % #requests + 1\n  local r = requests[index]\n"
            "  return wrk.format(r[1], r[2], r[3], r[4])\nend\n" + REPORT)


def run(port: int, make_spec, seconds: float, connections: int) -> dict:
    """The same result dict as bench.load.run_load (2xx answers only count as successes)."""
    specs = [make_spec() for _ in range(REQUESTS_PER_SCRIPT)]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script(specs))
    completed = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "-s", handle.name,
         f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True)
    line = next(line for line in completed.stdout.splitlines() if line.startswith("WRK "))
    report = json.loads(line[4:])
    return {"requests": report["requests"], "errors": report["errors"], "error_statuses": [],
            "rps": report["requests"] / report["seconds"], "p50_ms": report["p50_us"] / 1000,
            "p99_ms": report["p99_us"] / 1000}
