"""Customer login throttling (docs/security.md, "Login lockout"): per (email, client address) with a
progressive lockout, per email only a short delay, unlocked by a completed password reset; REST and GraphQL."""
import datetime
import secrets

import pytest
from starlette.testclient import TestClient

from domain.customers import digest, reset_password
from storage.customer_models import CustomerLoginFailure, CustomerPasswordReset
from storage.db import database
from storage.models import utcnow
from tests.conftest import TEST_KEY
from tests.customer_fixtures import PASSWORD, forget_login_failures, register

WRONG = "Wrong@Pass123"
GRAPHQL_LOGIN = """mutation login($email: String!, $password: String!) {
  createCustomerLogin(input: {email: $email, password: $password}) { customerLogin { token success } } }"""


def shop_client(app, address: str) -> TestClient:
    return TestClient(app, client=(address, 40000), headers={"X-STOREFRONT-KEY": TEST_KEY})


def login(client, email: str, password: str = PASSWORD):
    return client.post("/api/shop/customer/login", json={"email": email, "password": password})


def assert_throttled(response, low: int, high: int):
    assert response.status_code == 429
    body = response.json()
    assert body["message"] == "Too many login attempts" and body["error"] == "rate_limit_exceeded"
    assert low <= body["retry_after"] <= high, body
    assert response.headers["Retry-After"] == str(body["retry_after"])


def age_failures(email: str, by: datetime.timedelta):
    """Move the email's failures `by` into the past."""
    with database.connection_context():
        rows = list(CustomerLoginFailure.select().where(CustomerLoginFailure.email == email))
        for row in rows:
            CustomerLoginFailure.update(failed_at=row.failed_at - by).where(CustomerLoginFailure.id == row.id).execute()


def add_failures(email: str, count: int, seconds_ago: float = 0):
    """`count` failures from `count` different addresses (a distributed guesser)."""
    moment = utcnow() - datetime.timedelta(seconds=seconds_ago)
    with database.connection_context():
        CustomerLoginFailure.insert_many(
            [{"email": email, "failed_at": moment, "client_ip": f"10.{index // 250}.{index % 250}.7"}
             for index in range(count)]).execute()
    return moment


@pytest.fixture
def victim(client):
    account = register(client, "victim")
    yield account
    forget_login_failures(account["email"])


# --- login lockout -----------------------------------------------------------------------------------

def test_a_guesser_locks_only_its_own_address_out(app, victim):
    guesser, owner = shop_client(app, "203.0.113.50"), shop_client(app, "198.51.100.60")
    statuses = [login(guesser, victim["email"], WRONG).status_code for _ in range(5)]
    assert statuses == [401] * 5
    assert_throttled(login(guesser, victim["email"], WRONG), 895, 900)
    assert_throttled(login(guesser, victim["email"]), 895, 900)  # even the right password waits
    signed_in = login(owner, victim["email"])
    assert signed_in.status_code == 201 and signed_in.json()["success"] is True
    with database.connection_context():  # the owner's success does not reset the guesser's lockout
        assert CustomerLoginFailure.select().where(CustomerLoginFailure.email == victim["email"],
                                                   CustomerLoginFailure.client_ip == "203.0.113.50").count() == 5
    assert_throttled(login(guesser, victim["email"]), 1, 900)


def test_the_lockout_of_a_pair_grows_with_each_further_failure(app, victim):
    guesser = shop_client(app, "203.0.113.51")
    for _ in range(5):
        assert login(guesser, victim["email"], WRONG).status_code == 401
    assert_throttled(login(guesser, victim["email"], WRONG), 895, 900)  # 15 minutes
    age_failures(victim["email"], datetime.timedelta(minutes=16))
    assert login(guesser, victim["email"], WRONG).status_code == 401  # the 6th failure...
    assert_throttled(login(guesser, victim["email"], WRONG), 1795, 1800)  # ...30 minutes
    age_failures(victim["email"], datetime.timedelta(minutes=31))
    assert login(guesser, victim["email"], WRONG).status_code == 401
    assert_throttled(login(guesser, victim["email"], WRONG), 3595, 3600)  # 1 hour
    with database.connection_context():  # after many more, never beyond 24 hours
        CustomerLoginFailure.insert_many([{"email": victim["email"], "failed_at": utcnow() - datetime.timedelta(
            hours=1), "client_ip": "203.0.113.51"}] * 20).execute()
    assert_throttled(login(guesser, victim["email"], WRONG), 24 * 3600 - 5, 24 * 3600)
    age_failures(victim["email"], datetime.timedelta(hours=24))  # forgotten after a day
    assert login(guesser, victim["email"]).status_code == 201


def test_many_addresses_only_delay_the_email(app, victim, monkeypatch):
    owner = shop_client(app, "198.51.100.61")
    add_failures(victim["email"], 19)
    assert login(owner, victim["email"]).status_code == 201  # below the per-email threshold
    last = add_failures(victim["email"], 1)  # 20 within 15 minutes: one second after the last failure
    with monkeypatch.context() as clock:  # read at the moment of the last failure, however loaded the machine
        clock.setattr("domain.customers.utcnow", lambda: last)
        assert_throttled(login(owner, victim["email"]), 1, 1)
    age_failures(victim["email"], datetime.timedelta(seconds=2))
    assert login(owner, victim["email"]).status_code == 201
    add_failures(victim["email"], 40)  # 60: the delay stops growing at 30 seconds
    assert_throttled(login(owner, victim["email"]), 29, 30)
    age_failures(victim["email"], datetime.timedelta(seconds=31))
    assert login(owner, victim["email"]).status_code == 201
    age_failures(victim["email"], datetime.timedelta(minutes=15))  # old failures no longer delay the email
    add_failures(victim["email"], 19)
    assert login(owner, victim["email"]).status_code == 201


def test_graphql_login_is_throttled_per_address_too(app, victim):
    guesser, owner = shop_client(app, "203.0.113.52"), shop_client(app, "198.51.100.62")

    def graphql_login(client, password):
        response = client.post("/api/graphql", json={"query": GRAPHQL_LOGIN, "variables": {
            "email": victim["email"], "password": password}})
        assert response.status_code == 200
        return response.json()

    failures = [graphql_login(guesser, WRONG)["errors"][0]["extensions"]["status"] for _ in range(5)]
    assert failures == [401] * 5
    throttled = graphql_login(guesser, PASSWORD)["errors"][0]
    assert throttled["message"] == "Too many login attempts" and throttled["extensions"]["status"] == 429
    assert 895 <= throttled["extensions"]["retry_after"] <= 900
    assert graphql_login(owner, PASSWORD)["data"]["createCustomerLogin"]["customerLogin"]["success"] is True


def test_a_completed_password_reset_unlocks_the_login(app, victim):
    locked = shop_client(app, "203.0.113.53")
    for _ in range(5):
        assert login(locked, victim["email"], WRONG).status_code == 401
    add_failures(victim["email"], 30)
    assert_throttled(login(locked, victim["email"]), 895, 900)
    secret = secrets.token_hex(32)
    with database.connection_context():
        CustomerPasswordReset.create(customer=victim["id"], token_hash=digest(secret),
                                     expires_at=utcnow() + datetime.timedelta(hours=1))
        assert reset_password(secret, "Reset@Pass789") is True
        assert not CustomerLoginFailure.select().where(CustomerLoginFailure.email == victim["email"]).exists()
    assert login(locked, victim["email"], "Reset@Pass789").status_code == 201
