"""Admin customer addresses: /api/admin/customers/{customerId}/addresses (list, detail, create, update,
delete); GraphQL adminCustomerAddress(es). An address of another customer than the path's is 403.

The rules (one default per customer, the country and state checks, the address limit) are the shop's
(domain/customers.py), applied through domain/customer_accounts.py.
"""
from domain import customer_accounts as accounts
from domain.access import created
from domain.common import Page, RequestContext, Window, iso
from domain.customers import addresses_of
from handlers.admin.crud import refuse_nul


def address_document(address) -> dict:
    lines = [address.address1, *(address.address2.splitlines() if address.address2 else [])]
    return {"id": address.id, "customerId": address.customer_id, "addressType": address.address_type,
            "firstName": address.first_name, "lastName": address.last_name, "companyName": address.company_name,
            "vatId": address.vat_id, "address": "\n".join(lines), "city": address.city, "state": address.state or None,
            "country": address.country, "postcode": address.postcode, "email": address.email,
            "phone": address.phone, "defaultAddress": bool(address.default_address), "createdAt": iso(address.created_at)}


def address_iri(document: dict, _info) -> str:
    return f"/api/admin/customers/{document['customerId']}/addresses/{document['id']}"


graphql_resolvers = {"AdminCustomerAddress": {"id": address_iri, "zipCode": "postcode", "phoneNumber": "phone",
                                              "defaultBilling": "defaultAddress", "defaultShipping": "defaultAddress"}}


def list_admin_customer_addresses(context: RequestContext, window: Window, customer_id: int) -> Page:
    accounts.find_customer(customer_id)
    query = addresses_of(customer_id)
    rows = list(query.offset(window.offset).limit(window.limit))
    return Page([address_document(row) for row in rows], query.count())


def get_admin_customer_address(context: RequestContext, customer_id: int, id: int) -> dict:
    return address_document(accounts.owned_address(customer_id, id))


def create_admin_customer_address(context: RequestContext, customer_id: int, body: dict):
    refuse_nul(body)
    return created(address_document(accounts.add_customer_address(customer_id, body)))


def update_admin_customer_address(context: RequestContext, customer_id: int, id: int, body: dict) -> dict:
    refuse_nul(body)
    return address_document(accounts.change_customer_address(customer_id, id, body))


def delete_admin_customer_address(context: RequestContext, customer_id: int, id: int) -> dict:
    accounts.remove_customer_address(customer_id, id)
    return {"message": "Address deleted."}
