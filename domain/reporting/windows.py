"""Reporting windows: the requested date range, the equal-length window before it, and the buckets
(day, week, month, year) the figures are grouped into.

`start`/`end` are dates (inclusive, UTC); without them the window is the last 30 days up to today.
The previous window has the same number of days and ends the day before `start`. Without a
`period`, buckets are days for up to 31 days, weeks for up to 26 weeks, months for up to two years,
else years. Weeks start on Monday; every bucket of the window is listed, empty ones with zeros.
"""
import datetime
from dataclasses import dataclass

from domain.errors import Unprocessable

PERIODS = ("day", "week", "month", "year")
MAX_BUCKETS = 1000
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Window:
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def since(self) -> datetime.datetime:
        return datetime.datetime.combine(self.start, datetime.time.min)

    @property
    def until(self) -> datetime.datetime:
        """The first instant after the window."""
        return datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min)

    def before(self) -> "Window":
        end = self.start - datetime.timedelta(days=1)
        return Window(end - datetime.timedelta(days=self.days - 1), end)

    def label(self, with_year: bool = True) -> str:
        shape = "%d %b %Y" if with_year else "%d %b"
        return f"{self.start.strftime(shape)} - {self.end.strftime(shape)}"


def parse_date(value, name: str) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise Unprocessable({name: ["The date must be YYYY-MM-DD."]}) from None


def requested_window(start=None, end=None, today: datetime.date | None = None) -> Window:
    today = today or datetime.datetime.now(datetime.timezone.utc).date()
    last = parse_date(end, "end") or today
    first = parse_date(start, "start") or last - datetime.timedelta(days=DEFAULT_DAYS)
    if first > last:
        raise Unprocessable({"end": ["The end date must be on or after the start date."]})
    return Window(first, last)


def bucket_start(day: datetime.date, period: str) -> datetime.date:
    if period == "week":
        return day - datetime.timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    if period == "year":
        return day.replace(month=1, day=1)
    return day


def next_bucket(day: datetime.date, period: str) -> datetime.date:
    if period == "week":
        return day + datetime.timedelta(days=7)
    if period == "month":
        return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    if period == "year":
        return day.replace(year=day.year + 1)
    return day + datetime.timedelta(days=1)


def chosen_period(window: Window, period: str | None) -> str:
    if period:
        if period not in PERIODS:
            raise Unprocessable({"period": [f"The period must be one of: {', '.join(PERIODS)}."]})
        return period
    if window.days <= 31:
        return "day"
    if window.days <= 26 * 7:
        return "week"
    return "month" if window.days <= 731 else "year"


def buckets(window: Window, period: str) -> list[datetime.date]:
    """Start dates of every bucket touching the window."""
    found, day = [], bucket_start(window.start, period)
    while day <= window.end:
        found.append(day)
        if len(found) > MAX_BUCKETS:
            raise Unprocessable({"period": ["Too many buckets for this range; choose a longer period."]})
        day = next_bucket(day, period)
    return found


def bucket_label(day: datetime.date, period: str) -> str:
    """What a chart shows under a bucket: "10 Apr", "Apr 2026", "2026"."""
    if period == "month":
        return day.strftime("%b %Y")
    if period == "year":
        return day.strftime("%Y")
    return day.strftime("%d %b")


def bucket_key(day: datetime.date, period: str) -> str:
    """The bucket as a table row names it: 2026-04-25, 2026-04, 2026 (a week by its Monday)."""
    if period == "month":
        return day.strftime("%Y-%m")
    if period == "year":
        return day.strftime("%Y")
    return day.isoformat()


def progress(previous, current) -> float:
    """Percentage change from previous to current (100 from nothing to something, 0 from nothing)."""
    if not previous:
        return 100.0 if current else 0.0
    return round(float((current - previous) * 100 / previous), 2)
