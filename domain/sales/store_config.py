"""Store configuration values (CoreConfig rows) by dotted code, per channel with a global fallback;
read once per worker and settings version (domain/settings_cache.py)."""
from domain import settings_cache
from storage.models import CoreConfig


def config_values(prefix: str, channel_code: str) -> dict[str, str]:
    """Every value whose code starts with `prefix`; a channel's own value wins over the global one."""
    def load():
        rows = (CoreConfig.select(CoreConfig.code, CoreConfig.value, CoreConfig.channel_code)
                .where(CoreConfig.code.startswith(prefix), CoreConfig.channel_code.in_(("", channel_code)),
                       CoreConfig.locale_code == "")
                .order_by(CoreConfig.channel_code))
        return {row.code: row.value for row in rows}
    return dict(settings_cache.cached("config_values", (prefix, channel_code), load))


def flag(values: dict[str, str], code: str, default: bool = False) -> bool:
    value = values.get(code)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def set_config(code: str, value, channel_code: str = ""):
    """Create or replace one value (seed data and tests)."""
    updated = (CoreConfig.update(value=str(value))
               .where(CoreConfig.code == code, CoreConfig.channel_code == channel_code, CoreConfig.locale_code == "")
               .execute())
    if not updated:
        CoreConfig.create(code=code, value=str(value), channel_code=channel_code)
