"""The history shows what people changed, as they would say it, and nothing they did not."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.demo.loader import load_demo
from plans.models import Measure, Plan, Tag
from plans.selectors import word_diff
from plans.services import versioned_save
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _plan_form(plan: Plan, **changes) -> dict:
    data = {
        "title": plan.title,
        "kind": plan.kind,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "vision": plan.vision,
        "purpose": plan.purpose,
        "status": plan.status,
        "adopted_by": plan.adopted_by,
        "adopted_on": "",
        "revised_on": "",
        "loaded_version": plan.version,
    }
    data.update(changes)
    return data


def _history_page(user, plan: Plan) -> str:
    response = client_for(user).get(reverse("plans:plan_history", args=[plan.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_untouched_crlf_text_writes_no_history(alice, draft_plan):
    draft_plan.purpose = "Första stycket.\n\nAndra stycket."
    draft_plan.save()
    rows = draft_plan.history.count()
    # What a browser sends back for the untouched text area: CRLF and a trailing space.
    form = _plan_form(draft_plan, purpose="Första stycket. \r\n\r\nAndra stycket.\r\n")
    url = reverse("plans:plan_edit", args=[draft_plan.pk])
    response = client_for(alice).post(url, form, follow=True)
    assert "Planen: inga ändringar att spara." in response.content.decode()
    draft_plan.refresh_from_db()
    assert draft_plan.purpose == "Första stycket.\n\nAndra stycket."
    assert draft_plan.history.count() == rows


def test_changed_text_is_saved_with_lf_and_no_trailing_spaces(alice, draft_plan):
    url = reverse("plans:plan_edit", args=[draft_plan.pk])
    form = _plan_form(draft_plan, vision="En vision  \r\npå två rader \r\n\r\n")
    assert client_for(alice).post(url, form).status_code == 302
    draft_plan.refresh_from_db()
    assert draft_plan.vision == "En vision\npå två rader"


def test_save_without_changes_keeps_the_version(alice, measure):
    url = reverse("plans:measure_edit", args=[measure.pk])
    form = {
        "focus_area": measure.focus_area_id,
        "result": measure.result_id,
        "code": "1A",
        "title": measure.title,
        "loaded_version": 1,
    }
    rows = measure.history.count()
    assert client_for(alice).post(url, form).status_code == 302
    measure.refresh_from_db()
    assert measure.version == 1 and measure.history.count() == rows


def test_a_save_that_changes_nothing_never_conflicts(measure):
    measure.title = "Ny titel"
    versioned_save(instance=measure, expected_version=1, user=None)
    same = Measure.objects.get(pk=measure.pk)
    assert versioned_save(instance=same, expected_version=1, user=None) is False
    assert Measure.objects.get(pk=measure.pk).version == 2


def test_admin_save_without_changes_writes_no_history(alice, draft_plan):
    url = reverse("admin:plans_plan_change", args=[draft_plan.pk])
    form = {
        **_plan_form(draft_plan),
        "owner": draft_plan.owner_id,
        "focus_areas-TOTAL_FORMS": 0,
        "focus_areas-INITIAL_FORMS": 0,
    }
    assert client_for(alice).post(url, form).status_code == 302
    draft_plan.refresh_from_db()
    assert draft_plan.version == 1 and draft_plan.history.count() == 1


def test_history_shows_labels_names_and_added_tags(alice, measure, library):
    tag = Tag.objects.create(name="Färdplan 2035")
    measure.status = "pagaende"
    versioned_save(instance=measure, expected_version=1, user=alice, m2m={"tags": [tag]})
    text = _history_page(alice, measure.plan)
    assert "”Ej angiven” → ”Pågående/förankrad”" in text
    assert 'lade till <span lang="sv">Färdplan 2035</span>' in text
    assert "pagaende" not in text and "{'measure'" not in text
    assert "Norbergs kommun › Biblioteket" in text  # the responsibility by name


def test_history_shows_a_long_text_as_a_word_diff(alice, measure):
    before = " ".join(f"ord{i}" for i in range(60))
    measure.description = before
    versioned_save(instance=measure, expected_version=1, user=alice)
    measure.description = before.replace("ord30", "ORDET")
    versioned_save(instance=measure, expected_version=2, user=alice)
    newest = _history_page(alice, measure.plan).split("<tbody>")[1].split("</tr>")[0]
    assert "ord30" in newest and "ORDET" in newest
    assert "<del>" in newest and "<ins>" in newest
    assert "ord1 " not in newest  # far from the change: left out as a gap


def test_word_diff_keeps_context_around_the_change():
    old = "a b c d e f g h i j k l m n o p q r s t"
    new = old.replace("j", "J")
    segments = word_diff(old, new, context=2)
    assert segments == [
        ("gap", "… "),
        ("same", "h i "),
        ("del", "j "),
        ("ins", "J "),
        ("same", "k l "),
        ("gap", "… "),
    ]


def test_history_is_in_the_interface_language(alice, measure):
    measure.title = "Bokstart"
    versioned_save(instance=measure, expected_version=1, user=alice)
    client = client_for(alice)
    client.cookies["django_language"] = "en"
    text = client.get(reverse("plans:plan_history", args=[measure.plan_id])).content.decode()
    assert "changed" in text and "ändrade" not in text


def test_history_times_are_in_stockholm_time(alice, measure):
    from django.utils import timezone

    measure.title = "Bokstart"
    versioned_save(instance=measure, expected_version=1, user=alice)
    saved = measure.history.latest().history_date
    stockholm = timezone.localtime(saved).strftime("%Y-%m-%d %H:%M")
    text = _history_page(alice, measure.plan)
    assert stockholm in text
    assert str(timezone.localtime(saved).tzinfo) == "Europe/Stockholm"


def _history_queries(user, plan: Plan) -> int:
    with CaptureQueriesContext(connection) as captured:
        _history_page(user, plan)
    return len(captured)


def test_history_page_query_count_does_not_grow_with_the_plan(superuser, measure):
    measure.title = "Bokstart"
    versioned_save(instance=measure, expected_version=1, user=superuser)
    small = _history_queries(superuser, measure.plan)
    load_demo()
    norrbotten = Plan.objects.get(title__startswith="Region Norrbottens")
    for changed in Measure.objects.filter(plan=norrbotten)[:40]:
        changed.status = "genomford"
        versioned_save(instance=changed, expected_version=changed.version, user=superuser)
    large = _history_queries(superuser, norrbotten)
    assert small == large
