"""Prioritisation (issue 21): the merged ranking against a hand computation, the pattern in
words, scores hidden until the round closes, the decision made into a plan in one transaction,
and collaborations that own work together without members administering each other."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from plans import permissions
from plans.models import (
    Account,
    Candidate,
    CollaborationMember,
    Criterion,
    FocusArea,
    Measure,
    Organisation,
    Plan,
    Prioritisation,
    Rater,
    Role,
    Round,
    Score,
    Theme,
)
from plans.prioritisation import selectors, services
from plans.prioritisation.ranking import Sheet, pattern, rank
from tests.conftest import PASSWORD, client_for

D = Decimal

# --- The ranking, by hand -------------------------------------------------------------------
#
# Two criteria, weights 2 and 1, scale 1–5. Three raters, four candidates (all one theme):
#
#   rater  candidate A   B     C     D            rater value = (2·k1 + 1·k2) / 3
#   1      (5,4)  (4,4)  (3,5)  (2,2)             A 14/3  B 4  C 11/3  D 2
#   2      (4,3)  (4,4)  (4,2)  (1,1)             A 11/3  B 4  C 10/3  D 1
#   3      (5,5)  (3,3)  —      (2,1)             A 5     B 3  C  —    D 5/3
#
# Mean:   A (14/3+11/3+5)/3 = 40/9 = 4.444… → 4.44; B 11/3 → 3.67; C (11/3+10/3)/2 = 7/2 = 3.50;
#         D (2+1+5/3)/3 = 14/9 → 1.56. Spread A 3.67–5.00, B 3.00–4.00, C 3.33–3.67, D 1.00–2.00.
# Median: A 14/3 → 4.67; B 4 → 4.00; C 3.50; D 5/3 → 1.67.
# Per criterion (mean): A k1 14/3 → 4.67, k2 4; C k1 7/2, k2 7/2.

K1, K2 = 10, 20
WEIGHTS = {K1: D(2), K2: D(1)}
A, B, C, DD = 1, 2, 3, 4
SHEETS = [
    Sheet(1, A, {K1: 5, K2: 4}),
    Sheet(1, B, {K1: 4, K2: 4}),
    Sheet(1, C, {K1: 3, K2: 5}),
    Sheet(1, DD, {K1: 2, K2: 2}),
    Sheet(2, A, {K1: 4, K2: 3}),
    Sheet(2, B, {K1: 4, K2: 4}),
    Sheet(2, C, {K1: 4, K2: 2}),
    Sheet(2, DD, {K1: 1, K2: 1}),
    Sheet(3, A, {K1: 5, K2: 5}),
    Sheet(3, B, {K1: 3, K2: 3}),
    Sheet(3, C, {K1: 4}),  # incomplete: counts for nothing
    Sheet(3, DD, {K1: 2, K2: 1}),
]
THEMES = {A: 1, B: 1, C: 1, DD: 1}


def test_the_weighted_mean_ranking_equals_the_hand_computation():
    rows = rank(sheets=SHEETS, candidates=THEMES, weights=WEIGHTS, method="medelvarde")
    assert [(r.candidate, r.value, r.rank) for r in rows] == [
        (A, D("4.44"), 1),
        (B, D("3.67"), 2),
        (C, D("3.50"), 3),
        (DD, D("1.56"), 4),
    ]
    by = {r.candidate: r for r in rows}
    assert (by[A].lowest, by[A].highest, by[A].raters) == (D("3.67"), D("5.00"), 3)
    assert (by[B].lowest, by[B].highest) == (D("3.00"), D("4.00"))
    assert (by[C].lowest, by[C].highest, by[C].raters) == (D("3.33"), D("3.67"), 2)
    assert by[A].by_criterion == [D("4.67"), D("4.00")]
    assert by[C].by_criterion == [D("3.50"), D("3.50")]
    assert by[DD].spread == D("1.00")


def test_the_median_ranking_equals_the_hand_computation():
    rows = rank(sheets=SHEETS, candidates=THEMES, weights=WEIGHTS, method="median")
    assert [(r.candidate, r.value) for r in rows] == [
        (A, D("4.67")),
        (B, D("4.00")),
        (C, D("3.50")),
        (DD, D("1.67")),
    ]


def test_equal_scores_share_a_rank_and_the_next_rank_skips():
    sheets = [
        Sheet(1, A, {K1: 4, K2: 4}),
        Sheet(1, B, {K1: 4, K2: 4}),
        Sheet(1, C, {K1: 5, K2: 5}),
        Sheet(1, DD, {K1: 1, K2: 1}),
    ]
    rows = rank(sheets=sheets, candidates={**THEMES, 5: 1}, weights=WEIGHTS, method="medelvarde")
    assert [(r.candidate, r.rank, r.tied, r.rank_label) for r in rows] == [
        (C, 1, False, "1"),
        (A, 2, True, "2 (delad)"),
        (B, 2, True, "2 (delad)"),
        (DD, 4, False, "4"),
        (5, None, False, "–"),  # never scored: last, without a rank
    ]


@pytest.mark.parametrize(
    ("values", "kind", "top"),
    [
        (["4.5", "4.4", "4.3", "3.2", "3.1"], "top", 3),
        (["2.4", "2.3", "2.1", "2.0"], "low", 0),
        (["4.2", "4.0", "3.8", "3.6"], "high", 0),
        (["3.6", "3.4", "3.2", "3.1"], "flat", 0),
        (["3.0"], "few", 0),
    ],
)
def test_a_themes_shape_is_named_in_words(values, kind, top):
    found = pattern([D(v) for v in values], (1, 5))
    assert (found.kind, found.top) == (kind, top)
    words = {
        "top": "Tydlig topplista: de 3 främsta",
        "low": "samtliga åtgärdsområden fick låga poäng",
        "high": "samtliga åtgärdsområden fick höga poäng",
        "flat": "poängen ligger jämnt",
        "few": "För få bedömda",
    }
    assert words[kind] in found.words
    if kind != "top":
        assert "Ingen tydlig topplista" in found.words or kind == "few"


# --- A prioritisation in the database -------------------------------------------------------


@pytest.fixture
def dalarna(db):
    """A collaboration of two municipalities; strategists and an administrator in each."""
    falun = Organisation.objects.create(name="Falu kommun", kind=Organisation.Kind.KOMMUN)
    mora = Organisation.objects.create(name="Mora kommun", kind=Organisation.Kind.KOMMUN)
    samling = Organisation.objects.create(name="Samlingen", kind=Organisation.Kind.SAMVERKAN)
    CollaborationMember.objects.create(collaboration=samling, member=falun)
    CollaborationMember.objects.create(collaboration=samling, member=mora)

    def user(name: str, org: Organisation, kind: str | None) -> User:
        account = User.objects.create_user(name, f"{name}@example.se", PASSWORD, first_name=name)
        Account.objects.create(user=account, organisation=org)
        if kind:
            Role.objects.create(user=account, organisation=org, kind=kind)
        return account

    return {
        "falun": falun,
        "mora": mora,
        "samling": samling,
        "strateg": user("falun-strateg", falun, Role.Kind.STRATEGIST),
        "admin": user("falun-admin", falun, Role.Kind.ADMINISTRATOR),
        "rater1": user("mora-rater", mora, Role.Kind.READER),
        "rater2": user("mora-rater2", mora, None),
        "mora_admin": user("mora-admin", mora, Role.Kind.ADMINISTRATOR),
    }


@pytest.fixture
def prioritisation(dalarna):
    p = Prioritisation(owner=dalarna["samling"], title="Direkta åtgärder")
    services.prioritisation_start(prioritisation=p, user=dalarna["strateg"])
    theme = Theme.objects.create(prioritisation=p, number=1, title="En bra start i livet")
    for number, title in enumerate(["Familjecentrerat", "Föräldraskapsstöd", "Språk"], 1):
        Candidate.objects.create(prioritisation=p, theme=theme, number=str(number), title=title)
    return p


def _open_round(p: Prioritisation, by: User, raters: list[User]) -> Round:
    round_ = Round(prioritisation=p, title="Uppdragsgruppen")
    return services.round_open(
        round_=round_, raters=[(r, "") for r in raters], candidates=p.candidates.all(), user=by
    )


def _score_everything(client, round_: Round, value: int) -> None:
    data = {}
    for candidate in round_.candidates.all():
        for criterion in round_.prioritisation.criteria.all():
            data[f"s-{candidate.pk}-{criterion.pk}"] = str(value)
        data[f"k-{candidate.pk}"] = f"Kommentar {value}"
    response = client.post(reverse("plans:round_scores", args=[round_.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_the_seed_004_criteria_come_with_a_new_prioritisation(prioritisation):
    assert [c.name for c in prioritisation.criteria.all()] == [
        "Angelägenhetsgrad",
        "Nytta/effekt av åtgärd på individnivå",
        "Åtgärdens kostnadseffektivitet",
        "Relevans för organisationerna och området",
    ]


def test_a_rater_cannot_see_others_scores_before_the_round_closes(
    dalarna, prioritisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        raters = [dalarna["rater1"], dalarna["rater2"]]
        round_ = _open_round(prioritisation, dalarna["strateg"], raters)
    assert len(mail.outbox) == 2  # each rater is told, with the address of her sheet
    assert reverse("plans:round_scores", args=[round_.pk]) in mail.outbox[0].body
    first, second = client_for(dalarna["rater1"]), client_for(dalarna["rater2"])
    _score_everything(first, round_, 5)
    # The other rater's sheet shows none of the first rater's scores or comments.
    sheet = second.get(reverse("plans:round_scores", args=[round_.pk])).content.decode()
    assert "Kommentar 5" not in sheet
    assert 'value="5" selected' not in sheet
    # Nobody, the owner included, sees a score before the close: only who has scored.
    owner = client_for(dalarna["strateg"])
    ranking = owner.get(reverse("plans:ranking", args=[prioritisation.pk])).content.decode()
    assert "Ingen omgång är stängd än" in ranking and "5,00" not in ranking
    page = owner.get(reverse("plans:round", args=[round_.pk])).content.decode()
    assert "1 av 2 bedömare har poängsatt allt" in page
    assert "Kommentar 5" not in page
    # Her own sheet shows her own scores back.
    own = first.get(reverse("plans:round_scores", args=[round_.pk])).content.decode()
    assert "Kommentar 5" in own
    # Once closed, the ranking reads them.
    owner.post(reverse("plans:round_close", args=[round_.pk]), {"version": round_.version})
    round_.refresh_from_db()
    assert round_.status == Round.Status.CLOSED
    ranking = owner.get(reverse("plans:ranking", args=[prioritisation.pk])).content.decode()
    assert "5,00" in ranking
    # And nothing can be changed after the close.
    before = Score.objects.count()
    response = second.post(reverse("plans:round_scores", args=[round_.pk]), {})
    assert response.status_code == 302 and Score.objects.count() == before


def test_reminders_go_only_to_raters_who_have_not_scored_everything(dalarna, prioritisation):
    round_ = _open_round(prioritisation, dalarna["strateg"], [dalarna["rater1"], dalarna["rater2"]])
    _score_everything(client_for(dalarna["rater1"]), round_, 3)
    mail.outbox.clear()
    client_for(dalarna["strateg"]).post(reverse("plans:round_remind", args=[round_.pk]))
    assert [m.to for m in mail.outbox] == [[dalarna["rater2"].email]]
    assert Rater.objects.get(user=dalarna["rater2"]).reminded_at is not None
    assert Rater.objects.get(user=dalarna["rater1"]).reminded_at is None


def test_a_later_round_adds_raters_and_narrows_the_candidates(dalarna, prioritisation):
    first = _open_round(prioritisation, dalarna["strateg"], [dalarna["rater1"]])
    _score_everything(client_for(dalarna["rater1"]), first, 4)
    services.round_close(round_=first, expected_version=first.version, user=dalarna["strateg"])
    kept = list(prioritisation.candidates.order_by("pk")[:2])
    second = services.round_open(
        round_=Round(prioritisation=prioritisation, title="Verksamhetsansvariga"),
        raters=[(dalarna["rater1"], ""), (dalarna["rater2"], "sakkunnig")],
        candidates=kept,
        user=dalarna["strateg"],
    )
    assert second.number == 2
    assert set(second.candidates.all()) == set(kept)
    _score_everything(client_for(dalarna["rater2"]), second, 2)
    services.round_close(round_=second, expected_version=second.version, user=dalarna["strateg"])
    merged = selectors.ranking(prioritisation)
    values = {row.candidate: row for row in merged.overall}
    # The kept two merge both rounds' lists (4 and 2: mean 3); the third has round 1 only.
    assert values[kept[0].pk].value == D("3.00") and values[kept[0].pk].raters == 2
    dropped = prioritisation.candidates.exclude(pk__in=[c.pk for c in kept]).get()
    assert values[dropped.pk].value == D("4.00") and values[dropped.pk].raters == 1
    only_two = selectors.ranking(prioritisation, round_number=2)
    assert {r.candidate for r in only_two.overall} == {c.pk for c in kept}


def test_one_round_is_open_at_a_time(dalarna, prioritisation):
    _open_round(prioritisation, dalarna["strateg"], [dalarna["rater1"]])
    with pytest.raises(Exception, match="redan öppen"):
        _open_round(prioritisation, dalarna["strateg"], [dalarna["rater2"]])


def test_a_score_outside_the_scale_is_refused_and_nothing_is_written(dalarna, prioritisation):
    round_ = _open_round(prioritisation, dalarna["strateg"], [dalarna["rater1"]])
    candidate = prioritisation.candidates.first()
    criterion = prioritisation.criteria.first()
    response = client_for(dalarna["rater1"]).post(
        reverse("plans:round_scores", args=[round_.pk]),
        {f"s-{candidate.pk}-{criterion.pk}": "9", f"k-{candidate.pk}": "x"},
    )
    assert response.status_code == 400
    assert not Score.objects.exists()


def test_only_named_raters_score(dalarna, prioritisation):
    round_ = _open_round(prioritisation, dalarna["strateg"], [dalarna["rater1"]])
    url = reverse("plans:round_scores", args=[round_.pk])
    assert client_for(dalarna["strateg"]).get(url).status_code == 403  # reads, does not rate
    assert client_for(dalarna["rater2"]).get(url).status_code == 404  # reads nothing here


def test_the_decision_creates_the_plans_items_in_one_transaction_and_links_them(
    dalarna, prioritisation
):
    round_ = _open_round(prioritisation, dalarna["strateg"], [dalarna["rater1"]])
    _score_everything(client_for(dalarna["rater1"]), round_, 4)
    services.round_close(round_=round_, expected_version=round_.version, user=dalarna["strateg"])
    chosen = list(prioritisation.candidates.order_by("pk")[:2])
    prioritisation.refresh_from_db()
    response = client_for(dalarna["strateg"]).post(
        reverse("plans:decision", args=[prioritisation.pk]),
        {
            "version": prioritisation.version,
            "candidates": [c.pk for c in chosen],
            "as_": "insatser",
            "plan": "",
            "new_title": "Handlingsplan för jämlik hälsa",
            "new_kind": "handlingsplan",
            "new_start_year": "2027",
            "new_end_year": "2030",
            "decided_by": "Samlingens styrgrupp",
            "decided_on": "2026-11-20",
            "reference": "RD 2026/42",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    plan = Plan.objects.get(title="Handlingsplan för jämlik hälsa")
    assert plan.owner == dalarna["samling"] and plan.status == Plan.Status.DRAFT
    area = FocusArea.objects.get(plan=plan)
    assert area.title == "En bra start i livet"
    measures = list(Measure.objects.filter(plan=plan).order_by("code"))
    assert [m.title for m in measures] == [c.title for c in chosen]
    for candidate in chosen:
        candidate.refresh_from_db()
        assert candidate.measure.plan == plan  # the link back to the scores
    prioritisation.refresh_from_db()
    assert (prioritisation.decided_by, prioritisation.decision_reference) == (
        "Samlingens styrgrupp",
        "RD 2026/42",
    )
    assert prioritisation.decided_on == datetime.date(2026, 11, 20)
    assert prioritisation.plan == plan
    # The plan's strategist of a member organisation edits the collaboration's plan.
    assert permissions.can_edit_plan(dalarna["strateg"], plan)


def test_a_failed_decision_writes_nothing(dalarna, prioritisation, monkeypatch):
    chosen = list(prioritisation.candidates.order_by("pk"))
    calls = []

    def failing_add(*, item, user):
        calls.append(item)
        if len(calls) == 3:
            raise RuntimeError("the third item fails")
        return original(item=item, user=user)

    from plans.prioritisation import services as module

    original = module.plan_item_add
    monkeypatch.setattr(module, "plan_item_add", failing_add)
    plans_before, areas_before = Plan.objects.count(), FocusArea.objects.count()
    with pytest.raises(RuntimeError):
        services.decision_to_plan(
            prioritisation=prioritisation,
            expected_version=prioritisation.version,
            candidates=chosen,
            plan=Plan(
                owner=dalarna["samling"],
                kind="handlingsplan",
                title="X",
                start_year=2027,
                end_year=2028,
            ),
            as_="fokusomraden",
            decided_by="Styrgruppen",
            decided_on=datetime.date(2026, 11, 20),
            reference="",
            user=dalarna["strateg"],
        )
    assert (Plan.objects.count(), FocusArea.objects.count()) == (plans_before, areas_before)
    assert not Candidate.objects.filter(focus_area__isnull=False).exists()
    prioritisation.refresh_from_db()
    assert prioritisation.decided_on is None and prioritisation.plan is None


def test_a_candidate_is_decided_once(dalarna, prioritisation):
    candidate = prioritisation.candidates.first()
    arguments = {
        "candidates": [candidate],
        "as_": "fokusomraden",
        "decided_by": "Styrgruppen",
        "decided_on": datetime.date(2026, 11, 20),
        "reference": "",
        "user": dalarna["strateg"],
    }
    plan = services.decision_to_plan(
        prioritisation=prioritisation,
        expected_version=prioritisation.version,
        plan=Plan(
            owner=dalarna["samling"], kind="program", title="P", start_year=2027, end_year=2028
        ),
        **arguments,
    )
    prioritisation.refresh_from_db()
    with pytest.raises(Exception, match="Redan beslutat"):
        services.decision_to_plan(
            prioritisation=prioritisation,
            expected_version=prioritisation.version,
            plan=plan,
            **arguments,
        )
    assert FocusArea.objects.filter(plan=plan).count() == 1


# --- Collaborations ------------------------------------------------------------------------


def test_a_members_roles_count_in_the_collaboration_not_in_the_other_members(dalarna):
    samling, falun, mora = dalarna["samling"], dalarna["falun"], dalarna["mora"]
    strateg, admin = dalarna["strateg"], dalarna["admin"]
    editable = permissions.organisations_for(strateg, permissions.EDIT_PLANS)
    assert samling.pk in editable and falun.pk in editable and mora.pk not in editable
    managed = permissions.organisations_for(admin, permissions.MANAGE_USERS)
    assert samling.pk in managed and mora.pk not in managed


def test_a_member_organisations_administrator_cannot_manage_another_members_accounts(dalarna):
    admin, other = dalarna["admin"], dalarna["rater1"]
    assert not permissions.can_manage_user(admin, other)
    assert other not in permissions.manageable_users(admin)
    assert permissions.can_manage_user(admin, dalarna["strateg"])  # her own organisation's
    client = client_for(admin)
    admin.is_staff = True
    admin.save()
    page = client.get(reverse("admin:auth_user_change", args=[other.pk]))
    assert page.status_code == 404
    # Nor may she change who takes part in the collaboration.
    response = client.get(reverse("admin:plans_organisation_change", args=[dalarna["samling"].pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mora kommun" in page  # she sees who takes part
    assert 'name="member_rows-0-member"' not in page and "member_rows-__prefix__" not in page


def test_raters_are_offered_from_the_owner_and_its_members_only(dalarna, prioritisation, charlie):
    choices = set(permissions.rater_choices(dalarna["strateg"], prioritisation.owner))
    assert dalarna["rater1"] in choices and dalarna["strateg"] in choices
    assert charlie not in choices
    page = client_for(dalarna["strateg"]).get(reverse("plans:round_new", args=[prioritisation.pk]))
    assert "charlie" not in page.content.decode()
    response = client_for(dalarna["strateg"]).post(
        reverse("plans:round_new", args=[prioritisation.pk]),
        {
            "title": "Omgång",
            "raters": [charlie.pk],
            "candidates": [c.pk for c in prioritisation.candidates.all()],
        },
    )
    assert response.status_code == 400 and not Round.objects.exists()


def test_outsiders_read_nothing_of_a_prioritisation(dalarna, prioritisation, charlie):
    for name in ("prioritisation_detail", "ranking", "prioritisation_pdf", "decision"):
        url = reverse(f"plans:{name}", args=[prioritisation.pk])
        assert client_for(charlie).get(url).status_code == 404
        assert client_for(None).get(url).status_code == 302  # to the login page
    assert (
        prioritisation.title
        not in client_for(charlie).get(reverse("plans:prioritisations")).content.decode()
    )
    # A reader of a member reads it, but does not change it.
    reader = client_for(dalarna["rater1"])
    assert (
        reader.get(reverse("plans:prioritisation_detail", args=[prioritisation.pk])).status_code
        == 200
    )
    assert reader.get(reverse("plans:decision", args=[prioritisation.pk])).status_code == 403


def test_criteria_weights_change_the_merged_ranking(dalarna, prioritisation):
    round_ = _open_round(prioritisation, dalarna["strateg"], [dalarna["rater1"]])
    criteria = list(prioritisation.criteria.all())
    first, second = list(prioritisation.candidates.order_by("pk")[:2])
    sheets = [
        services.SheetInput(first.pk, {criteria[0].pk: 5, **{c.pk: 1 for c in criteria[1:]}}, ""),
        services.SheetInput(second.pk, {criteria[0].pk: 1, **{c.pk: 3 for c in criteria[1:]}}, ""),
    ]
    services.scores_save(rater=Rater.objects.get(round=round_), sheets=sheets)
    services.round_close(round_=round_, expected_version=round_.version, user=dalarna["strateg"])
    equal = {r.candidate: r.value for r in selectors.ranking(prioritisation).overall}
    assert equal[first.pk] == D("2.00") and equal[second.pk] == D("2.50")
    Criterion.objects.filter(pk=criteria[0].pk).update(weight=D("5"))
    weighted = {r.candidate: r.value for r in selectors.ranking(prioritisation).overall}
    # (5·5 + 3·1)/8 = 3.50 against (5·1 + 3·3)/8 = 1.75
    assert weighted[first.pk] == D("3.50") and weighted[second.pk] == D("1.75")


def test_the_indicators_that_show_the_need_stand_by_their_areas_with_deviations(demo):
    strategist = User.objects.get(username="dalarna-strateg")
    p = Prioritisation.objects.get(owner__name="Samling för social hållbarhet i Dalarna")
    page = client_for(strategist).get(reverse("plans:prioritisation_detail", args=[p.pk]))
    text = page.content.decode()
    assert "Barn som lever i ekonomiskt utsatta hushåll" in text
    assert "2024: 11,6 %" in text
    assert "sämre än Riket, där värdet var 9,9" in text  # a deviation the follow-up names
    assert "steg från 11,3 till 11,6 %" in text


def test_who_is_told_about_a_collaborations_work_includes_its_members_roles(dalarna):
    from plans.selectors import role_holders

    holders = role_holders(
        organisation_ids=[dalarna["samling"].pk, dalarna["mora"].pk],
        kinds=[Role.Kind.ADMINISTRATOR],
    )
    assert holders[dalarna["samling"].pk] == sorted(
        [dalarna["admin"], dalarna["mora_admin"]], key=lambda u: u.pk
    )
    assert holders[dalarna["mora"].pk] == [dalarna["mora_admin"]]  # not Falun's


def test_a_candidate_is_deleted_only_before_any_round_has_held_it(dalarna, prioritisation):
    strategist = client_for(dalarna["strateg"])
    first, second, third = prioritisation.candidates.order_by("pk")
    response = strategist.post(reverse("plans:candidate_delete", args=[first.pk]))
    assert response.status_code == 302 and not Candidate.objects.filter(pk=first.pk).exists()
    round_ = services.round_open(
        round_=Round(prioritisation=prioritisation, title="Omgång"),
        raters=[(dalarna["rater1"], "")],
        candidates=[second],
        user=dalarna["strateg"],
    )
    response = strategist.post(reverse("plans:candidate_delete", args=[second.pk]), follow=True)
    assert "har ingått i en omgång" in response.content.decode()
    assert Candidate.objects.filter(pk=second.pk).exists() and round_.candidates.count() == 1
    # A reader of a member may not delete; an outsider does not find it.
    assert (
        client_for(dalarna["rater1"])
        .post(reverse("plans:candidate_delete", args=[third.pk]))
        .status_code
        == 403
    )
