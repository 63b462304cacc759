"""`manage.py load_demo` run by hand, as the README says, in a shell without the test settings."""

import os
import re
import subprocess
import sys

from django.conf import settings

README = settings.BASE_DIR / "README.md"


def shell_environment(**env):
    """A reader's shell: none of the settings the test run sets."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return clean | env


def test_the_readmes_commands_load_the_demo_into_a_fresh_database(tmp_path):
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(), flags=re.DOTALL)
    [commands] = [block for block in blocks if "manage.py load_demo" in block]
    database = tmp_path / "demo.sqlite3"
    assert "sqlite:////tmp/demo.sqlite3" in commands
    result = subprocess.run(
        ["bash", "-e", "-c", commands.replace("/tmp/demo.sqlite3", str(database))],
        cwd=settings.BASE_DIR,
        env=shell_environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Demo data: 12 new entries (12 in all)." in result.stdout
    assert "username 'editor', password 'editor-demo-password'" in result.stdout


def test_load_demo_on_a_database_without_its_tables_says_to_migrate_first(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "load_demo"],
        cwd=settings.BASE_DIR,
        env=shell_environment(
            DJANGO_DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}"
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "CommandError: The database is not up to date: run `manage.py migrate` first "
        "(`make serve` migrates and loads the demo by itself)."
    )
