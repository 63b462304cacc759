"""Settings for bench/load.py: the project's, plus one URL (/baseline/, see bench_urls)."""

from cms.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
