"""Customer accounts: registration, tokens, passwords and login throttling, profile changes and
addresses (transport-free; handlers/shop/customers.py serves them over REST and GraphQL)."""
import datetime
import hashlib
import hmac
import math
import os
import secrets
import string
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from peewee import IntegrityError

from domain.common import RequestContext
from domain.errors import ApiError, InvalidRequest, NotFound, TooManyRequests, Unprocessable
from domain.mail import send_mail
from generated.input_schemas import validation_errors
from domain.webhooks import outbox
from storage.customer_models import (
    Customer, CustomerAddress, CustomerLoginFailure, CustomerPasswordReset, CustomerToken,
)
from storage.db import database
from storage.models import Channel, Country, CountryState, CustomerGroup, utcnow

TOKEN_LIFETIME = datetime.timedelta(days=7)
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)
PAIR_FREE_FAILURES = 5  # failures per (email, client address) before that pair is locked
PAIR_LOCKOUT = datetime.timedelta(minutes=15)  # after the 5th failure; doubles with each further one
PAIR_LOCKOUT_MAX = datetime.timedelta(hours=24)
FAILURE_MEMORY = datetime.timedelta(hours=24)  # failures older than this are forgotten
EMAIL_DELAY_THRESHOLD = 20  # failures for one email from any addresses within EMAIL_WINDOW
EMAIL_WINDOW = datetime.timedelta(minutes=15)
EMAIL_DELAY = datetime.timedelta(seconds=1)  # after the email's last failure; doubles every EMAIL_DELAY_STEP
EMAIL_DELAY_STEP = 5
EMAIL_DELAY_MAX = datetime.timedelta(seconds=30)
RESET_LIFETIME = datetime.timedelta(hours=24)
RESET_RESEND_INTERVAL = datetime.timedelta(minutes=1)
MAX_ADDRESSES = 10
DEFAULT_STORE_URL = "http://127.0.0.1:8000"
TOKEN_ALPHABET = string.ascii_letters + string.digits
GENDERS = {"male": "Male", "m": "Male", "female": "Female", "f": "Female", "other": "Other", "o": "Other"}
EMAIL_TAKEN = "The email has already been taken."
CONFIRMATION_MISMATCH = "The password confirmation does not match."
FORGOT_PASSWORD_MESSAGE = "Reset password link has been sent to your email"
PROFILE_UPDATED = "Customer profile updated successfully"
ADDRESS_COLUMNS = {
    "firstName": "first_name", "lastName": "last_name", "companyName": "company_name", "vatId": "vat_id",
    "email": "email", "phone": "phone", "address1": "address1", "address2": "address2", "city": "city",
    "state": "state", "country": "country", "postcode": "postcode", "defaultAddress": "default_address",
    "useForShipping": "use_for_shipping",
}
NULLABLE_ADDRESS_COLUMNS = ("company_name", "vat_id", "address2")

hasher = PasswordHasher()


class Unauthenticated(ApiError):
    def __init__(self):
        super().__init__(401, "Unauthenticated.", "unauthenticated")


class InvalidCredentials(ApiError):
    def __init__(self):
        super().__init__(401, "Invalid email or password.", "invalid_credentials")


class LoginThrottled(TooManyRequests):
    def __init__(self, retry_after: int):
        super().__init__("Too many login attempts", retry_after)


class EmailTaken(ApiError):
    def __init__(self, status: int = 409):
        super().__init__(status, EMAIL_TAKEN, "email_taken" if status == 409 else "validation_failed",
                         {"email": [EMAIL_TAKEN]})


# --- input validation shared with the OpenAPI request schemas ------------------------------------

def validate_input(schema_name: str, data, field: str = ""):
    """422 listing every field of `data` that breaks the named request schema (as REST does)."""
    errors = validation_errors("shop", schema_name, data, field)
    if errors:
        raise Unprocessable(errors)


def without(data: dict, *keys: str) -> dict:
    return {key: value for key, value in data.items() if key not in keys}


def normalize_email(email: str) -> str:
    return email.strip().lower()


def optional_text(value: str | None) -> str | None:
    return value.strip() or None if isinstance(value, str) else value


def canonical_gender(value: str | None) -> str | None:
    return GENDERS.get(value.lower()) if value else None


