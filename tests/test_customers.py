"""Customer accounts over REST and GraphQL: registration, login tokens and throttling, logout, token
verification, profile, password change, forgot password (mail outbox), account deletion."""
import datetime
import email
import email.policy
import hashlib
import re
from pathlib import Path

import pytest

from domain.customers import authenticate_customer_token, reset_password
from storage.customer_models import Customer, CustomerLoginFailure, CustomerPasswordReset, CustomerToken
from storage.db import database
from storage.models import CustomerGroup, utcnow
from tests.customer_fixtures import (  # noqa: F401 (fixtures)
    PASSWORD, UNAUTHENTICATED, add_address, bearer, customer, forget_login_failures, login, other_customer,
    register, unique_email,
)

TOKEN_FORMAT = re.compile(r"^(\d+)\|([A-Za-z0-9]{48})$")
DOCUMENTED_REGISTRATION = {
    "firstName": "John", "lastName": "Doe", "gender": "Male", "dateOfBirth": "01/15/1990", "phone": "5550123",
    "status": "1", "isVerified": "1", "isSuspended": "0", "email": "John.Doe@Example.com",
    "password": "SecurePass@123", "confirmPassword": "SecurePass@123", "subscribedToNewsLetter": True,
}


def stored(model, **where):
    with database.connection_context():
        return model.get(*[getattr(model, name) == value for name, value in where.items()])


# --- registration ------------------------------------------------------------------------------------

def test_registration_returns_the_documented_customer_and_a_working_token(client):
    response = client.post("/api/shop/customers", json=DOCUMENTED_REGISTRATION)
    assert response.status_code == 201
    body = response.json()
    general = stored(CustomerGroup, code="general")
    token = body.pop("token")
    api_token = body.pop("apiToken")
    created_at, updated_at = body.pop("createdAt"), body.pop("updatedAt")
    assert created_at == updated_at and created_at.endswith("+00:00")
    assert body == {"id": body["id"], "firstName": "John", "lastName": "Doe", "gender": "Male",
                    "dateOfBirth": "1990-01-15", "email": "john.doe@example.com", "phone": "5550123", "status": 1,
                    "customerGroupId": general.id, "channelId": 1, "subscribedToNewsLetter": True,
                    "isVerified": 0, "isSuspended": 0, "rememberToken": None, "name": "John Doe"}
    assert len(api_token) == 80
    token_id, secret = TOKEN_FORMAT.match(token).groups()
    profile = client.get("/api/shop/customer-profile", headers=bearer(token))
    assert profile.status_code == 200
    assert profile.json()["data"]["customer"]["email"] == "john.doe@example.com"


def test_passwords_and_token_secrets_are_stored_hashed(client):
    account = register(client, "hashing")
    customer_row = stored(Customer, id=account["id"])
    assert customer_row.password.startswith("$argon2id$") and PASSWORD not in customer_row.password
    token_id, secret = TOKEN_FORMAT.match(account["token"]).groups()
    token_row = stored(CustomerToken, id=int(token_id))
    assert token_row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in token_row.token_hash


def test_registering_a_taken_email_is_409_whatever_its_case(client, customer):
    response = client.post("/api/shop/customers", json={**DOCUMENTED_REGISTRATION, "email": customer["email"].upper()})
    assert response.status_code == 409
    assert response.json() == {"message": "The email has already been taken.", "error": "email_taken",
                               "errors": {"email": ["The email has already been taken."]}}


def test_registration_lists_every_invalid_field(client):
    response = client.post("/api/shop/customers", json={
        "firstName": "", "email": "not-an-email", "password": "short", "confirmPassword": "short",
        "gender": "robot", "isAdmin": True})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation_failed"
    assert {"firstName", "email", "password", "gender"} <= set(body["errors"])
    assert body["errors"]["lastName"] == ["'lastName' is a required property"]
    assert any("isAdmin" in message for message in body["errors"]["body"])


@pytest.mark.parametrize("password", ["alllowercase1!", "ALLUPPERCASE1!", "NoDigitsHere!", "NoSymbols123"])
def test_registration_requires_a_strong_password(client, password):
    response = client.post("/api/shop/customers", json={**DOCUMENTED_REGISTRATION, "email": unique_email(),
                                                        "password": password, "confirmPassword": password})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["password"]


