"""The one rule for text and dates people type, shared by every model and form of ours."""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Control characters (tab, CR, LF, NUL, …) and the Unicode line and paragraph separators: in a
# name or title they end up in e-mail headers and calendar lines, where a line break injects
# headers (BadHeaderError) or breaks the file.
FORBIDDEN_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})
# About eight pages of A4, twice the longest text of the seed documents (9,116 characters),
# and a PDF of a meeting or a plan with such texts still typesets in seconds.
LONG_TEXT_MAX = 20_000
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


def validate_single_line(value: str) -> None:
    """Refuse a line break or a control character in a single-line text."""
    if any(unicodedata.category(character) in FORBIDDEN_CATEGORIES for character in value):
        raise ValidationError(
            _("Får inte innehålla radbrytningar eller styrtecken."), code="single_line"
        )


def validate_long_text(value: str) -> None:
    """Refuse a text longer than LONG_TEXT_MAX characters."""
    if len(value) > LONG_TEXT_MAX:
        raise ValidationError(
            _("Texten får vara högst %(limit)s tecken lång (den har %(length)s)."),
            code="too_long",
            params={"limit": f"{LONG_TEXT_MAX:,}".replace(",", " "), "length": len(value)},
        )


def validate_date_in_range(value: datetime.date) -> None:
    """Refuse a date or a time outside the years 1900–2100."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(
            _("Ange ett datum mellan år %(first)s och %(last)s."),
            code="date_out_of_range",
            params={"first": EARLIEST_YEAR, "last": LATEST_YEAR},
        )


def single_line(value: str) -> str:
    """Return a text on one line, for a header, a subject or a calendar line (old rows too)."""
    return " ".join(value.split())


MAX_LOGO_BYTES = 300 * 1024  # a logo is small; it travels inside every published report
SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"


def validate_logo(upload) -> None:
    """Accept a logo as PNG or SVG: a real PNG (by its first bytes, not its name), or an SVG
    whose root is <svg> with no script, no event handler and no link out of the file (an image
    in a report must not run or fetch anything). Refuse anything else with a Swedish message."""
    import xml.etree.ElementTree as ElementTree

    import filetype

    if upload.size > MAX_LOGO_BYTES:
        raise ValidationError(_("Logotypen får vara högst 300 kB."))
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    kind = filetype.guess(content[:8192])
    if kind is not None and kind.mime == "image/png":
        return
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError:
        root = None
    if root is None or root.tag not in ("svg", f"{SVG_NAMESPACE}svg"):
        raise ValidationError(_("Logotypen ska vara en PNG- eller SVG-bild."))
    outward = re.compile(r"url\(\s*['\"]?(?!#)", re.IGNORECASE)  # CSS fetching a resource
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1].lower()
        links = [v for k, v in element.attrib.items() if k.rsplit("}", 1)[-1] == "href"]
        texts = [element.text or "", *element.attrib.values()]
        if (
            tag in {"script", "foreignobject"}
            or any(outward.search(text) for text in texts)
            or any(name.rsplit("}", 1)[-1].lower().startswith("on") for name in element.attrib)
            or any(not (v.startswith("#") or v.startswith("data:image/")) for v in links)
        ):
            raise ValidationError(
                _("SVG-bilden innehåller skript eller länkar ut; spara den som en enkel bild.")
            )
