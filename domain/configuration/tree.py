"""The store configuration tree (Section -> Group -> Field group -> Field), declared once: the admin
menu is rendered from it and every write is validated against it (domain/configuration/values.py).

A field's `code` is its field group's key plus its name (`sales.order_settings.reorder.admin`); its
value lives in CoreConfig under that code, per channel when `channel_based`, per locale when
`locale_based`, else globally. `validation` uses the Laravel rule names the admin pages show
(required, numeric, integer, email, min:N, max:N); select and multiselect values must be among
`options`; `custom` fields are read-only. The shop reads the carrier, payment, review and contact
settings on every request, so a write takes effect on the next one.
"""
from dataclasses import dataclass, field as dataclass_field


@dataclass(frozen=True)
class Field:
    name: str
    title: str
    type: str = "text"  # text | textarea | boolean | select | multiselect | password | image | file | custom
    default: object = None
    channel_based: bool = False
    locale_based: bool = False
    validation: str | None = None
    options: tuple = ()  # ((title, value), ...)
    info: str | None = None
    depends: str | None = None
    custom_view: str | None = None


@dataclass(frozen=True)
class Node:
    key: str
    name: str
    info: str = ""
    icon: str | None = None
    sort: int = 0
    children: tuple = ()
    fields: tuple = dataclass_field(default=())


YES_NO = (("Yes", "1"), ("No", "0"))

