"""Customer accounts over REST and GraphQL: registration, login tokens, profile, password, addresses.

Tokens are `<id>|<secret>`; only the SHA-256 of the secret is stored. They expire after 7 days
(customer-verify-token.md) and logout revokes the one in use. A login that carries a guest cart token
as Bearer merges that cart into the customer's cart. Failed logins are rows in the
database (email, client address, time), so every worker sees them. Throttling (docs/security.md,
"Login lockout") slows a guesser without locking the owner out from elsewhere: per (email, address)
5 failures are free, then that pair is locked 15 minutes, doubling with each further failure (at
most 24 hours); per email, from 20 failures within 15 minutes from any addresses, each attempt
waits 1 second after the email's last failure, doubling every 5 failures, at most 30 seconds.
A successful login clears its pair; a completed password reset clears the email.
A customer only ever reaches their own rows: every lookup is filtered by the authenticated
customer id, and another customer's ids answer 404.
GraphQL inputs bypass the OpenAPI body validation, so they are checked against the same request
schemas (components of generated/openapi/shop.yaml) before the shared code runs.
"""
import io
import secrets
from types import SimpleNamespace

from domain.common import RequestContext, Window, iso, paginate
from domain.customers import (
    FORGOT_PASSWORD_MESSAGE, PROFILE_UPDATED, TOKEN_LIFETIME, add_address, addresses_of, authenticate_customer_token,
    change_address, create_account, current_customer, current_customer_id, issue_token, own_account, own_address,
    remove_address, request_password_reset, reset_password, revoke_current_token, sign_in, update_account,
    validate_input, without,
)
from domain.errors import Unprocessable
from domain.images import data_url
from domain.compare import adopt_guest_list
from domain.sales.cart import merge_on_login
from handlers.admin.catalog.product_media import read_image
from storage.customer_models import Customer, CustomerAddress
from storage.db import database
from storage.files import media_storage


# --- REST documents ------------------------------------------------------------------------------

def full_name(row) -> str:
    return f"{row.first_name} {row.last_name}"


def date_text(value) -> str | None:
    return value.isoformat() if value else None


def registration_document(customer: Customer, token: str) -> dict:
    return {"id": customer.id, "firstName": customer.first_name, "lastName": customer.last_name,
            "gender": customer.gender, "dateOfBirth": date_text(customer.date_of_birth), "email": customer.email,
            "phone": customer.phone, "status": int(customer.status), "apiToken": customer.api_token,
            "customerGroupId": customer.customer_group_id, "channelId": customer.channel_id,
            "subscribedToNewsLetter": customer.subscribed_to_news_letter, "isVerified": int(customer.is_verified),
            "isSuspended": int(customer.is_suspended), "token": token, "rememberToken": None,
            "name": full_name(customer), "createdAt": iso(customer.created_at), "updatedAt": iso(customer.updated_at)}


def profile_document(customer: Customer) -> dict:
    return {"id": customer.id, "firstName": customer.first_name, "lastName": customer.last_name,
            "email": customer.email, "phone": customer.phone, "gender": customer.gender,
            "dateOfBirth": date_text(customer.date_of_birth), "status": "active" if customer.status else "inactive",
            "createdAt": iso(customer.created_at), "updatedAt": iso(customer.updated_at)}


def profile_update_document(customer: Customer) -> dict:
    """change-password.md's flat shape plus update-customer-profile.md's `data.customer`."""
    return {"id": str(customer.id), "_id": str(customer.id), "firstName": customer.first_name,
            "lastName": customer.last_name, "email": customer.email, "phone": customer.phone,
            "gender": customer.gender, "dateOfBirth": date_text(customer.date_of_birth),
            "status": str(int(customer.status)), "subscribedToNewsLetter": customer.subscribed_to_news_letter,
            "isVerified": str(customer.is_verified).lower(), "isSuspended": str(customer.is_suspended).lower(),
            "success": True, "message": PROFILE_UPDATED,
            "data": {"customer": {"id": customer.id, "firstName": customer.first_name,
                                  "lastName": customer.last_name, "email": customer.email, "phone": customer.phone,
                                  "gender": customer.gender, "dateOfBirth": date_text(customer.date_of_birth),
                                  "updatedAt": iso(customer.updated_at)}}}


def address_document(address: CustomerAddress) -> dict:
    return {"id": address.id, "addressType": address.address_type, "firstName": address.first_name,
            "lastName": address.last_name, "name": full_name(address), "companyName": address.company_name,
            "vatId": address.vat_id, "email": address.email, "phone": address.phone,
            "address": ", ".join(line for line in (address.address1, address.address2) if line),
            "address1": address.address1, "address2": address.address2, "city": address.city,
            "state": address.state, "country": address.country, "postcode": address.postcode,
            "defaultAddress": address.default_address, "isDefault": address.default_address,
            "useForShipping": address.use_for_shipping, "createdAt": iso(address.created_at),
            "updatedAt": iso(address.updated_at)}


