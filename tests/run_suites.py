"""`make test`: the suite on SQLite and, when DATABASE_URL is set, on that database too, side by side.

The two runs are separate processes (each pytest session builds its own app and database), each with
its own media, mail and download folders, so neither sees the other's files. Their output is
prefixed with the database's name; the exit status is the first failure's.

    python -m tests.run_suites [pytest arguments...]
"""
import os
import subprocess
import sys
import tempfile
import threading


def start(name: str, environment: dict, arguments: list[str], scratch: str) -> subprocess.Popen:
    folders = {variable: os.path.join(scratch, name, folder) for variable, folder in
               (("MEDIA_ROOT", "media"), ("MAIL_OUTBOX", "outbox"), ("DOWNLOADS_ROOT", "downloads"))}
    process = subprocess.Popen([sys.executable, "-m", "pytest", "-q", *arguments], env={**environment, **folders},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    threading.Thread(target=relay, args=(name, process.stdout), daemon=True).start()
    return process


def relay(name: str, stream):
    for line in stream:
        sys.stdout.write(f"[{name}] {line}")
        sys.stdout.flush()


def main(arguments: list[str]) -> int:
    sqlite = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    runs = {"sqlite": sqlite}
    if os.environ.get("DATABASE_URL"):
        runs[os.environ["DATABASE_URL"].split(":", 1)[0]] = dict(os.environ)
    print(f"== the suite on {', '.join(runs)}", flush=True)
    with tempfile.TemporaryDirectory(prefix="specshop-suites-") as scratch:
        processes = {name: start(name, environment, arguments, scratch) for name, environment in runs.items()}
        codes = {name: process.wait() for name, process in processes.items()}
    for name, code in codes.items():
        print(f"== {name}: {'passed' if code == 0 else f'FAILED (exit {code})'}", flush=True)
    return next((code for code in codes.values() if code), 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
