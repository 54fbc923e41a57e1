"""An installed specshop (a wheel, not this checkout) starts: every file start-up loads besides Python is package data."""
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_data_file_of_generated_and_codegen_is_declared_package_data():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    missing = []
    for package in ("generated", "codegen"):
        base = ROOT / package
        shipped = {path for pattern in declared.get(package, []) for path in base.glob(pattern)}
        data = {path for path in base.rglob("*") if path.is_file() and path.suffix not in (".py", ".pyc")}
        missing += sorted(str(path.relative_to(ROOT)) for path in data - shipped)
    assert missing == []
