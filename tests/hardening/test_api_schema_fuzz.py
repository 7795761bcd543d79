"""schemathesis against the project's own OpenAPI schema, as a seller, a creator and
anonymously.

Every operation gets schemathesis's coverage phase (its covering cases: each parameter and
body field at its boundaries, missing, of the wrong type, out of its enum; positive and
negative) and then a few generated requests. No answer may be a 5xx, and every answer must
match the schema: status code, content type and body.

The coverage phase is run here rather than through `@schema.parametrize()`, for speed: the
pool's list alone has about 16,000 covering cases (every combination of its filters), so each
operation's cases are sampled evenly, COVERAGE_PER_OPERATION of them, the same ones every run;
and string lengths are capped in the copy of the schema the cases come from (a 5,000-character
boundary took schemathesis 3.39 a minute and a half to build for the notes endpoints).
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis import DataGenerationMethod
from schemathesis._hypothesis import _iter_coverage_cases  # 3.39's coverage phase

from creators.models import Tier
from tests.factories import CreatorUserFactory, LeadFactory, SellerFactory, ThreadFactory

APP = get_wsgi_application()
CHECKS = (
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
)


@pytest.fixture
def api_schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.from_dict(document, app=APP)


schema = schemathesis.from_pytest_fixture("api_schema")


@pytest.fixture(autouse=True)
def keep_test_connection():
    """Like Django's test client: don't close the test database between WSGI requests."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db):
    seller = SellerFactory()
    creator = CreatorUserFactory(tier=Tier.GOLD)
    LeadFactory(partner=seller.partner, creator=creator)
    ThreadFactory(partner=seller.partner, creator=creator)
    return {
        "seller": AuthToken.objects.create(user=seller.user)[1],
        "creator": AuthToken.objects.create(user=creator.user)[1],
    }


def call_as(case, token):
    headers = {"Authorization": f"Token {token}"} if token else {}
    response = case.call(headers=headers)
    case.validate_response(response, checks=CHECKS)


FUZZ = settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
COVERAGE_PER_OPERATION = 30
MAX_LENGTH_IN_COVERAGE = 64


def _capped(node):
    """The schema with every maxLength capped (see the module docstring)."""
    if isinstance(node, dict):
        capped = {key: _capped(value) for key, value in node.items()}
        if isinstance(capped.get("maxLength"), int):
            capped["maxLength"] = min(capped["maxLength"], MAX_LENGTH_IN_COVERAGE)
            if isinstance(capped.get("minLength"), int):
                capped["minLength"] = min(capped["minLength"], capped["maxLength"])
        return capped
    if isinstance(node, list):
        return [_capped(value) for value in node]
    return node


def coverage_cases():
    """Each operation's covering cases, sampled evenly (deterministic)."""
    document = _capped(SchemaGenerator().get_schema(request=None, public=True))
    covering = schemathesis.from_dict(document, app=APP)
    methods = [DataGenerationMethod.positive, DataGenerationMethod.negative]
    for result in covering.get_all_operations():
        operation = result.ok()
        # A form-encoded body can only be an object: schemathesis cannot send its other
        # negative bodies that way (werkzeug refuses them), so those go as JSON only.
        cases = [
            case
            for case in _iter_coverage_cases(operation, methods)
            if (isinstance(case.body, dict) or case.media_type in (None, "application/json"))
            # An empty path parameter makes the URL "…//", which the WSGI client folds into
            # the list's route: another operation, answering in its own shape.
            and "" not in (case.path_parameters or {}).values()
        ]
        step = max(1, len(cases) // COVERAGE_PER_OPERATION)
        yield operation, cases[::step][:COVERAGE_PER_OPERATION]


@pytest.mark.parametrize("role", ["seller", "creator", "anonymous"])
def test_the_coverage_phase_finds_nothing(tokens, role):
    operations, failures = 0, []
    for operation, cases in coverage_cases():
        operations += 1
        for case in cases:
            try:
                call_as(case, tokens.get(role))
            except AssertionError as exc:  # schemathesis' check failures
                failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:500])
    assert operations >= 20
    assert not failures, "\n\n".join(failures[:10])


@schema.parametrize()
@FUZZ
def test_every_operation_as_a_seller(case, tokens):
    call_as(case, tokens["seller"])


@schema.parametrize()
@FUZZ
def test_every_operation_as_a_creator(case, tokens):
    call_as(case, tokens["creator"])


@schema.parametrize()
@FUZZ
def test_every_operation_anonymously(case, tokens):
    call_as(case, None)
