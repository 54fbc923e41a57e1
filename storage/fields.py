"""Exact money on every backend: amounts are stored as integers of 1/10000."""
from decimal import ROUND_HALF_UP, Decimal

from peewee import BigIntegerField

MONEY_SCALE = Decimal("10000")


class MoneyField(BigIntegerField):
    """A Decimal with four decimal places, stored as a scaled integer.

    SQLite keeps NUMERIC as binary floats; a scaled integer sorts, filters and
    sums exactly on SQLite and PostgreSQL alike.
    """

    def db_value(self, value):
        if value is None:
            return None
        amount = Decimal(value) * MONEY_SCALE
        return int(amount.to_integral_value(rounding=ROUND_HALF_UP))

    def python_value(self, value):
        if value is None:
            return None
        return (Decimal(int(value)) / MONEY_SCALE).quantize(Decimal("0.0001"))
