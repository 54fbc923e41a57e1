"""Customers under the resource paths of rest-api/shop/customers/index.md and register-customer.md:
aliases of the shop's customer operations, with the pages' snake_case bodies translated, answered as
JSON-LD (`Customer`, `CustomerProfile`, `CustomerAddress`, `Message`, ...)."""
from domain.common import RequestContext, iso
from domain.customers import TOKEN_LIFETIME, current_customer, current_customer_id, password_matches
from domain.errors import NotFound, Unprocessable
from handlers.resources import collection, item, jsonld, member, shop_body
from handlers.shop import customers as shop_customers
from storage.customer_models import Customer

REGISTRATION = {"first_name": "firstName", "last_name": "lastName", "email": "email", "password": "password",
                "password_confirmation": "confirmPassword", "phone": "phone",
                "is_subscribed_to_newsletter": "subscribedToNewsLetter"}
PROFILE = {**REGISTRATION, "gender": "gender", "date_of_birth": "dateOfBirth", "current_password": "currentPassword"}
ADDRESS = {"first_name": "firstName", "last_name": "lastName", "email": "email", "phone": "phone",
           "company": "companyName", "address": "address1", "address2": "address2", "city": "city",
           "state": "state", "country": "country", "postcode": "postcode", "is_default": "defaultAddress"}


def message(text: str, type_name: str = "Message") -> dict:
    return item(type_name, None, {"message": text})


def customer_fields(customer: Customer) -> dict:
    return {"id": customer.id, "first_name": customer.first_name, "last_name": customer.last_name,
            "email": customer.email, "phone": customer.phone, "gender": customer.gender,
            "date_of_birth": shop_customers.date_text(customer.date_of_birth),
            "is_subscribed_to_newsletter": customer.subscribed_to_news_letter, "status": int(customer.status)}


def address_fields(customer_id: int, address: dict) -> dict:
    return {"id": address["id"], "customer_id": customer_id, "first_name": address["firstName"],
            "last_name": address["lastName"], "company": address["companyName"], "address": address["address1"],
            "address2": address["address2"], "city": address["city"], "state": address["state"],
            "country": address["country"], "postcode": address["postcode"], "phone": address["phone"],
            "email": address["email"], "is_default": address["isDefault"], "created_at": address["createdAt"],
            "updated_at": address["updatedAt"]}


@jsonld
def resource_register_customer(context: RequestContext, body: dict):
    document, status = shop_customers.register_customer(
        context, shop_body(body, REGISTRATION, "CustomerRegistrationInput"))
    customer = Customer.get_by_id(document["id"])
    return item("Customer", f"/api/customers/{customer.id}", {
        **customer_fields(customer), "created_at": document["createdAt"], "token": document["token"]}), status


@jsonld
def resource_login_customer(context: RequestContext, body: dict):
    document, status = shop_customers.login_customer(
        context, shop_body(body, {"email": "email", "password": "password"}, "CustomerLoginInput"))
    customer = Customer.get_by_id(document["id"])
    return item("Customer", None, {
        "access_token": document["token"], "token_type": "Bearer",
        "expires_in": int(TOKEN_LIFETIME.total_seconds()), "message": document["message"],
        "customer": {"@id": f"/api/customers/{customer.id}", **customer_fields(customer)}}), status


@jsonld
def resource_logout_customer(context: RequestContext) -> dict:
    return message(shop_customers.logout_customer(context)["message"])


@jsonld
def resource_forgot_password(context: RequestContext, body: dict) -> dict:
    document = shop_customers.forgot_password(context, shop_body(body, {"email": "email"}, "ForgotPasswordInput"))
    return message(document["message"])


@jsonld
def resource_reset_password(context: RequestContext, body: dict) -> dict:
    document = shop_customers.graphql_reset_password(context, shop_body(
        body, {"email": "email", "token": "token", "password": "password",
               "password_confirmation": "passwordConfirmation"}))
    return message(document["message"])


def profile(context: RequestContext) -> dict:
    customer = current_customer(context)
    return item("CustomerProfile", f"/api/customer_profiles/{customer.id}", {
        **customer_fields(customer), "created_at": iso(customer.created_at),
        "updated_at": iso(customer.updated_at)})


@jsonld
def resource_get_customer_profile(context: RequestContext) -> dict:
    return profile(context)


@jsonld
def resource_read_customer_profile(context: RequestContext, body: dict | None = None) -> dict:
    return profile(context)


@jsonld
def resource_update_customer_profile(context: RequestContext, body: dict) -> dict:
    document = shop_customers.update_customer_profile(
        context, current_customer_id(context), shop_body(body, PROFILE, "CustomerProfileUpdateInput"))
    customer = Customer.get_by_id(current_customer_id(context))
    return item("CustomerProfileUpdate", None, {"message": document["message"], "customer": {
        "@id": f"/api/customer_profiles/{customer.id}", **customer_fields(customer),
        "updated_at": iso(customer.updated_at)}})


@jsonld
def resource_delete_customer_profile(context: RequestContext, body: dict) -> dict:
    """The account of the bearer, confirmed by its password (the shop's DELETE /customer-profile/{id})."""
    customer = current_customer(context)
    if not password_matches(customer.password, body["password"]):
        raise Unprocessable({"password": ["The password is incorrect."]})
    shop_customers.delete_customer_profile(context, customer.id)
    return message("Customer account deleted successfully", "CustomerProfileDelete")


def address_collection(context: RequestContext, type_name: str, path: str) -> dict:
    customer_id = current_customer_id(context)
    addresses = shop_customers.list_customer_addresses(context)["data"]["addresses"]
    members = [member("CustomerAddress", f"/api/customer_addresses/{address['id']}",
                      address_fields(customer_id, address)) for address in addresses]
    return collection(type_name, path, members, len(members))


@jsonld
def resource_list_customer_addresses(context: RequestContext) -> dict:
    return address_collection(context, "GetCustomerAddresses", "/api/customer-addresses-filter")


@jsonld
def resource_create_customer_address(context: RequestContext, body: dict):
    """The pages send no `email`; the shop requires one for an address: the account's email then."""
    data = shop_body(body, ADDRESS)
    data.setdefault("email", current_customer(context).email)
    shop_body(data, {name: name for name in data}, "CustomerAddressInput")
    document, status = shop_customers.create_customer_address(context, data)
    address = document["data"]["address"]
    return item("CustomerAddress", f"/api/customer_addresses/{address['id']}", {
        **address_fields(current_customer_id(context), address), "message": document["message"]}), status


@jsonld
def resource_update_customer_address(context: RequestContext, id: int, body: dict) -> dict:
    document = shop_customers.update_customer_address(
        context, id, shop_body(body, ADDRESS, "CustomerAddressUpdateInput"))
    address = document["data"]["address"]
    return item("CustomerAddress", f"/api/customer_addresses/{address['id']}", {
        **address_fields(current_customer_id(context), address), "message": document["message"]})


@jsonld
def resource_delete_customer_address(context: RequestContext, id: int) -> dict:
    return message(shop_customers.delete_customer_address(context, id)["message"])


@jsonld
def resource_get_customer_address(context: RequestContext, id: int) -> dict:
    customer_id = current_customer_id(context)
    addresses = shop_customers.list_customer_addresses(context)["data"]["addresses"]
    found = next((address for address in addresses if address["id"] == id), None)
    if found is None:
        raise NotFound("Address")
    return item("CustomerAddress", f"/api/customer_addresses/{id}", address_fields(customer_id, found))


@jsonld
def resource_list_customer_addresses_collection(context: RequestContext) -> dict:
    return address_collection(context, "CustomerAddress", "/api/customer_addresses")
