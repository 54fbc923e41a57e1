"""What both transports' recipes share: the expected totals, the address, unique names."""
import uuid
from decimal import ROUND_HALF_UP, Decimal

PASSWORD = "SecurePass@123"
COUPON = "SAVE10"
ADDRESS = {"first_name": "Jane", "last_name": "Doe", "email": "jane@example.com", "address": "456 Oak Ave",
           "city": "Los Angeles", "state": "CA", "country": "US", "postcode": "90001", "phone": "9876543210"}
CENT = Decimal("0.01")


def cents(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def expected_totals(price, quantity: int) -> dict:
    """SAVE10 (10 %), California tax 8.25 % on the discounted line, flat rate 10 per unit (the demo store)."""
    price = cents(price)
    subtotal = price * quantity
    discount = cents(subtotal * Decimal("0.10"))
    tax = cents((subtotal - discount) * Decimal("0.0825"))
    shipping = Decimal(10 * quantity)
    return {"subtotal": subtotal, "discount": discount, "tax": tax, "shipping": shipping,
            "grand": subtotal - discount + tax + shipping}


def unique(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:10]}"
