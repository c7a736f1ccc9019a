"""The one PDF renderer every document shares: template and context in, PDF bytes out.

It never touches the ORM: a selector gathers every figure the document shows beforehand, so a
context of plain values renders the same wherever and whenever it is rendered. The shared
stylesheet (static/css/pdf.css: A4, running head, page numbers) and the embedded font
(static/fonts/) come from our own files only; nothing is fetched from the network.
"""

import gc
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from urllib.request import url2pathname

import pydyf
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_DIR = Path(settings.BASE_DIR) / "static"
STYLESHEET = STATIC_DIR / "css" / "pdf.css"
# The language of every document: the minutes are Swedish records whatever the reader's choice.
DOCUMENT_LANGUAGE = "sv"
# The archival variant of level A is tagged for screen readers (WeasyPrint tags it), so it also
# claims PDF/UA-1, which WeasyPrint declares only for its own "pdf/ua-1".
ACCESSIBLE_ARCHIVAL_VARIANTS = ("pdf/a-2a",)
# Every document claims a profile, so every one is held to it (tests/conftest.py validates each):
# one that names none is at least accessible.
DEFAULT_VARIANT = "pdf/ua-1"
# PDF/UA-1's identification (ISO 14289-1, 5) and, since PDF/A allows in XMP only the schemas it
# predefines or the file describes (ISO 19005-2, 6.6.2.3), pdfuaid's description as a PDF/A
# extension schema.
PDFUA_1_XMP = b"""<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<pdfuaid:part>1</pdfuaid:part></rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
 xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>The part of ISO 14289 the file conforms to</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>
"""


class OwnFilesFetcher(URLFetcher):
    """Serve WeasyPrint our static files and refuse every other address (no network)."""

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        """Return the static file the URL names; refuse anything outside static/."""
        if url.startswith("data:"):
            return super().fetch(url, headers)  # inline content, such as a chart: no network
        if not url.startswith("file:"):
            raise ValueError(f"Only the project's own files are used in PDFs, not {url[:100]}")
        path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
        if not path.is_relative_to(STATIC_DIR) or not path.is_file():
            raise ValueError(f"Not one of the project's static files: {path}")
        return URLFetcherResponse(url, path.read_bytes())


def _page_references(pdf: pydyf.PDF) -> tuple[bytes, ...]:
    """Return the references of the PDF's pages, rebuilt only when a page has been added.

    pydyf (0.13) rebuilds the whole tuple on every read, and WeasyPrint reads it once for every
    element of the structure tree it tags: time that grows with pages × elements (1.2 s of a
    240-page follow-up). Reading the same pages gives the same tuple, so it is kept per PDF.
    """
    kids = len(pdf.pages["Kids"])
    cached = pdf.__dict__.get("_folkhalsa_page_references")
    if cached is None or cached[0] != kids:
        cached = (kids, _PYDYF_PAGE_REFERENCES.fget(pdf))
        pdf.__dict__["_folkhalsa_page_references"] = cached
    return cached[1]


_PYDYF_PAGE_REFERENCES = pydyf.PDF.page_references
if isinstance(_PYDYF_PAGE_REFERENCES, property):  # a later pydyf may store them itself
    pydyf.PDF.page_references = property(_page_references)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Collect cyclic garbage less often while WeasyPrint builds its millions of short-lived boxes.

    With Python's default threshold (700 allocations) the collector runs thousands of times over
    the growing layout tree; 50,000 takes 8 % off a long document without raising its peak memory
    (bench/follow_up.py). The thresholds are the process's, so they are put back afterwards.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(50_000, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def render_pdf(*, template_name: str, context: dict, variant: str = DEFAULT_VARIANT) -> bytes:
    """Render the template with the context to PDF bytes, as `variant` (e.g. "pdf/a-2a")."""
    return html_to_pdf(
        html=render_html(template_name=template_name, context=context), variant=variant
    )


def render_html(*, template_name: str, context: dict) -> str:
    """Return the document's HTML, in the documents' language."""
    with translation.override(DOCUMENT_LANGUAGE):
        return render_to_string(template_name, {**context, "document_language": DOCUMENT_LANGUAGE})


