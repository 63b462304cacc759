"""The scaled-out topology on one machine, from Debian's packages and the lock file only.

A PostgreSQL primary and a streaming replica (clusters of their own, made with
``pg_createcluster`` and ``pg_basebackup -R``, trust on loopback), Redis, two gunicorn app
nodes reading from the replica, an RQ worker (the only one, with the scheduler) and Varnish
running the shipped VCL, balancing both nodes. Every port is a spare one; the main PostgreSQL
cluster is never touched. ``python deploy/cluster/topology.py`` (``make cluster``) starts it,
prints its addresses and stops and drops everything on Ctrl-C; the topology tests start it
with :class:`Topology`.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
VCL = ROOT / "deploy" / "varnish" / "default.vcl"
DATABASE = "ainews"


def spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not come up within {timeout:g} s")


def listening(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True


def run(*command: str, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr or done.stdout}")
    return done


def as_postgres(*command: str) -> subprocess.CompletedProcess:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return run(*prefix, *command)


def postgres_version() -> str:
    return sorted(os.listdir("/usr/lib/postgresql"), key=int)[-1]


class PostgresCluster:
    """A cluster of its own (``pg_createcluster``), trusting loopback, replication included."""

    def __init__(self, name: str):
        self.name = name
        self.port = spare_port()
        self.version = postgres_version()
        self.config = Path("/etc/postgresql") / self.version / name
        self.data = Path("/var/lib/postgresql") / self.version / name

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def create(self) -> None:
        run(
            "pg_createcluster", self.version, self.name, "--port", str(self.port),
            "--", "-A", "trust",
        )  # fmt: skip
        with (self.config / "pg_hba.conf").open("a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")

    def control(self, action: str) -> None:
        run("pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name, action)

    def start(self) -> None:
        self.control("start")
        wait_for(lambda: listening(self.port), f"PostgreSQL {self.name}")

    def create_replica_of(self, primary: "PostgresCluster") -> None:
        """This cluster as a streaming replica of ``primary``: its data directory emptied and
        filled by ``pg_basebackup -R``."""
        self.create()
        for entry in self.data.iterdir():
            run("rm", "-rf", str(entry))
        as_postgres(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
            "-D", str(self.data), "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip

    def sql(self, statement: str, database: str = DATABASE) -> str:
        return run(
            "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database,
            "-AtXc", statement,
        ).stdout.strip()  # fmt: skip

    def drop(self) -> None:
        subprocess.run(
            ["pg_dropcluster", "--stop", self.version, self.name], capture_output=True, check=False
        )


class Process:
    """A long-running command of the topology, its output in a log file."""

    def __init__(self, name: str, command: list[str], *, env: dict, logs: Path, port=None):
        self.name, self.command, self.env, self.port = name, command, env, port
        self.log = logs / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so ``kill`` takes it whole
            )
        if self.port is not None:
            wait_for(lambda: self.alive() and listening(self.port), self.name, timeout=60)

    def alive(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError(f"{self.name} exited; see {self.log}")
        return True

    def kill(self) -> None:
        """Gone at once, with every process it started (a crashed machine)."""
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


def balancing_vcl(ports: list[int]) -> str:
    """The shipped VCL with its one backend replaced by the app nodes, round robin, each
    probed as the shipped backend is."""
    shipped = VCL.read_text()
    backend = re.search(r"^backend origin \{.*?^\}\n", shipped, re.S | re.M).group(0)
    nodes = "".join(
        backend.replace("backend origin", f"backend node_{number}").replace(
            '.port = "8000";', f'.port = "{port}";'
        )
        for number, port in enumerate(ports)
    )
    adds = "".join(f"    nodes.add_backend(node_{n});\n" for n in range(len(ports)))
    vcl = shipped.replace(backend, nodes).replace(
        "import xkey;\n", "import xkey;\nimport directors;\n"
    )
    vcl = vcl.replace(
        "sub vcl_init {\n", f"sub vcl_init {{\n    new nodes = directors.round_robin();\n{adds}", 1
    )
    return vcl.replace(
        "sub vcl_recv {\n", "sub vcl_recv {\n    set req.backend_hint = nodes.backend();\n", 1
    )


class Topology:
    """Everything above; ``start`` brings it up, ``stop`` takes it all down and drops it."""

    def __init__(self, *, nodes: int = 2, replica: bool = True, settings: dict | None = None):
        self.workdir = Path(tempfile.mkdtemp(prefix="ainews-topology-"))
        self.timings: dict[str, float] = {}  # seconds each part took to start
        self.migrating: subprocess.Popen | None = None
        self.workdir.chmod(0o755)
        tag = f"{os.getpid()}_{self.workdir.name[-6:].lower()}"
        self.primary = PostgresCluster(f"topology_primary_{tag}")
        self.replica = PostgresCluster(f"topology_replica_{tag}") if replica else None
        self.redis_port = spare_port()
        self.varnish_port = spare_port()
        self.varnish_url = f"http://127.0.0.1:{self.varnish_port}"
        self.env = {
            **os.environ,
            "DJANGO_SECRET_KEY": "topology-only-secret-key",
            "DJANGO_DEBUG": "0",
            "DJANGO_STATIC_MANIFEST": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_COOKIES": "0",  # plain http on loopback
            "SITE_URL": self.varnish_url,
            "DATABASE_URL": self.primary.url,
            "DATABASE_CONN_MAX_AGE": "60",
            "DATABASE_REPLICA_URLS": self.replica.url if self.replica else "",
            # The response cache on DB 0 (evictable), the task queue on DB 1 (never evicted).
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "TASKS_REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/1",
            "TASKS_BACKEND": "rq",
            "EDGE_PURGE_BACKEND": "varnish",
            "EDGE_PURGE_URLS": f"{self.varnish_url}/",
            "NUM_PROXIES": "1",
            "WEBHOOK_ALLOW_PRIVATE_TARGETS": "1",
            "API_ANONYMOUS_RATE": "1000000/minute",
            "FEEDBACK_RATE": "1000000/minute",
            **(settings or {}),
        }
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.node_ports = [spare_port() for _ in range(nodes)]
        self.node_urls = [f"http://127.0.0.1:{port}" for port in self.node_ports]
        self.redis = Process(
            "redis",
            ["redis-server", "--port", str(self.redis_port), "--save", "", "--appendonly", "no",
             "--maxmemory", "256mb", "--maxmemory-policy", "volatile-lru"],
            env=self.env, logs=self.workdir, port=self.redis_port,
        )  # fmt: skip
        self.nodes = [
            Process(
                f"node_{n}",
                [
                    str(ROOT / ".venv" / "bin" / "gunicorn"),
                    "cms.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                    "--threads",
                    "2",
                    "--preload",
                    "--graceful-timeout",
                    "5",
                ],
                env=self.env,
                logs=self.workdir,
                port=port,
            )
            for n, port in enumerate(self.node_ports)
        ]
        self.worker = Process(
            "worker",
            [PYTHON, "manage.py", "rqworker", "--job-class", "django_tasks_rq.Job",
             "--with-scheduler", "default"],
            env=self.env, logs=self.workdir,
        )  # fmt: skip
        self.vcl = self.workdir / "balancing.vcl"
        self.varnish = Process(
            "varnish",
            ["varnishd", "-F", "-a", f"127.0.0.1:{self.varnish_port}", "-f", str(self.vcl),
             "-n", str(self.workdir / "varnish"), "-s", "malloc,64m", "-T", "none"],
            env=self.env, logs=self.workdir, port=self.varnish_port,
        )  # fmt: skip

    def manage(self, *args: str) -> str:
        return run(PYTHON, "manage.py", *args, cwd=ROOT, env=self.env).stdout

    def start(self) -> "Topology":
        try:
            self._step("primary", self.primary.create, self.primary.start)
            self.primary.sql(f"CREATE DATABASE {DATABASE}", database="postgres")
            # The replica is made while the schema is migrated: it streams the migration.
            self.migrating = migrating = subprocess.Popen(
                [PYTHON, "manage.py", "migrate", "--verbosity", "0"], cwd=ROOT, env=self.env
            )
            if self.replica:
                self._step(
                    "replica",
                    lambda: self.replica.create_replica_of(self.primary),
                    self.replica.start,
                )
            self._step("redis", self.redis.start)
            self._step("migrate", migrating.wait)
            if migrating.returncode:
                raise RuntimeError("manage.py migrate failed")
            self._step("nodes", *[node.start for node in self.nodes], self.warm_up)
            self._step("worker", self.worker.start)
            self.vcl.write_text(balancing_vcl(self.node_ports))
            self.vcl.chmod(0o644)
            # Varnish sends nothing to a node before its probe finds it healthy.
            self._step(
                "varnish",
                self.varnish.start,
                lambda: wait_for(
                    lambda: self.get(self.varnish_url + "/read/en/") == 200, "Varnish's nodes", 60
                ),
            )
        except BaseException:
            self.stop()
            raise
        return self

    def warm_up(self) -> None:
        """A few requests to each node, so that Varnish's first probes find them quick."""
        for url in self.node_urls:
            for _ in range(4):
                wait_for(lambda url=url: self.get(url + "/read/en/", timeout=30) == 200, url, 120)

    def _step(self, name: str, *actions) -> None:
        started = time.monotonic()
        for action in actions:
            action()
        self.timings[name] = round(time.monotonic() - started, 1)

    @staticmethod
    def get(url: str, timeout: float = 5) -> int:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status

    def stop(self) -> None:
        if self.migrating is not None and self.migrating.poll() is None:
            self.migrating.kill()
            self.migrating.wait()
        for process in [self.varnish, self.worker, *self.nodes, self.redis]:
            process.stop()
        if self.replica:
            self.replica.drop()
        self.primary.drop()

    def describe(self) -> str:
        lines = [
            f"Varnish (balancing the nodes)  {self.varnish_url}",
            *(f"app node {n}                     {url}" for n, url in enumerate(self.node_urls)),
            f"PostgreSQL primary             {self.primary.url}",
        ]
        if self.replica:
            lines.append(f"PostgreSQL streaming replica   {self.replica.url}")
        lines += [
            f"Redis (cache 0, queue 1)       redis://127.0.0.1:{self.redis_port}",
            "RQ worker with the scheduler   1",
            f"logs                           {self.workdir}",
        ]
        return "\n".join(lines)


def main() -> None:
    topology = Topology()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("Starting the topology (one to two minutes)...", flush=True)
    topology.start()
    try:
        topology.manage("load_demo")
        print(topology.describe(), flush=True)
        print("Ctrl-C stops and drops all of it.", flush=True)
        while True:
            for process in [topology.redis, *topology.nodes, topology.worker, topology.varnish]:
                process.alive()
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        print("Stopping and dropping the topology...", flush=True)
        topology.stop()


if __name__ == "__main__":
    main()
