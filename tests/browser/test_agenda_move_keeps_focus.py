"""A secretary moving agenda items with the keyboard alone keeps her place: after each move
(swapped in place by htmx) the focus is on the same item's move button, or on its other move
button once it reaches the top or the bottom."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from councils.models import AgendaItem, Body, Meeting
from plans.demo.loader import DEMO_PASSWORD
from plans.models import Account, Organisation, Role
from tests.browser.conftest import check_page

TITLES = ["Lägesbild", "Uppföljning", "Övriga frågor"]


@pytest.fixture
def last_item(site) -> AgendaItem:
    """A meeting next month with three items; a secretary of Norberg to arrange them."""
    norberg = Organisation.objects.get(name="Norbergs kommun", parent=None)
    secretary = User.objects.create_user("fokus-sekreterare", password=DEMO_PASSWORD)
    Role.objects.create(user=secretary, organisation=norberg, kind=Role.Kind.SECRETARY)
    Account.objects.create(user=secretary, organisation=norberg)
    council = Body.objects.create(organisation=norberg, name="Fokusrådet", kind=Body.Kind.COUNCIL)
    starts = timezone.now().replace(microsecond=0) + datetime.timedelta(days=30)
    meeting = Meeting.objects.create(body=council, starts_at=starts, place="Kommunhuset")
    items = [
        AgendaItem.objects.create(meeting=meeting, order=n, kind="information", title=title)
        for n, title in enumerate(TITLES, 1)
    ]
    return items[-1]


def _moved_to(page, position: int) -> None:
    """Wait until the last item shows at the position and htmx has settled the new agenda (its
    buttons answer only then; a key pressed sooner submits the form without JavaScript)."""
    title = page.locator("#dagordning .agenda-item h3").nth(position - 1)
    expect(title).to_contain_text("Övriga frågor")
    expect(page.locator(".htmx-added, .htmx-settling")).to_have_count(0)


def test_focus_stays_on_the_moved_items_button(page, log_in, last_item):
    log_in(page, "fokus-sekreterare")
    page.goto(f"/moten/{last_item.meeting_id}/")
    check_page(page, "agenda-move-focus")
    page.evaluate("() => { document.body.dataset.sameDocument = 'yes'; }")
    page.locator(f"#upp-{last_item.pk}").focus()

    page.keyboard.press("Enter")  # third → second: the same button is still there
    _moved_to(page, 2)
    expect(page.locator(f"#upp-{last_item.pk}")).to_be_focused()

    page.keyboard.press("Enter")  # second → first: no "up" any more, so its "down" button
    _moved_to(page, 1)
    expect(page.locator(f"#ned-{last_item.pk}")).to_be_focused()

    page.keyboard.press("Enter")  # and back down, still on its own button
    _moved_to(page, 2)
    expect(page.locator(f"#ned-{last_item.pk}")).to_be_focused()
    assert page.evaluate("() => document.body.dataset.sameDocument") == "yes"  # never reloaded
    order = list(last_item.meeting.items.order_by("order").values_list("title", flat=True))
    assert order == ["Lägesbild", "Övriga frågor", "Uppföljning"]
