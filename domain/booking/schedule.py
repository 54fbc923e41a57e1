"""Bookable slots of a booking product on a date, computed from its schedule template.

Times are wall-clock times in the channel's timezone (zoneinfo); slots carry Unix timestamps.
Weekdays are numbered as the schedule templates store them: 0 Sunday, 1 Monday ... 6 Saturday.

Templates (`BookingSlotConfig.slots`):
  default, booking_type "one"   [{"from_day": "1", "from": "12:00", "to_day": "1", "to": "18:00"}, ...]:
                                one slot per entry starting on that weekday (it may end on a later day)
  default "many", appointment,  with same_slot_all_days: [{"from": "10:00", "to": "14:00"}, ...] every day;
  table, rental (hourly)        else per weekday: {"1": [{"from", "to"}], ...} (or a list of 7 lists)
Default "many", appointment and table ranges are cut into slots of `duration` minutes with `break_time`
minutes between them; rental ranges into hours, grouped by range. Daily rentals and events have no
time slots (an empty list). Table bookings also skip slots starting within `prevent_scheduling_before`
minutes of now.

A slot is offered when its date lies in the product's availability window (unless available every
week), it starts after `now`, and places remain: capacity (BookingProduct.qty) minus what orders
booked (BookingCapacity). `now` is a parameter so callers (and tests) fix the clock.
"""
from dataclasses import dataclass
from datetime import date as Date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

SLOT_TYPES = ("default", "appointment", "table")


@dataclass(frozen=True)
class Slot:
    starts_at: int  # Unix time
    ends_at: int
    start: datetime  # local
    end: datetime
    remaining: int

    @property
    def timestamp(self) -> str:
        return f"{self.starts_at}-{self.ends_at}"


def weekday(day: Date) -> int:
    """0 Sunday ... 6 Saturday."""
    return (day.weekday() + 1) % 7


def clock(text: str) -> time:
    text = str(text).strip().upper()
    for pattern in ("%H:%M", "%I:%M %p", "%I:%M%p", "%H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).time()
        except ValueError:
            continue
    raise ValueError(f"not a time of day: {text!r}")


def label(moment: datetime) -> str:
    return moment.strftime("%I:%M %p")


def local(day: Date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone)


def unix(moment: datetime) -> int:
    return int(moment.timestamp())


def day_ranges(config, day: Date) -> list[dict]:
    """The {"from", "to"} ranges of the template for the date's weekday."""
    slots = config.slots or []
    if config.same_slot_all_days:
        return list(slots) if isinstance(slots, list) else []
    key = weekday(day)
    if isinstance(slots, dict):
        return list(slots.get(str(key)) or [])
    if isinstance(slots, list) and len(slots) == 7 and all(isinstance(entry, list) for entry in slots):
        return list(slots[key] or [])
    return [entry for entry in slots if isinstance(entry, dict) and str(entry.get("day", "")) == str(key)]


def cut(start: datetime, end: datetime, minutes: int, gap: int) -> list[tuple[datetime, datetime]]:
    if minutes <= 0:
        return [(start, end)] if end > start else []
    pieces = []
    step, pause = timedelta(minutes=minutes), timedelta(minutes=max(gap, 0))
    while start + step <= end:
        pieces.append((start, start + step))
        start += step + pause
    return pieces


def template_ranges(booking_product, config, day: Date, zone: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """The local (start, end) ranges of the date before cutting, in template order."""
    if booking_product.type == "default" and (config.booking_type or "one") == "one":
        ranges = []
        for entry in config.slots or []:
            if str(entry.get("from_day")) != str(weekday(day)):
                continue
            days_later = (int(entry.get("to_day", entry["from_day"])) - int(entry["from_day"])) % 7
            start = local(day, clock(entry["from"]), zone)
            ranges.append((start, local(day + timedelta(days=days_later), clock(entry["to"]), zone)))
        return ranges
    return [(local(day, clock(entry["from"]), zone), local(day, clock(entry["to"]), zone))
            for entry in day_ranges(config, day) if entry.get("from") and entry.get("to")]


def in_window(booking_product, day: Date, zone: ZoneInfo) -> bool:
    if booking_product.available_every_week:
        return True
    low, high = booking_product.available_from, booking_product.available_to
    if low is not None and day < low.replace(tzinfo=timezone.utc).astimezone(zone).date():
        return False
    if high is not None and day > high.replace(tzinfo=timezone.utc).astimezone(zone).date():
        return False
    return True


def earliest_start(booking_product, config, now: datetime) -> int:
    lead = (config.prevent_scheduling_before or 0) if booking_product.type == "table" else 0
    return unix(now) + lead * 60


def slot_ranges(booking_product, config, day: Date, zone: ZoneInfo) -> list[list[tuple[datetime, datetime]]]:
    """Groups of (start, end) cells of the date: one group per flat slot, one per rental range."""
    if config is None or not in_window(booking_product, day, zone):
        return []
    ranges = template_ranges(booking_product, config, day, zone)
    if booking_product.type == "rental":
        if (config.renting_type or "daily") == "daily":
            return []
        return [cut(start, end, 60, 0) for start, end in ranges]
    if booking_product.type == "default" and (config.booking_type or "one") == "one":
        return [[piece] for piece in ranges]
    return [[piece] for start, end in ranges for piece in cut(start, end, config.duration or 0, config.break_time or 0)]


def offered(booking_product, config, day: Date, zone: ZoneInfo, now: datetime,
            booked: dict[tuple[int, int], int]) -> list[list[Slot]]:
    """Offered slots of the date, grouped as `slot_ranges`; `booked` maps (starts_at, ends_at) to places
    taken. Empty groups are dropped."""
    earliest = earliest_start(booking_product, config, now) if config is not None else 0
    groups = []
    for group in slot_ranges(booking_product, config, day, zone):
        slots = []
        for start, end in group:
            starts_at, ends_at = unix(start), unix(end)
            remaining = booking_product.qty - booked.get((starts_at, ends_at), 0)
            if starts_at > earliest and remaining > 0:
                slots.append(Slot(starts_at, ends_at, start, end, remaining))
        if slots:
            groups.append(slots)
    return groups


def day_bounds(day: Date, zone: ZoneInfo) -> tuple[int, int]:
    """Unix times of the local midnight starting the date and the one ending it."""
    return unix(local(day, time(0), zone)), unix(local(day + timedelta(days=1), time(0), zone))
