"""Every example in the guides (README.md and docs/*.md) runs against a server with the demo data.

A reader copies the guides' commands; each must work as written and answer what the guide says.
The server is the one `make serve` starts (`manage.py runserver`, debug on), on a free port with a
scratch SQLite database prepared by `migrate` and `load_demo`, so the examples see exactly the
demo a newcomer sees.

What is run and checked:

- every `curl` command in a code block (`$API`, `https://cms.example.com` and
  `http://127.0.0.1:8000` stand for the server): its status is the one the guide states in a
  comment under it (`# 400 {...}`, `# HTTP/1.1 304 Not Modified`), else a 2xx; a header shown
  (`# ETag: "4f0c..."`) is present; a JSON body shown in the comment, or in a ```json block right
  after the commands, is a subset of the real one: the same keys with the same types, recursively,
  and the same values except per-run ones (ids, times, cursors) and texts elided with "...";
- a ```graphql block with the ```json variables after it, sent to /graphql/;
- a GraphQL answer (from either) has no `errors` and no null root field unless the guide shows them;
- every link to the local server in the prose answers without an error.

Placeholders are filled from the run: an `Api-Key` is a partner key made with
`partners.services.partner_key_create`, a header value shown elided in an earlier comment is the
value that response carried, `<the next link from the previous response>` is that response's `next`.
Examples the test cannot run are listed in SKIPPED with the reason.
"""

import base64
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from articles.selectors import SETTLE_SECONDS

ROOT = Path(__file__).resolve().parent.parent
GUIDES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# How the guides name the server; all of them mean the one under test.
SERVER_NAMES = ("$API", "${API}", "https://cms.example.com", "http://127.0.0.1:8000")
# Examples that cannot run here, by guide and a piece of the command, and why.
SKIPPED: dict[tuple[str, str], str] = {
    ("docs/rest.md", "release=$TOKEN"): (
        "a release preview token is made in the admin for one release; "
        "tests/articles/test_release_previews.py sends these requests"
    ),
}
# Keys whose values differ from run to run: only their presence and type are compared.
PER_RUN_KEYS = {
    "id",
    "created_at",
    "createdAt",
    "updated_at",
    "updatedAt",
    "published_at",
    "publishedAt",
    "modified_at",
    "modifiedAt",
    "dateModified",
    "datePublished",
    "time",
    "next",
    "previous",
    "cursor",
    "since",
    "token",
    "position",
    "retryAfter",
}
PER_RUN_HEADERS = {"etag", "last-modified", "date", "retry-after", "content-length"}
STATUS_LINE = re.compile(r"^(?:answers |HTTP/[\d.]+ )?([1-5]\d\d)\b(?:[ A-Za-z-]*?)\s*(.*)$")
HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9-]*): (.+)$")
PLACEHOLDER = re.compile(r"<the (\w+) link from the previous response>")


# --- reading the guides --------------------------------------------------------------------


@dataclass
class Block:
    lang: str
    line: int  # line number of the first line inside the fence
    lines: list[str]
    gap: list[str]  # the prose between the previous block and this one

    @property
    def text(self):
        return "\n".join(self.lines)


@dataclass
class Command:
    line: int
    text: str
    status: str | None = None  # "304", or None for any 2xx
    headers: dict[str, str] = field(default_factory=dict)
    body: object = None  # the documented JSON body, if any
    jq_keys: list[str] = field(default_factory=list)


@dataclass
class Example:
    guide: str
    line: int
    kind: str  # "curl", "graphql" or "links"
    commands: list[Command] = field(default_factory=list)
    query: str = ""
    variables: dict | None = None
    response: object = None  # a JSON body shown right after the example
    links: list[tuple[int, str, list]] = field(default_factory=list)  # line, url, claims

    @property
    def id(self):
        return f"{self.guide}:{self.line}"


def read_blocks(path: Path) -> tuple[list[Block], list[tuple[int, str]]]:
    """The fenced code blocks of a guide, and its prose lines (number, text)."""
    blocks, prose, gap = [], [], []
    fence = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        if fence is None and stripped.startswith("```"):
            fence = Block(stripped[3:].strip(), number + 1, [], gap)
            indent = len(line) - len(line.lstrip())
        elif fence is not None and stripped.startswith("```"):
            blocks.append(fence)
            fence, gap = None, []
        elif fence is not None:
            fence.lines.append(line[indent:] if line[:indent].isspace() else line)
        else:
            prose.append((number, line))
            gap.append(line)
    return blocks, prose


