"""schemathesis against the project's own OpenAPI schema, as a seller, a creator and
anonymously.

Every operation gets its coverage phase (schemathesis's covering cases: each parameter and
body field at its boundaries, missing, of the wrong type, out of its enum) and then generated
requests (valid and invalid). No answer may be a 5xx, and every answer must match the schema:
status code, content type and body.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from knox.models import AuthToken

from creators.models import Tier
from tests.factories import CreatorUserFactory, LeadFactory, SellerFactory, ThreadFactory

# schemathesis 3.39's coverage phase (default in 4.x) runs before the random examples.
schemathesis.experimental.COVERAGE_PHASE.enable()

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


# The coverage phase does the systematic work; a few random examples per operation follow.
FUZZ = settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))


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