def test_registration_business_rules_are_422(client):
    response = client.post("/api/shop/customers", json={
        **DOCUMENTED_REGISTRATION, "email": unique_email(), "confirmPassword": "Different@123",
        "dateOfBirth": (datetime.date.today() + datetime.timedelta(days=1)).isoformat()})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "confirmPassword": ["The password confirmation does not match."],
        "dateOfBirth": ["The date of birth must be a valid date before today."]}


def test_store_controlled_flags_sent_at_registration_are_ignored(client):
    account = register(client, "flags", status="0", isSuspended="1", isVerified="1")
    row = stored(Customer, id=account["id"])
    assert (row.status, row.is_suspended, row.is_verified) == (True, False, False)


# --- login, throttling, tokens ---------------------------------------------------------------------

def test_login_returns_a_seven_day_token(client, customer):
    response = login(client, customer["email"].upper())
    assert response.status_code == 201
    body = response.json()
    assert body["id"] == body["_id"] == customer["id"]
    assert body["success"] is True and body["message"] == "You have logged in successfully"
    token_id = int(TOKEN_FORMAT.match(body["token"]).group(1))
    lifetime = stored(CustomerToken, id=token_id).expires_at - utcnow()
    assert datetime.timedelta(days=6, hours=23) < lifetime <= datetime.timedelta(days=7)
    assert client.get("/api/shop/verify-tokens", headers=bearer(body["token"])).status_code == 200
    posted = client.post("/api/shop/verify-tokens", headers=bearer(body["token"]))  # the POST form of the guide
    assert posted.status_code == 200 and posted.json() == client.get(
        "/api/shop/verify-tokens", headers=bearer(body["token"])).json()
    assert client.post("/api/shop/verify-tokens", headers=bearer("1|forged")).status_code == 401
    assert (body["email"], body["name"]) == (customer["email"], f"{body['firstName']} {body['lastName']}")


def test_login_at_the_customers_path(client, customer):
    response = client.post("/api/shop/customers/login", json={"email": customer["email"], "password": PASSWORD})
    assert response.status_code == 201 and response.json()["id"] == customer["id"]
    assert client.get("/api/shop/verify-tokens", headers=bearer(response.json()["token"])).status_code == 200
    wrong = client.post("/api/shop/customers/login", json={"email": customer["email"], "password": "Wrong@Pass123"})
    assert wrong.status_code == 401


def test_the_address_book_at_the_customers_path(client, customer):
    created = client.post("/api/shop/customers/addresses", headers=customer["headers"], json={
        "firstName": "Jane", "lastName": "Doe", "email": customer["email"], "phone": "9876543210",
        "address1": "456 Oak Ave", "city": "Los Angeles", "state": "CA", "country": "US", "postcode": "90001"})
    assert created.status_code == 201, created.text
    listed = client.get("/api/shop/customers/addresses", headers=customer["headers"]).json()
    assert listed == client.get("/api/shop/customer-addresses", headers=customer["headers"]).json()
    assert created.json()["data"]["address"]["id"] in [row["id"] for row in listed["data"]["addresses"]]
    assert client.get("/api/shop/customers/addresses").status_code == 401


def test_login_failures_do_not_reveal_whether_the_email_exists(client, customer):
    wrong_password = login(client, customer["email"], "Wrong@Pass123")
    unknown_email = login(client, unique_email("nobody"), "Wrong@Pass123")
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json() == unknown_email.json() == {"message": "Invalid email or password.",
                                                              "error": "invalid_credentials"}


def test_five_failures_in_fifteen_minutes_throttle_that_email(client, customer, other_customer):
    for _ in range(5):
        assert login(client, customer["email"], "Wrong@Pass123").status_code == 401
    with database.connection_context():
        assert CustomerLoginFailure.select().where(CustomerLoginFailure.email == customer["email"]).count() == 5
    throttled = login(client, customer["email"])
    assert throttled.status_code == 429
    body = throttled.json()
    assert body["message"] == "Too many login attempts" and body["error"] == "rate_limit_exceeded"
    assert 840 <= body["retry_after"] <= 900
    assert login(client, other_customer["email"]).status_code == 201

    with database.connection_context():  # the failures age out of the window
        (CustomerLoginFailure.update(failed_at=utcnow() - datetime.timedelta(minutes=16))
         .where(CustomerLoginFailure.email == customer["email"]).execute())
    assert login(client, customer["email"]).status_code == 201
    with database.connection_context():
        assert not CustomerLoginFailure.select().where(CustomerLoginFailure.email == customer["email"]).exists()


