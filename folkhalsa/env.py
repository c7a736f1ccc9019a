"""Read typed settings from environment variables, failing loudly on a bad value."""

import datetime
import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    """Return the variable's value, treating an empty value as unset."""
    value = os.environ.get(name)
    return None if value is None or value.strip() == "" else value


def env_str(name: str, default: str) -> str:
    """Return the variable as text, or the default when it is unset or empty."""
    raw = _raw(name)
    return default if raw is None else raw


def env_bool(name: str, default: bool) -> bool:
    """Return the variable as a boolean; refuse anything but the usual spellings."""
    raw = _raw(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    """Return the variable as a whole number."""
    raw = _raw(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    """Return the variable as a comma-separated list with blanks dropped."""
    raw = _raw(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_date(name: str, default: datetime.date) -> datetime.date:
    """Return the variable as a date written YYYY-MM-DD."""
    raw = _raw(name)
    if raw is None:
        return default
    try:
        return datetime.date.fromisoformat(raw.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a date as YYYY-MM-DD, not {raw!r}") from exc


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """Return the variable if it is one of the choices; refuse anything else."""
    raw = _raw(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {raw!r}")
    return value