def documented_json(text: str):
    """A JSON value as the guides show it, with `{...}`, `[...]` and `...` standing for more."""
    text = re.sub(r"\{\s*\.\.\.\s*\}", "{}", text)
    text = re.sub(r"\[\s*\.\.\.\s*\]", "[]", text)
    text = re.sub(r",\s*\.\.\.\s*(?=[}\]])", "", text)
    return json.loads(text)


def command_extent(lines: list[str], start: int) -> int:
    """The index after the last line of the shell command starting at lines[start]."""
    end = start + 1
    while True:
        text = "\n".join(lines[start:end])
        if text.endswith("\\") and end < len(lines):
            end += 1
            continue
        try:
            shlex.split(text.replace("\\\n", " "), comments=True)
        except ValueError:  # an open quote: the command goes on
            if end >= len(lines):
                raise
            end += 1
            continue
        return end


def curl_text(line: str) -> str | None:
    """The curl command a shell line runs, also inside `$( ... )`."""
    stripped = line.strip()
    if stripped.startswith("curl "):
        return stripped
    match = re.search(r"\$\((curl .*)\)", line)
    return match.group(1) if match else None


def read_commands(block: Block) -> list[Command]:
    commands: list[Command] = []
    index = 0
    while index < len(block.lines):
        line = block.lines[index]
        stripped = line.strip()
        if curl_text(line) is not None:
            end = command_extent(block.lines, index)
            text = "\n".join(block.lines[index:end])
            commands.append(Command(block.line + index, curl_text(text) or text))
            index = end
            continue
        if commands and stripped.startswith("#"):
            expect(commands[-1], stripped.lstrip("#").strip())
        for key in re.findall(r"jq -r \.(\w+)", line):
            if commands:
                commands[-1].jq_keys.append(key)
        index += 1
    return commands


def expect(command: Command, comment: str) -> None:
    """Record what a comment under a command says its answer is."""
    if header := HEADER_LINE.match(comment):
        command.headers[header.group(1)] = header.group(2)
        return
    status = STATUS_LINE.match(comment)
    body = status.group(2) if status else comment
    if status:
        command.status = status.group(1)
    if body.startswith(("{", "[")):
        command.body = documented_json(body)


def read_examples(path: Path) -> list[Example]:
    guide = str(path.relative_to(ROOT))
    blocks, prose = read_blocks(path)
    examples: list[Example] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if block.lang in ("sh", "bash", "console", "") and "curl " in block.text:
            example = Example(guide, block.line, "curl", commands=read_commands(block))
            if following and following.lang == "json" and not "".join(following.gap).strip():
                example.response = documented_json(following.text)
                index += 1
            examples.append(example)
        elif block.lang == "graphql":
            example = Example(guide, block.line, "graphql", query=block.text)
            if following and following.lang == "json" and len(nonblank(following.gap)) <= 1:
                example.variables = documented_json(following.text)
                index += 1
                after = blocks[index + 1] if index + 1 < len(blocks) else None
                if after and after.lang == "json" and not "".join(after.gap).strip():
                    example.response = documented_json(after.text)
                    index += 1
            examples.append(example)
        index += 1
    links = []
    for number, line in prose:
        for match in re.finditer(r"http://127\.0\.0\.1:8000/[^\s`)|>]*", line):
            # What the sentence says the link answers: `"key": value` after it, before its end.
            rest = line[match.end() :] + " " + following_prose(prose, number)
            sentence = re.split(r"\.(?:\s|$)", rest, maxsplit=1)[0]
            claims = re.findall(r'`("\w+": [^`]+)`', sentence)
            links.append((number, match.group(0), [documented_json(f"{{{c}}}") for c in claims]))
    if links:
        examples.append(Example(guide, links[0][0], "links", links=links))
    return examples