# --- REST operations -----------------------------------------------------------------------------

def register_customer(context: RequestContext, body: dict):
    customer, token = create_account(context, body)
    return registration_document(customer, token), 201


def login_customer_at_customers_path(context: RequestContext, body: dict):
    return login_customer(context, body)


def login_customer(context: RequestContext, body: dict, graphql: bool = False):
    """GraphQL also gets the signed-in `customer` (createLogin, customerLogin)."""
    customer, token = sign_in(body["email"], body["password"], context.client_ip)
    merge_on_login(context, customer.id)
    adopt_guest_list(context, customer.id)
    document = {"id": customer.id, "_id": customer.id, "apiToken": customer.api_token, "token": token,
                "name": full_name(customer), "email": customer.email, "firstName": customer.first_name,
                "lastName": customer.last_name, "success": True, "message": "You have logged in successfully"}
    if graphql:
        document["customer"] = customer_graphql_document(customer, token)
    return document, 201


def logout_customer(context: RequestContext) -> dict:
    revoke_current_token(context)
    return {"message": "Successfully logged out"}


def refresh_customer_token(context: RequestContext) -> dict:
    with database.atomic():
        revoke_current_token(context)
        token = issue_token(current_customer_id(context), "refresh")
    return {"message": "Token refreshed successfully", "token": token, "tokenType": "Bearer",
            "expiresIn": int(TOKEN_LIFETIME.total_seconds())}


def verify_customer_token_post(context: RequestContext) -> dict:
    return verify_customer_token(context)


def verify_customer_token(context: RequestContext) -> dict:
    customer = current_customer(context)
    return {"data": {"valid": True, "customer": {"id": customer.id, "firstName": customer.first_name,
                                                 "lastName": customer.last_name, "email": customer.email}},
            "message": "Token is valid"}


def get_customer_profile(context: RequestContext, graphql: bool = False) -> dict:
    customer = current_customer(context)
    if graphql:
        return profile_graphql_document(context, customer)
    return {"data": {"customer": profile_document(customer)}}


def update_customer_profile(context: RequestContext, id: int, body: dict, graphql: bool = False) -> dict:
    """GraphQL (updateCustomer, changeCustomerPassword) gets the customer as `customer` answers it."""
    customer = own_account(context, id)
    update_account(customer, body, context.customer_token_id)
    if graphql:
        return customer_graphql_document(customer, context.customer_token)
    return profile_update_document(customer)


def delete_customer_profile(context: RequestContext, id: int) -> dict:
    customer = own_account(context, id)
    Customer.delete().where(Customer.id == customer.id).execute()
    return {"message": "Account deleted successfully"}


def forgot_password(context: RequestContext, body: dict) -> dict:
    request_password_reset(context, body["email"])
    return {"message": FORGOT_PASSWORD_MESSAGE}


def list_customer_addresses(context: RequestContext, graphql: bool = False, window: Window | None = None):
    """REST: every address in one document; GraphQL (customerAddresses): a page of them."""
    addresses = addresses_of(current_customer_id(context))
    if graphql:
        return paginate(addresses, window, address_graphql_document)
    return {"data": {"addresses": [address_document(address) for address in addresses]}}


def list_customer_addresses_at_customers_path(context: RequestContext):
    return list_customer_addresses(context)


def create_customer_address_at_customers_path(context: RequestContext, body: dict):
    return create_customer_address(context, body)


def create_customer_address(context: RequestContext, body: dict):
    address = add_address(current_customer_id(context), body)
    return {"data": {"address": address_document(address)}, "message": "Address created successfully"}, 201


def update_customer_address(context: RequestContext, address_id: int, body: dict) -> dict:
    address = change_address(current_customer_id(context), address_id, body)
    return {"data": {"address": address_document(address)}, "message": "Address updated successfully"}


def delete_customer_address(context: RequestContext, address_id: int) -> dict:
    remove_address(current_customer_id(context), address_id)
    return {"message": "Address deleted successfully"}


# --- GraphQL documents and root fields -----------------------------------------------------------

def flag(value: bool) -> str:
    return "1" if value else "0"


def customer_graphql_document(customer: Customer, token: str) -> dict:
    return {**registration_document(customer, token), "status": flag(customer.status),
            "isVerified": flag(customer.is_verified), "isSuspended": flag(customer.is_suspended), "deviceToken": None}


def profile_graphql_document(context: RequestContext, customer: Customer) -> dict:
    return {"id": customer.id, "firstName": customer.first_name, "lastName": customer.last_name,
            "name": full_name(customer), "email": customer.email, "dateOfBirth": date_text(customer.date_of_birth),
            "gender": customer.gender, "phone": customer.phone, "status": flag(customer.status),
            "subscribedToNewsLetter": customer.subscribed_to_news_letter, "isVerified": flag(customer.is_verified),
            "isSuspended": flag(customer.is_suspended), "image": context.media(customer.image),
            "createdAt": iso(customer.created_at), "updatedAt": iso(customer.updated_at)}


