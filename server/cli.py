"""specshop command line: run, worker, migrate, seed, keys."""
import argparse
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from storage.db import database, database_url, init_database

DEMO_KEY_FILE = Path("var/demo-storefront-key")
DEMO_ADMIN_TOKEN_FILE = Path("var/demo-admin-token")
CONSUMER_NICENESS = 10  # the consumer `specshop run` starts yields the CPU to the web server


def command_migrate(_args):
    from storage.schema import migrate
    applied = migrate()
    print(f"applied {len(applied)} migration(s): {', '.join(applied) or 'none pending'}")


def command_seed(args):
    from storage.models import Product
    from storage.schema import migrate
    from storage.seed import seed_catalog
    migrate()
    if Product.select().exists():
        print("the database already holds a catalog; seed only an empty database (remove it or use another DATABASE_URL)")
        return 1
    seed_catalog(products=args.products, seed=args.seed, show_progress=True)
    print(f"seeded {args.products} products into {database_url()}")
    return 0


def ensure_demo_key() -> str:
    """The local demo storefront key, created on first run and kept in var/ (never committed)."""
    from domain.storefront_keys import create_key
    from server.security import lookup_key
    if DEMO_KEY_FILE.exists():
        raw_key = DEMO_KEY_FILE.read_text().strip()
        if lookup_key(raw_key):
            return raw_key
    _record, raw_key = create_key("demo (make run)")
    DEMO_KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
    DEMO_KEY_FILE.write_text(raw_key + "\n")
    return raw_key


def ensure_demo_admin_token() -> str:
    """The local demo admin's integration token, created on first run and kept in var/."""
    from domain.access import authenticate_admin_token, create_admin_with_token
    if DEMO_ADMIN_TOKEN_FILE.exists():
        raw_token = DEMO_ADMIN_TOKEN_FILE.read_text().strip()
        if authenticate_admin_token(raw_token, "127.0.0.1"):
            return raw_token
    _admin, raw_token = create_admin_with_token("Demo Admin", f"demo-{secrets.token_hex(4)}@example.com",
                                                secrets.token_urlsafe(18))
    DEMO_ADMIN_TOKEN_FILE.parent.mkdir(parents=True, exist_ok=True)
    DEMO_ADMIN_TOKEN_FILE.write_text(raw_token + "\n")
    return raw_token


def command_admin(args):
    """A full administrator, whatever the API did to the roles: the `Administrator` role is created, or
    restored to permission type `all` when it was narrowed (its other holders regain full access too)."""
    from peewee import IntegrityError
    from domain.access import create_admin_with_token
    from storage.admin_models import AdminRole, AdminUser
    if AdminUser.select().where(AdminUser.email == args.email.strip().lower()).exists():
        print(f"an admin with the email {args.email} already exists; choose another email")
        return 1
    role = AdminRole.select().where(AdminRole.name == "Administrator").order_by(AdminRole.id).first()
    try:
        admin, raw_token = create_admin_with_token(args.name, args.email, args.password)
    except IntegrityError:
        print(f"an admin with the email {args.email} already exists; choose another email")
        return 1
    if role is not None and role.permission_type != "all":
        print(f"restored role #{role.id} 'Administrator' to full access "
              f"(it had been narrowed to: {', '.join(sorted(role.permissions or [])) or 'nothing'})")
    print(f"created admin #{admin.id} {admin.email}; integration token (shown once, store it now):\n{raw_token}")
    return 0


def command_run(args):
    import uvicorn
    from server.startup import paused_collector
    from storage.models import Product
    from storage.schema import migrate
    with database.connection_context():
        migrate()
        if not Product.select().exists():
            from storage.seed import seed_catalog  # only for an empty database: spares start-up its imports
            print("empty database: seeding the demo catalog...")
            seed_catalog(show_progress=True)
        with paused_collector():  # the imports the key check brings are most of the app's (server/asgi.py)
            raw_key = ensure_demo_key()
            admin_token = ensure_demo_admin_token()
    base = f"http://{args.host}:{args.port}"
    print(f"""
specshop is serving {database_url()}
  REST (shop)     {base}/api/shop/products
  Swagger UI      {base}/api/shop/ui/
  GraphQL (shop)  {base}/api/graphql    GraphiQL: {base}/api/graphiql
  Storefront key  {raw_key}
  Admin token     {admin_token}    (REST {base}/api/admin/..., GraphQL {base}/api/admin/graphql)
  try: curl -H 'X-STOREFRONT-KEY: {raw_key}' '{base}/api/shop/products?per_page=2'
""", flush=True)
    worker = None
    if args.worker:
        from domain.promotions.tasks import rebuild_price_index
        rebuild_price_index()  # the catalog-rule prices of today's window, fresh at start
        worker = start_worker()
    try:
        uvicorn.run("server.asgi:app", **serve_options(args))
    finally:
        if worker is not None:
            stop_worker(worker)


def worker_command(parent: int | None = None) -> list[str]:
    return [sys.executable, "-m", "server.cli", "worker", *(["--with-parent", str(parent)] if parent else [])]


def start_worker() -> subprocess.Popen:
    """The background-job consumer beside the web server, in its own process (its own signals,
    whatever the number of web workers); it stops with the server."""
    print("background jobs: consumer started (specshop worker)", flush=True)
    return subprocess.Popen(worker_command(os.getpid()))


def stop_worker(worker: subprocess.Popen, timeout: float = 10):
    worker.terminate()
    try:
        worker.wait(timeout)
    except subprocess.TimeoutExpired:
        worker.kill()


