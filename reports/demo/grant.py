"""Demo of a grant paid per inhabitant: Norsjö's brotts- och trygghetsarbete (seed 001).

Norsjö's council rules say the state pays a general grant against crime of 21,08 kr per
inhabitant (utgiftspost 25, kommuner mot brott): half the sum in 2023, when the law on the
municipalities' crime prevention took effect on 1 July, the whole from 2024. The rules name no
plan, lines or inhabitants, so this small plan, its lines, the number of inhabitants and the
outcome are invented for the demo and say so; the rate and the shares are the document's.
"""

from decimal import Decimal

from plans.models import (
    Budget,
    BudgetAmount,
    BudgetFunder,
    BudgetLine,
    FocusArea,
    Measure,
    Organisation,
    Plan,
    Responsibility,
)

PLAN_TITLE = "Demo: Norsjö kommuns brotts- och trygghetsarbete 2023–2024"
RATE = Decimal("21.08")
INHABITANTS = 4050  # a demo figure, not Statistics Sweden's
SHARES = {2023: 50, 2024: None}  # half the sum in 2023, the whole from 2024
PURPOSE = (
    "Demo: en plan gjord för att visa statsbidraget per invånare i Norsjö kommuns reglemente "
    "för folkhälso- och trygghetsrådet. Budgetposterna, antalet invånare och utfallet är "
    "påhittade; bidraget 21,08 kr per invånare och andelarna är reglementets.\n\n"
    "För det brotts och trygghetsarbete utbetalas ett generellt stadsbidrag inom det kommunala "
    "utjämningssystemet (utgiftspost 25 kommuner mot brott) med 21,08 kr per innevånare som "
    "kan användas till personell resurs, kompetensutveckling, insatser och aktiviteter. 2023 "
    "får kommuner halva summan då lagen om kommunernas brottsförebyggande arbete träder i kraft "
    "1/7 2023. Från 2024 blir kommunen tilldelad hela summan. Påföres årligen till "
    "kostnadsställe 1138."
)
# The uses the rules name for the grant, with the part of it each gets in the demo.
LINES = [
    ("Personell resurs: processledare", BudgetLine.Kind.PERSONNEL, Decimal("0.60")),
    ("Kompetensutveckling: basutbildningen våld, genus och normer", BudgetLine.Kind.OTHER, None),
    ("Insatser och aktiviteter", BudgetLine.Kind.OTHER, Decimal("0.25")),
]
# The tasks the rules give the förebyggargrupp and the processledare, as the plan's measures.
MEASURES = [
    ("1", "Håller i Basutbildningen våld, genus och normer för medarbetare, chefer och politiker"),
    ("2", "Uppföljning av insatser inom en Norsjöbygd fri från våld"),
    ("3", "Revidering av handlingsplanen för ett jämställt och jämlikt våldsförebyggande arbete"),
]
OUTCOME_SHARES = {2023: Decimal("0.97"), 2024: Decimal("1.02")}


def load_grant_demo() -> bool:
    """Create Norsjö's demo plan with the grant in its 2023 and 2024 budgets, once; return
    whether it was created now (Norsjö comes with the councils demo)."""
    norsjo = Organisation.objects.filter(name="Norsjö kommun", parent=None).first()
    if norsjo is None or Plan.objects.filter(title=PLAN_TITLE).exists():
        return False
    plan = Plan.objects.create(
        owner=norsjo,
        kind=Plan.Kind.OPERATIONS_PLAN,
        title=PLAN_TITLE,
        start_year=2023,
        end_year=2024,
        status=Plan.Status.ADOPTED,
        purpose=PURPOSE,
    )
    _measures(plan, norsjo)
    state, _ = Organisation.objects.get_or_create(
        parent=None, name="Staten", defaults={"kind": Organisation.Kind.ANNAN}
    )
    for year, share in SHARES.items():
        _budget(plan, state, year, share)
    return True


def _measures(plan: Plan, norsjo: Organisation) -> None:
    """Give the plan one focus area with the rules' tasks, the social services responsible."""
    area = FocusArea.objects.create(
        plan=plan, number="1", order=0, title="Norsjöbygden fri från våld"
    )
    owner, _ = Organisation.objects.get_or_create(
        parent=norsjo, name="Socialtjänsten", defaults={"kind": Organisation.Kind.ENHET}
    )
    for order, (code, title) in enumerate(MEASURES):
        measure = Measure.objects.create(
            plan=plan, focus_area=area, code=code, order=order, title=title
        )
        Responsibility.objects.create(measure=measure, organisation=owner, role="ansvarig")


def _budget(plan: Plan, state: Organisation, year: int, share: int | None) -> None:
    """Create the year's budget: the grant spread over the rules' uses, and its outcome."""
    budget = Budget.objects.create(plan=plan, year=year, title=f"Budget {year}")
    funder = BudgetFunder(
        budget=budget, organisation=state, rate_per_inhabitant=RATE, population=INHABITANTS
    )
    funder.share = share
    funder.full_clean()
    funder.save()
    amounts = [
        None if part is None else (funder.grant * part).quantize(Decimal("1"))
        for _, _, part in LINES
    ]
    rest = funder.grant - sum(a for a in amounts if a is not None)  # so the lines sum to it
    for order, ((name, kind, _), amount) in enumerate(zip(LINES, amounts, strict=True)):
        line = BudgetLine.objects.create(budget=budget, name=name, kind=kind, order=order)
        amount = rest if amount is None else amount
        BudgetAmount.objects.create(
            line=line,
            funder=funder,
            amount=amount,
            outcome=(amount * OUTCOME_SHARES[year]).quantize(Decimal("1")),
        )
