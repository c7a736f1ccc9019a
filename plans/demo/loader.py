"""Load the transcribed source documents (the YAML files beside this module) and demo users."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from plans.models import (
    Account,
    Budget,
    BudgetAmount,
    BudgetFunder,
    BudgetLine,
    FocusArea,
    GlobalGoal,
    Measure,
    Organisation,
    Person,
    Plan,
    Responsibility,
    Result,
    Role,
    Tag,
    TargetArea,
)

DEMO_DIR = Path(__file__).resolve().parent
PATH_SEPARATOR = " › "
DEMO_PASSWORD = "folkhalsa-demo"

# (user name, role, organisation path, staff): one strategist per plan owner and one user for
# every role, so that each access rule can be tried by hand.
DEMO_USERS = [
    ("norberg-admin", Role.Kind.ADMINISTRATOR, "Norbergs kommun", True),
    ("norberg-strateg", Role.Kind.STRATEGIST, "Norbergs kommun", True),
    ("norberg-rapportor", Role.Kind.REPORTER, "Norbergs kommun › Biblioteket", False),
    ("norberg-sekreterare", Role.Kind.SECRETARY, "Norbergs kommun", True),
    ("norberg-lasare", Role.Kind.READER, "Norbergs kommun", False),
    ("norrbotten-strateg", Role.Kind.STRATEGIST, "Region Norrbotten", True),
    (
        "norrbotten-rapportor",
        Role.Kind.REPORTER,
        "Region Norrbotten › Utvecklingsavdelningen › Folkhälsocentrum",
        False,
    ),
    ("alingsas-strateg", Role.Kind.STRATEGIST, "Alingsås kommun", True),
]


class DemoDataError(Exception):
    """Raised when a demo file is inconsistent; nothing is loaded then."""


@dataclass
class DemoReport:
    """What a load did: plans created or already there, and the demo accounts."""

    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    users: list[tuple[str, str, str]] = field(default_factory=list)


def read_documents(directory: Path = DEMO_DIR) -> list[dict[str, Any]]:
    """Return the parsed demo files in name order."""
    documents = []
    for path in sorted(directory.glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        document["_file"] = path.name
        documents.append(document)
    return documents


def load_demo(*, directory: Path = DEMO_DIR, password: str = DEMO_PASSWORD) -> DemoReport:
    """Load every demo plan that is not there yet, and the demo users; all or nothing."""
    documents = read_documents(directory)
    report = DemoReport()
    try:
        with transaction.atomic():
            _load(documents, report, password)
    except IntegrityError as error:
        raise DemoDataError(f"database refused the data: {error}") from error
    return report


def _load(documents: list[dict[str, Any]], report: DemoReport, password: str) -> None:
    """Create everything the documents hold, in dependency order."""
    loader = _Loader(_top_level_kinds(documents))
    for document in documents:
        for person in document.get("people") or []:
            loader.person(person)
    for document in documents:
        if "plan" in document:
            loader.plan(document["plan"], report)
    for document in documents:
        if "extends" in document:
            loader.part(document)
    report.users = _demo_users(loader, password)


def _top_level_kinds(documents: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Return each declared top-level organisation once; refuse conflicting kinds."""
    declared: dict[str, dict[str, Any]] = {}
    for document in documents:
        for org in document.get("organisations") or []:
            known = declared.setdefault(org["name"], org)
            if known.get("kind") != org.get("kind"):
                raise DemoDataError(
                    f"{document['_file']}: {org['name']} has kind {org.get('kind')}, "
                    f"elsewhere {known.get('kind')}"
                )
    return declared


