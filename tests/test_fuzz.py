"""Every operation of the published OpenAPI schema, fuzzed by Schemathesis.

A client who follows `/openapi.json` to the letter, or breaks it on purpose, must get an
answer the schema documents: never a 5xx, always a declared status code and content type,
and a body that matches the declared schema. Schemathesis reads the app's own schema,
generates valid requests (positive) and schema-violating ones (negative) for every
operation, write operations included, and sends them in-process with an admin key.

The run is deterministic (`derandomize`) and bounded (`MAX_EXAMPLES` per operation and
mode), so CI sees the same requests every time.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import APIOperation, Case, GenerationMode, SerializationContext
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import Settings, Store, create_app
from api.writes.keys import create_key
from models.base import Scope

MAX_EXAMPLES = 25

# What "answers as documented" means. Schemathesis' other default checks judge semantics
# the schema cannot express (a cursor must be one we issued, an If-Match must be the
# current ETag, a quote must be in the held text), so they are not asked here.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

FUZZ_SETTINGS = hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,  # a fixed seed: the same requests on every run
    database=None,
    deadline=None,  # a write on a cold PostgreSQL database may take a while
    suppress_health_check=[
        # Every example of a test shares its function-scoped `store` (and what earlier
        # examples wrote), on purpose. @given wraps an inner function here, so the check
        # cannot fire today; it is named so that moving @given onto the test keeps that.
        HealthCheck.function_scoped_fixture,
        # Negative generation mutates valid requests and drops the mutants that are still
        # valid; for tightly constrained bodies most of them are.
        HealthCheck.filter_too_much,
    ],
)

Operation = APIOperation[Any, Any, Any, Any]
AnyCase = Case[Any]


@schemathesis.serializer("application/x-ndjson")
def _ndjson(_ctx: SerializationContext, value: Any) -> bytes:
    """`POST /claims:batch` takes NDJSON, declared as a string; send strings as they are."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode()
    return json.dumps(value).encode()


class Tally:
    """How many requests each operation got, and what it answered."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.statuses: dict[str, Counter[int]] = defaultdict(Counter)

    def report(self, mode: GenerationMode, labels: list[str]) -> None:
        print(f"\n{mode.value} examples per operation (total {sum(self.calls.values())}):")
        for label in labels:
            answers = " ".join(f"{code}x{n}" for code, n in sorted(self.statuses[label].items()))
            print(f"  {self.calls[label]:4d}  {label:34} {answers}")


def _has_inputs(operation: Operation) -> bool:
    return bool(list(operation.iter_parameters())) or bool(list(operation.body))


def _cases(operation: Operation, mode: GenerationMode) -> st.SearchStrategy[AnyCase]:
    """Requests for `operation`; writes that take If-Match also try `*`, so some land."""
    cases = operation.as_strategy(generation_mode=mode)
    if any(header.name.lower() == "if-match" for header in operation.headers):
        cases |= operation.as_strategy(generation_mode=mode, headers={"If-Match": "*"})
    return cases


def _fuzz(operation: Operation, mode: GenerationMode, tally: Tally) -> None:
    @FUZZ_SETTINGS
    @given(case=_cases(operation, mode))
    def answers_as_documented(case: AnyCase) -> None:
        tally.calls[operation.label] += 1
        response = case.call_and_validate(checks=CHECKS)
        tally.statuses[operation.label][response.status_code] += 1

    answers_as_documented()


@pytest.fixture
def admin_key(store: Store) -> str:
    with store.write_session() as session:
        key = create_key(session, "fuzzer", Scope.admin)
        session.commit()
    return key


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
def test_every_operation_answers_as_documented(
    store: Store, admin_key: str, mode: GenerationMode
) -> None:
    app = create_app(Settings(database_url="sqlite://"), store=store)
    # The key goes where the document's own security scheme (`ApiKey`, bearer) says.
    config = SchemathesisConfig.from_dict({"auth": {"openapi": {"ApiKey": {"bearer": admin_key}}}})
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    failures: dict[str, str] = {}
    operations: list[Operation] = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):  # an operation Schemathesis cannot read fails the test
            failures[f"unreadable operation: {result.err()}"] = "invalid schema"
        else:
            operations.append(result.ok())
    # A negative request needs some input to get wrong; GET /health takes none.
    fuzzable = [op for op in operations if mode is GenerationMode.POSITIVE or _has_inputs(op)]
    assert fuzzable, "the schema lists no operations"

    tally = Tally()
    for operation in fuzzable:
        try:
            _fuzz(operation, mode, tally)
        except (AssertionError, BaseExceptionGroup, Unsatisfiable) as failure:
            failures[operation.label] = str(failure)

    tally.report(mode, [operation.label for operation in operations])
    assert not failures, "\n\n".join(f"{label}:\n{why}" for label, why in failures.items())
    assert [op.label for op in fuzzable if tally.calls[op.label] == 0] == []