TREE = (
    Node("general", "General", "Set units, content and design of the store.", "settings/store.svg", 1, children=(
        Node("general.general", "General", "Units the store uses.", None, 1, children=(
            Node("general.general.locale_options", "Unit Options", "Weight unit of products.", None, 1, fields=(
                Field("weight_unit", "Weight Unit", "select", "kgs", channel_based=True,
                      options=(("lbs", "lbs"), ("kgs", "kgs"))),
            )),
        )),
        Node("general.content", "Content", "Header and footer content of the storefront.", None, 2, children=(
            Node("general.content.header_offer", "Header Offer", "Offer line shown above the header.", None, 1, fields=(
                Field("title", "Offer Title", "text", "Get UPTO 40% OFF on your 1st order", locale_based=True,
                      validation="max:100"),
                Field("redirection_title", "Redirection Title", "text", "SHOP NOW", locale_based=True,
                      validation="max:25"),
                Field("redirection_link", "Redirection Link", "text", None, locale_based=True),
            )),
            Node("general.content.custom_scripts", "Custom Scripts", "Styles and scripts added to every page.", None, 2,
                 fields=(
                     Field("custom_css", "Custom CSS", "textarea", None, channel_based=True),
                     Field("custom_javascript", "Custom JavaScript", "textarea", None, channel_based=True),
                 )),
        )),
        Node("general.design", "Design", "Logos of the admin panel.", None, 3, children=(
            Node("general.design.admin_logo", "Admin Logo", "Logo and favicon of the admin panel.", None, 1, fields=(
                Field("logo_image", "Logo Image", "image", None, channel_based=True),
                Field("favicon", "Favicon", "image", None, channel_based=True),
            )),
        )),
    )),
    Node("catalog", "Catalog", "Products, reviews and inventory.", "settings/product.svg", 2, children=(
        Node("catalog.products", "Products", "Product listing, reviews and search.", None, 1, children=(
            Node("catalog.products.review", "Product Review", "Who may review and whether reviews need approval.",
                 None, 1, fields=(
                     Field("guest_review", "Allow Guest Review", "boolean", False, channel_based=True,
                           info="Guests may write reviews (with a name)."),
                     Field("auto_approve", "Auto-approve Reviews", "boolean", False, channel_based=True,
                           info="New reviews are approved at once instead of pending."),
                 )),
            Node("catalog.products.storefront", "Storefront", "Listing defaults of the storefront.", None, 2, fields=(
                Field("mode", "Default List Mode", "select", "grid", channel_based=True,
                      options=(("List", "list"), ("Grid", "grid"))),
                Field("products_per_page", "Products Per Page", "text", "12", channel_based=True,
                      validation="required|integer|min:1|max:100"),
                Field("sort_by", "Sort By", "select", "name-asc", channel_based=True,
                      options=(("From A-Z", "name-asc"), ("From Z-A", "name-desc"), ("Newest First", "created_at-desc"),
                               ("Oldest First", "created_at-asc"), ("Cheapest First", "price-asc"),
                               ("Expensive First", "price-desc"))),
            )),
        )),
        Node("catalog.inventory", "Inventory", "Stock options.", None, 2, children=(
            Node("catalog.inventory.stock_options", "Stock Options", "Back orders and the low-stock threshold.",
                 None, 1, fields=(
                     Field("back_orders", "Allow Back Orders", "boolean", False, channel_based=True),
                     Field("stock_threshold", "Stock Threshold", "text", "5", validation="required|integer|min:0",
                           info="Products at or under this quantity are listed as low on stock."),
                 )),
        )),
    )),
    Node("customer", "Customer", "Registration and newsletter.", "settings/customer.svg", 3, children=(
        Node("customer.settings", "Settings", "Customer account settings.", None, 1, children=(
            Node("customer.settings.newsletter", "Newsletter", "Newsletter subscription.", None, 1, fields=(
                Field("subscription", "Allow Subscription", "boolean", True),
            )),
            Node("customer.settings.email", "Email Verification", "Verify the email of new accounts.", None, 2, fields=(
                Field("verification", "Require Verification", "boolean", False),
            )),
        )),
    )),
    Node("emails", "Email", "Email sender and contact addresses.", "settings/email.svg", 4, children=(
        Node("emails.configure", "Email Settings", "Addresses the store sends from and answers at.", None, 1, children=(
            Node("emails.configure.email_settings", "Email Settings", "Sender and contact addresses.", None, 1, fields=(
                Field("sender_name", "Sender Name", "text", "specshop", channel_based=True, validation="max:255"),
                Field("shop_email_from", "Shop Email From", "text", None, channel_based=True, validation="email"),
                Field("admin_name", "Admin Name", "text", "Admin", channel_based=True, validation="max:255"),
                Field("admin_email", "Admin Email", "text", None, channel_based=True, validation="email"),
                Field("contact_email", "Contact Email", "text", None, channel_based=True, validation="email",
                      info="Where the contact form's messages go."),
            )),
        )),
    )),
    Node("sales", "Sales", "Orders, shipping methods and payment methods.", "settings/sales.svg", 5, children=(
        Node("sales.carriers", "Shipping Methods", "Flat rate and free shipping.", None, 1, children=(
            Node("sales.carriers.flatrate", "Flat Rate Shipping", "A rate per unit or per order.", None, 1, fields=(
                Field("title", "Title", "text", "Flat Rate", channel_based=True, validation="required|max:255"),
                Field("description", "Description", "textarea", "Flat rate shipping", channel_based=True),
                Field("default_rate", "Rate", "text", "10", channel_based=True, validation="required|numeric|min:0"),
                Field("type", "Type", "select", "per_unit", channel_based=True,
                      options=(("Per Unit", "per_unit"), ("Per Order", "per_order"))),
                Field("active", "Status", "boolean", True, channel_based=True),
            )),
            Node("sales.carriers.free", "Free Shipping", "Free over a minimum order amount.", None, 2, fields=(
                Field("title", "Title", "text", "Free Shipping", channel_based=True, validation="required|max:255"),
                Field("description", "Description", "textarea", "Free shipping", channel_based=True),
                Field("minimum_order_amount", "Minimum Order Amount", "text", "0", channel_based=True,
                      validation="numeric|min:0"),
                Field("active", "Status", "boolean", True, channel_based=True),
            )),
        )),
        Node("sales.payment_methods", "Payment Methods", "Offline payment methods.", None, 2, children=(
            Node("sales.payment_methods.cashondelivery", "Cash On Delivery", "Pay when the order is delivered.",
                 None, 1, fields=(
                     Field("title", "Title", "text", "Cash On Delivery", channel_based=True, validation="required|max:255"),
                     Field("description", "Description", "textarea", "Pay when the order is delivered.", channel_based=True),
                     Field("generate_invoice", "Automatically Generate The Invoice", "boolean", False, channel_based=True),
                     Field("invoice_status", "Invoice Status After Creating The Invoice", "select", "pending",
                           channel_based=True, options=(("Pending", "pending"), ("Paid", "paid")),
                           depends="generate_invoice:1"),
                     Field("active", "Status", "boolean", True, channel_based=True),
                     Field("sort", "Sort Order", "select", "1", channel_based=True,
                           options=tuple((str(n), str(n)) for n in range(1, 6))),
                 )),
            Node("sales.payment_methods.moneytransfer", "Money Transfer", "Pay by bank transfer.", None, 2, fields=(
                Field("title", "Title", "text", "Money Transfer", channel_based=True, validation="required|max:255"),
                Field("description", "Description", "textarea", "Pay by bank transfer.", channel_based=True),
                Field("generate_invoice", "Automatically Generate The Invoice", "boolean", False, channel_based=True),
                Field("invoice_status", "Invoice Status After Creating The Invoice", "select", "pending",
                      channel_based=True, options=(("Pending", "pending"), ("Paid", "paid")),
                      depends="generate_invoice:1"),
                Field("mailing_address", "Send Check To", "textarea", None, channel_based=True),
                Field("active", "Status", "boolean", True, channel_based=True),
                Field("sort", "Sort Order", "select", "2", channel_based=True,
                      options=tuple((str(n), str(n)) for n in range(1, 6))),
            )),
        )),
        Node("sales.order_settings", "Order Settings", "Set order numbers, minimum orders and back orders.",
             "settings/order.svg", 4, children=(
                 Node("sales.order_settings.order_number", "Order Number Settings", "Prefix, length and suffix of "
                      "order numbers.", None, 3, fields=(
                          Field("order_number_prefix", "Order Number Prefix", "text", None, channel_based=True,
                                validation="max:20"),
                          Field("order_number_length", "Order Number Length", "text", None, channel_based=True,
                                validation="integer|min:1|max:20"),
                          Field("order_number_suffix", "Order Number Suffix", "text", None, channel_based=True,
                                validation="max:20"),
                          Field("order_number_generator", "Order Number Generator", "text", None, channel_based=True),
                      )),
                 Node("sales.order_settings.minimum_order", "Minimum Order Settings", "The smallest order accepted.",
                      None, 4, fields=(
                          Field("enable", "Enable", "boolean", None, channel_based=True),
                          Field("minimum_order_amount", "Minimum Order Amount", "text", None, channel_based=True,
                                validation="numeric|min:0"),
                          Field("include_discount_amount", "Include Discount Amount", "boolean", None, channel_based=True),
                          Field("include_tax_to_amount", "Include Tax To Amount", "boolean", None, channel_based=True),
                          Field("description", "Description", "textarea", None, channel_based=True, locale_based=True),
                      )),
                 Node("sales.order_settings.reorder", "Allow Reorder",
                      "Enable or disable the reordering feature for admin users.", None, 2, fields=(
                          Field("admin", "Admin Reorder", "boolean", True,
                                info="Enable or disable the reordering feature for admin users."),
                          Field("shop", "Shop Reorder", "boolean", True,
                                info="Enable or disable the reordering feature for shop users."),
                      )),
             )),
        Node("sales.inventory", "Inventory", "Stock that carts hold while they are open.", None, 5, children=(
            Node("sales.inventory.reservations", "Stock Reservations",
                 "A cart line holds its stock for a while; nobody else can buy it meanwhile.", None, 1, fields=(
                     Field("enabled", "Reserve Stock For Carts", "boolean", False, channel_based=True,
                           info="Adding to the cart reserves the units; removing or expiry releases them."),
                     Field("reservation_minutes", "Reservation Minutes", "text", "15", channel_based=True,
                           validation="required|integer|min:1|max:10080",
                           info="How long a cart holds its stock after its last change."),
                 )),
        )),
    )),
)