def html_to_pdf(*, html: str, variant: str = DEFAULT_VARIANT) -> bytes:
    """Return the HTML typeset by WeasyPrint with the shared stylesheet and our own font."""
    fetcher = OwnFilesFetcher(fail_on_errors=True)
    fonts = FontConfiguration()
    with _fewer_collections():
        stylesheet = CSS(filename=str(STYLESHEET), font_config=fonts, url_fetcher=fetcher)
        document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=fetcher)
        return document.write_pdf(
            stylesheets=[stylesheet],
            font_config=fonts,
            pdf_variant=variant,
            # Tagged for every variant, so screen readers follow the structure of any document.
            pdf_tags=True,
            finisher=partial(_finish, variant=variant),
        )


def _finish(document: object, pdf: pydyf.PDF, *, variant: str) -> None:
    """Finish the file before it is written: its metadata, and no stream ending in a carriage
    return."""
    _finish_metadata(document, pdf, variant=variant)
    _no_stream_ends_in_a_carriage_return(pdf)


def _no_stream_ends_in_a_carriage_return(pdf: pydyf.PDF) -> None:
    """Change how a stream is written when its compressed bytes end in a carriage return.

    pydyf writes a stream's bytes, then a line feed and `endstream`. When the bytes end in CR,
    a reader (page-validation among them, PDFA2A-STREAM-LENGTH-001) takes CR LF for the end of
    line and counts one byte less than /Length: about one compressed stream in 256 ends so. The
    last four bytes are the content's checksum (zlib's Adler-32), so compressing otherwise does
    not help: text streams (page contents, character maps) get a trailing line feed, which
    changes nothing they say; binary ones (fonts, images, colour profiles) are written
    uncompressed instead.
    """
    for stream in pdf.objects:
        if not isinstance(stream, pydyf.Stream) or not stream.compress:
            continue
        # The bytes as pydyf joins them for `Stream.data`, with its own conversion of items.
        raw = b"\n".join(pydyf._to_bytes(item) for item in stream.stream)
        if not zlib.compress(raw, 9).endswith(b"\r"):
            continue
        if _is_binary(stream):
            if not raw.endswith(b"\r"):
                stream.compress = False
            continue
        while zlib.compress(raw, 9).endswith(b"\r"):
            stream.stream.append(b"")  # joined with a line feed before it
            raw += b"\n"


def _is_binary(stream: pydyf.Stream) -> bool:
    """Return whether the stream holds bytes rather than PDF text: a font, image or profile."""
    extra = stream.extra
    subtype = str(extra.get("Subtype", ""))
    return any(key in extra for key in ("Length1", "Length2", "Length3", "N")) or subtype in (
        "/Image",
        "/CIDFontType0C",
        "/Type1C",
        "/OpenType",
    )


def _finish_metadata(_document: object, pdf: pydyf.PDF, *, variant: str) -> None:
    """Write the XMP metadata as PDF/A wants it: uncompressed, and claiming PDF/UA-1 as well for
    the tagged archival variants (`ACCESSIBLE_ARCHIVAL_VARIANTS`).

    WeasyPrint (70) compresses the catalog's metadata stream. PDF/A-1 forbids that (ISO 19005-1,
    6.7.2) and our validator, page-validation, holds PDF/A-2 to the same rule
    (PDFA2A-METADATA-FILTER-001); left plain, as XMP advises, any tool that scans the file finds
    the document's title and claims.
    """
    stream = pdf.objects[int(pdf.catalog["Metadata"].split()[0])]
    stream.compress = False
    if variant in ACCESSIBLE_ARCHIVAL_VARIANTS:
        xmp = b"".join(stream.stream)
        end = b"</rdf:RDF>"
        if xmp.count(end) != 1:  # a later WeasyPrint writing its XMP otherwise
            raise ValueError("Unexpected XMP metadata from WeasyPrint: cannot claim PDF/UA-1")
        stream.stream = [xmp.replace(end, PDFUA_1_XMP + end)]
