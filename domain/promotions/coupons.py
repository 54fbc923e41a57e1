"""Coupon codes: generated in bulk for a cart rule, each unique across every rule.

The `cart_rule_coupon.code` column is unique in the database; a generated code that is already taken
(by an earlier coupon, another code of the same batch, or a concurrent request that won the insert)
is drawn again, so a batch is written whole or not at all.
"""
import secrets
import string

from peewee import IntegrityError

from domain.errors import Unprocessable
from storage.db import database
from storage.sales_models import CartRule, CartRuleCoupon

ALPHABETS = {"alphanumeric": string.ascii_uppercase + string.digits, "alphabetic": string.ascii_uppercase,
             "alphabetical": string.ascii_uppercase, "numeric": string.digits}
ATTEMPTS = 5


def draw(length: int, alphabet: str, prefix: str, suffix: str) -> str:
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length)) + suffix


def fresh_codes(count: int, length: int, alphabet: str, prefix: str, suffix: str) -> list[str]:
    """`count` distinct codes that no coupon holds yet."""
    codes: list[str] = []
    for _ in range(ATTEMPTS * 10):
        wanted = count - len(codes)
        if not wanted:
            return codes
        batch = {draw(length, alphabet, prefix, suffix) for _ in range(wanted)} - set(codes)
        taken = {code for (code,) in CartRuleCoupon.select(CartRuleCoupon.code)
                 .where(CartRuleCoupon.code.in_(list(batch))).tuples()}
        codes.extend(sorted(batch - taken))
    raise Unprocessable({"length": ["Not enough unused codes of this length and format; choose a longer length."]})


def generate(rule: CartRule, count: int, length: int, code_format: str, prefix: str = "", suffix: str = "") -> list:
    """Create `count` coupons for `rule` with the rule's per-customer limit and end date."""
    alphabet = ALPHABETS[code_format]
    for attempt in range(ATTEMPTS):
        codes = fresh_codes(count, length, alphabet, prefix, suffix)
        try:
            with database.atomic():
                return [CartRuleCoupon.create(cart_rule=rule.id, code=code, usage_limit=0,
                                              usage_per_customer=rule.uses_per_customer, expired_at=rule.ends_till)
                        for code in codes]
        except IntegrityError:  # a concurrent request took one of the codes: draw the batch again
            if attempt == ATTEMPTS - 1:
                raise
    return []