def address_graphql_document(address: CustomerAddress) -> dict:
    return {**address_document(address), "additional": address.additional}


def added_address_document(address: CustomerAddress) -> dict:
    return {**address_document(address), "id": str(address.id), "addressId": address.id}


def graphql_customer(context: RequestContext) -> dict:
    """`customer` of the overview pages: the signed-in customer (with the Bearer token it sent) and
    their addresses."""
    customer = current_customer(context)
    return {**customer_graphql_document(customer, context.customer_token),
            "addresses": [address_graphql_document(address) for address in addresses_of(customer.id)]}


def graphql_verify_token(context: RequestContext, input: dict) -> dict:
    """The input's `token` when sent (valid or not, the answer says so), else the Bearer token (a
    customer Bearer is required either way: the field's auth)."""
    if input.get("token") is not None:
        valid = authenticate_customer_token(input["token"]) is not None
        return {"isValid": valid, "message": "Token is valid" if valid else "Token is invalid or expired"}
    current_customer(context)
    return {"isValid": True, "message": "Token is valid"}


def graphql_update_profile(context: RequestContext, input: dict) -> dict:
    """`status`, `isVerified` and `isSuspended` are store-controlled and ignored; `deleteImage`
    clears the profile image."""
    data = without(input, "clientMutationId", "status", "isVerified", "isSuspended", "image", "deleteImage")
    upload = profile_image(input["image"]) if input.get("image") else None
    validate_input("CustomerProfileUpdateInput", data)
    customer = current_customer(context)
    changes = update_account(customer, data, context.customer_token_id)
    if upload or (input.get("deleteImage") and customer.image):
        replace_profile_image(customer, upload)
        changes = {**changes, "image": True}
    message = ("Password updated successfully" if set(changes) == {"password"}
               else "Profile image updated successfully" if set(changes) == {"image"}
               else "Profile updated successfully")
    document = {**profile_graphql_document(context, customer), "id": str(customer.id),
                "success": True, "message": message}
    return document


def profile_image(value: str) -> tuple[bytes, str]:
    """A `data:image/<type>;base64,…` URL as the checked bytes and file extension of a whole image
    (the same checks as product image uploads: type, size, full decode)."""
    content_type, raw = data_url(value, "image")
    extension = {"image/jpeg": "jpg", "image/pjpeg": "jpg", "image/jpg": "jpg", "image/png": "png",
                 "image/webp": "webp", "image/bmp": "bmp"}.get(content_type)
    if extension is None:
        raise Unprocessable({"image": ["The image must be a file of type: bmp, jpeg, jpg, png, webp."]})
    upload = SimpleNamespace(filename=f"profile.{extension}", content_type=content_type, file=io.BytesIO(raw))
    return read_image(upload)


def replace_profile_image(customer: Customer, upload: tuple[bytes, str] | None):
    """Store the new image (or none) and delete the previous file."""
    storage = media_storage()
    path = None
    if upload:
        data, extension = upload
        path = f"customer/{customer.id}/{secrets.token_hex(16)}.{extension}"
        storage.save(path, data)
    previous = customer.image
    Customer.update(image=path).where(Customer.id == customer.id).execute()
    customer.image = path
    if previous:
        storage.delete(previous)


def graphql_customer_address(context: RequestContext, id: int) -> dict:
    return address_graphql_document(own_address(current_customer_id(context), id))


def graphql_save_address(context: RequestContext, input: dict) -> dict:
    """createAddUpdateCustomerAddress: updates `addressId` when given, else creates."""
    customer_id = current_customer_id(context)
    data = without(input, "clientMutationId", "addressId")
    if input.get("addressId") is None:
        validate_input("CustomerAddressInput", data)
        address = add_address(customer_id, data)
    else:
        validate_input("CustomerAddressUpdateInput", data)
        address = change_address(customer_id, input["addressId"], data)
    return added_address_document(address)


# --- the overview pages' account operations (shop-api.md, customers.md) ---------------------------

def done(message: str) -> dict:
    return {"status": "success", "message": message}


def graphql_reset_password(context: RequestContext, input: dict) -> dict:
    if input["password"] != input["passwordConfirmation"]:
        raise Unprocessable({"passwordConfirmation": ["The password confirmation does not match."]})
    if not reset_password(input["token"], input["password"], input["email"]):
        raise Unprocessable({"token": ["This password reset token is invalid or has expired."]})
    return done("Your password has been reset.")


graphql_resolvers = {
    # the overview pages' names (shop-api.md, customers.md): zipCode is postcode; the one default
    # address is the default for billing and for shipping alike
    "CustomerAddress": {"zipCode": lambda document, _info: document.get("postcode"),
                        "defaultBilling": lambda document, _info: document.get("defaultAddress"),
                        "defaultShipping": lambda document, _info: document.get("defaultAddress")},
}