def command_worker(args):
    """Run the queue's consumer until interrupted: queued jobs, retries and the periodic (nightly) ones.
    Started by `specshop run`, it runs at a lower CPU priority than the web server (its start-up and its
    jobs never delay an answer; on a busy machine jobs wait a little instead)."""
    if args.with_parent:
        os.nice(CONSUMER_NICENESS)
    import logging
    from domain.jobs import consumer, load_tasks
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    print(f"specshop worker: {args.workers} thread(s), tasks from {', '.join(load_tasks())}", flush=True)
    if args.with_parent:
        threading.Thread(target=stop_with_parent, args=(args.with_parent,), daemon=True).start()
    consumer(workers=args.workers).run()
    return 0


def stop_with_parent(parent: int, interval: float = 1.0):
    """A consumer started by `specshop run` ends with it, however the server ended (a SIGTERM to the
    server ends its process before it can stop the consumer): when the parent is gone, stop gracefully."""
    while os.getppid() == parent:
        time.sleep(interval)
    os.kill(os.getpid(), signal.SIGINT)


def command_mock(args):
    import uvicorn
    base = f"http://{args.host}:{args.port}"
    print(f"""
specshop mock: every operation answered from the specs alone (no database)
  REST            {base}/api/shop/..., {base}/api/admin/..., {base}/api/... (Swagger UI: {base}/api/shop/ui/)
  GraphQL         {base}/api/graphql, {base}/api/admin/graphql
  credentials     checked for their form only: X-STOREFRONT-KEY pk_storefront_<32 characters>, Bearer <id>|<secret>
  try: curl -H 'X-STOREFRONT-KEY: pk_storefront_{"0" * 32}' '{base}/api/shop/products'
""", flush=True)
    uvicorn.run("server.mock:create_mock_app", factory=True, host=args.host, port=args.port, log_level="warning")


def serve_options(args) -> dict:
    """uvicorn's settings. Its own proxy-header handling is off (it would trust X-Forwarded-For from
    127.0.0.1 by default): the app applies FORWARDED_ALLOW_IPS itself (server/app.py), none by default."""
    return {"host": args.host, "port": args.port, "workers": args.workers, "log_level": "warning",
            "proxy_headers": False}


def command_keys(args):
    from domain.storefront_keys import create_key, rotate_key
    from storage.models import StorefrontKey
    if args.keys_command == "create":
        record, raw_key = create_key(args.name, rate_limit=args.rate_limit)
        print(f"created storefront key #{record.id} '{record.name}' (shown once, store it now):\n{raw_key}")
        return 0
    if args.keys_command == "list":
        for record in StorefrontKey.select().order_by(StorefrontKey.id):
            status = "active" if record.status else "inactive"
            print(f"#{record.id}\t{record.key_prefix}…\t{status}\t{record.rate_limit}/min\t{record.name}")
        return 0
    record = StorefrontKey.get_or_none(StorefrontKey.id == args.id)
    if record is None:
        print(f"no storefront key #{args.id}")
        return 1
    if args.keys_command == "rotate":
        raw_key = rotate_key(record)
        print(f"rotated storefront key #{record.id}; the old value stops working. New key (shown once):\n{raw_key}")
    else:
        StorefrontKey.update(status=False).where(StorefrontKey.id == record.id).execute()
        print(f"revoked storefront key #{record.id} '{record.name}'")
    return 0


def build_parser():
    parser = argparse.ArgumentParser(prog="specshop", description="spec-first headless commerce API")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply pending database migrations").set_defaults(func=command_migrate)
    seed = commands.add_parser("seed", help="fill an empty database with the deterministic demo catalog")
    seed.add_argument("--products", type=int, default=240, help="top-level products to create (default 240)")
    seed.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    seed.set_defaults(func=command_seed)
    run = commands.add_parser("run", help="migrate, seed on first run, and serve")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.add_argument("--workers", type=int, default=1)
    run.add_argument("--no-worker", dest="worker", action="store_false",
                     help="do not start the background-job consumer (run `specshop worker` elsewhere)")
    run.set_defaults(func=command_run)
    mock = commands.add_parser("mock", help="serve every operation from the specs alone (examples, or values from the schemas)")
    mock.add_argument("--host", default="127.0.0.1")
    mock.add_argument("--port", type=int, default=8000)
    mock.set_defaults(func=command_mock)
    worker = commands.add_parser("worker", help="run the background-job consumer (queued, retried and nightly jobs)")
    worker.add_argument("--workers", type=int, default=2, help="worker threads (default 2)")
    worker.add_argument("--with-parent", type=int, default=None, help=argparse.SUPPRESS)
    worker.set_defaults(func=command_worker)
    admin = commands.add_parser("admin", help="manage admin users")
    admin_commands = admin.add_subparsers(dest="admin_command", required=True)
    create_admin = admin_commands.add_parser("create", help="create an administrator and its integration token")
    create_admin.add_argument("--name", required=True)
    create_admin.add_argument("--email", required=True)
    create_admin.add_argument("--password", required=True)
    admin.set_defaults(func=command_admin)
    keys = commands.add_parser("keys", help="manage storefront keys")
    key_commands = keys.add_subparsers(dest="keys_command", required=True)
    create = key_commands.add_parser("create", help="create a key (printed once)")
    create.add_argument("--name", required=True)
    create.add_argument("--rate-limit", type=int, default=100, help="requests per minute (default 100)")
    key_commands.add_parser("list", help="list keys (prefixes only)")
    for name, text in (("rotate", "replace a key's secret (the old one stops working)"), ("revoke", "deactivate a key")):
        key_command = key_commands.add_parser(name, help=text)
        key_command.add_argument("id", type=int)
    keys.set_defaults(func=command_keys)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.command == "mock":  # no database at all
        return args.func(args)
    init_database()
    if args.command in ("run", "worker"):  # they open connections where they need them
        return args.func(args)
    with database.connection_context():
        return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