def following_prose(prose, number) -> str:
    """The rest of the paragraph after prose line `number`."""
    lines = []
    for line_number, line in prose:
        if line_number <= number:
            continue
        if line_number != number + len(lines) + 1 or not line.strip():
            break
        lines.append(line.strip())
    return " ".join(lines)


def nonblank(lines):
    return [line for line in lines if line.strip()]


EXAMPLES = [example for path in GUIDES for example in read_examples(path)]


# --- the server ------------------------------------------------------------------------------

PREPARE = """
import io, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("load_demo", stdout=io.StringIO())
from partners.services import partner_key_create
print(partner_key_create(name="Guide examples")[1])
"""


@dataclass
class Server:
    url: str
    partner_key: str


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The server `make serve` runs, with the demo data and a partner key."""
    database = tmp_path_factory.mktemp("guides") / "db.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{database}",
        # Many examples in a row from one address: the budgets are not what they show.
        "API_ANONYMOUS_RATE": "100000/minute",
        "API_PARTNER_RATE": "100000/minute",
        "FEEDBACK_RATE": "1000/minute",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    prepared = subprocess.run(
        [sys.executable, "-c", PREPARE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert prepared.returncode == 0, prepared.stderr
    loaded = time.monotonic()
    partner_key = prepared.stdout.strip().splitlines()[-1]
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while True:
            try:
                httpx.get(f"{url}/api/schema/", timeout=5)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the server did not start: {process.stderr.read()}")
                time.sleep(0.2)
        # The change feed serves a change once it is SETTLE_SECONDS old (docs/rest.md): as
        # for a reader who starts the server and then reads the guide, the demo has settled.
        time.sleep(max(0.0, SETTLE_SECONDS - (time.monotonic() - loaded)))
        yield Server(url, partner_key)
    finally:
        process.terminate()
        process.wait(timeout=30)


# --- running a curl command ------------------------------------------------------------------


def expand(text: str, server: Server) -> str:
    """A shell command with the server's address and no other shell variables (all unset);
    as in the shell, nothing between single quotes is expanded."""
    for name in SERVER_NAMES:
        text = text.replace(name, server.url)
    out, run, quote = [], [], None
    for char in text:
        if quote == "'":  # inside single quotes, up to the closing one
            run.append(char)
            if char == "'":
                out.append("".join(run))
                run, quote = [], None
        elif char == "'" and quote is None:
            out.append(unset_variables("".join(run)))
            run, quote = [char], "'"
        else:
            if char == '"':
                quote = None if quote == '"' else '"'
            run.append(char)
    tail = "".join(run)
    out.append(tail if quote == "'" else unset_variables(tail))
    return "".join(out)


def unset_variables(text: str) -> str:
    text = re.sub(r"\$\{\w+:\+[^}]*\}", "", text)
    return re.sub(r"\$\{?\w+\}?", "", text)


def curl_request(text: str, server: Server) -> tuple[str, str, dict, bytes | None]:
    """Method, URL, headers and body of a curl command, as curl would send them."""
    words = shlex.split(expand(text.replace("\\\n", " "), server), comments=True)
    assert words[0] == "curl"
    method, url, headers, data, get = None, None, {}, [], False
    words = iter(words[1:])
    for word in words:
        if word in ("-H", "--header"):
            name, _, value = next(words).partition(":")
            headers[name.strip()] = value.strip()
        elif word in ("-d", "--data", "--data-raw", "--data-binary"):
            data.append(next(words))
        elif word == "--data-urlencode":
            name, _, value = next(words).rpartition("=")
            data.append(f"{name}={urllib.parse.quote_plus(value)}" if name else value)
        elif word in ("-X", "--request"):
            method = next(words)
        elif word in ("-G", "--get"):
            get = True
        elif word in ("-u", "--user"):
            headers["Authorization"] = "Basic " + base64.b64encode(next(words).encode()).decode()
        elif word in ("-s", "-S", "-sS", "-Ss", "-i", "-si", "-is", "--silent", "--include"):
            pass
        elif word.startswith("-"):
            raise AssertionError(f"the test does not know the curl option {word}")
        else:
            url = word
    body = "&".join(data) if data else None
    if get and body:
        url += ("&" if "?" in url else "?") + body
        body = None
    if body is not None:
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    method = method or ("POST" if body is not None else "GET")
    return method, url, headers, body.encode() if body is not None else None


# --- comparing what the guide shows with what the server says ---------------------------------


def elided_match(shown: str, actual: str) -> bool:
    """`"Request was throttled. ..."` matches any text with that beginning."""
    if "..." not in shown:
        return shown == actual
    head, _, tail = shown.partition("...")
    return actual.startswith(head.rstrip()) and actual.endswith(tail.lstrip())


def differences(shown, actual, path="") -> list[str]:
    """Where the real value does not hold what the guide shows (empty when it does)."""
    here = path or "the body"
    if isinstance(shown, dict):
        if not isinstance(actual, dict):
            return [f"{here}: the guide shows an object, the server gave {actual!r:.200}"]
        problems = []
        for key, value in shown.items():
            if key not in actual:
                problems.append(f"{path}.{key}: missing (the server gave keys {sorted(actual)})")
            elif key in PER_RUN_KEYS:
                if value is not None and actual[key] is not None:
                    problems += types_differ(value, actual[key], f"{path}.{key}")
            else:
                problems += differences(value, actual[key], f"{path}.{key}")
        return problems
    if isinstance(shown, list):
        if not isinstance(actual, list):
            return [f"{here}: the guide shows a list, the server gave {actual!r:.200}"]
        problems = []
        for item in shown:
            if all(differences(item, candidate, path) for candidate in actual):
                found = differences(item, actual[0], f"{path}[0]") if actual else ["empty"]
                problems.append(f"{here}: no item like {item!r:.200} ({'; '.join(found)})")
        return problems
    if isinstance(shown, str) and isinstance(actual, str):
        return [] if elided_match(shown, actual) else [f"{here}: {actual!r} ≠ shown {shown!r}"]
    if shown != actual or type(shown) is not type(actual):
        return [f"{here}: {actual!r:.200} ≠ shown {shown!r}"]
    return []


def types_differ(shown, actual, path) -> list[str]:
    if type(shown) is type(actual) or {type(shown), type(actual)} <= {int, float}:
        return []
    return [f"{path}: a {type(actual).__name__}, the guide shows a {type(shown).__name__}"]


def graphql_problems(body) -> list[str]:
    """A GraphQL answer that errs or finds nothing does not show what the example is for."""
    if not isinstance(body, dict):
        return ["the answer is not a JSON object"]
    if body.get("errors"):
        return [f"errors: {json.dumps(body['errors'])[:500]}"]
    data = body.get("data") or {}
    if not data:
        return ["no data"]
    return [f"data.{name} is null" for name, value in data.items() if value is None] + [
        problem for name, value in data.items() for problem in empty_list(value, f"data.{name}")
    ]


def empty_list(body, where="the answer") -> list[str]:
    """An example list that finds nothing in the demo data shows a reader nothing."""
    if isinstance(body, dict) and body.get("results") == []:
        return [f"{where}.results is empty: the example finds nothing in the demo data"]
    return []


def parsed(response: httpx.Response):
    try:
        return response.json()
    except ValueError:
        return None


# --- the tests -------------------------------------------------------------------------------


def skip_reason(guide: str, text: str) -> str | None:
    return next((why for (g, part), why in SKIPPED.items() if g == guide and part in text), None)


def run_curl(example: Example, server: Server) -> list[str]:
    problems, previous, seen = [], None, {}
    for command in example.commands:
        text = command.text
        where = f"{example.guide}:{command.line}: {text}"
        if skip_reason(example.guide, text):
            continue
        if placeholder := PLACEHOLDER.search(text):
            link = (parsed(previous) or {}).get(placeholder.group(1)) if previous else None
            if not link:
                problems.append(f"{where}\n  the previous response has no {placeholder.group(1)}")
                continue
            text = text.replace(placeholder.group(0), link)
        for shown, real in seen.items():
            text = text.replace(shown, real)
        method, url, headers, body = curl_request(text, server)
        if command.status != "401" and headers.get("Authorization", "").startswith("Api-Key "):
            headers["Authorization"] = f"Api-Key {server.partner_key}"
        response = httpx.request(method, url, headers=headers, content=body, timeout=30)
        previous = response
        found = []
        expected = command.status
        if expected and str(response.status_code) != expected:
            found.append(f"status {response.status_code}, the guide says {expected}")
        elif not expected and not 200 <= response.status_code < 300:
            found.append(f"status {response.status_code}, the guide shows a success")
        for name, value in command.headers.items():
            if name not in response.headers:
                found.append(f"no {name} header")
            elif "..." in value or name.lower() in PER_RUN_HEADERS:
                seen[value] = response.headers[name]
            elif response.headers[name] != value:
                found.append(f"{name}: {response.headers[name]!r}, the guide shows {value!r}")
        payload = parsed(response)
        shown = command.body
        if shown is None and command is example.commands[-1]:
            shown = example.response
        if shown is not None:
            found += differences(shown, payload)
        for key in command.jq_keys:
            if not isinstance(payload, dict) or key not in payload:
                found.append(f"the guide reads .{key}, which the answer lacks")
        # A 304 has no body: the guide states it, and its status was checked above.
        is_answer = response.status_code != 304
        if urllib.parse.urlsplit(url).path == "/graphql/" and shown is None and is_answer:
            found += graphql_problems(payload)
        elif shown is None:
            found += empty_list(payload)
        if found:
            problems.append(
                f"{where}\n  "
                + "\n  ".join(found)
                + f"\n  answer: {response.status_code} {response.text[:400]}"
            )
    return problems


def run_graphql(example: Example, server: Server) -> list[str]:
    response = httpx.post(
        f"{server.url}/graphql/",
        json={"query": example.query, "variables": example.variables or {}},
        timeout=30,
    )
    payload = parsed(response)
    found = [] if response.status_code == 200 else [f"status {response.status_code}"]
    if example.response is not None:
        found += differences(example.response, payload)
    else:
        found += graphql_problems(payload)
    if not found:
        return []
    first = example.query.strip().splitlines()[0]
    return [
        f"{example.id}: {first} ... with variables {json.dumps(example.variables)}\n  "
        + "\n  ".join(found)
        + f"\n  answer: {response.status_code} {response.text[:400]}"
    ]


def run_links(example: Example, server: Server) -> list[str]:
    problems = []
    for line, url, claims in example.links:
        response = httpx.get(url.replace("http://127.0.0.1:8000", server.url), timeout=30)
        if response.status_code >= 400:
            problems.append(f"{example.guide}:{line}: {url} answers {response.status_code}")
        for claim in claims:
            if found := differences(claim, parsed(response)):
                problems.append(f"{example.guide}:{line}: {url}\n  " + "\n  ".join(found))
    return problems


RUNNERS = {"curl": run_curl, "graphql": run_graphql, "links": run_links}


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.id for example in EXAMPLES])
def test_example_works_as_the_guide_says(example, server):
    reasons = {skip_reason(example.guide, command.text) for command in example.commands}
    if example.commands and None not in reasons:
        pytest.skip("; ".join(sorted(reasons)))
    problems = RUNNERS[example.kind](example, server)
    assert not problems, "\n\n".join(problems)


def test_every_curl_in_the_guides_is_run_or_skipped_with_a_reason():
    """The parser must not lose commands silently, and no skip may outlive its example."""
    run = {(example.guide, command.line) for example in EXAMPLES for command in example.commands}
    missed = []
    for path in GUIDES:
        guide = str(path.relative_to(ROOT))
        blocks, _ = read_blocks(path)
        for block in blocks:
            for offset, line in enumerate(block.lines):
                if curl_text(line) is not None and (guide, block.line + offset) not in run:
                    missed.append(f"{guide}:{block.line + offset}: {line.strip()}")
    assert not missed, "curl commands the test does not run:\n" + "\n".join(missed)
    commands = [(e.guide, c.text) for e in EXAMPLES for c in e.commands]
    stale = [key for key in SKIPPED if not any(g == key[0] and key[1] in t for g, t in commands)]
    assert not stale, f"skips that match no example: {stale}"
    assert {example.kind for example in EXAMPLES} == {"curl", "graphql", "links"}
