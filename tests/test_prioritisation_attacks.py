# ruff: noqa: F811 - the fixtures of tests.test_prioritisation, imported by name
"""Attacks on the prioritisation and collaborations (issue 21): an account of some organisation,
perhaps a member of a collaboration, reaching scores, records and accounts it should not.

Each test is an attack tried in the review of the change. Those that found a flaw (a member's
administrator reaching another member's roles, a later decision rewriting the record of an
earlier one, a partial post wiping scores, the indicator admin showing and dropping links to
prioritisations she cannot read) failed until it was fixed; the others found it sound."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from plans import permissions
from plans.models import (
    Account,
    Candidate,
    Criterion,
    Organisation,
    Plan,
    Prioritisation,
    Rating,
    Role,
    Score,
    Theme,
)
from plans.prioritisation import services
from reports.models import Indicator
from tests.conftest import PASSWORD, client_for
from tests.test_prioritisation import (  # noqa: F401 - fixtures
    _open_round,
    _score_everything,
    dalarna,
    prioritisation,
)


def _decision_post(client, p: Prioritisation, candidates, **fields):
    data = {
        "version": p.version,
        "candidates": [c.pk for c in candidates],
        "as_": "fokusomraden",
        "plan": "",
        "new_title": "Plan",
        "new_kind": "handlingsplan",
        "new_start_year": "2027",
        "new_end_year": "2030",
        "decided_by": "Styrgruppen",
        "decided_on": "2026-11-20",
        "reference": "",
        **fields,
    }
    return client.post(reverse("plans:decision", args=[p.pk]), data)


@pytest.fixture
def other(charlie):
    """Alingsås's own prioritisation, with a theme, a candidate and an open round."""
    p = Prioritisation(owner=charlie.account.organisation, title="Alingsås eget")
    services.prioritisation_start(prioritisation=p, user=charlie)
    theme = Theme.objects.create(prioritisation=p, number=1, title="Alingsås tema")
    Candidate.objects.create(prioritisation=p, theme=theme, number="1", title="Alingsås område")
    _open_round(p, charlie, [charlie])
    return p


# --- Findings --------------------------------------------------------------------------------


def test_a_members_administrator_deletes_another_members_role_in_the_collaboration(
    dalarna,
):
    """Mora's administrator gave a Mora account a strategist role in Samlingen. Falun's
    administrator administers Samlingen, but not Mora's accounts: she must not take it away."""
    moras = Role.objects.create(
        user=dalarna["rater1"], organisation=dalarna["samling"], kind=Role.Kind.STRATEGIST
    )
    admin = dalarna["admin"]
    admin.is_staff = True
    admin.save()
    client = client_for(admin)
    client.post(reverse("admin:plans_role_delete", args=[moras.pk]), {"post": "yes"})
    assert Role.objects.filter(pk=moras.pk).exists()
    # Nor is the role's page hers, as the organisation page's role rows hide it from her.
    assert client.get(reverse("admin:plans_role_change", args=[moras.pk])).status_code in (
        403,
        404,
    )


def test_a_members_administrator_lists_another_members_roles_in_the_collaboration(
    dalarna,
):
    Role.objects.create(
        user=dalarna["rater1"], organisation=dalarna["samling"], kind=Role.Kind.STRATEGIST
    )
    admin = dalarna["admin"]
    admin.is_staff = True
    admin.save()
    page = client_for(admin).get(reverse("admin:plans_role_changelist")).content.decode()
    assert "mora-rater" not in page


def test_a_later_decision_rewrites_the_earlier_plans_decision_reference(dalarna, prioritisation):
    """Two decisions from one prioritisation (an area now, another later, into two plans): the
    first plan's page must keep naming its own decision, not the later one."""
    first, second = list(prioritisation.candidates.order_by("pk")[:2])
    client = client_for(dalarna["strateg"])
    response = _decision_post(
        client, prioritisation, [first], new_title="Plan ett", reference="RD 2026/1"
    )
    assert response.status_code == 302
    prioritisation.refresh_from_db()
    response = _decision_post(
        client,
        prioritisation,
        [second],
        new_title="Plan två",
        reference="RD 2027/99",
        decided_by="Regionfullmäktige",
        decided_on="2027-03-01",
    )
    assert response.status_code == 302
    plan_one = Plan.objects.get(title="Plan ett")
    page = client.get(reverse("plans:plan_detail", args=[plan_one.pk])).content.decode()
    assert "Prioriteringen bakom planen" in page
    assert "RD 2027/99" not in page
    assert "RD 2026/1" in page


