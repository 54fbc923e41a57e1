"""A small keep-alive HTTP/1.1 load generator (asyncio streams), so the benchmark needs nothing
but Python. Each connection sends one request at a time and records its latency."""
import asyncio
import time


def encode_request(method: str, path: str, headers: dict, body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def read_response(reader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status


async def connection_loop(port, make_request, deadline, latencies, errors, ok_status):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < deadline:
            payload = make_request()
            started = time.perf_counter()
            writer.write(payload)
            status = await read_response(reader)
            latencies.append(time.perf_counter() - started)
            if status != ok_status:
                errors.append(status)
    finally:
        writer.close()


async def run_load(port: int, make_request, seconds: float, connections: int, ok_status: int = 200) -> dict:
    latencies, errors = [], []
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(*(connection_loop(port, make_request, deadline, latencies, errors, ok_status)
                           for _ in range(connections)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    count = len(latencies)
    return {
        "requests": count, "errors": len(errors), "error_statuses": sorted(set(errors)), "rps": count / elapsed,
        "p50_ms": latencies[count // 2] * 1000 if count else float("nan"),
        "p99_ms": latencies[min(count - 1, int(count * 0.99))] * 1000 if count else float("nan"),
    }
