"""Requests per second of the public read path under load, beside the limit of the stack.

    .venv/bin/python bench/load.py [--entries 1000] [--duration 8] [--rounds 3] [--reuse]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ainews_load .venv/bin/python bench/load.py

Serves the project with gunicorn (2 sync workers, DEBUG off, persistent database connections,
throttles raised) on a scratch database with N generated entries (bench/scratch.py), on
127.0.0.1 only, and drives it with wrk, one scenario at a time, each for a fixed duration,
scenarios interleaved round by round; prints the median requests/s per scenario and its ratio
to the limit: /baseline/, a view returning the REST list's bytes precomputed through the same
middleware (bench_settings.py layers that one URL on the project's). Needs wrk
(apt-get install wrk).
"""

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import scratch  # noqa: E402

LIST = "/api/v1/articles/?page_size=20"
GRAPHQL = (HERE / "graphql_list.graphql").read_text()
# scenario: (label, target ratio to the limit or None when compare.sh judges it)
SCENARIOS = {
    "limit": ("limit: the list's bytes precomputed, same middleware", None),
    "list": ("REST list 20, same URL each time", 0.6),
    "list-uncached": ("REST list 20, each request a different URL", None),
    "list-304": ("REST list 20, If-None-Match -> 304", 0.6),
    "detail": ("REST detail", 0.6),
    "graphql-post": ("GraphQL list 20, POST", None),
    "graphql-get": ("GraphQL list 20, GET", 0.5),
}


def fetch(url, *, data=None, headers=None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def serve(url: str, port: int, work: Path, baseline: Path) -> subprocess.Popen:
    env = scratch.django_env(
        url,
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=str(HERE),
        DATABASE_CONN_MAX_AGE="60",
        BENCH_BASELINE_FILE=str(baseline),
        DJANGO_STATIC_ROOT=str(work),
    )
    gunicorn = str(Path(scratch.PYTHON).parent / "gunicorn")
    command = [gunicorn, "cms.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    command += ["--worker-class", "sync", "--log-level", "warning"]
    command += ["--error-logfile", str(work / "gunicorn.log")]
    server = subprocess.Popen(command, env=env, cwd=scratch.ROOT, start_new_session=True)
    for _ in range(300):
        try:
            if fetch(f"http://127.0.0.1:{port}/api/v1/vendors/")[0] == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            sys.exit(f"gunicorn exited; see {work / 'gunicorn.log'}")
        time.sleep(0.2)
    stop(server)
    sys.exit("gunicorn did not answer within 60 s")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def plan(base: str, work: Path) -> dict:
    """Every scenario's wrk arguments, after checking that each answers as it should."""
    status, headers, body = fetch(base + LIST)
    assert status == 200, (status, body[:300])
    (work / "baseline.json").write_bytes(body)
    etag = headers["ETag"]
    slug = json.loads(body)["results"][0]["slug"]
    graphql_body = work / "graphql.json"
    graphql_body.write_text(json.dumps({"query": GRAPHQL}))
    graphql_get = "/graphql/?query=" + urllib.parse.quote(GRAPHQL)

    status, _, answer = fetch(
        base + "/graphql/",
        data=graphql_body.read_bytes(),
        headers={"Content-Type": "application/json"},
    )
    data = json.loads(answer)
    assert status == 200 and "errors" not in data, answer[:500]
    assert len(data["data"]["articles"]["results"]) == 20
    assert fetch(base + graphql_get)[0] == 200
    assert fetch(base + LIST, headers={"If-None-Match": etag})[0] == 304
    assert fetch(f"{base}/api/v1/articles/{slug}/")[0] == 200
    assert fetch(base + "/baseline/")[2] == body
    return {
        "limit": {"path": "/baseline/"},
        "list": {"path": LIST},
        "list-uncached": {"path": LIST, "env": {"WRK_VARY": "1"}},
        "list-304": {"path": LIST, "headers": [f"If-None-Match: {etag}"]},
        "detail": {"path": f"/api/v1/articles/{slug}/"},
        "graphql-post": {"path": "/graphql/", "env": {"WRK_BODY_FILE": str(graphql_body)}},
        "graphql-get": {"path": graphql_get},
    }


def wrk(base: str, scenario: dict, args, duration: int) -> dict:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s"]
    command += ["--timeout", "10s"]
    for header in scenario.get("headers", []):
        command += ["-H", header]
    command += ["-s", str(HERE / "wrk.lua"), base + scenario["path"]]
    env = {**os.environ, "WRK_BODY_FILE": "", "WRK_VARY": "0", **scenario.get("env", {})}
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT"))
    return {key: float(value) for key, value in (item.split("=") for item in line.split()[1:])}


def report(results: dict, args) -> None:
    median = {name: statistics.median(r["rps"] for r in runs) for name, runs in results.items()}
    limit = median["limit"]
    print(
        f"\n{args.entries} entries, {args.database}; gunicorn 2 sync workers; wrk "
        f"-t{args.threads} -c{args.connections} -d{args.duration}s x {args.rounds} rounds, "
        f"medians; load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n"
    )
    print(f"{'scenario':56} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6}  vs limit")
    for name, runs in results.items():
        label, target = SCENARIOS[name]
        ratio = median[name] / limit
        verdict = ""
        if target is not None:
            verdict = f" (target >= {target}: {'ok' if ratio >= target else 'UNDER'})"
        errors = sum(r["non2xx"] + r["socket_errors"] for r in runs)
        print(
            f"{label:56} {median[name]:>8.1f} "
            f"{statistics.median(r['p50_us'] for r in runs) / 1000:>7.1f} "
            f"{statistics.median(r['p99_us'] for r in runs) / 1000:>7.1f} {errors:>6.0f}  "
            f"{ratio:.2f}{verdict}"
        )
    print(
        "\nThe uncached list against tuned Wagtail and GraphQL POST against wagtail-grapple: "
        "../shared/peers/compare.sh"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8103)
    parser.add_argument("--scenarios", nargs="+", choices=list(SCENARIOS), default=list(SCENARIOS))
    parser.add_argument("--reuse", action="store_true", help="keep a scratch database built")
    parser.add_argument("--work", type=Path, default=scratch.default_work())
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install -y wrk")
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", args.port)) == 0:
            sys.exit(f"port {args.port} is busy; pick another with --port")
    if "limit" not in args.scenarios:
        args.scenarios.insert(0, "limit")

    work = args.work / f"load_{args.entries}"
    work.mkdir(parents=True, exist_ok=True)
    url = scratch.database_url(f"load_{args.entries}", args.work)
    args.database = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    scratch.prepare(url, args.entries, reuse=args.reuse)
    server = serve(url, args.port, work, work / "baseline.json")
    base = f"http://127.0.0.1:{args.port}"
    try:
        scenarios = plan(base, work)
        for name in args.scenarios:  # warm-up
            wrk(base, scenarios[name], args, 2)
        results = {name: [] for name in args.scenarios}
        for round_ in range(1, args.rounds + 1):
            for name in args.scenarios:
                result = wrk(base, scenarios[name], args, args.duration)
                results[name].append(result)
                print(f"round {round_} {name}: {result['rps']:.1f} req/s", file=sys.stderr)
    finally:
        stop(server)
    report(results, args)


if __name__ == "__main__":
    main()
