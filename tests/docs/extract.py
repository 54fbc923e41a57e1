"""Every request example of the Bagisto documentation pages (`../shared/seeds/bagisto/`), with the
response the page shows for it.

The pages are stored with their whitespace collapsed: a page is `# <title> URL: <url> --- <front
matter>` on one line, a line `---`, then the Markdown body, mostly on one line too. Neither the
front matter (YAML) nor the fenced blocks keep their line breaks, so this module reads them with
token rules instead of a YAML or Markdown parser:

* front matter `examples:` — each `- id:` starts an example; `title:` and `description:` follow it;
  the block keys `query: |`, `request: |`, `curl: |`, `variables: |`, `response: |`, `headers: |`
  hold the values up to the next accepted key; `commonErrors:` ends the example's values.
  `query`/`request`/`curl` hold a GraphQL document, a curl command or a raw HTTP request
  (`POST /api/... Header: value ... {json}`), whatever the key says.
* body fences — a ```graphql block is a GraphQL example; the JSON fences right after it (before the
  next request) are its variables (an object without `data`/`errors`) and its response (an object
  with `data` or `errors`). Every `curl` command in a fence is a REST example (or a GraphQL one when
  it posts to a GraphQL endpoint); the next JSON fence before another request is its response.
  JavaScript/Python/PHP variants of the same call and bare `METHOD /path` endpoint declarations are
  not examples. A body example equal to a front-matter example of the same page is not repeated.

GraphQL comments (`# ...`) lost their line ends; a comment is dropped up to the next operation
keyword (`query`, `mutation`, ...), and a block holding several operations becomes one example per
operation. Whatever cannot be read (a block that is prose, a curl without an `/api/` URL) is listed
in `Extraction.skipped` with the reason, never dropped silently.
"""
from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds" / "bagisto"

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
GRAPHQL_ENDPOINTS = {"/api/graphql": "shop", "/api/admin/graphql": "admin"}


@dataclass
class Example:
    page: str                       # path under the seeds folder, e.g. "graphql-api/shop/queries/get-channel.md"
    area: str                       # the page's folder, e.g. "graphql-api/shop/queries"; "(root)" for top-level pages
    index: int                      # position among the page's examples
    name: str                       # front-matter id, or "<heading>" (+ "-2", ...) for body examples
    kind: str                       # "graphql" | "rest"
    surface: str                    # "shop" | "admin"
    source: str                     # "front-matter" | "fence"
    title: str = ""
    # GraphQL
    document: str | None = None
    variables: dict | None = None
    variables_error: str | None = None
    # REST
    method: str | None = None
    path: str | None = None         # "/api/shop/products/1" (no query string)
    query: list = field(default_factory=list)   # [(name, value)] in order
    headers: dict = field(default_factory=dict)
    body: object = None             # parsed JSON body, or {field: value} for a form (-F)
    body_kind: str | None = None    # "json" | "form" | "raw" (not JSON) | None (no body)
    # documented response
    documented_status: int | None = None
    documented_response: object = None   # parsed JSON, None when the page shows none or no JSON
    response_note: str | None = None      # why there is no documented JSON response
    auth: tuple = ()                # what the example sends: "storefront-key", "bearer"
    nullable: frozenset = frozenset()  # field names the page's tables document as nullable
    mixed: dict = field(default_factory=dict)  # field documented as of any type (`mixed`) -> its table's fields

    @property
    def key(self) -> str:
        return f"{self.page}#{self.name}"

    @property
    def surface_kind(self) -> str:
        return f"{self.kind}/{self.surface}"


@dataclass
class Extraction:
    examples: list
    skipped: list                   # (page, where, reason)


# ---------------------------------------------------------------------------------------- pages

PAGE_RE = re.compile(r"# (?P<title>.*?) URL: (?P<url>\S+) --- (?P<front>.*?)\n---\n(?P<body>.*)\Z", re.S)


def page_parts(text: str) -> tuple[str, str]:
    """(front matter, body) of a page; the front matter is '' on pages without one."""
    match = PAGE_RE.match(text)
    if match:
        return match["front"], match["body"]
    return "", text


