"""`make sdk`: the Python clients our users generate, built from generated/ into var/sdk/ (never committed).

    .venv-sdk/bin/python sdk/generate.py

REST: openapi-python-client on the shop and admin documents (packages `shop_rest`, `admin_rest`).
GraphQL: ariadne-codegen on the shop and admin SDL with the operations in sdk/graphql/<surface>/
(packages `shop_graphql`, `admin_graphql`). A generator that fails, warns or skips part of a document
fails the build: what it cannot take, a user's client would lack. So does a generated model that
declares one field twice (a GraphQL selection of both `id` and `_id`, which both become `id`): the
second silently replaces the first.
"""
import ast
import os
import re
import shutil
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SDK = ROOT / "sdk"
TARGET = ROOT / "var" / "sdk"
BIN = Path(sys.executable).parent
SURFACES = ("shop", "admin")
WARNING = re.compile(r"warning|unable to|cannot|skipping|error", re.IGNORECASE)


def rest_client(surface: str) -> list[str]:
    return [str(BIN / "openapi-python-client"), "generate", "--path", f"generated/openapi/{surface}.json",
            "--output-path", str(TARGET / f"{surface}_rest"), "--meta", "none", "--overwrite",
            "--fail-on-warning", "--config", str(SDK / "openapi-python-client.yaml")]


def graphql_client(surface: str) -> list[str]:
    return [str(BIN / "ariadne-codegen"), "--config", str(SDK / f"ariadne-{surface}.toml"), "client"]


def run(label: str, command: list[str]) -> list[str]:
    """Runs one generator; returns its warnings (any line that reads like one), or exits on failure."""
    started = time.monotonic()
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "NO_COLOR": "1",
                   "TERM": "dumb", "COLUMNS": "200"}
    result = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)
    output = f"{result.stdout}\n{result.stderr}"
    if result.returncode:
        sys.exit(f"{label}: failed (exit {result.returncode})\n{output.strip()}")
    warnings = [line.strip() for line in output.splitlines() if WARNING.search(line)]
    print(f"  {label}: {time.monotonic() - started:.1f} s, {len(warnings)} warning(s)", flush=True)
    return [f"{label}: {line}" for line in warnings]


def duplicate_fields(package: Path) -> list[str]:
    """Fields declared twice in one generated class (`id: str` then `id: int = Field(alias="_id")`)."""
    found = []
    for module in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                names = [item.target.id for item in node.body
                         if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)]
                found += [f"{module.relative_to(TARGET)}: {node.name}.{name} declared twice"
                          for name in sorted({name for name in names if names.count(name) > 1})]
    return found


def main() -> int:
    started = time.monotonic()
    print(f"sdk: openapi-python-client {version('openapi-python-client')}, "
          f"ariadne-codegen {version('ariadne-codegen')} -> {TARGET.relative_to(ROOT)}/", flush=True)
    TARGET.mkdir(parents=True, exist_ok=True)
    warnings = []
    for surface in SURFACES:
        for package in (f"{surface}_rest", f"{surface}_graphql"):
            shutil.rmtree(TARGET / package, ignore_errors=True)
        warnings += run(f"{surface} REST (openapi-python-client)", rest_client(surface))
        warnings += run(f"{surface} GraphQL (ariadne-codegen)", graphql_client(surface))
        for package in (f"{surface}_rest", f"{surface}_graphql"):
            warnings += duplicate_fields(TARGET / package)
    for warning in warnings:
        print(warning)
    print(f"sdk: {len(warnings)} warning(s), {time.monotonic() - started:.1f} s")
    return 1 if warnings else 0


if __name__ == "__main__":
    sys.exit(main())
