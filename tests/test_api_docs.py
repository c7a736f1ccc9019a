"""The API's docs page: the OpenAPI description as a page of the site, for everyone, in the
reader's language, with every resource, operation, filter, body field, answer and example."""

import pytest
from django.urls import reverse

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_docs_page_describes_every_operation_of_the_schema(alice):
    from drf_spectacular.generators import SchemaGenerator

    page = client_for(None).get(reverse("api-docs")).content.decode()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, methods in schema["paths"].items():
        for method in methods:
            assert f"{method.upper()} {path}</code>" in page, (method, path)
    assert "Läge i planen" in page  # a filter's label
    assert "Exempel: Nytt målår" in page and "&quot;target_year&quot;: 2027" in page
    assert "409" in page and "Posten har sparats av någon annan; inget sparades." in page
    assert client_for(alice).post(reverse("api-docs")).status_code == 405


def test_the_docs_page_follows_the_readers_language(alice):
    client = client_for(alice)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("api-docs")).content.decode()
    assert "How it works" in page and "Example: " in page