TABLE_ROW = re.compile(r"\|\s*`(?P<name>[A-Za-z_$][\w.$\[\]]*)`\s*\|\s*(?P<type>(?:[^|\\]|\\\|)+?)\s*\|")
# a row naming several typed columns of which the page says only one is populated (`textValue` /
# `integerValue` / ... | mixed | ... only one is populated per row): the others are null on every row
ONE_OF_COLUMNS = re.compile(r"\|\s*(?P<names>`\w+`(?:\s*/\s*`\w+`)+)\s*\|[^|\n]*\|(?P<description>[^|\n]*)\|")
GRAPHQL_TYPE = re.compile(r"^\[?[A-Z]\w*!?\]?!?$")


def documented_nullable(body: str) -> frozenset:
    """Field names every field table of the page documents as nullable: a GraphQL type without `!`
    (`String`, not `String!`) or a REST type that admits null (`string \\| null`)."""
    verdicts: dict[str, set] = {}
    for row in TABLE_ROW.finditer(body):
        kind = row["type"].replace("`", "").strip()
        if GRAPHQL_TYPE.match(kind):
            nullable = not kind.endswith("!")
        elif re.search(r"[a-z]", kind) and len(kind) < 40:
            nullable = "null" in kind.lower()
        else:
            continue
        verdicts.setdefault(row["name"].rsplit(".", 1)[-1], set()).add(nullable)
    for row in ONE_OF_COLUMNS.finditer(body):
        if re.search(r"(?i)only one (?:\w+ )?(?:is|of them is) (?:populated|set|filled)", row["description"]):
            for name in re.findall(r"`(\w+)`", row["names"]):
                verdicts.setdefault(name, set()).add(True)
    return frozenset(name for name, seen in verdicts.items() if seen == {True})


def documented_mixed(body: str) -> dict[str, frozenset]:
    """Fields a table of the page documents as of any JSON type (`mixed`, `any`), each with the fields of
    its table (the section under one heading): an object showing those fields may hold another scalar
    type there (a `value` that is a text on one row, a number on another); a field of the same name in
    another table keeps its type."""
    mixed: dict[str, frozenset] = {}
    for section in re.split(r"(?:^|\s)#{2,6} ", body):
        rows = [(row["name"].rsplit(".", 1)[-1], row["type"].replace("`", "").strip().lower())
                for row in TABLE_ROW.finditer(section)]
        names = frozenset(name for name, _ in rows) | frozenset(re.findall(r"`(\w+)`(?=\s*/|\s*\|\s*mixed)", section))
        for name, kind in rows:
            if kind in ("mixed", "any"):
                mixed[name] = mixed.get(name, frozenset()) | names
    return mixed


def area_of(page: str) -> str:
    folder = page.rsplit("/", 1)[0] if "/" in page else ""
    return folder or "(root)"


def pages(seeds: Path = SEEDS) -> list[str]:
    return sorted(str(path.relative_to(seeds)) for path in seeds.rglob("*.md"))


# ---------------------------------------------------------------------------------------- front matter

KEY_RE = re.compile(
    r"(?:(?<=\s)|^)(?P<dash>- )?(?P<key>id|title|description|query|variables|response|request|curl|headers"
    r"|commonErrors|error|cause|solution|apiType|outline|examples):(?P<block> \|[-+]?)?(?=\s|$)")
BLOCK_KEYS = {"query", "variables", "response", "request", "curl", "headers"}


