"""Generated requests against the published contracts: the OpenAPI document and the GraphQL schema.

Schemathesis reads `/api/schema/` and sends requests it derives from it, valid and invalid, to
every REST operation, in process, against the demo data; every answer must be one the document
describes (status code, content type, body schema, headers) and none may be a 5xx. It then reads
the GraphQL schema by introspection and sends queries and mutations built from it: none may be
a 5xx (refusals come as an `errors` list).

The seed is fixed (`derandomize`) and the number of cases bounded, so a run is repeatable and
takes seconds; a failure prints the request to replay it.
"""

import hypothesis
import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import close_old_connections
from django.test import override_settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from feedback.services import MESSAGE_KINDS, normalise_message

HOST = "localhost"  # the host schemathesis sends in process
# Cases per operation; enough to reach every parameter's refusals, few enough for seconds.
MAX_EXAMPLES = 50
SETTINGS = hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)


@pytest.fixture(scope="module")
def demo(django_db_blocker):
    """The demo data, loaded once for the module inside a transaction that is rolled back."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        call_command("load_demo", verbosity=0)
        yield
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def api(demo, db, settings):
    """The request budgets lifted: a generated run sends more requests than one client may,
    and a 429 there says nothing about the contract (the budgets' own answers are tested in
    tests/test_throttling.py)."""
    settings.ALLOWED_HOSTS = [HOST]
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **rates,
            "anonymous": "1000000/minute",
            "partner": "1000000/minute",
            "feedback": "1000000/minute",
        },
    }
    # As Django's test client does: the test's transaction holds the connection, which the
    # end of a request must not close (schemathesis calls the WSGI handler directly).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# The contracts as a client reads them, from the site in process (no database is needed).
with override_settings(ALLOWED_HOSTS=[HOST]):
    APP = WSGIHandler()
    openapi = schemathesis.openapi.from_wsgi("/api/schema/?format=json", APP)
    graphql = schemathesis.graphql.from_wsgi("/graphql/", APP)


# A request the document allows may still be refused, by design, in two ways the document states
# in words but cannot put in a schema:
# - it names something that does not exist: a vendor, topic or entry slug no entry has, or a
#   cursor the server never issued (the document gives their syntax, not which values exist);
# - a search (`q`) must be readable: quoted phrases closed, at most 12 words (a grammar, not a
#   pattern);
# - a feedback message is "counted after normalisation" and "required except for helpful votes":
#   "   " is a string of three characters, but normalises to nothing.
# Schemathesis's own check counts any 400 to a schema-valid request as a failure; this one
# allows exactly these refusals and nothing else.
NAMES_SOMETHING = {"vendor", "topic", "article", "cursor", "since"}
SEARCH_SYNTAX = {"q"}


def short_after_normalisation(case) -> bool:
    body = case.body if isinstance(case.body, dict) else {}
    message = body.get("message", "")  # omitted: required for these kinds
    minimum = settings.FEEDBACK["MESSAGE_MIN_LENGTH"]
    return (
        body.get("kind") in MESSAGE_KINDS
        and isinstance(message, str)
        and len(normalise_message(message)) < minimum
    )


@schemathesis.check
def refuses_valid_data_only_as_documented(ctx, response, case):
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if response.status_code == 400:
        refused = set(response.json()) - NAMES_SOMETHING - SEARCH_SYNTAX
        if short_after_normalisation(case):
            refused.discard("message")
        assert not refused, (
            f"a request the document allows was refused for {sorted(refused)}: {response.text}"
        )
    return None


# By design, a filled honeypot (`website`) is answered as if the submission were accepted, so a
# bot learns nothing (docs/feedback.md); the document still says it must be empty. Only that
# case is spared schemathesis's check that invalid requests are refused.
def fills_the_honeypot(case) -> bool:
    body = case.body if isinstance(case.body, dict) else {}
    return case.path == "/api/v1/feedback/" and body.get("website") not in (None, "")


@schemathesis.check
def refuses_invalid_data(ctx, response, case):
    if fills_the_honeypot(case):
        return None
    return negative_data_rejection(ctx, response, case)


@openapi.parametrize()
@SETTINGS
def test_rest_answers_as_the_openapi_document_says(case, api):
    case.call_and_validate(
        excluded_checks=[positive_data_acceptance, negative_data_rejection],
        additional_checks=[refuses_valid_data_only_as_documented, refuses_invalid_data],
    )


@graphql.parametrize()
@SETTINGS
def test_graphql_never_fails_on_a_generated_query(case, api):
    response = case.call()
    assert response.status_code < 500, response.text
    if response.status_code != 200:
        assert response.json()["errors"], response.text
