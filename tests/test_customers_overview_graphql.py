"""The account operations of the overview pages (shop-api.md, customers.md): forgotPassword,
resetPassword, changeCustomerPassword, updateCustomer and the address book under their names."""
from tests.customer_fixtures import PASSWORD, customer, login, other_customer  # noqa: F401 (fixtures)
from tests.test_customers import outbox, reset_token, sent_messages  # noqa: F401 (fixture)

FORGOT = "mutation($email: String!) { forgotPassword(input: {email: $email}) { status message } }"
RESET = """mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { status message } }"""
CHANGE = """mutation($input: ChangePasswordInput!) { changeCustomerPassword(input: $input) { status message } }"""
UPDATE = """mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) {
  customer { _id firstName lastName email gender dateOfBirth } } }"""
ADD = """mutation($input: AddAddressInput!) { addCustomerAddress(input: $input) { address {
  _id firstName address address1 city zipCode postcode phone email defaultAddress defaultShipping } } }"""
EDIT = """mutation($input: UpdateAddressInput!) { updateCustomerAddress(input: $input) { address {
  _id firstName address city zipCode } } }"""
DELETE = """mutation($id: String!) { deleteCustomerAddress(input: {addressId: $id}) { status message } }"""


def ok(result: dict, *path):
    assert "errors" not in result, result
    for step in path:
        result = result[step]
    return result


def test_forgot_and_reset_password(client, graphql, customer, other_customer, outbox):  # noqa: F811
    answer = ok(graphql(FORGOT, {"email": customer["email"]}), "data", "forgotPassword")
    assert answer == {"status": "success", "message": "Reset password link has been sent to your email"}
    token = reset_token(sent_messages(outbox)[0])
    wrong_email = graphql(RESET, {"input": {"token": token, "email": other_customer["email"],
                                            "password": "Reset@Pass789", "passwordConfirmation": "Reset@Pass789"}})
    assert "token" in wrong_email["errors"][0]["extensions"]["errors"]
    done = graphql(RESET, {"input": {"token": token, "email": customer["email"], "password": "Reset@Pass789",
                                     "passwordConfirmation": "Reset@Pass789"}})
    assert ok(done, "data", "resetPassword", "status") == "success"
    assert login(client, customer["email"], "Reset@Pass789").status_code == 201


def test_change_password_and_update_profile(client, graphql, customer):  # noqa: F811
    headers = customer["headers"]
    wrong = graphql(CHANGE, {"input": {"oldPassword": "Nope@1234", "newPassword": "NewPass456!",
                                       "passwordConfirmation": "NewPass456!"}}, headers)
    assert wrong["errors"][0]["extensions"]["errors"] == {"currentPassword": ["The current password is incorrect."]}
    changed = graphql(CHANGE, {"input": {"oldPassword": PASSWORD, "newPassword": "NewPass456!",
                                         "passwordConfirmation": "NewPass456!"}}, headers)
    assert ok(changed, "data", "changeCustomerPassword") == {"status": "success",
                                                             "message": "Password updated successfully"}
    assert login(client, customer["email"], "NewPass456!").status_code == 201
    updated = ok(graphql(UPDATE, {"input": {"firstName": "Janet", "gender": "Female", "dateOfBirth": "1990-05-15"}},
                         headers), "data", "updateCustomer", "customer")
    assert (updated["_id"], updated["firstName"], updated["gender"], updated["dateOfBirth"]) == (
        customer["id"], "Janet", "Female", "1990-05-15")


def test_the_address_book_under_the_overview_names(graphql, customer, other_customer):  # noqa: F811
    headers = customer["headers"]
    added = ok(graphql(ADD, {"input": {"firstName": "John", "lastName": "Doe", "address": "456 Oak Avenue",
                                       "city": "Los Angeles", "state": "CA", "country": "US", "zipCode": "90001",
                                       "phoneNumber": "2105551234", "defaultShipping": True}}, headers),
               "data", "addCustomerAddress", "address")
    assert (added["address1"], added["zipCode"], added["phone"], added["email"]) == (
        "456 Oak Avenue", "90001", "2105551234", customer["email"])
    assert added["defaultAddress"] is added["defaultShipping"] is True
    edited = ok(graphql(EDIT, {"input": {"addressId": str(added["_id"]), "city": "San Francisco",
                                         "zipCode": "94102"}}, headers), "data", "updateCustomerAddress", "address")
    assert (edited["city"], edited["zipCode"]) == ("San Francisco", "94102")
    foreign = graphql(DELETE, {"id": str(added["_id"])}, other_customer["headers"])
    assert foreign["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert ok(graphql(DELETE, {"id": str(added["_id"])}, headers), "data", "deleteCustomerAddress",
              "status") == "success"
    again = graphql(DELETE, {"id": str(added["_id"])}, headers)
    assert again["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_register_with_password_confirmation_and_login_with_arguments(graphql):
    register = """mutation($input: createCustomerInput!) { createCustomer(input: $input) { customer { _id email } } }"""
    address = "overview-register@example.com"
    base = {"firstName": "John", "lastName": "Doe", "email": address, "password": "SecurePassword123!"}
    missing = graphql(register, {"input": base})
    assert "confirmPassword" in missing["errors"][0]["extensions"]["errors"]
    mismatch = graphql(register, {"input": {**base, "passwordConfirmation": "Other123!x"}})
    assert "errors" in mismatch
    created = ok(graphql(register, {"input": {**base, "passwordConfirmation": "SecurePassword123!"}}),
                 "data", "createCustomer", "customer")
    signed_in = ok(graphql("""mutation($e: String!, $p: String!) { customerLogin(email: $e, password: $p) {
      accessToken customer { _id email } } }""", {"e": address, "p": "SecurePassword123!"}), "data", "customerLogin")
    assert signed_in["customer"] == created
    profile = graphql("{ readCustomerProfile { email } }", headers={"Authorization": f"Bearer {signed_in['accessToken']}"})
    assert profile["data"]["readCustomerProfile"]["email"] == address


PROFILE_IMAGE = """mutation($input: createCustomerProfileUpdateInput!) { createCustomerProfileUpdate(input: $input) {
  customerProfileUpdate { id image success message } } }"""


def png_data_url() -> str:
    import base64
    import io

    from PIL import Image
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_profile_image_from_a_data_url(client, graphql, customer):  # noqa: F811
    from storage.customer_models import Customer
    from storage.db import database
    from storage.files import media_storage
    headers = customer["headers"]
    node = ok(graphql(PROFILE_IMAGE, {"input": {"image": png_data_url()}}, headers),
              "data", "createCustomerProfileUpdate", "customerProfileUpdate")
    assert node["message"] == "Profile image updated successfully" and node["image"].endswith(".png")
    with database.connection_context():
        path = Customer.get_by_id(customer["id"]).image
    assert path.startswith(f"customer/{customer['id']}/") and media_storage().read(path).startswith(b"\x89PNG")
    for bad in ("data:image/jpeg;base64,/9j/4AAQSkZJRgABAQEA...", "not a data url",
                "data:image/png;base64," + "A" * 12, "data:image/gif;base64,R0lGODlh"):
        refused = client.post("/api/graphql", json={"query": PROFILE_IMAGE, "variables": {"input": {"image": bad}}},
                              headers=headers).json()
        assert "image" in refused["errors"][0]["extensions"]["errors"], bad
    removed = ok(graphql(PROFILE_IMAGE, {"input": {"deleteImage": True}}, headers),
                 "data", "createCustomerProfileUpdate", "customerProfileUpdate")
    assert removed["image"] is None and media_storage().read(path) is None
