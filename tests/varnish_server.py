"""A real varnishd of the test's own, running the shipped VCL (deploy/varnish/default.vcl)
against an origin on a given port, on a spare loopback port with its own working
directory."""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.redis_server import spare_port

VCL = Path(settings.BASE_DIR) / "deploy" / "varnish" / "default.vcl"


def varnishd_or_skip() -> None:
    """Skip without varnishd and xkey, except in CI (``CI=true``), where that is a failure."""
    if shutil.which("varnishd") and list(Path("/usr/lib").glob("*/varnish/vmods/libvmod_xkey.so")):
        return
    message = "varnishd and varnish-modules are not installed; the edge tests need them."
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


class VarnishServer:
    """The shipped VCL with its backend pointed at ``origin_port``."""

    def __init__(self, origin_port: int):
        self.port = spare_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workdir = Path(tempfile.mkdtemp(prefix="varnish-test-"))
        self.vcl = self.workdir / "default.vcl"
        vcl = re.sub(r'\.port = "\d+";', f'.port = "{origin_port}";', VCL.read_text(), count=1)
        self.vcl.write_text(vcl)
        # varnishd reads the VCL and works in its directory as its own users.
        self.workdir.chmod(0o755)
        self.vcl.chmod(0o644)
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "varnishd",
                "-F",
                "-a",
                f"127.0.0.1:{self.port}",
                "-f",
                str(self.vcl),
                "-n",
                str(self.workdir / "n"),
                "-s",
                "malloc,64m",
                "-T",
                "none",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"varnishd exited: {self.process.stderr.read().decode()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"varnishd did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None
        shutil.rmtree(self.workdir, ignore_errors=True)