class _Loader:
    """Create the records of the demo files, remembering what it made by natural key."""

    def __init__(self, top_level: dict[str, dict[str, Any]]) -> None:
        self.top_level = top_level
        self.organisations: dict[str, Organisation] = {}
        self.people: dict[str, Person] = {}
        self.plans: dict[str, Plan] = {}
        self.new_plans: set[str] = set()
        self.areas: dict[tuple[str, str], FocusArea] = {}
        self.measure_order: dict[int, int] = {}

    def organisation(self, path: str) -> Organisation:
        """Return the organisation at the path, creating it and its parents as needed."""
        if path in self.organisations:
            return self.organisations[path]
        names = [name.strip() for name in path.split(PATH_SEPARATOR.strip())]
        if len(names) == 1:
            declared = self.top_level.get(names[0])
            if declared is None:
                raise DemoDataError(f"Top-level organisation not declared: {names[0]!r}")
            org, _ = Organisation.objects.get_or_create(
                parent=None,
                name=names[0],
                defaults={
                    "kind": declared["kind"],
                    "municipality_code": declared.get("municipality_code") or "",
                },
            )
        else:
            parent = self.organisation(PATH_SEPARATOR.join(names[:-1]))
            org, _ = Organisation.objects.get_or_create(
                parent=parent, name=names[-1], defaults={"kind": Organisation.Kind.ENHET}
            )
        self.organisations[path] = org
        return org

    def person(self, data: dict[str, Any]) -> Person:
        """Create a named person once per organisation."""
        person, _ = Person.objects.get_or_create(
            organisation=self.organisation(data["organisation"]),
            name=data["name"],
            defaults={"title": data.get("title") or "", "email": data.get("email") or ""},
        )
        self.people[data["name"]] = person
        return person

    def plan(self, data: dict[str, Any], report: DemoReport) -> None:
        """Create the plan with everything in it, unless a plan of that title exists."""
        owner = self.organisation(data["owner"])
        existing = Plan.objects.filter(
            owner=owner, title=data["title"], start_year=data["start_year"]
        ).first()
        if existing is not None:
            self.plans[data["key"]] = existing
            report.existing.append(existing.title)
            return
        parent_key = data.get("parent")
        plan = Plan(
            owner=owner,
            kind=data["kind"],
            title=data["title"],
            start_year=data["start_year"],
            end_year=data["end_year"],
            parent=self._existing_plan(parent_key) if parent_key else None,
            vision=_text(data.get("vision")),
            purpose=_text(data.get("purpose")),
            status=data.get("status") or Plan.Status.DRAFT,
            adopted_by=data.get("adopted_by") or "",
            adopted_on=data.get("adopted_on"),
            revised_on=data.get("revised_on"),
        )
        _validate(plan, f"plan {plan.title!r}")
        plan.save()
        plan.target_areas.set(TargetArea.objects.filter(number__in=data.get("target_areas") or []))
        plan.global_goals.set(GlobalGoal.objects.filter(number__in=data.get("global_goals") or []))
        self.plans[data["key"]] = plan
        self.new_plans.add(data["key"])
        for order, area in enumerate(data.get("focus_areas") or []):
            self.focus_area(plan, data["key"], area, parent=None, order=order)
        for budget in data.get("budgets") or []:
            self.budget(plan, data["key"], budget)
        report.created.append(plan.title)

    def _existing_plan(self, key: str) -> Plan:
        """Return the plan loaded under the key, in this run or an earlier one."""
        if key not in self.plans:
            raise DemoDataError(f"Unknown plan key {key!r}")
        return self.plans[key]

    def focus_area(
        self, plan: Plan, key: str, data: dict[str, Any], parent: FocusArea | None, order: int
    ) -> FocusArea:
        """Create a focus area with its sub-areas, results and measures."""
        area = _create(
            FocusArea,
            plan=plan,
            parent=parent,
            number=str(data.get("number") or ""),
            order=order,
            title=data["title"],
            background=_text(data.get("background")),
            current_state=_text(data.get("current_state")),
            direction=_text(data.get("direction")),
            target_groups=_text(data.get("target_groups")),
            coordinator=self.organisation(data["coordinator"]) if data.get("coordinator") else None,
        )
        area.contacts.set([self.people[name] for name in data.get("contacts") or []])
        self.areas[(key, area.full_number)] = area
        for child_order, child in enumerate(data.get("children") or []):
            self.focus_area(plan, key, child, parent=area, order=child_order)
        for result in data.get("results") or []:
            self.result(area, result)
        for measure in data.get("measures") or []:
            self.measure(area, None, measure)
        return area

    def result(self, area: FocusArea, data: dict[str, Any]) -> None:
        """Create a long-term expected result with its measures."""
        result = _create(Result, focus_area=area, number=data["number"], title=data["title"])
        for measure in data.get("measures") or []:
            self.measure(area, result, measure)

    def measure(self, area: FocusArea, result: Result | None, data: dict[str, Any]) -> None:
        """Create a measure with its responsible organisations and tags."""
        order = self.measure_order.get(area.plan_id, 0) + 1
        self.measure_order[area.plan_id] = order
        measure = Measure(
            plan=area.plan,
            focus_area=area,
            result=result,
            code=str(data.get("code") or ""),
            order=order,
            title=_text(data.get("title")),
            description=_text(data.get("description")),
            target_group=_text(data.get("target_group")),
            expected_result=_text(data.get("expected_result")),
            target_year=data.get("target_year"),
            status=data.get("status") or "",
            approach=data.get("approach") or "",
            start_year=data.get("start_year"),
            end_year=data.get("end_year"),
        )
        _validate(measure, f"measure {measure.code or measure.title[:40]!r}")
        measure.save()
        measure.tags.set(
            [Tag.objects.get_or_create(name=name)[0] for name in data.get("tags") or []]
        )
        seen: set[int] = set()
        for entry in data.get("responsible") or []:
            org = self.organisation(entry["organisation"])
            if org.pk in seen:
                continue
            seen.add(org.pk)
            _create(
                Responsibility,
                measure=measure,
                organisation=org,
                role=entry["role"],
                cooperation=entry.get("cooperation") or "",
            )

    def part(self, document: dict[str, Any]) -> None:
        """Add the results of a part file to the plan it extends, if that plan is new."""
        key = document["extends"]
        if key not in self.plans:
            raise DemoDataError(f"{document['_file']}: extends unknown plan {key!r}")
        if key not in self.new_plans:
            return  # loaded in an earlier run, with its parts
        for result in document.get("results") or []:
            self.result(self._area(key, result["focus_area"], document["_file"]), result)

    def _area(self, key: str, number: str, source: str) -> FocusArea:
        """Return the plan's focus area with the dotted number."""
        try:
            return self.areas[(key, str(number))]
        except KeyError:
            raise DemoDataError(f"{source}: no focus area {number!r} in {key!r}") from None

    def budget(self, plan: Plan, key: str, data: dict[str, Any]) -> None:
        """Create a budget with its funders, lines and amounts."""
        budget = _create(Budget, plan=plan, year=data["year"], title=data.get("title") or "")
        funders = [
            _create(BudgetFunder, budget=budget, organisation=self.organisation(path), order=i)
            for i, path in enumerate(data["funders"])
        ]
        for order, line_data in enumerate(data.get("lines") or []):
            area = line_data.get("focus_area")
            line = _create(
                BudgetLine,
                budget=budget,
                name=line_data["name"],
                kind=line_data["kind"],
                focus_area=self._area(key, area, "budget") if area else None,
                order=order,
            )
            for funder, amount in zip(funders, line_data["amounts"], strict=True):
                if amount is not None:
                    _create(BudgetAmount, line=line, funder=funder, amount=_kronor(amount))


