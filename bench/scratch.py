"""Scratch databases for the benchmarks: one per name, built once with N generated entries.

SQLite files live under a work folder; with ``DATABASE_URL`` pointing at PostgreSQL, each
scratch database is that URL's database name plus a suffix (``ainews_bench`` ->
``ainews_bench_100000``), created on the same server.
"""

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
SEED = 1


def default_work() -> Path:
    return Path(os.environ.get("TMPDIR", "/tmp")) / "ainews-bench"


def database_url(suffix: str, work: Path) -> str:
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(base)
        return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_{suffix}"))
    return f"sqlite:///{work}/ainews_{suffix}.sqlite3"


def django_env(url: str, **extra) -> dict:
    """The project's settings as an operator would run them, throttles out of the way."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings",
        "DJANGO_SECRET_KEY": "bench-not-secret",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SITE_URL": "http://127.0.0.1:8000",
        "DJANGO_STATIC_MANIFEST": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": url,
        "API_ANONYMOUS_RATE": "100000000/minute",
        "API_PARTNER_RATE": "100000000/minute",
        "PYTHONDONTWRITEBYTECODE": "1",
        **extra,
    }


def measured(script: str, url: str, *arguments: str, what: str = "measuring", **env) -> dict:
    """Run ``script --measure *arguments`` in a child on the scratch database ``url`` (settings
    from its environment) and return the JSON it prints last."""
    child = subprocess.run(
        [PYTHON, script, "--measure", *arguments],
        env=django_env(url, **env),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if child.returncode:
        sys.exit(f"{what} failed:\n{child.stderr}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def _postgres(url: str, sql: str):
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if sql.lstrip().lower().startswith("select") else None


def live_entries(url: str) -> int | None:
    """How many live entries the scratch database holds, or None if it is not built."""
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        if not Path(path).exists():
            return None
        try:
            with sqlite3.connect(path) as conn:
                return conn.execute("select count(*) from articles_liveentry").fetchone()[0]
        except sqlite3.Error:
            return None
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            return conn.execute("select count(*) from articles_liveentry").fetchone()[0]
    except psycopg.Error:
        return None


def _reset(url: str) -> None:
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        return
    name = urlsplit(url).path.lstrip("/")
    _postgres(url, f'drop database if exists "{name}" with (force)')
    _postgres(url, f'create database "{name}"')


def prepare(url: str, entries: int, *, reuse: bool, log=print) -> None:
    """Make ``url`` a migrated database with ``entries`` generated entries (seed 1); with
    ``reuse``, keep one that has them already (migrated to the current schema)."""
    env = django_env(url)
    manage = [PYTHON, str(ROOT / "manage.py")]
    if reuse and live_entries(url) == entries:
        log(f"reusing {redact(url)} ({entries} entries)")
        subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
        return
    _reset(url)
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    started = time.perf_counter()
    subprocess.run(
        [*manage, "generate_articles", str(entries), "--seed", str(SEED), "-v0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    log(f"built {redact(url)}: {entries} entries in {time.perf_counter() - started:.0f}s")


def redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@"))
    return urlunsplit(parts)