def test_a_post_of_one_field_wipes_the_candidates_other_scores(dalarna, prioritisation):
    """A post of a candidate's comment alone (or of one criterion) must leave the scores it
    does not carry as they are, as a post without the candidate's fields does."""
    round_ = _open_round(prioritisation, dalarna["strateg"], [dalarna["rater1"]])
    client = client_for(dalarna["rater1"])
    _score_everything(client, round_, 4)
    candidate = round_.candidates.order_by("pk").first()
    before = Score.objects.filter(rating__candidate=candidate).count()
    assert before == prioritisation.criteria.count()
    response = client.post(
        reverse("plans:round_scores", args=[round_.pk]), {f"k-{candidate.pk}": "Ny kommentar"}
    )
    assert response.status_code == 302
    assert Rating.objects.get(candidate=candidate).comment == "Ny kommentar"
    assert Score.objects.filter(rating__candidate=candidate).count() == before


@pytest.fixture
def unit_indicator(dalarna, prioritisation):
    """An indicator of Falun's social services (a unit), linked by Falun's strategist to an
    area of Samlingen's prioritisation; a reader and a strategist who hold roles at the unit
    only (a unit's role does not reach the collaboration)."""
    unit = Organisation.objects.create(
        name="Socialförvaltningen", kind=Organisation.Kind.ANNAN, parent=dalarna["falun"]
    )
    indicator = Indicator.objects.create(
        owner=unit, name="Barn i utsatta hushåll", source="manuell"
    )
    candidate = prioritisation.candidates.order_by("pk").first()
    indicator.candidates.add(candidate)

    def user(name: str, kind: str) -> User:
        account = User.objects.create_user(name, f"{name}@example.se", PASSWORD, is_staff=True)
        Account.objects.create(user=account, organisation=unit)
        Role.objects.create(user=account, organisation=unit, kind=kind)
        return account

    return {
        "indicator": indicator,
        "candidate": candidate,
        "reader": user("unit-reader", Role.Kind.READER),
        "strategist": user("unit-strateg", Role.Kind.STRATEGIST),
    }


def test_the_indicator_admin_shows_areas_of_prioritisations_she_cannot_read(
    dalarna, prioritisation, unit_indicator
):
    reader = unit_indicator["reader"]
    assert not permissions.readable_prioritisations(reader).filter(pk=prioritisation.pk).exists()
    page = client_for(reader).get(
        reverse("admin:reports_indicator_change", args=[unit_indicator["indicator"].pk])
    )
    assert page.status_code == 200
    assert unit_indicator["candidate"].title not in page.content.decode()