def front_matter_examples(front: str) -> list[dict]:
    """[{id, title, query|request|curl, variables, response, headers}] in page order."""
    examples, current, state = [], None, "top"
    accepted = []  # (key, value start, token start)
    for match in KEY_RE.finditer(front):
        key, dash, block = match["key"], match["dash"], match["block"]
        if key == "id" and dash and front[:match.start()].rstrip().endswith("#"):
            state = "commented"  # a commented-out example (`# - id: ...`): its lines are YAML comments
            continue
        if key == "id" and dash:
            state = "id"
        elif key == "title" and not dash and state == "id":
            state = "title"
        elif key == "description" and not dash and state in ("id", "title"):
            state = "description"
        elif key in BLOCK_KEYS and block and state not in ("top", "errors", "commented"):
            state = key
        elif key == "commonErrors" and not block and state not in ("top", "errors", "commented"):
            state = "errors"
        elif key in ("apiType", "outline", "examples") and state == "top":
            pass
        else:
            continue  # part of the current value
        accepted.append((key if not (key == "id" and dash) else "- id", match.end(), match.start()))
    for position, (key, value_start, _) in enumerate(accepted):
        value_end = accepted[position + 1][2] if position + 1 < len(accepted) else len(front)
        value = front[value_start:value_end].strip()
        if key == "- id":
            current = {"id": value}
            examples.append(current)
        elif current is not None and key in BLOCK_KEYS | {"title"}:
            current[key] = value
    return examples


# ---------------------------------------------------------------------------------------- JSON

def loads_lenient(text: str):
    """The first JSON value in `text` (control characters allowed in strings), or raise ValueError.
    Falls back to dropping `// ...` comments, `...` placeholders and trailing commas."""
    text = text.strip()
    start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
    if start < 0:
        raise ValueError("no JSON value")
    decoder = json.JSONDecoder(strict=False)
    try:
        return decoder.raw_decode(text, start)[0]
    except json.JSONDecodeError as error:
        first_error = error
    repaired = re.sub(r"//[^\"{}\[\]]*", "", text[start:])
    repaired = re.sub(r"(?<![\"\w])\.\.\.(?![\"\w])", "", repaired)
    repaired = re.sub(r",\s*(?=[}\]])", "", repaired)
    repaired = re.sub(r"([{\[,])\s*,", r"\1", repaired)
    try:
        return decoder.raw_decode(repaired)[0]
    except json.JSONDecodeError:
        raise ValueError(f"not JSON ({first_error.msg} at {first_error.pos - start})") from None


STATUS_RE = re.compile(r"^(?:HTTP/[\d.]+\s+)?(?P<status>[1-5]\d\d)\b")


def documented_response(text: str | None) -> tuple[int | None, object, str | None]:
    """(status, parsed JSON or None, note) of a documented response text."""
    if text is None:
        return None, None, "no response shown"
    # `# ...` lines are the page's comments on the response (a CSV export notes its filters, which
    # may hold brackets such as "price in [50,200]"), not part of it
    text = "\n".join(line for line in text.strip().splitlines() if not line.lstrip().startswith("#")).strip()
    status = None
    match = STATUS_RE.match(text)
    if match:
        status = int(match["status"])
    try:
        return status, loads_lenient(text), None
    except ValueError as error:
        return status, None, f"response {error}" if text else "empty response"


def parse_variables(text: str | None) -> tuple[dict | None, str | None]:
    if text is None or not text.strip():
        return None, None
    try:
        value = loads_lenient(text)
    except ValueError as error:
        return None, f"variables {error}"
    if not isinstance(value, dict):
        return None, "variables are not a JSON object"
    return value, None


# ---------------------------------------------------------------------------------------- GraphQL

OPERATION_START = re.compile(r"\b(?:query|mutation|subscription)\b\s*(?:[A-Za-z_]\w*\s*)?[({]"
                             r"|\bfragment\s+\w+\s+on\b|(?<![\w)])\{")


def strip_graphql_comments(document: str) -> str:
    """Drop `# ...` comments whose line end was lost: up to the next operation keyword (or a `{`
    opening an anonymous operation), else to the end. `#` inside string literals is kept."""
    out, position, in_string = [], 0, False
    while position < len(document):
        char = document[position]
        if char == '"' and (position == 0 or document[position - 1] != "\\"):
            in_string = not in_string
        if char == "#" and not in_string:
            match = OPERATION_START.search(document, position + 1)
            if match is None:
                break
            out.append(" ")
            position = match.start()
            continue
        out.append(char)
        position += 1
    return "".join(out).strip()


