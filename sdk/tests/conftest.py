"""A running server for the recipes: `specshop run` on a free port over a scratch SQLite database (seeded
with the demo catalog on its first run), and the SDK packages that `make sdk` generated into var/sdk/.

Runs with .venv-sdk's Python (the generated clients' dependencies); the server runs with the project's
(`SPECSHOP_PYTHON`, default .venv/bin/python) from this checkout.
"""
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SDK = ROOT / "var" / "sdk"
PACKAGES = ("shop_rest", "admin_rest", "shop_graphql", "admin_graphql")

missing = [package for package in PACKAGES if not (SDK / package / "__init__.py").exists()]
if missing:
    raise RuntimeError(f"{', '.join(missing)} not in {SDK}: run `make sdk` first")
sys.path.insert(0, str(SDK))


@dataclass
class Server:
    url: str
    storefront_key: str
    admin_token: str


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def specshop(python: str, scratch: Path, *arguments: str, **options) -> subprocess.Popen:
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment.update(DATABASE_URL=f"sqlite:///{scratch / 'shop.db'}", PYTHONPATH=str(ROOT), PYTHONWARNINGS="ignore",
                       MEDIA_ROOT=str(scratch / "media"), MAIL_OUTBOX=str(scratch / "outbox"),
                       DOWNLOADS_ROOT=str(scratch / "downloads"), JOBS_DB=str(scratch / "jobs.db"))
    # cwd: the demo key and token land in the scratch folder's var/, not in the checkout's
    return subprocess.Popen([python, "-m", "server.cli", *arguments], cwd=scratch, env=environment, **options)


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Server:
    # relative to the checkout; not resolved: a virtualenv's python is a symlink to the bare interpreter
    python = str(ROOT / (os.environ.get("SPECSHOP_PYTHON") or ".venv/bin/python"))
    scratch = tmp_path_factory.mktemp("specshop")
    port = free_port()
    log = open(scratch / "server.log", "w")
    process = specshop(python, scratch, "run", "--no-worker", "--port", str(port), stdout=log,
                       stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180  # first run: migrate and seed, then read every spec
        token_file = scratch / "var" / "demo-admin-token"
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start:\n{(scratch / 'server.log').read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                if token_file.exists():
                    break
            except OSError:
                pass
            time.sleep(0.2)
        # the demo key allows 100 requests a minute; the recipes get their own, roomier one
        created = specshop(python, scratch, "keys", "create", "--name", "sdk recipes", "--rate-limit", "10000",
                           stdout=subprocess.PIPE, text=True)
        key = created.communicate(timeout=120)[0].strip().splitlines()[-1]
        assert created.returncode == 0 and key.startswith("pk_storefront_"), key
        yield Server(f"http://127.0.0.1:{port}", key, token_file.read_text().strip())
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
