"""The project's URLs plus /baseline/: the saved body of a REST list returned through the
project's own middleware, the ceiling for gunicorn + Django + this project on the box."""

import os
from functools import cache

from django.http import HttpResponse
from django.urls import include, path


@cache
def _body() -> bytes:
    with open(os.environ["BENCH_BASELINE_FILE"], "rb") as fh:
        return fh.read()


def baseline(request):
    return HttpResponse(_body(), content_type="application/json")


urlpatterns = [path("baseline/", baseline), path("", include("cms.urls"))]