def _create(model: type, **fields: Any) -> Any:
    """Build a record, run the model's own validation, and save it."""
    record = model(**fields)
    _validate(record, f"{model._meta.verbose_name} {str(record)[:60]!r}")
    record.save()
    return record


def _validate(record: Any, what: str) -> None:
    """Run the model's own validation; report a failure with what was being loaded."""
    try:
        record.full_clean()
    except ValidationError as error:
        raise DemoDataError(f"{what}: {'; '.join(error.messages)}") from error


def _text(value: Any) -> str:
    """Return a text field's value with surrounding white space removed."""
    return "" if value is None else str(value).strip()


def _kronor(value: Any) -> Decimal:
    """Return an amount in kronor; refuse anything that is not a non-negative number."""
    try:
        amount = Decimal(str(value).replace(" ", ""))
    except InvalidOperation:
        raise DemoDataError(f"Not an amount: {value!r}") from None
    if amount < 0:
        raise DemoDataError(f"Negative amount: {value!r}")
    return amount


def _demo_users(loader: _Loader, password: str) -> list[tuple[str, str, str]]:
    """Create (or reset) the demo superuser and the role users; return them for printing."""
    admin, _ = User.objects.get_or_create(username="admin", defaults={"email": "admin@example.se"})
    admin.is_staff = admin.is_superuser = True
    admin.set_password(password)
    admin.save()
    accounts = [("admin", "superanvändare", "alla organisationer")]
    for username, kind, path, staff in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.is_staff = staff
        user.set_password(password)
        user.save()
        org = loader.organisation(path)
        Role.objects.get_or_create(user=user, organisation=org, kind=kind)
        # The account belongs to the municipality or region, whose administrators manage it.
        home = loader.organisation(path.split(" › ")[0])
        Account.objects.get_or_create(user=user, defaults={"organisation": home})
        accounts.append((username, Role.Kind(kind).label, org.path))
    return accounts