def test_unknown_emails_are_throttled_too(client):
    email_address = unique_email("ghost")
    statuses = [login(client, email_address, "Wrong@Pass123").status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    forget_login_failures(email_address)


def test_suspended_accounts_cannot_log_in_and_their_tokens_stop_working(client, customer):
    with database.connection_context():
        Customer.update(is_suspended=True).where(Customer.id == customer["id"]).execute()
    response = login(client, customer["email"])
    assert response.status_code == 403
    assert response.json() == {"message": "Your account has been suspended.", "error": "account_suspended"}
    assert client.get("/api/shop/customer-profile", headers=customer["headers"]).status_code == 401


def test_verify_token_returns_the_customer(client, customer):
    response = client.get("/api/shop/verify-tokens", headers=customer["headers"])
    assert response.status_code == 200
    assert response.json() == {"data": {"valid": True, "customer": {
        "id": customer["id"], "firstName": "Customer", "lastName": "Tester", "email": customer["email"]}},
        "message": "Token is valid"}


@pytest.mark.parametrize("token", ["", "garbage", "1|", "|secret", "x|secret", "99999999|" + "a" * 48,
                                   "1|" + "a" * 48])
def test_invalid_tokens_are_401_unauthenticated(client, token):
    response = client.get("/api/shop/verify-tokens", headers=bearer(token))
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_customer_operations_need_a_token(client, anonymous):
    assert client.get("/api/shop/customer-profile").json() == UNAUTHENTICATED
    assert client.get("/api/shop/customer-profile").status_code == 401
    missing_key = anonymous.get("/api/shop/customer-profile")
    assert missing_key.status_code == 401 and missing_key.json()["error"] == "missing_key"


def test_expired_tokens_are_rejected(client, customer):
    token_id = int(TOKEN_FORMAT.match(customer["token"]).group(1))
    with database.connection_context():
        CustomerToken.update(expires_at=utcnow() - datetime.timedelta(seconds=1)).where(
            CustomerToken.id == token_id).execute()
    assert client.get("/api/shop/verify-tokens", headers=customer["headers"]).status_code == 401


def test_authenticate_customer_token_returns_claims_and_records_use(app, customer):
    token_id = int(TOKEN_FORMAT.match(customer["token"]).group(1))
    with database.connection_context():
        claims = authenticate_customer_token(customer["token"])
        assert claims == {"customer_id": customer["id"], "token_id": token_id, "token": customer["token"]}
        assert CustomerToken.get_by_id(token_id).last_used_at is not None
        assert authenticate_customer_token(customer["token"][:-1] + "0") is None
        assert authenticate_customer_token("１" + customer["token"][1:]) is None


def test_logout_revokes_only_the_token_used(client, customer):
    second = login(client, customer["email"]).json()["token"]
    response = client.post("/api/shop/customer/logout", headers=customer["headers"])
    assert response.status_code == 200
    assert response.json() == {"message": "Successfully logged out"}
    assert client.get("/api/shop/verify-tokens", headers=customer["headers"]).status_code == 401
    assert client.post("/api/shop/customer/logout", headers=customer["headers"]).status_code == 401
    assert client.get("/api/shop/verify-tokens", headers=bearer(second)).status_code == 200


# --- profile -----------------------------------------------------------------------------------------

def test_get_profile(client):
    account = register(client, "profile", phone="1234567890", gender="M", dateOfBirth="1990-01-15")
    response = client.get("/api/shop/customer-profile", headers=account["headers"])
    assert response.status_code == 200
    profile = response.json()["data"]["customer"]
    assert profile["createdAt"].endswith("+00:00") and profile["updatedAt"].endswith("+00:00")
    assert {key: value for key, value in profile.items() if key not in ("createdAt", "updatedAt")} == {
        "id": account["id"], "firstName": "Profile", "lastName": "Tester", "email": account["email"],
        "phone": "1234567890", "gender": "Male", "dateOfBirth": "1990-01-15", "status": "active"}


def test_update_profile_changes_only_the_fields_sent(client, customer):
    new_email = unique_email("renamed").upper()
    response = client.put(f"/api/shop/customer-profile-updates/{customer['id']}", headers=customer["headers"],
                          json={"firstName": "Jonathan", "email": new_email, "gender": "female",
                                "dateOfBirth": "1991-02-03", "phone": "0987654321"})
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == body["_id"] == str(customer["id"])
    assert (body["firstName"], body["lastName"], body["email"]) == ("Jonathan", "Tester", new_email.lower())
    assert (body["gender"], body["dateOfBirth"], body["phone"]) == ("Female", "1991-02-03", "0987654321")
    assert (body["status"], body["isVerified"], body["isSuspended"]) == ("1", "false", "false")
    assert body["success"] is True and body["message"] == "Customer profile updated successfully"
    assert body["data"]["customer"]["firstName"] == "Jonathan"
    assert body["data"]["customer"]["id"] == customer["id"]
    assert login(client, new_email).status_code == 201


def test_update_profile_rejects_a_taken_email(client, customer, other_customer):
    response = client.put(f"/api/shop/customer-profile-updates/{customer['id']}", headers=customer["headers"],
                          json={"email": other_customer["email"]})
    assert response.status_code == 422
    assert response.json()["errors"] == {"email": ["The email has already been taken."]}


def test_change_password(client, customer):
    url = f"/api/shop/customer-profile-updates/{customer['id']}"
    wrong = client.put(url, headers=customer["headers"], json={
        "currentPassword": "Wrong@Pass123", "password": "NewPass456!", "confirmPassword": "NewPass456!"})
    assert wrong.status_code == 400
    assert wrong.json()["errors"] == {"currentPassword": ["The current password is incorrect."]}
    missing_current = client.put(url, headers=customer["headers"], json={"password": "NewPass456!"})
    assert missing_current.status_code == 400
    mismatch = client.put(url, headers=customer["headers"], json={
        "currentPassword": PASSWORD, "password": "NewPass456!", "confirmPassword": "NewPass789!"})
    assert mismatch.status_code == 422
    assert mismatch.json()["errors"] == {"confirmPassword": ["The password confirmation does not match."]}
    weak = client.put(url, headers=customer["headers"], json={
        "currentPassword": PASSWORD, "password": "weak", "confirmPassword": "weak"})
    assert weak.status_code == 422 and "password" in weak.json()["errors"]

    changed = client.put(url, headers=customer["headers"], json={
        "currentPassword": PASSWORD, "password": "NewPass456!", "confirmPassword": "NewPass456!"})
    assert changed.status_code == 200
    assert changed.json()["message"] == "Customer profile updated successfully"
    assert login(client, customer["email"], PASSWORD).status_code == 401
    assert login(client, customer["email"], "NewPass456!").status_code == 201
    assert client.get("/api/shop/verify-tokens", headers=customer["headers"]).status_code == 200
    forget_login_failures(customer["email"])


def test_delete_profile_removes_the_account_its_addresses_and_tokens(client, customer):
    address = add_address(client, customer)
    response = client.delete(f"/api/shop/customer-profile-deletes/{customer['id']}", headers=customer["headers"])
    assert response.status_code == 200
    assert response.json() == {"message": "Account deleted successfully"}
    assert client.get("/api/shop/customer-profile", headers=customer["headers"]).status_code == 401
    assert login(client, customer["email"]).status_code == 401
    with database.connection_context():
        assert Customer.get_or_none(Customer.id == customer["id"]) is None
        assert not CustomerToken.select().where(CustomerToken.customer == customer["id"]).exists()
        from storage.customer_models import CustomerAddress
        assert CustomerAddress.get_or_none(CustomerAddress.id == address["id"]) is None
    forget_login_failures(customer["email"])


# --- forgot password ---------------------------------------------------------------------------------

@pytest.fixture
def outbox(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("MAIL_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.delenv("SMTP_HOST", raising=False)
    return tmp_path / "outbox"


def sent_messages(folder: Path) -> list:
    paths = sorted(folder.glob("*.eml")) if folder.exists() else []
    return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default) for path in paths]


def reset_token(message) -> str:
    return re.search(r"/reset-password\?token=([A-Za-z0-9]+)", message.get_content()).group(1)


def test_forgot_password_mails_a_single_use_reset_link(client, customer, outbox):
    response = client.post("/api/shop/forgot-passwords", json={"email": customer["email"].upper()})
    assert response.status_code == 200
    assert response.json() == {"message": "Reset password link has been sent to your email"}
    [message] = sent_messages(outbox)
    assert message["To"] == customer["email"] and message["Subject"] == "Reset your password"
    assert "http://127.0.0.1:8000/reset-password?token=" in message.get_content()
    token = reset_token(message)
    reset = stored(CustomerPasswordReset, customer=customer["id"])
    assert reset.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert datetime.timedelta(hours=23) < reset.expires_at - utcnow() <= datetime.timedelta(hours=24)

    with database.connection_context():
        assert reset_password(token, "Reset@Pass789") is True
        assert reset_password(token, "Again@Pass789") is False
    assert login(client, customer["email"], "Reset@Pass789").status_code == 201
    assert client.get("/api/shop/verify-tokens", headers=customer["headers"]).status_code == 401


def test_forgot_password_answers_the_same_for_unknown_emails_and_sends_nothing(client, outbox):
    response = client.post("/api/shop/forgot-passwords", json={"email": unique_email("unknown")})
    assert response.status_code == 200
    assert response.json() == {"message": "Reset password link has been sent to your email"}
    assert sent_messages(outbox) == []


def test_a_new_reset_request_replaces_the_previous_token(client, customer, outbox):
    client.post("/api/shop/forgot-passwords", json={"email": customer["email"]})
    assert len(sent_messages(outbox)) == 1
    client.post("/api/shop/forgot-passwords", json={"email": customer["email"]})
    assert len(sent_messages(outbox)) == 1  # no second mail within a minute
    first = reset_token(sent_messages(outbox)[0])
    with database.connection_context():
        CustomerPasswordReset.update(created_at=utcnow() - datetime.timedelta(minutes=2)).execute()
    client.post("/api/shop/forgot-passwords", json={"email": customer["email"]})
    messages = sent_messages(outbox)
    assert len(messages) == 2
    second = reset_token(messages[1])
    with database.connection_context():
        assert reset_password(first, "Reset@Pass789") is False
        assert reset_password(second, "Reset@Pass789") is True


def test_mail_goes_through_smtp_when_configured(client, customer, outbox, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self):
            sent.append(("starttls",))

        def login(self, user, password):
            sent.append(("login", user, password))

        def send_message(self, message):
            sent.append(("send", message["To"], message["Subject"]))

    monkeypatch.setattr("domain.mail.smtplib.SMTP", FakeSMTP)
    monkeypatch.setenv("SMTP_HOST", "mail.example.com")
    monkeypatch.setenv("SMTP_USERNAME", "shop")
    monkeypatch.setenv("SMTP_PASSWORD", "secret")
    client.post("/api/shop/forgot-passwords", json={"email": customer["email"]})
    assert sent == [("connect", "mail.example.com", 587), ("starttls",), ("login", "shop", "secret"),
                    ("send", customer["email"], "Reset your password")]
    assert sent_messages(outbox) == []


# --- GraphQL -----------------------------------------------------------------------------------------

REGISTER = """mutation registerCustomer($input: createCustomerInput!) {
  createCustomer(input: $input) { customer { id _id token channelId customerGroupId dateOfBirth email gender
    isSuspended isVerified name firstName lastName rememberToken subscribedToNewsLetter status phone } } }"""
CUSTOMER_LOGIN = """mutation createCustomerLogin($email: String!, $password: String!) {
  createCustomerLogin(input: {email: $email, password: $password}) {
    customerLogin { id _id apiToken token success message } } }"""


def test_graphql_registration_and_login(graphql):
    address = unique_email("graph")
    created = graphql(REGISTER, {"input": {**DOCUMENTED_REGISTRATION, "email": address}})
    customer_document = created["data"]["createCustomer"]["customer"]
    assert customer_document["id"] == f"/api/shop/customers/{customer_document['_id']}"
    assert (customer_document["status"], customer_document["isVerified"], customer_document["isSuspended"]) == (
        "1", "0", "0")
    assert customer_document["dateOfBirth"] == "1990-01-15" and customer_document["name"] == "John Doe"
    assert TOKEN_FORMAT.match(customer_document["token"])

    logged_in = graphql(CUSTOMER_LOGIN, {"email": address, "password": PASSWORD})["data"]["createCustomerLogin"]
    login_document = logged_in["customerLogin"]
    assert login_document["id"] == str(customer_document["_id"]) and login_document["_id"] == customer_document["_id"]
    assert login_document["success"] is True and TOKEN_FORMAT.match(login_document["token"])

    other = graphql("""mutation { createLogin(input: {email: "%s", password: "%s"}) {
        login { id email firstName lastName token success message } accessToken
        customer { _id email firstName } } }""" % (address, PASSWORD))
    assert other["data"]["createLogin"]["login"]["firstName"] == "John"
    # accessToken is the same Bearer token as login.token, and it works
    access = other["data"]["createLogin"]["accessToken"]
    assert access == other["data"]["createLogin"]["login"]["token"] and TOKEN_FORMAT.match(access)
    assert other["data"]["createLogin"]["customer"] == {"_id": customer_document["_id"], "email": address,
                                                        "firstName": "John"}
    profile = graphql("{ readCustomerProfile { email } }", headers={"Authorization": f"Bearer {access}"})
    assert profile["data"]["readCustomerProfile"]["email"] == address


def test_graphql_registration_validates_like_rest(graphql, customer):
    weak = graphql(REGISTER, {"input": {**DOCUMENTED_REGISTRATION, "email": unique_email(), "password": "weak",
                                        "confirmPassword": "weak"}})
    assert weak["data"]["createCustomer"] is None
    assert weak["errors"][0]["extensions"]["status"] == 422
    assert list(weak["errors"][0]["extensions"]["errors"]) == ["password"]
    taken = graphql(REGISTER, {"input": {**DOCUMENTED_REGISTRATION, "email": customer["email"]}})
    assert taken["errors"][0]["message"] == "The email has already been taken."
    assert taken["errors"][0]["extensions"]["status"] == 409


def test_graphql_login_failure_and_throttle(graphql):
    address = unique_email("graph-throttle")
    results = [graphql(CUSTOMER_LOGIN, {"email": address, "password": "Wrong@Pass1"}) for _ in range(6)]
    assert [r["errors"][0]["extensions"]["status"] for r in results] == [401] * 5 + [429]
    assert results[0]["errors"][0]["message"] == "Invalid email or password."
    assert results[5]["errors"][0]["message"] == "Too many login attempts"
    forget_login_failures(address)


def test_graphql_profile_update_verify_and_logout(client, graphql, customer):
    headers = customer["headers"]
    profile = graphql("{ readCustomerProfile { id _id firstName email status isVerified subscribedToNewsLetter "
                      "image } }", headers=headers)["data"]["readCustomerProfile"]
    assert profile == {"id": f"/api/shop/customer-profiles/{customer['id']}", "_id": customer["id"],
                       "firstName": "Customer", "email": customer["email"], "status": "1", "isVerified": "0",
                       "subscribedToNewsLetter": False, "image": None}
    update = """mutation update($input: createCustomerProfileUpdateInput!) {
      createCustomerProfileUpdate(input: $input) {
        customerProfileUpdate { id firstName gender dateOfBirth subscribedToNewsLetter success message } } }"""
    updated = graphql(update, {"input": {"firstName": "Jane", "gender": "female", "dateOfBirth": "1990-01-15",
                                         "subscribedToNewsLetter": True, "isSuspended": "1"}}, headers=headers)
    assert updated["data"]["createCustomerProfileUpdate"]["customerProfileUpdate"] == {
        "id": str(customer["id"]), "firstName": "Jane", "gender": "Female", "dateOfBirth": "1990-01-15",
        "subscribedToNewsLetter": True, "success": True, "message": "Profile updated successfully"}
    assert stored(Customer, id=customer["id"]).is_suspended is False
    password = graphql(update, {"input": {"currentPassword": PASSWORD, "password": "NewPass456!",
                                          "confirmPassword": "NewPass456!"}}, headers=headers)
    assert password["data"]["createCustomerProfileUpdate"]["customerProfileUpdate"]["message"] == (
        "Password updated successfully")
    wrong = graphql(update, {"input": {"currentPassword": "Nope@1234", "password": "NewPass456!",
                                       "confirmPassword": "NewPass456!"}}, headers=headers)
    assert wrong["errors"][0]["extensions"]["errors"] == {"currentPassword": ["The current password is incorrect."]}

    verified = graphql("mutation { createVerifyToken(input: {}) { verifyToken { isValid message } } }", headers=headers)
    assert verified["data"]["createVerifyToken"]["verifyToken"] == {"isValid": True, "message": "Token is valid"}
    token = headers["Authorization"].split(" ", 1)[1]
    check = "mutation($t: String) { createVerifyToken(input: {token: $t}) { verifyToken { isValid message } } }"
    assert graphql(check, {"t": token}, headers=headers)["data"]["createVerifyToken"]["verifyToken"]["isValid"] is True
    forged = graphql(check, {"t": token[:-1] + ("A" if token[-1] != "A" else "B")}, headers=headers)
    assert forged["data"]["createVerifyToken"]["verifyToken"] == {"isValid": False,
                                                                   "message": "Token is invalid or expired"}
    unauthenticated = client.post("/api/graphql", json={
        "query": "mutation($t: String) { createVerifyToken(input: {token: $t}) { verifyToken { isValid } } }",
        "variables": {"t": token}})
    assert unauthenticated.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    logout = graphql("mutation { createLogout(input: {}) { logout { success message } status message } }",
                     headers=headers)
    assert logout["data"]["createLogout"] == {"logout": {"success": True, "message": "Logged out successfully"},
                                              "status": "success", "message": "Logged out successfully"}
    revoked = client.post("/api/graphql", json={"query": "{ readCustomerProfile { id } }"}, headers=headers)
    assert revoked.status_code == 401 and revoked.json() == UNAUTHENTICATED


def test_graphql_customer_fields_need_a_token(graphql):
    result = graphql("{ readCustomerProfile { id } }")
    assert result["data"]["readCustomerProfile"] is None
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_graphql_forgot_password(graphql, customer, outbox):
    query = 'mutation { createForgotPassword(input: {email: "%s"}) { forgotPassword { success message } } }'
    known = graphql(query % customer["email"])["data"]["createForgotPassword"]["forgotPassword"]
    unknown = graphql(query % unique_email("nobody"))["data"]["createForgotPassword"]["forgotPassword"]
    assert known == unknown == {"success": True, "message": "Reset password link has been sent to your email"}
    assert [message["To"] for message in sent_messages(outbox)] == [customer["email"]]


def test_graphql_delete_profile(graphql, customer):
    result = graphql("mutation { createCustomerProfileDelete(input: {}) { customerProfileDelete { id } } }",
                     headers=customer["headers"])
    assert result["data"]["createCustomerProfileDelete"] == {"customerProfileDelete": None}
    with database.connection_context():
        assert Customer.get_or_none(Customer.id == customer["id"]) is None


def test_customer_query_of_the_overview_pages(client, graphql, customer):
    created = client.post("/api/shop/customer-addresses", headers=customer["headers"], json={
        "firstName": "Jane", "lastName": "Doe", "email": customer["email"], "address1": "1 Main St", "city": "Austin",
        "state": "TX", "country": "US", "postcode": "73301", "phone": "5551234567", "defaultAddress": True})
    assert created.status_code == 201, created.text
    query = """{ customer { _id email token createdAt addresses { totalCount edges { node {
        city zipCode postcode defaultAddress defaultBilling defaultShipping } } } } }"""
    body = graphql(query, headers=customer["headers"])["data"]["customer"]
    assert (body["_id"], body["email"], body["token"]) == (customer["id"], customer["email"], customer["token"])
    assert body["createdAt"] and body["addresses"]["totalCount"] >= 1
    node = body["addresses"]["edges"][0]["node"]
    assert (node["city"], node["zipCode"], node["postcode"]) == ("Austin", "73301", "73301")
    assert node["defaultBilling"] is node["defaultShipping"] is node["defaultAddress"] is True
    assert graphql("{ customer { _id } }")["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
