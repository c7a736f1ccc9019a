"""The shared PDF renderer (folkhalsa/pdf.py): our own files only, tags on the right pages."""

import gc
from io import BytesIO

import pikepdf
import pytest
from pypdf import PdfReader
from weasyprint.urls import FatalURLFetchingError

from folkhalsa.pdf import html_to_pdf


def _document(body: str) -> str:
    head = "<head><title>Prov</title></head>"
    return f'<!DOCTYPE html><html lang="sv">{head}<body>{body}</body></html>'


def test_every_tagged_element_points_at_the_page_it_is_on():
    # Twelve headings, one per page: the structure tree must send each to its own page, the
    # page references being kept between reads (folkhalsa.pdf._page_references). Level 1, as
    # PDF/UA-1 wants a document's first heading (tests/conftest.py validates every PDF).
    body = "".join(
        f'<h1 style="break-before: page">Rubrik {n}</h1><p>Sidan {n}.</p>' for n in range(12)
    )
    pdf = pikepdf.open(BytesIO(html_to_pdf(html=_document(body), variant="pdf/ua-1")))
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
    assert len(pages) == 12
    headings, stack = [], [pdf.Root.StructTreeRoot.K]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            if node.S == "/H1":
                headings.append(node)
            stack.append(node.get("/K"))
    assert sorted(pages[heading.Pg.objgen] for heading in headings) == list(range(12))
    texts = [page.extract_text() for page in PdfReader(BytesIO(pdf_bytes(pdf))).pages]
    assert all(f"Rubrik {n}" in texts[n] for n in range(12))


def pdf_bytes(pdf: pikepdf.Pdf) -> bytes:
    out = BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "source",
    ["http://127.0.0.1:9/bild.png", "file:///etc/passwd", "../../folkhalsa/settings.py"],
)
def test_nothing_outside_our_static_files_is_fetched(source):
    with pytest.raises(FatalURLFetchingError) as refused:
        html_to_pdf(html=_document(f'<img src="{source}" alt="bild">'))
    assert isinstance(refused.value.__cause__, ValueError)  # our fetcher's refusal


def test_the_collector_is_set_back_after_rendering_even_when_it_fails():
    before = gc.get_threshold()
    html_to_pdf(html=_document("<p>Hej</p>"))
    assert gc.get_threshold() == before
    with pytest.raises(FatalURLFetchingError):
        html_to_pdf(html=_document('<img src="http://127.0.0.1:9/x.png" alt="x">'))
    assert gc.get_threshold() == before