def birth_date(value: str | None, errors: dict) -> datetime.date | None:
    """YYYY-MM-DD or MM/DD/YYYY (both appear in the docs), between 1900 and yesterday."""
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            parsed = datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
        if datetime.date(1900, 1, 1) <= parsed < datetime.date.today():
            return parsed
        break
    errors["dateOfBirth"] = ["The date of birth must be a valid date before today."]
    return None


# --- tokens ------------------------------------------------------------------------------------

def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def random_secret(length: int = 48) -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(length))


def issue_token(customer_id: int, name: str) -> str:
    secret = random_secret()
    token = CustomerToken.create(customer=customer_id, name=name, token_hash=digest(secret),
                                 expires_at=utcnow() + TOKEN_LIFETIME)
    return f"{token.id}|{secret}"


def authenticate_customer_token(raw_token: str) -> dict | None:
    """Claims for a valid, unexpired, unrevoked `<id>|<secret>` token of an active customer."""
    token_id, _, secret = (raw_token or "").strip().partition("|")
    if not (token_id.isascii() and token_id.isdigit() and len(token_id) <= 10 and 0 < len(secret) <= 128):
        return None
    token = (CustomerToken.select(CustomerToken, Customer).join(Customer)
             .where(CustomerToken.id == int(token_id)).first())
    now = utcnow()
    if (token is None or token.revoked_at is not None or token.expires_at <= now
            or not hmac.compare_digest(token.token_hash, digest(secret))
            or not token.customer.status or token.customer.is_suspended):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        CustomerToken.update(last_used_at=now).where(CustomerToken.id == token.id).execute()
    return {"customer_id": token.customer_id, "token_id": token.id, "token": raw_token.strip()}


def current_customer_id(context: RequestContext) -> int:
    if context.customer_id is None:
        raise Unauthenticated()
    return context.customer_id


def current_customer(context: RequestContext) -> Customer:
    customer = Customer.get_or_none(Customer.id == current_customer_id(context))
    if customer is None:
        raise Unauthenticated()
    return customer


def own_account(context: RequestContext, customer_id: int) -> Customer:
    """The signed-in customer, when `customer_id` is theirs; any other id is 404."""
    customer = current_customer(context)
    if customer_id != customer.id:
        raise NotFound("Customer")
    return customer


def revoke_current_token(context: RequestContext):
    customer_id = current_customer_id(context)
    token_id = getattr(context, "customer_token_id", None)
    if token_id is None:
        raise Unauthenticated()
    (CustomerToken.update(revoked_at=utcnow())
     .where(CustomerToken.id == token_id, CustomerToken.customer == customer_id).execute())


# --- passwords and login throttling -------------------------------------------------------------

@cache
def decoy_hash() -> str:
    """Verified against when the email is unknown, so both failures take the same time."""
    return hasher.hash(secrets.token_hex(16))


