"""An organisation's logo on the follow-up's cover: a PNG or an SVG, checked (an SVG that could
run or fetch anything is refused with a Swedish message), uploaded by its administrator in the
admin, and shown on the cover of the PDF and the Word file with its alternative text."""

from io import BytesIO

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from PIL import Image

from folkhalsa.validators import validate_logo
from plans.models import Organisation
from reports.documents import follow_up_document
from reports.services import follow_up_render
from reports.word import follow_up_docx
from tests.conftest import client_for
from tests.html_forms import main_form

pytestmark = pytest.mark.django_db

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
    b'<rect width="40" height="20" fill="#0969da"/></svg>'
)


def _png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (40, 20), "#0969da").save(out, format="PNG")
    return out.getvalue()


def _file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize("name, content", [("logo.png", None), ("logo.svg", SVG)])
def test_a_png_or_a_plain_svg_is_accepted(name, content):
    validate_logo(_file(name, content or _png()))


@pytest.mark.parametrize(
    "content, message",
    [
        (b"inte en bild", "Logotypen ska vara en PNG- eller SVG-bild."),
        (SVG.replace(b"<rect", b"<script>alert(1)</script><rect"), "skript eller länkar ut"),
        (SVG.replace(b"<rect", b'<rect onload="alert(1)"'), "skript eller länkar ut"),
        (
            SVG.replace(b"<rect", b'<image href="https://example.com/spion.png"/><rect'),
            "skript eller länkar ut",
        ),
        (
            SVG.replace(b"<rect", b"<style>rect{fill:url(https://example.com/x)}</style><rect"),
            "skript eller länkar ut",
        ),
        (b"\x89PNG" + b"0" * 400 * 1024, "högst 300 kB"),
    ],
)
def test_anything_else_is_refused_in_swedish(content, message):
    with pytest.raises(ValidationError) as refused:
        validate_logo(_file("logo.png", content))
    assert message in " ".join(refused.value.messages)


def test_the_administrator_uploads_it_and_the_cover_shows_it(diana, norberg, measure):
    client = client_for(diana)
    url = reverse("admin:plans_organisation_change", args=[norberg.pk])
    data = main_form(client.get(url).content.decode()).data()
    response = client.post(url, {**data, "logo": _file("norberg.png", _png())})
    assert response.status_code == 302
    norberg.refresh_from_db()
    assert norberg.logo.name.startswith("logotyper/")

    content = follow_up_document(plan=measure.plan, year=2025)
    assert content["plan"]["logo"].startswith("data:image/png;base64,")
    pdf = pikepdf.open(BytesIO(follow_up_render(content=content)))
    cover_images = [
        name
        for name, item in pdf.pages[0].resources.get("/XObject", {}).items()
        if item.get("/Subtype") == "/Image"
    ]
    assert cover_images, "the logo is drawn on page 1"
    word = Document(BytesIO(follow_up_docx(content=content)))
    logo = word.inline_shapes[0]  # first on the first page; the charts follow
    assert logo._inline.docPr.get("descr") == "Norbergs kommuns logotyp"


def test_a_unit_shows_the_logo_of_the_organisation_above_it(norberg, library):
    norberg.logo.save("norberg.svg", _file("norberg.svg", SVG))
    from reports.documents import organisation_logo

    assert organisation_logo(library).startswith("data:image/svg+xml;base64,")
    assert organisation_logo(Organisation.objects.create(name="Utan logotyp")) == ""
