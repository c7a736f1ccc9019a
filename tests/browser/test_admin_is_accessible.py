"""Every admin changelist and change form, once each, has no serious or critical axe violation:
the admin is the administrators' tool, and administrators use screen readers too."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import RequestFactory
from django.urls import reverse

from plans.demo.loader import DEMO_PASSWORD
from tests.browser.conftest import BLOCKING_IMPACTS, DESKTOP, _axe_violations

admin.autodiscover()
MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)
# A handful of models a test: each test stays short, and the journeys' set-up is paid seldom.
GROUPS = [MODELS[start : start + 4] for start in range(0, len(MODELS), 4)]


def _pages(model) -> list[str]:
    """Return the model's list and the change form of its first record (the add form where
    there is none yet and records are added in the admin)."""
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    record = model._default_manager.order_by("pk").first()
    if record is not None:
        return [reverse(f"{name}_changelist"), reverse(f"{name}_change", args=[record.pk])]
    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(username="admin")
    if admin.site._registry[model].has_add_permission(request):
        return [reverse(f"{name}_changelist"), reverse(f"{name}_add")]
    return [reverse(f"{name}_changelist")]


@pytest.mark.parametrize("models", GROUPS, ids=lambda group: group[0]._meta.label)
def test_no_admin_page_has_a_serious_axe_violation(browser, site, models):
    context = browser.new_context(viewport=DESKTOP, base_url=site)
    tab = context.new_page()
    tab.goto("/admin/login/")
    tab.get_by_label("Användarnamn").fill("admin")
    tab.get_by_label("Lösenord").fill(DEMO_PASSWORD)
    with tab.expect_navigation():
        tab.get_by_role("button", name="Logga in").click()
    tab.scripts_off = False
    found = []
    first = ["/admin/"] if models is GROUPS[0] else []
    for url in first + [url for model in models for url in _pages(model)]:
        response = tab.goto(url)
        if response.status != 200:
            found.append(f"{url}: answered {response.status}")
            continue
        for violation in _axe_violations(tab):
            if violation["impact"] in BLOCKING_IMPACTS:
                targets = [node["target"] for node in violation["nodes"]][:3]
                found.append(f"{url}: {violation['id']} ({violation['impact']}) {targets}")
    context.close()
    assert not found, "\n".join(found)