def only_schema_definitions(document: str) -> bool:
    """True for a block of type-system definitions (`type Product { ... }`, `directive @auth ...`): a
    page showing its schema, not a request to send."""
    from graphql import ExecutableDefinitionNode, GraphQLSyntaxError, parse
    try:
        definitions = parse(document).definitions
    except GraphQLSyntaxError:
        return False
    return bool(definitions) and not any(isinstance(node, ExecutableDefinitionNode) for node in definitions)


def looks_like_graphql(text: str) -> bool:
    return bool(re.match(r"(?:query|mutation|subscription|fragment)\b|\{", text.strip()))


def split_operations(document: str) -> list[str]:
    """One document per operation when a block holds several (fragments go with each)."""
    from graphql import parse
    from graphql.language import OperationDefinitionNode, print_ast
    from graphql.language.ast import DocumentNode
    if top_level_definitions(document) < 2:
        return [document]
    try:
        tree = parse(document)
    except Exception:  # noqa: BLE001 — an unparsable document stays whole; validation reports it
        return [document]
    operations = [d for d in tree.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) < 2:
        return [document]
    others = tuple(d for d in tree.definitions if not isinstance(d, OperationDefinitionNode))
    return [print_ast(DocumentNode(definitions=(operation,) + others)) for operation in operations]


def top_level_definitions(document: str) -> int:
    """How many `{...}` blocks open at depth 0 (strings skipped): a cheap upper bound of definitions."""
    depth, count, in_string, previous = 0, 0, False, ""
    for char in document:
        if char == '"' and previous != "\\":
            in_string = not in_string
        elif not in_string:
            if char == "{":
                count += depth == 0
                depth += 1
            elif char == "}":
                depth -= 1
        previous = char
    return count


ADMIN_FIELD_RE = re.compile(r"\b(?:admin[A-Z]\w*|\w+Admin[A-Z]\w*)\s*[({]")


def graphql_surface(page: str, document: str, endpoint: str | None = None) -> str:
    if endpoint in GRAPHQL_ENDPOINTS:
        return GRAPHQL_ENDPOINTS[endpoint]
    if page.startswith("graphql-api/admin") or "/admin" in page or page.startswith("recipes/admin"):
        return "admin"
    return "admin" if ADMIN_FIELD_RE.search(document) else "shop"


# ---------------------------------------------------------------------------------------- REST

def rest_surface(path: str) -> str:
    return "admin" if path.startswith("/api/admin/") or path == "/api/admin" else "shop"


def split_url(url: str) -> tuple[str | None, list]:
    """('/api/...', [(name, value)]) of an absolute or relative URL; None without an /api path."""
    url = url.strip().strip("'\"")
    index = url.find("/api/")
    if index < 0 and not url.endswith("/api"):
        return None, []
    parts = urlsplit("http://host" + url[index:])
    return parts.path, parse_qsl(parts.query, keep_blank_values=True)


CURL_STOP = {"#", "|", "||", "&&", ";", ">", ">>", "echo", "curl", "php", "jq"}
CURL_FLAGS_WITH_VALUE = {"-o", "--output", "-u", "--user", "-w", "--write-out", "-m", "--max-time",
                         "--connect-timeout", "-A", "--user-agent", "-b", "--cookie", "-c", "--cookie-jar",
                         "-e", "--referer", "--retry"}


def shell_words(text: str) -> list[str]:
    text = re.sub(r"\\\s+", " ", text)  # line continuations, whose line break was lost
    try:
        lexer = shlex.shlex(text, posix=True, punctuation_chars="|;&>")
        lexer.whitespace_split = True
        lexer.commenters = ""
        return list(lexer)
    except ValueError:  # unbalanced quotes (an apostrophe in a body): fall back to spaces
        return text.split()


