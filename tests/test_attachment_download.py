"""Attachments are downloaded by readers of their meeting only, never served by address."""

import pytest
from django.urls import reverse

from tests.conftest import PDF_BYTES, attach_pdf, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def attachment(meeting):
    return attach_pdf(meeting.items.get(), name="Lägesbild 2025.pdf")


def test_a_reader_of_the_meeting_downloads_the_file_under_its_name(attachment, alice):
    response = client_for(alice).get(reverse("councils:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "L%C3%A4gesbild%202025.pdf" in disposition
    assert attachment.file.name not in disposition


@pytest.mark.parametrize("outsider", ["bob", "charlie"])
def test_download_is_refused_to_outsiders_as_if_it_did_not_exist(attachment, outsider, request):
    user = request.getfixturevalue(outsider)
    response = client_for(user).get(reverse("councils:attachment_download", args=[attachment.pk]))
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(attachment):
    response = client_for(None).get(reverse("councils:attachment_download", args=[attachment.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_member_who_sits_in_the_body_downloads_it(attachment, bob, eva):
    eva.user = bob
    eva.save()
    response = client_for(bob).get(reverse("councils:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200


def test_files_are_not_served_by_any_address(attachment, alice):
    for address in ("/" + attachment.file.name, "/media/" + attachment.file.name):
        assert client_for(alice).get(address).status_code == 404