def password_matches(stored_hash: str | None, password: str) -> bool:
    try:
        return hasher.verify(stored_hash or decoy_hash(), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def pair_wait(failures: list[datetime.datetime]) -> datetime.timedelta | None:
    """The lockout of one (email, address) pair after these failures (oldest first), from its last one."""
    extra = len(failures) - PAIR_FREE_FAILURES
    if extra < 0:
        return None
    return min(PAIR_LOCKOUT * 2 ** min(extra, 10), PAIR_LOCKOUT_MAX)


def email_wait(failures: list[datetime.datetime]) -> datetime.timedelta | None:
    """The delay every address waits after the email's last failure, from EMAIL_DELAY_THRESHOLD on."""
    extra = len(failures) - EMAIL_DELAY_THRESHOLD
    if extra < 0:
        return None
    return min(EMAIL_DELAY * 2 ** min(extra // EMAIL_DELAY_STEP, 10), EMAIL_DELAY_MAX)


def ensure_not_throttled(email: str, client_ip: str | None):
    """429 (retry_after in seconds) while the (email, address) pair is locked or the email is delayed."""
    now = utcnow()
    rows = list(CustomerLoginFailure.select(CustomerLoginFailure.failed_at, CustomerLoginFailure.client_ip)
                .where(CustomerLoginFailure.email == email, CustomerLoginFailure.failed_at > now - FAILURE_MEMORY)
                .order_by(CustomerLoginFailure.failed_at).tuples())
    pair = [failed_at for failed_at, address in rows if address == client_ip]
    recent = [failed_at for failed_at, _address in rows if failed_at > now - EMAIL_WINDOW]
    allowed_at = now
    for failures, wait in ((pair, pair_wait(pair)), (recent, email_wait(recent))):
        if wait is not None:
            allowed_at = max(allowed_at, failures[-1] + wait)
    if allowed_at > now:
        raise LoginThrottled(max(1, math.ceil((allowed_at - now).total_seconds())))


def pair_address(client_ip: str | None):
    return CustomerLoginFailure.client_ip.is_null() if client_ip is None else CustomerLoginFailure.client_ip == client_ip


def record_failure(email: str, client_ip: str | None):
    now = utcnow()
    CustomerLoginFailure.delete().where(CustomerLoginFailure.failed_at <= now - FAILURE_MEMORY).execute()
    CustomerLoginFailure.create(email=email, failed_at=now, client_ip=client_ip)


def sign_in(email: str, password: str, client_ip: str | None = None) -> tuple[Customer, str]:
    email = normalize_email(email)
    ensure_not_throttled(email, client_ip)
    customer = Customer.get_or_none(Customer.email == email)
    if not password_matches(customer.password if customer else None, password):
        record_failure(email, client_ip)
        raise InvalidCredentials()
    if customer.is_suspended:
        raise ApiError(403, "Your account has been suspended.", "account_suspended")
    if not customer.status:
        raise ApiError(403, "Your account is inactive.", "account_inactive")
    (CustomerLoginFailure.delete()
     .where(CustomerLoginFailure.email == email, pair_address(client_ip)).execute())
    if hasher.check_needs_rehash(customer.password):
        Customer.update(password=hasher.hash(password)).where(Customer.id == customer.id).execute()
    return customer, issue_token(customer.id, "login")


# --- accounts ------------------------------------------------------------------------------------

def registration_fields(data: dict) -> dict:
    errors = {}
    if data["password"] != data["confirmPassword"]:
        errors["confirmPassword"] = [CONFIRMATION_MISMATCH]
    date_of_birth = birth_date(data.get("dateOfBirth"), errors)
    if errors:
        raise Unprocessable(errors)
    return {"first_name": data["firstName"].strip(), "last_name": data["lastName"].strip(),
            "email": normalize_email(data["email"]), "password": hasher.hash(data["password"]),
            "phone": optional_text(data.get("phone")), "gender": canonical_gender(data.get("gender")),
            "date_of_birth": date_of_birth,
            "subscribed_to_news_letter": bool(data.get("subscribedToNewsLetter", False))}


def create_account(context: RequestContext, data: dict) -> tuple[Customer, str]:
    fields = registration_fields(data)
    if Customer.select().where(Customer.email == fields["email"]).exists():
        raise EmailTaken()
    group = CustomerGroup.get_or_none(CustomerGroup.code == "general")
    with database.atomic():
        try:
            customer = Customer.create(**fields, api_token=random_secret(80), channel=context.channel_id,
                                       customer_group=group.id if group else None)
        except IntegrityError:
            raise EmailTaken() from None
        outbox.emit_customer(customer)
        return customer, issue_token(customer.id, "registration")


def new_password_hash(customer: Customer, data: dict, errors: dict) -> str | None:
    """The new password's hash when the three password fields ask for a change (change-password.md):
    a missing or wrong `currentPassword` is 400, a missing or mismatched new password 422."""
    if not any(data.get(name) for name in ("currentPassword", "password", "confirmPassword")):
        return None
    if not data.get("currentPassword"):
        raise InvalidRequest({"currentPassword": ["The current password is required to change the password."]})
    for name, label in (("password", "new password"), ("confirmPassword", "password confirmation")):
        if not data.get(name):
            errors[name] = [f"The {label} is required to change the password."]
    if data.get("password") and data.get("confirmPassword") and data["password"] != data["confirmPassword"]:
        errors["confirmPassword"] = [CONFIRMATION_MISMATCH]
    if not password_matches(customer.password, data["currentPassword"]):
        raise InvalidRequest({"currentPassword": ["The current password is incorrect."]})
    return None if errors else hasher.hash(data["password"])


def profile_changes(customer: Customer, data: dict) -> dict:
    errors, changes = {}, {}
    for key, column in (("firstName", "first_name"), ("lastName", "last_name")):
        if key in data:
            changes[column] = data[key].strip()
    if "email" in data:
        changes["email"] = normalize_email(data["email"])
        if (changes["email"] != customer.email
                and Customer.select().where(Customer.email == changes["email"]).exists()):
            errors["email"] = [EMAIL_TAKEN]
    if "phone" in data:
        changes["phone"] = optional_text(data["phone"])
    if "gender" in data:
        changes["gender"] = canonical_gender(data["gender"])
    if "dateOfBirth" in data:
        changes["date_of_birth"] = birth_date(data["dateOfBirth"], errors)
    if "subscribedToNewsLetter" in data:
        changes["subscribed_to_news_letter"] = data["subscribedToNewsLetter"]
    password = new_password_hash(customer, data, errors)
    if errors:
        raise Unprocessable(errors)
    if password:
        changes["password"] = password
    return changes


def update_account(customer: Customer, data: dict, current_token_id: int | None = None) -> dict:
    """Apply a profile update to `customer`; returns the columns that changed. A new password revokes
    every other token of the customer (REVOKE_TOKENS_ON_PASSWORD_CHANGE), the one in use stays."""
    changes = profile_changes(customer, data)
    for column, value in {**changes, "updated_at": utcnow()}.items():
        setattr(customer, column, value)
    try:
        with database.atomic():
            customer.save()
            if "password" in changes and revoke_tokens_on_password_change():
                revoke_tokens(customer.id, keep=current_token_id)
    except IntegrityError:
        raise EmailTaken(422) from None
    return changes


def revoke_tokens_on_password_change() -> bool:
    """REVOKE_TOKENS_ON_PASSWORD_CHANGE (default on): a password change or reset ends the other sessions."""
    return os.environ.get("REVOKE_TOKENS_ON_PASSWORD_CHANGE", "1").strip().lower() in ("1", "true", "yes", "on")


def revoke_tokens(customer_id: int, keep: int | None = None):
    """Revoke the customer's live tokens, except `keep` (the token of the request that changed the password)."""
    revoked = CustomerToken.update(revoked_at=utcnow()).where(CustomerToken.customer == customer_id,
                                                              CustomerToken.revoked_at.is_null())
    if keep is not None:
        revoked = revoked.where(CustomerToken.id != keep)
    revoked.execute()


def request_password_reset(context: RequestContext, email: str):
    """Mail a single-use reset link (24 hours) to a registered email; a new request replaces the
    previous token. Unknown emails and repeats within a minute send nothing, silently."""
    customer = Customer.get_or_none(Customer.email == normalize_email(email))
    if customer is None or (CustomerPasswordReset.select()
                            .where(CustomerPasswordReset.customer == customer.id,
                                   CustomerPasswordReset.created_at > utcnow() - RESET_RESEND_INTERVAL).exists()):
        return
    secret = random_secret(64)
    with database.atomic():
        CustomerPasswordReset.delete().where(CustomerPasswordReset.customer == customer.id).execute()
        CustomerPasswordReset.create(customer=customer.id, token_hash=digest(secret),
                                     expires_at=utcnow() + RESET_LIFETIME)
    send_mail(customer.email, "Reset your password", reset_email_text(customer, reset_link(context, secret)))


def reset_link(context: RequestContext, secret: str) -> str:
    channel = Channel.get_or_none(Channel.id == context.channel_id)
    base = (channel.hostname if channel and channel.hostname else DEFAULT_STORE_URL).rstrip("/")
    return f"{base}/reset-password?token={secret}"


def reset_email_text(customer: Customer, link: str) -> str:
    return (f"Hello {customer.first_name},\n\n"
            f"We received a request to reset the password of your account. Open this link to choose a new one:\n\n"
            f"{link}\n\n"
            f"The link works once and expires in 24 hours. If you did not ask for it, ignore this email.\n")


def reset_password(raw_token: str, password: str, email: str | None = None) -> bool:
    """Complete a reset from the emailed link (for the storefront's reset page: the docs define no
    API operation for it). Revokes every token of the customer (REVOKE_TOKENS_ON_PASSWORD_CHANGE) and
    clears the email's failed logins (login throttling). False if the token is unusable (or, when
    `email` is given, another account's)."""
    validate_input("CustomerNewPassword", password, "password")
    now = utcnow()
    reset = CustomerPasswordReset.get_or_none(CustomerPasswordReset.token_hash == digest(raw_token or ""))
    if reset is None or reset.used_at is not None or reset.expires_at <= now:
        return False
    if email is not None and Customer.select(Customer.email).where(
            Customer.id == reset.customer_id).scalar() != normalize_email(email):
        return False  # the token is another account's
    with database.atomic():
        (Customer.update(password=hasher.hash(password), updated_at=now)
         .where(Customer.id == reset.customer_id).execute())
        CustomerPasswordReset.update(used_at=now).where(CustomerPasswordReset.id == reset.id).execute()
        if revoke_tokens_on_password_change():
            revoke_tokens(reset.customer_id)
        email = Customer.select(Customer.email).where(Customer.id == reset.customer_id).scalar()
        CustomerLoginFailure.delete().where(CustomerLoginFailure.email == email).execute()
    return True


# --- addresses -----------------------------------------------------------------------------------

def own_address(customer_id: int, address_id: int) -> CustomerAddress:
    address = CustomerAddress.get_or_none(CustomerAddress.id == address_id, CustomerAddress.customer == customer_id)
    if address is None:
        raise NotFound("Address")
    return address


def addresses_of(customer_id: int):
    return (CustomerAddress.select().where(CustomerAddress.customer == customer_id)
            .order_by(CustomerAddress.default_address.desc(), CustomerAddress.id))


def checked_region(country_code: str, state: str) -> tuple[str, str]:
    """A store country and, when it has states, one of its state codes (any case)."""
    country = Country.get_or_none(Country.code == country_code.upper())
    if country is None:
        raise Unprocessable({"country": ["The selected country is invalid."]})
    codes = [row.code for row in CountryState.select(CountryState.code).where(CountryState.country == country.id)]
    if not codes:
        return country.code, state
    match = next((code for code in codes if code.lower() == state.lower()), None)
    if match is None:
        raise Unprocessable({"state": [f"The selected state is invalid for {country.code}."]})
    return country.code, match


def address_values(data: dict, current: CustomerAddress | None = None) -> dict:
    values = {ADDRESS_COLUMNS[key]: value.strip() if isinstance(value, str) else value
              for key, value in data.items() if key in ADDRESS_COLUMNS}
    for column in NULLABLE_ADDRESS_COLUMNS:
        if column in values:
            values[column] = values[column] or None
    if "country" in values or "state" in values:
        values["country"], values["state"] = checked_region(values.get("country", current and current.country),
                                                            values.get("state", current and current.state))
    return values


def clear_default(customer_id: int):
    (CustomerAddress.update(default_address=False)
     .where(CustomerAddress.customer == customer_id, CustomerAddress.default_address == True)  # noqa: E712
     .execute())


def add_address(customer_id: int, data: dict) -> CustomerAddress:
    values = address_values(data)
    with database.atomic():
        existing = list(CustomerAddress.select(CustomerAddress.default_address)
                        .where(CustomerAddress.customer == customer_id))
        if len(existing) >= MAX_ADDRESSES:
            raise Unprocessable({"address": [f"A customer can have at most {MAX_ADDRESSES} addresses."]})
        make_default = values.pop("default_address", False) or not any(row.default_address for row in existing)
        if make_default:
            clear_default(customer_id)
        return CustomerAddress.create(customer=customer_id, default_address=make_default, **values)


def change_address(customer_id: int, address_id: int, data: dict) -> CustomerAddress:
    address = own_address(customer_id, address_id)
    values = address_values(data, address)
    with database.atomic():
        if values.get("default_address"):
            clear_default(customer_id)
        for column, value in {**values, "updated_at": utcnow()}.items():
            setattr(address, column, value)
        address.save()
    return address


def remove_address(customer_id: int, address_id: int):
    """Delete an address; if it was the default, the most recent remaining address takes over."""
    address = own_address(customer_id, address_id)
    with database.atomic():
        address.delete_instance()
        if address.default_address:
            successor = (CustomerAddress.select(CustomerAddress.id).where(CustomerAddress.customer == customer_id)
                         .order_by(CustomerAddress.id.desc()).first())
            if successor:
                CustomerAddress.update(default_address=True).where(CustomerAddress.id == successor.id).execute()