def parse_curl(text: str) -> dict | None:
    """{method, url, headers, data, form} of the first curl command in `text`, or None."""
    words = shell_words(text)
    if "curl" not in words:
        return None
    words = words[words.index("curl") + 1:]
    method, url, headers, data, form, get = None, None, {}, None, {}, False
    position = 0
    while position < len(words):
        word = words[position]
        value = words[position + 1] if position + 1 < len(words) else None
        if word in CURL_STOP or word.startswith("#"):
            break
        if word in ("-X", "--request"):
            method, position = (value or "").upper(), position + 2
        elif word in ("-H", "--header"):
            if value and ":" in value:
                name, _, header_value = value.partition(":")
                headers[name.strip()] = header_value.strip()
            position += 2
        elif word in ("-d", "--data", "--data-raw", "--data-binary", "--data-urlencode", "--json"):
            data = value if data is None else data + "&" + (value or "")
            position += 2
        elif word in ("-F", "--form"):
            if value and "=" in value:
                name, _, form_value = value.partition("=")
                form[name] = form_value
            position += 2
        elif word in ("-G", "--get"):
            get, position = True, position + 1
        elif word == "--url":
            url, position = value, position + 2
        elif word in CURL_FLAGS_WITH_VALUE:
            position += 2
        elif word.startswith("-"):
            position += 1
        else:
            if url is None:
                url = word
            position += 1
    if url is None:
        return None
    if method is None:
        method = "GET" if get or (data is None and not form) else "POST"
    return {"method": method, "url": url, "headers": headers, "data": data, "form": form}


RAW_HEADER_RE = re.compile(r"(?:^|\s)(?P<name>[A-Za-z][A-Za-z0-9-]*):\s")


def parse_raw_http(text: str) -> dict | None:
    """{method, url, headers, data} of `METHOD /path Header: value ... {json}`, or None."""
    match = re.match(r"(?P<method>GET|POST|PUT|PATCH|DELETE)\s+(?P<url>\S+)\s*(?P<rest>.*)\Z", text.strip(), re.S)
    if not match:
        return None
    rest = match["rest"]
    body_start = min((i for i in (rest.find("{"), rest.find("[")) if i >= 0), default=len(rest))
    header_text, data = rest[:body_start], rest[body_start:].strip() or None
    headers = {}
    names = list(RAW_HEADER_RE.finditer(header_text))
    for position, name in enumerate(names):
        end = names[position + 1].start() if position + 1 < len(names) else len(header_text)
        headers[name["name"]] = header_text[name.end():end].strip()
    return {"method": match["method"], "url": match["url"], "headers": headers, "data": data, "form": {}}


def auth_of(headers: dict) -> tuple:
    names = {name.lower(): value for name, value in headers.items()}
    auth = []
    if "x-storefront-key" in names:
        auth.append("storefront-key")
    if "authorization" in names:
        auth.append("bearer")
    return tuple(auth)


# ---------------------------------------------------------------------------------------- building examples

