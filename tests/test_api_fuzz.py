"""Property-based fuzzing of the HTTP API from its own OpenAPI schema (in-process, ASGI).

Every operation gets a bounded number of generated requests, valid and invalid; none may
answer 5xx. Writes are fuzzed too, with the token.
"""
import json
import os
import warnings

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402  (schemathesis depends on it)
from schemathesis.checks import not_a_server_error  # noqa: E402

from newsdesk import ingest  # noqa: E402
from newsdesk.api import create_app  # noqa: E402

TOKEN = "fuzz-token"

# Two small invented pages, so queries have rows to return.
PAGES = [
    {"url": "https://harbor.example/talks", "date": "2024-02-01", "format": "clean",
     "text": "Port talks open in Gdansk\n\nNegotiators from Poland and Sweden met in Gdansk on "
             "Thursday to discuss ferry fees, the port authority said. \"We will not accept new "
             "fees,\" union leader Ewa Nowak told reporters."},
    {"url": "https://valley.example/protest", "date": "2024-02-03", "format": "clean",
     "text": "Farmers protest in Lyon\n\nHundreds of farmers protested in Lyon on Saturday "
             "against fuel taxes. Police arrested three men after clashes near the city hall, "
             "officials said."},
]


def _app(tmp_dir):
    corpus = tmp_dir / "pages.jsonl"
    corpus.write_text("".join(json.dumps(p) + "\n" for p in PAGES), encoding="utf-8")
    db = str(tmp_dir / "fuzz.db")
    ingest([str(corpus)], db=db)
    return create_app(db, token=TOKEN)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return _app(tmp_path_factory.mktemp("fuzz"))


# Every operation of the schema, fuzzed with valid (positive) and invalid (negative) input.
# (Listed here, not collected from the schema at import time: building the app needs a
# store; test_every_operation_is_fuzzed keeps the list complete.)
OPERATIONS = [
    ("GET", "/api/health"), ("GET", "/api/articles"), ("GET", "/api/articles/{article_id}"),
    ("GET", "/api/events"), ("GET", "/api/events.geojson"), ("GET", "/api/statements"),
    ("GET", "/api/entities"), ("GET", "/api/places"), ("GET", "/api/timeline"),
    ("POST", "/api/pages"), ("GET", "/api/sources"),
    ("GET", "/api/stories"), ("GET", "/api/stories/{story_id}"), ("GET", "/api/incidents"),
    ("GET", "/api/incidents/{incident_id}"),
    ("GET", "/api/brief"), ("GET", "/api/articles/{article_id}/story"),
]
MAX_EXAMPLES = int(os.environ.get("NEWSDESK_FUZZ_EXAMPLES", "25"))


@pytest.fixture(scope="module")
def api_schema(app):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_every_operation_is_fuzzed(api_schema):
    found = {(op.ok().method.upper(), op.ok().path) for op in api_schema.get_all_operations()}
    assert found == set(OPERATIONS)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode), ids=lambda m: m.value)
@pytest.mark.parametrize("method,path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_server_errors(api_schema, method, path, mode):
    if path in ("/api/health", "/api/sources") and mode == schemathesis.GenerationMode.NEGATIVE:
        pytest.skip("no parameter to make invalid")
    operation = api_schema[path][method]
    seen = []

    # The token goes with every request, so writes get past the guard and are fuzzed too.
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
        seen.append(response.status_code)
        case.validate_response(response, checks=[not_a_server_error])

    run()
    print(method, path, mode.value, sorted(set(seen)))
    assert seen and max(seen) < 500
