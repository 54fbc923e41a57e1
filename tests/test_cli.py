"""The specshop command line against a scratch SQLite database."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def specshop(*args, database_url):
    environment = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "server.cli", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_migrate_seed_and_keys(tmp_path):
    url = f"sqlite:///{tmp_path}/cli.db"
    assert "0001_initial" in specshop("migrate", database_url=url).stdout
    seeded = specshop("seed", "--products", "12", database_url=url)
    assert seeded.returncode == 0 and "seeded 12 products" in seeded.stdout
    again = specshop("seed", database_url=url)
    assert again.returncode == 1 and "already holds a catalog" in again.stdout
    created = specshop("keys", "create", "--name", "Mobile app", "--rate-limit", "500", database_url=url)
    raw_key = created.stdout.strip().splitlines()[-1]
    assert raw_key.startswith("pk_storefront_") and len(raw_key) > 40
    listed = specshop("keys", "list", database_url=url).stdout
    assert "Mobile app" in listed and "500/min" in listed and raw_key not in listed
    key_id = listed.split("\t", 1)[0].lstrip("#")
    rotated = specshop("keys", "rotate", key_id, database_url=url).stdout.strip().splitlines()[-1]
    assert rotated.startswith("pk_storefront_") and rotated != raw_key
    assert "revoked" in specshop("keys", "revoke", key_id, database_url=url).stdout
    assert "inactive" in specshop("keys", "list", database_url=url).stdout
    assert specshop("keys", "revoke", "999", database_url=url).returncode == 1