class PageReader:
    def __init__(self, page: str, text: str):
        self.page, self.area = page, area_of(page)
        self.front, self.body = page_parts(text)
        self.nullable = documented_nullable(self.body)
        self.mixed = documented_mixed(self.body)
        self.examples: list[Example] = []
        self.skipped: list[tuple] = []
        self.names: dict[str, int] = {}

    def name(self, wanted: str) -> str:
        wanted = wanted or "example"
        count = self.names.get(wanted, 0) + 1
        self.names[wanted] = count
        return wanted if count == 1 else f"{wanted}-{count}"

    def add(self, example: Example):
        example.index = len(self.examples)
        example.nullable = self.nullable
        example.mixed = self.mixed
        self.examples.append(example)

    # -- requests of either kind

    def add_request(self, text: str, name: str, title: str, source: str, variables_text: str | None,
                    response_text: str | None, where: str):
        text = text.strip()
        status, response, note = documented_response(response_text)
        if text.startswith("#") and re.search(r"#\s*curl\s", text):
            # a comment quoting a commented-out curl (a GraphQL page's note that uploads are REST-only)
            self.skipped.append((self.page, where, "a comment quoting a commented-out curl"))
            return
        if text.startswith("curl") or re.search(r"(?:^|\s)curl\s", text):
            request = parse_curl(text)
        elif re.match(r"(?:GET|POST|PUT|PATCH|DELETE)\s+\S", text):
            request = parse_raw_http(text)
        elif looks_like_graphql(text) or text.startswith("#"):
            self.add_graphql(text, name, title, source, variables_text, status, response, note, where)
            return
        else:
            self.skipped.append((self.page, where, "neither a GraphQL document nor an HTTP request"))
            return
        if request is None:
            self.skipped.append((self.page, where, "a command without a request URL"))
            return
        self.add_http(request, name, title, source, status, response, note, where)

    def add_graphql(self, text, name, title, source, variables_text, status, response, note, where,
                    endpoint=None, variables=None, variables_error=None, headers=None):
        document = strip_graphql_comments(text)
        if not document:
            self.skipped.append((self.page, where, "a GraphQL block holding only comments"))
            return
        if only_schema_definitions(document):
            self.skipped.append((self.page, where, "a GraphQL block holding only schema definitions (SDL)"))
            return
        if variables is None and variables_error is None:
            variables, variables_error = parse_variables(variables_text)
        documents = split_operations(document)
        for position, single in enumerate(documents):
            label = name if len(documents) == 1 else f"{name}-op{position + 1}"
            self.add(Example(
                page=self.page, area=self.area, index=0, name=self.name(label), kind="graphql",
                surface=graphql_surface(self.page, single, endpoint), source=source, title=title,
                document=single, variables=variables, variables_error=variables_error,
                headers=headers or {}, documented_status=status,
                documented_response=response if len(documents) == 1 else None,
                response_note=note if len(documents) == 1 else "one response shown for several operations",
                auth=auth_of(headers or {})))

    def add_http(self, request, name, title, source, status, response, note, where):
        path, query = split_url(request["url"])
        if path is None:
            self.skipped.append((self.page, where, f"a request outside the API ({request['url'][:60]})"))
            return
        endpoint = path.rstrip("/")
        data, form = request["data"], request["form"]
        if endpoint in GRAPHQL_ENDPOINTS:
            payload = None
            if data is not None:
                try:
                    payload = loads_lenient(data)
                except ValueError:
                    payload = None
            if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
                self.skipped.append((self.page, where, "a GraphQL request without a readable query"))
                return
            variables = payload.get("variables")
            variables_error = None if variables is None or isinstance(variables, dict) \
                else "variables are not an object"
            self.add_graphql(payload["query"], name, title, source, None, status, response, note, where,
                             endpoint=endpoint, variables=variables if isinstance(variables, dict) else None,
                             variables_error=variables_error, headers=request["headers"])
            return
        body, body_kind = None, None
        if form:
            body, body_kind = form, "form"
        elif data is not None:
            try:
                body, body_kind = loads_lenient(data), "json"
            except ValueError:
                body, body_kind = data, "raw"
        self.add(Example(
            page=self.page, area=self.area, index=0, name=self.name(name), kind="rest",
            surface=rest_surface(path), source=source, title=title, method=request["method"], path=path,
            query=query, headers=request["headers"], body=body, body_kind=body_kind, documented_status=status,
            documented_response=response, response_note=note, auth=auth_of(request["headers"])))

    # -- front matter

    def read_front_matter(self):
        for position, raw in enumerate(front_matter_examples(self.front)):
            text = raw.get("request") or raw.get("curl") or raw.get("query")
            where = f"front matter example {raw.get('id') or position + 1}"
            if text is None:
                self.skipped.append((self.page, where, "no query, request or curl"))
                continue
            self.add_request(text, raw.get("id") or f"example-{position + 1}", raw.get("title", ""),
                             "front-matter", raw.get("variables"), raw.get("response"), where)

    # -- body fences

    def read_body(self):
        fences = [(m.start(), m.end(), m["lang"].lower(), m["text"].strip())
                  for m in re.finditer(r"```(?P<lang>[A-Za-z]*)(?P<text>.*?)```", self.body, re.S)]
        seen_graphql = {normalise(e.document) for e in self.examples if e.kind == "graphql"}
        seen_rest = {(e.method, e.path, tuple(e.query), json.dumps(e.body, sort_keys=True))
                     for e in self.examples if e.kind == "rest"}
        for position, (start, _end, lang, text) in enumerate(fences):
            heading = heading_before(self.body, start)
            where = f"fence {position + 1} ({heading or 'no heading'})"
            if lang == "graphql":
                variables_text, response_text = following_json(self.body, fences, position, graphql=True)
                document = strip_graphql_comments(text)
                if normalise(document) in seen_graphql:
                    continue
                self.add_graphql(text, slug(heading), heading, "fence", variables_text,
                                 *documented_response(response_text), where)
            elif lang in ("bash", "sh", "shell", "") and re.search(r"(?:^|\s)curl\s", text):
                _, response_text = following_json(self.body, fences, position, graphql=False)
                for number, command in enumerate(re.split(r"(?=(?:^|\s)curl\s)", text)):
                    if not re.match(r"\s*curl\s", command):
                        continue
                    request = parse_curl(command)
                    label = f"{where} curl {number}"
                    if request is None:
                        self.skipped.append((self.page, label, "a curl command without a URL"))
                        continue
                    path, query = split_url(request["url"])
                    body = request["data"]
                    try:
                        body = loads_lenient(body) if body else body
                    except ValueError:
                        pass
                    identity = (request["method"], path, tuple(query), json.dumps(body or request["form"] or None,
                                                                                  sort_keys=True))
                    if identity in seen_rest:
                        continue
                    seen_rest.add(identity)
                    self.add_http(request, slug(heading), heading, "fence",
                                  *documented_response(response_text), label)


