"""The API playgrounds render and run a query with nothing but the local server reachable."""

import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tests.browser.utils import skip_without_chromium

skip_without_chromium()
pytestmark = pytest.mark.django_db(transaction=True)


def test_swagger_ui_runs_a_request_offline(open_page, seed):
    page = open_page()
    page.open("/api/docs/")
    tab = page.tab
    operation = tab.locator(".opblock-summary", has_text="/api/v1/vendors/").first
    operation.click()
    tab.get_by_role("button", name="Try it out").click()
    tab.get_by_role("button", name="Execute").click()
    response = tab.locator(".live-responses-table tbody .response-col_status").first
    expect(response).to_have_text("200")
    expect(tab.locator(".live-responses-table .microlight").first).to_contain_text('"openai"')
    assert page.offsite == [] and page.errors == []


def test_graphiql_runs_a_query_offline(open_page, seed, settings):
    settings.GRAPHQL = {**settings.GRAPHQL, "GRAPHIQL": True}
    page = open_page()
    page.open("/graphql/")
    tab = page.tab
    tab.get_by_role("button", name=re.compile("Execute query")).click()
    result = tab.locator(".graphiql-response")
    expect(result).to_contain_text('"totalCount": 9')
    expect(result).to_contain_text("OpenAI o3-mini System Card")
    assert [request.method for request in page.graphql][-1] == "POST"
    assert page.offsite == [] and page.errors == []


def test_graphiql_reloaded_shows_the_query_in_its_address(open_page, seed, settings):
    settings.GRAPHQL = {**settings.GRAPHQL, "GRAPHIQL": True}
    page = open_page()
    page.open("/graphql/?" + urlencode({"query": "{ vendors { slug name } }"}))
    tab = page.tab
    expect(tab.locator(".graphiql-query-editor")).to_contain_text("vendors { slug name }")
    tab.reload()
    expect(tab.locator(".graphiql-query-editor")).to_contain_text("vendors { slug name }")
    tab.get_by_role("button", name=re.compile("Execute query")).click()
    expect(tab.locator(".graphiql-response")).to_contain_text('"slug": "openai"')
    assert page.offsite == [] and page.errors == []


def test_redoc_renders_offline(open_page, seed):
    page = open_page()
    page.open("/api/redoc/")
    expect(page.tab.get_by_role("heading", name="List public entries")).to_be_visible()
    assert page.offsite == []
