"""Customers under the resource paths of rest-api/shop/customers/index.md and register-customer.md:
aliases of the shop's customer operations, with the pages' snake_case bodies translated."""
from domain.common import RequestContext
from domain.customers import current_customer, current_customer_id
from handlers.resources import shop_body, typed
from handlers.shop import customers as shop_customers

REGISTRATION = {"first_name": "firstName", "last_name": "lastName", "email": "email", "password": "password",
                "password_confirmation": "confirmPassword", "phone": "phone",
                "is_subscribed_to_newsletter": "subscribedToNewsLetter"}
PROFILE = {**REGISTRATION, "gender": "gender", "date_of_birth": "dateOfBirth", "current_password": "currentPassword"}
ADDRESS = {"first_name": "firstName", "last_name": "lastName", "email": "email", "phone": "phone",
           "company": "companyName", "address": "address1", "address2": "address2", "city": "city",
           "state": "state", "country": "country", "postcode": "postcode", "is_default": "defaultAddress"}


@typed("Customer")
def resource_register_customer(context: RequestContext, body: dict):
    return shop_customers.register_customer(context, shop_body(body, REGISTRATION, "CustomerRegistrationInput"))


def resource_login_customer(context: RequestContext, body: dict):
    return shop_customers.login_customer(
        context, shop_body(body, {"email": "email", "password": "password"}, "CustomerLoginInput"))


@typed("Message")
def resource_logout_customer(context: RequestContext) -> dict:
    return shop_customers.logout_customer(context)


@typed("Message")
def resource_forgot_password(context: RequestContext, body: dict) -> dict:
    return shop_customers.forgot_password(context, shop_body(body, {"email": "email"}, "ForgotPasswordInput"))


@typed("Message")
def resource_reset_password(context: RequestContext, body: dict) -> dict:
    return shop_customers.graphql_reset_password(context, shop_body(
        body, {"email": "email", "token": "token", "password": "password",
               "password_confirmation": "passwordConfirmation"}))


@typed("CustomerProfile")
def resource_get_customer_profile(context: RequestContext) -> dict:
    return shop_customers.get_customer_profile(context)


@typed("CustomerProfile")
def resource_read_customer_profile(context: RequestContext, body: dict | None = None) -> dict:
    return shop_customers.get_customer_profile(context)


@typed("CustomerProfileUpdate")
def resource_update_customer_profile(context: RequestContext, body: dict) -> dict:
    return shop_customers.update_customer_profile(
        context, current_customer_id(context), shop_body(body, PROFILE, "CustomerProfileUpdateInput"))


def resource_list_customer_addresses(context: RequestContext) -> dict:
    return shop_customers.list_customer_addresses(context)


@typed("CustomerAddress")
def resource_create_customer_address(context: RequestContext, body: dict):
    """The pages send no `email`; the shop requires one for an address: the account's email then."""
    data = shop_body(body, ADDRESS)
    data.setdefault("email", current_customer(context).email)
    shop_body(data, {name: name for name in data}, "CustomerAddressInput")
    return shop_customers.create_customer_address(context, data)


@typed("CustomerAddress")
def resource_update_customer_address(context: RequestContext, id: int, body: dict) -> dict:
    return shop_customers.update_customer_address(context, id, shop_body(body, ADDRESS, "CustomerAddressUpdateInput"))


def resource_delete_customer_address(context: RequestContext, id: int) -> dict:
    return shop_customers.delete_customer_address(context, id)