def test_saving_an_indicator_drops_links_to_areas_she_cannot_read(
    dalarna, prioritisation, unit_indicator
):
    """The unit's strategist saves the indicator: the link Falun's strategist made to an area
    she does not read (so is not offered) must stay."""
    indicator = unit_indicator["indicator"]
    client = client_for(unit_indicator["strategist"])
    url = reverse("admin:reports_indicator_change", args=[indicator.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if name == "candidates":
            continue  # not offered to her, so not posted
        if hasattr(value, "__iter__") and not isinstance(value, str):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = getattr(value, "pk", value)
    data["name"] = "Barn i utsatta hushåll (ny rubrik)"
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management.initial.get(name, 0)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    indicator.refresh_from_db()
    assert indicator.name == "Barn i utsatta hushåll (ny rubrik)"
    assert indicator.candidates.filter(pk=unit_indicator["candidate"].pk).exists()


# --- Checked and found sound -----------------------------------------------------------------


def test_another_organisations_records_answer_404_and_take_no_writes(dalarna, other):
    client = client_for(dalarna["strateg"])
    theme = other.themes.get()
    candidate = other.candidates.get()
    round_ = other.rounds.get()
    for name, pk in [
        ("prioritisation_detail", other.pk),
        ("prioritisation_edit", other.pk),
        ("criteria_edit", other.pk),
        ("theme_new", other.pk),
        ("candidate_new", other.pk),
        ("round_new", other.pk),
        ("ranking", other.pk),
        ("decision", other.pk),
        ("prioritisation_pdf", other.pk),
        ("prioritisation_xlsx", other.pk),
        ("theme_edit", theme.pk),
        ("candidate_edit", candidate.pk),
        ("round", round_.pk),
        ("round_scores", round_.pk),
    ]:
        assert client.get(reverse(f"plans:{name}", args=[pk])).status_code == 404, name
    for name in ("round_close", "round_remind"):
        url = reverse(f"plans:{name}", args=[round_.pk])
        assert client.post(url, {"version": round_.version}).status_code == 404
    response = client.post(
        reverse("plans:candidate_edit", args=[candidate.pk]),
        {"theme": theme.pk, "title": "Kapat", "version": candidate.version},
    )
    assert response.status_code == 404
    round_.refresh_from_db()
    assert round_.is_open and other.candidates.get().title == "Alingsås område"


def test_ids_outside_the_offered_choices_are_refused(dalarna, prioritisation, other):
    client = client_for(dalarna["strateg"])
    theirs = other.candidates.get()
    # A round over another prioritisation's area.
    response = client.post(
        reverse("plans:round_new", args=[prioritisation.pk]),
        {"title": "Omgång", "raters": [dalarna["rater1"].pk], "candidates": [theirs.pk]},
    )
    assert response.status_code == 400 and not prioritisation.rounds.exists()
    # An area placed in another prioritisation's theme.
    response = client.post(
        reverse("plans:candidate_new", args=[prioritisation.pk]),
        {"theme": other.themes.get().pk, "title": "Smuggel"},
    )
    assert response.status_code == 400
    assert not Candidate.objects.filter(title="Smuggel").exists()
    # Another prioritisation's criterion rewritten through this one's criteria page.
    theirs_criterion = other.criteria.first()
    own = list(prioritisation.criteria.all())
    data = {
        "kriterier-TOTAL_FORMS": str(len(own)),
        "kriterier-INITIAL_FORMS": str(len(own)),
        "kriterier-MIN_NUM_FORMS": "0",
        "kriterier-MAX_NUM_FORMS": "12",
    }
    for i, c in enumerate(own):
        data.update(
            {
                f"kriterier-{i}-id": str(c.pk),
                f"kriterier-{i}-name": c.name,
                f"kriterier-{i}-weight": "1",
            }
        )
    data["kriterier-0-id"] = str(theirs_criterion.pk)
    data["kriterier-0-name"] = "Kapat"
    client.post(reverse("plans:criteria_edit", args=[prioritisation.pk]), data)
    assert Criterion.objects.get(pk=theirs_criterion.pk).name != "Kapat"
    # A decision into another organisation's plan, and another prioritisation's area.
    theirs_plan = Plan.objects.create(
        owner=other.owner,
        kind="handlingsplan",
        title="Alingsås plan",
        start_year=2027,
        end_year=2030,
    )
    response = _decision_post(
        client, prioritisation, [prioritisation.candidates.first()], plan=theirs_plan.pk
    )
    assert response.status_code == 400
    response = _decision_post(client, prioritisation, [theirs])
    assert response.status_code == 400
    assert not theirs_plan.focus_areas.exists() and not Plan.objects.filter(title="Plan").exists()


def test_a_stale_or_repeated_decision_writes_nothing(dalarna, prioritisation):
    client = client_for(dalarna["strateg"])
    candidate = prioritisation.candidates.order_by("pk").first()
    stale = prioritisation.version
    assert _decision_post(client, prioritisation, [candidate]).status_code == 302
    plans = Plan.objects.count()
    # The same area again (a second tab), with the old version and with the new one.
    prioritisation.version = stale
    assert _decision_post(client, prioritisation, [candidate]).status_code == 400
    prioritisation.refresh_from_db()
    assert _decision_post(client, prioritisation, [candidate]).status_code == 400
    # Another area with a stale version.
    prioritisation.version = stale
    second = prioritisation.candidates.order_by("pk")[1]
    assert _decision_post(client, prioritisation, [second]).status_code == 400
    assert Plan.objects.count() == plans
    second.refresh_from_db()
    assert second.focus_area_id is None and second.measure_id is None


def test_open_round_scores_reach_nobody_but_the_rater(dalarna, prioritisation):
    round_ = _open_round(prioritisation, dalarna["strateg"], [dalarna["rater1"], dalarna["rater2"]])
    _score_everything(client_for(dalarna["rater1"]), round_, 5)
    for user in (dalarna["strateg"], dalarna["admin"], dalarna["rater2"], dalarna["mora_admin"]):
        client = client_for(user)
        for url in (
            reverse("plans:ranking", args=[prioritisation.pk]) + f"?omgang={round_.number}",
            reverse("plans:ranking", args=[prioritisation.pk]) + "?metod=median",
            reverse("plans:prioritisation_detail", args=[prioritisation.pk]),
            reverse("plans:round", args=[round_.pk]),
            reverse("my_work"),
        ):
            text = client.get(url).content.decode()
            assert "Kommentar 5" not in text and "5,00" not in text, (user, url)
    xlsx = client_for(dalarna["strateg"]).get(
        reverse("plans:prioritisation_xlsx", args=[prioritisation.pk])
    )
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(xlsx.content))
    cells = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
    assert "Kommentar 5" not in cells
    # The rater who is no member reads the ranking, not the file of every score.
    assert (
        client_for(dalarna["rater2"])
        .get(reverse("plans:prioritisation_xlsx", args=[prioritisation.pk]))
        .status_code
        == 403
    )


def test_scores_after_close_outside_the_round_or_by_a_non_rater_are_refused(
    dalarna, prioritisation, other
):
    round_ = _open_round(prioritisation, dalarna["strateg"], [dalarna["rater1"]])
    criterion = prioritisation.criteria.first()
    url = reverse("plans:round_scores", args=[round_.pk])
    # A rater of another prioritisation's area, and of this one's, as a non-rater.
    theirs = other.candidates.get()
    client_for(dalarna["rater1"]).post(url, {f"s-{theirs.pk}-{criterion.pk}": "3"})
    assert not Score.objects.filter(rating__candidate=theirs).exists()
    candidate = round_.candidates.first()
    response = client_for(dalarna["mora_admin"]).post(
        url, {f"s-{candidate.pk}-{criterion.pk}": "3"}
    )
    assert response.status_code == 403 and not Score.objects.exists()
    # A criterion of another prioritisation on her own sheet.
    client_for(dalarna["rater1"]).post(
        url, {f"s-{candidate.pk}-{other.criteria.first().pk}": "3", f"k-{candidate.pk}": "x"}
    )
    assert not Score.objects.exists()
    services.round_close(round_=round_, expected_version=round_.version, user=dalarna["strateg"])
    client_for(dalarna["rater1"]).post(
        url, {f"s-{candidate.pk}-{criterion.pk}": "3", f"k-{candidate.pk}": "efter"}
    )
    assert not Score.objects.exists()
    assert list(Rating.objects.values_list("comment", flat=True)) == ["x"]


def test_a_role_at_a_members_unit_does_not_reach_the_collaboration(dalarna, prioritisation):
    unit = Organisation.objects.create(
        name="Falu skolförvaltning", kind=Organisation.Kind.ANNAN, parent=dalarna["falun"]
    )
    account = User.objects.create_user("skolstrateg", "s@example.se", PASSWORD)
    Account.objects.create(user=account, organisation=unit)
    Role.objects.create(user=account, organisation=unit, kind=Role.Kind.ADMINISTRATOR)
    assert dalarna["samling"].pk not in permissions.organisations_for(account, permissions.READ)
    assert (
        client_for(account)
        .get(reverse("plans:prioritisation_detail", args=[prioritisation.pk]))
        .status_code
        == 404
    )


def test_a_members_role_does_not_reach_the_other_members_plans(dalarna):
    mora_draft = Plan.objects.create(
        owner=dalarna["mora"],
        kind="handlingsplan",
        title="Moras utkast",
        start_year=2027,
        end_year=2030,
    )
    strateg = dalarna["strateg"]
    assert not permissions.visible_plans(strateg).filter(pk=mora_draft.pk).exists()
    assert not permissions.can_edit_plan(strateg, mora_draft)
    assert (
        client_for(strateg).get(reverse("plans:plan_detail", args=[mora_draft.pk])).status_code
        == 404
    )


def test_the_indicator_admin_offers_only_areas_of_prioritisations_she_edits(
    dalarna, prioritisation, other
):
    from django.contrib import admin as django_admin
    from django.test import RequestFactory

    from reports.admin import IndicatorAdmin

    indicator = Indicator.objects.create(owner=dalarna["falun"], name="X", source="manuell")
    request = RequestFactory().get("/")
    request.user = dalarna["strateg"]
    request.resolver_match = type("M", (), {"kwargs": {"object_id": str(indicator.pk)}})()
    model_admin = IndicatorAdmin(Indicator, django_admin.site)
    field = model_admin.formfield_for_manytomany(Indicator._meta.get_field("candidates"), request)
    offered = set(field.queryset)
    assert set(prioritisation.candidates.all()) <= offered
    assert not offered & set(other.candidates.all())
