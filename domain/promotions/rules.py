"""What cart rules and catalog rules share on the admin side: channel and customer-group references
(the API speaks ids; cart rules store codes, as the cart engine reads them), dates, and the amount
an action may take."""
import datetime
from decimal import Decimal

from domain.errors import Unprocessable
from domain.promotions.conditions import check_conditions
from storage.models import Channel, CustomerGroup

HUNDRED = Decimal(100)


def missing_ids(model, ids: list[int], field: str) -> dict:
    """{`<field>.<i>`: [message]} for each id of `ids` with no row of `model`."""
    known = {row.id for row in model.select(model.id).where(model.id.in_(list(set(ids))))} if ids else set()
    return {f"{field}.{index}": [f"The selected {field.replace('_', ' ')} is invalid."]
            for index, key in enumerate(ids) if key not in known}


def channel_codes(ids: list[int]) -> list[str]:
    by_id = {row.id: row.code for row in Channel.select(Channel.id, Channel.code).where(Channel.id.in_(ids))}
    return [by_id[key] for key in dict.fromkeys(ids) if key in by_id]


def group_codes(ids: list[int]) -> list[str]:
    by_id = {row.id: row.code for row in
             CustomerGroup.select(CustomerGroup.id, CustomerGroup.code).where(CustomerGroup.id.in_(ids))}
    return [by_id[key] for key in dict.fromkeys(ids) if key in by_id]


def ids_by_code() -> tuple[dict, dict]:
    """({channel code: id}, {customer group code: id}): two queries for a whole page of cart rules."""
    return ({row.code: row.id for row in Channel.select(Channel.id, Channel.code)},
            {row.code: row.id for row in CustomerGroup.select(CustomerGroup.id, CustomerGroup.code)})


def parse_moment(value, field: str, errors: dict, end_of_day: bool = False) -> datetime.datetime | None:
    """An ISO 8601 date or date-time (naive UTC); a date alone is its first second, or with `end_of_day`
    its last. Records a message in `errors` when it cannot be read."""
    if value in (None, ""):
        return None
    try:
        if len(str(value)) == 10:
            day = datetime.date.fromisoformat(str(value))
            return datetime.datetime.combine(day, datetime.time.max.replace(microsecond=0) if end_of_day
                                             else datetime.time.min)
        moment = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        errors[field] = ["The value must be an ISO 8601 date (YYYY-MM-DD) or date-time."]
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return moment


def moment_filter(column, field: str, upper: bool = False, as_date: bool = False):
    """A list filter bound (`starts_from_from` lower, `..._to` upper, inclusive) on a date or date-time
    column; an unreadable value is a 400 naming the parameter."""
    def expression(value):
        errors = {}
        moment = parse_moment(value, field, errors, end_of_day=upper)
        if errors or moment is None:
            raise ValueError(field)
        bound = moment.date() if as_date else moment
        return column <= bound if upper else column >= bound
    return expression


def amount_errors(action_type: str | None, amount, percent_actions: tuple[str, ...]) -> dict:
    if amount is not None and action_type in percent_actions and Decimal(str(amount)) > HUNDRED:
        return {"discount_amount": ["A percentage discount cannot be more than 100."]}
    return {}


def day_text(value) -> str | None:
    if value is None:
        return None
    return (value.date() if isinstance(value, datetime.datetime) else value).isoformat()


def window_and_conditions(body: dict, row, values: dict, errors: dict, scopes: tuple[str, ...] = ("cart", "product")):
    """The dates a cart rule or an order bump is active (`starts_from`, `ends_till`: dates or date-times,
    the end not before the start) and its `conditions`, read from `body` into `values`; each problem goes
    to `errors` (`row`: the stored row an update changes, or None)."""
    if "starts_from" in body:
        values["starts_from"] = parse_moment(body["starts_from"], "starts_from", errors)
    if "ends_till" in body:
        values["ends_till"] = parse_moment(body["ends_till"], "ends_till", errors, end_of_day=True)
    starts = values.get("starts_from", row.starts_from if row else None)
    ends = values.get("ends_till", row.ends_till if row else None)
    if starts and ends and ends < starts and "ends_till" not in errors:
        errors["ends_till"] = ["The end must not be before the start."]
    if body.get("conditions") is not None:
        try:
            values["conditions"] = check_conditions(body["conditions"], scopes)
        except Unprocessable as problem:
            errors.update(problem.errors)
