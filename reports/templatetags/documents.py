"""Filters for documents whose content is stored as JSON: ISO dates and decimal strings."""

import datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats

from plans.forms import format_kronor
from reports.documents import ASSESSMENT_MARKS
from reports.selectors import format_figure

register = template.Library()


@register.filter
def iso_date(value: str, style: str = "j F Y") -> str:
    """Return an ISO date ("2025-03-12") as Swedes write it ("12 mars 2025")."""
    if not value:
        return ""
    return formats.date_format(datetime.date.fromisoformat(value), style)


@register.filter
def kronor(value: str) -> str:
    """Return a stored amount ("350000.00") in Swedish notation ("350 000")."""
    try:
        return format_kronor(Decimal(value)) if value not in ("", None) else ""
    except InvalidOperation:
        return ""


@register.filter
def number(value: str) -> str:
    """Return a stored decimal ("12.50") with a Swedish comma and no needless decimals."""
    if value in ("", None):
        return ""
    return format_figure(Decimal(value))


@register.filter
def mark(status: str) -> str:
    """Return the mark of an assessment ("▲" for a risk), drawn beside its word."""
    return ASSESSMENT_MARKS.get(status or "", ASSESSMENT_MARKS[""])[0]


@register.filter
def own_names(paths: list[str]) -> list[str]:
    """Return organisations by their own names ("Regionbiblioteket"), not their paths in the tree
    ("Region Norrbotten › … › Regionbiblioteket"): what a table's narrow column can hold."""
    return [path.rsplit(" › ", 1)[-1] for path in paths]