def normalise(document: str | None) -> str:
    return re.sub(r"\s+", "", document or "")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "example"


CONNECTORS = {"a", "an", "and", "by", "for", "from", "in", "of", "on", "or", "the", "to", "via", "vs", "with"}


def heading_before(body: str, position: int) -> str:
    """The last Markdown heading before `position`. Headings lost their line end, so the title is
    the run of Title Case words after the hashes, without the capitalised first word of the prose."""
    found = None
    for match in re.finditer(r"(?:^|\s)#{1,6} ([^#`|]*)", body[:position]):
        found = match
    if found is None:
        return ""
    words, stopped = [], False
    for word in found.group(1).replace("**", " ").split():
        if word[0].isupper() or not word[0].isalpha() or word in CONNECTORS:
            words.append(word)
        else:
            stopped = True
            break
    while words and words[-1] in CONNECTORS:
        words.pop()
    if stopped and len(words) > 1:
        words.pop()
    return " ".join(words[:10]).strip(" :.-")


def following_json(body: str, fences: list, position: int, graphql: bool) -> tuple[str | None, str | None]:
    """(variables text, response text) among the JSON fences right after fence `position`, before the
    next request fence. A GraphQL response has `data` or `errors` at the top."""
    variables, response = None, None
    previous_end = fences[position][1]
    for start, end, lang, text in fences[position + 1:position + 8]:
        if lang == "graphql" or (lang in ("bash", "sh", "shell", "") and "curl" in text):
            break
        between, previous_end = body[previous_end:start], end
        if any(not re.search(r"(?i)respon|result|output|variable|returns", heading)
               for heading in re.findall(r"(?:^|\s)#{1,6} ([^#`|]{0,60})", between)):
            break  # another section
        if lang not in ("json", ""):
            continue
        if lang == "" and not text.startswith(("{", "[", "HTTP/")):
            continue
        try:
            value = loads_lenient(text)
        except ValueError:
            value = None
        is_response = isinstance(value, dict) and ("data" in value or "errors" in value)
        if graphql and not is_response and variables is None and response is None and isinstance(value, dict):
            variables = text
            continue
        response = text
        break
    return variables, response


def read_page(page: str, seeds: Path = SEEDS) -> Extraction:
    reader = PageReader(page, (seeds / page).read_text(encoding="utf-8"))
    reader.read_front_matter()
    reader.read_body()
    return Extraction(reader.examples, reader.skipped)


def extract_all(seeds: Path = SEEDS) -> Extraction:
    examples, skipped = [], []
    for page in pages(seeds):
        found = read_page(page, seeds)
        examples += found.examples
        skipped += found.skipped
    return Extraction(examples, skipped)
