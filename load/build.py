"""Fill the throwaway database for `make load` and write the addresses each simulated user asks.

Run by scripts/load.sh after `manage.py migrate` (and `load_demo`): generates a country
(`bench.national.generate_national`, full size unless `--size small`), the follow-up and council
work of `bench.work`, a plan of 2,000 measures whose closed round makes a large follow-up, and
accounts for the load (password as `load_demo` sets it). Every page address is tried once here
with Django's test client as its user; an address that does not answer 200 is left out and named,
so a wrong address never counts as an error of the load.

    python -m load.build --size full|small --output targets.json
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

SMALL = {"municipalities": 20, "regions": 3}
GENERATED_STRATEGISTS = 8
BIG_MEASURES = 2000


def setup() -> None:
    """Configure Django from the environment scripts/load.sh set."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("load: run through `make load` (it starts a throwaway PostgreSQL)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "folkhalsa.settings")
    import django

    django.setup()


def generate(size: str) -> None:
    """Generate the country and the work on it, and a plan of 2,000 measures."""
    from django.contrib.auth.models import User

    from bench.follow_up import synthetic_plan
    from bench.national import NationalSize, generate_national
    from bench.work import build_work
    from plans.models import Organisation, Plan

    started = time.perf_counter()
    generate_national(size=NationalSize(**(SMALL if size == "small" else {})))
    norrbotten = Plan.objects.get(title__startswith="Region Norrbottens handlingsplan 2018")
    build_work(norrbotten_plan=norrbotten, publisher=User.objects.get(username="admin"))
    synthetic_plan(BIG_MEASURES)
    print(
        f"load: generated in {time.perf_counter() - started:.0f} s: "
        f"{Organisation.objects.count()} organisations, {Plan.objects.count()} plans"
    )


def accounts(password: str) -> None:
    """Create the load's own accounts and give the generated ones a password."""
    from django.contrib.auth.models import User

    from plans.models import Organisation, Role

    municipalities = Organisation.objects.filter(name__startswith="Gen kommun ").order_by("name")
    for n, organisation in enumerate(municipalities[:GENERATED_STRATEGISTS]):
        _account(f"load-strateg-{n:02}", organisation, Role.Kind.STRATEGIST)
    big_owner = Organisation.objects.get(name=f"Benchregionen {BIG_MEASURES}")
    _account("load-storplan", big_owner, Role.Kind.STRATEGIST)
    for user in User.objects.filter(username__startswith="bench-"):
        user.set_password(password)
        user.save(update_fields=["password"])
    for user in User.objects.filter(username__startswith="load-"):
        user.set_password(password)
        user.save(update_fields=["password"])


def _account(username: str, organisation, kind: str) -> None:
    from django.contrib.auth.models import User

    from plans.models import Role

    user = User.objects.create_user(username, email=f"{username}@example.se")
    Role.objects.create(user=user, organisation=organisation, kind=kind)


def _plans_of(user, statuses=None) -> list:
    from plans.models import Organisation, Plan

    below = Organisation.objects.below(list(user.roles.values_list("organisation_id", flat=True)))
    plans = Plan.objects.filter(owner__in=below).order_by("pk")
    return list(plans.filter(status__in=statuses) if statuses else plans)[:3]


def strategist(user) -> dict:
    """Her pages: Mitt arbete, the plans, a plan with its overview, the follow-up, the wheel;
    her downloads: the plan's PDF and Excel and a follow-up preview of a year with a round."""
    pages = ["/mitt-arbete/", "/planer/", "/uppfoljning/", "/arshjul/", "/indikatorer/"]
    downloads = []
    for plan in _plans_of(user):
        pages += [f"/planer/{plan.pk}/", f"/planer/{plan.pk}/oversikt/"]
        downloads += [f"/planer/{plan.pk}/plan.pdf", f"/planer/{plan.pk}/insatser.xlsx"]
        for year in plan.follow_up_rounds.values_list("year", flat=True)[:1]:
            downloads.append(f"/planer/{plan.pk}/uppfoljning/{year}.pdf")
    return {"username": user.username, "pages": pages, "downloads": downloads}


def reporter(user) -> dict:
    """His pages: Mitt arbete, his measures, a few of his reports in open rounds."""
    from reports.models import FollowUpRound
    from reports.permissions import writable_reports

    # The reports he writes (a partner organisation reads a measure but does not report on it).
    reports = (
        writable_reports(user).filter(round__status=FollowUpRound.Status.OPEN).order_by("pk")[:4]
    )
    pages = ["/mitt-arbete/", "/uppfoljning/mina-insatser/", "/planer/"]
    pages += [f"/rapporter/{report.pk}/" for report in reports]
    return {"username": user.username, "pages": pages, "downloads": []}


def secretary(user) -> dict:
    """Her pages: Mitt arbete, her bodies and meetings; her download: a notice as PDF."""
    from councils.models import Body, Meeting
    from plans.models import Organisation

    below = Organisation.objects.below(list(user.roles.values_list("organisation_id", flat=True)))
    bodies = list(Body.objects.filter(organisation__in=below).order_by("pk")[:2])
    meetings = list(Meeting.objects.filter(body__in=bodies).order_by("-starts_at")[:3])
    pages = ["/mitt-arbete/", "/organ/", "/mina-moten/", "/anslagstavla/"]
    pages += [f"/organ/{body.pk}/" for body in bodies]
    pages += [f"/moten/{meeting.pk}/" for meeting in meetings]
    downloads = [f"/moten/{meeting.pk}/kallelse.pdf" for meeting in meetings[:1]]
    return {"username": user.username, "pages": pages, "downloads": downloads}


def anonymous() -> dict:
    """The public pages and documents: start, plans, organisations, notice board, minutes."""
    from plans.models import Plan
    from reports.models import PublishedFollowUp

    adopted_plans = Plan.objects.filter(status=Plan.Status.ADOPTED).order_by("pk")
    adopted = list(adopted_plans[:3]) + list(
        adopted_plans.filter(owner__name__startswith="Gen kommun ")[:3]
    )
    pages = ["/", "/planer/", "/anslagstavla/", "/protokoll/", "/indikatorer/"]
    pages += [f"/organisationer/{plan.owner_id}/" for plan in adopted]
    pages += [f"/planer/{plan.pk}/" for plan in adopted]
    published = PublishedFollowUp.objects.filter(replaced_by__isnull=True).order_by("pk")[:3]
    downloads = [f"/uppfoljningar/{p.pk}.pdf" for p in published]
    downloads += [f"/planer/{plan.pk}/plan.pdf" for plan in adopted[:3]]
    downloads += [f"/planer/{plan.pk}/insatser.xlsx" for plan in adopted[:3]]
    return {"username": "", "pages": pages, "downloads": downloads}


def publishing() -> dict:
    """Norberg's strategist publishing a new version of a follow-up already published."""
    from reports.models import PublishedFollowUp
    from reports.services import publish_refusals

    published = PublishedFollowUp.objects.filter(
        plan__owner__name="Norbergs kommun", replaced_by__isnull=True
    ).first()
    refusals = publish_refusals(plan=published.plan, year=published.year)
    if refusals:
        sys.exit(f"load: {published.plan} cannot be published again: {refusals}")
    url = f"/planer/{published.plan_id}/uppfoljning/{published.year}/publicera/"
    return {"username": "norberg-strateg", "url": url}


def big_follow_up() -> dict:
    """The 2,000-measure plan's follow-up preview, asked by its strategist."""
    from plans.models import Plan

    plan = Plan.objects.get(title=f"Handlingsplan med {BIG_MEASURES} insatser")
    return {"username": "load-storplan", "url": f"/planer/{plan.pk}/uppfoljning/2025.pdf"}


def checked(target: dict) -> dict:
    """Keep the pages that answer 200 to this user; name the ones left out."""
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    if target["username"]:
        client.force_login(User.objects.get(username=target["username"]))
    kept = []
    for url in target["pages"]:
        status = client.get(url, secure=True).status_code
        if status == 200:
            kept.append(url)
        else:
            print(f"load: {target['username'] or 'anonymous'} {url} answers {status}: left out")
    return {**target, "pages": kept}


def targets(password: str) -> dict:
    """Return every simulated user's addresses."""
    from django.contrib.auth.models import User

    def users(*names: str, prefix: str = "") -> list:
        found = User.objects.filter(username__in=names)
        if prefix:
            found |= User.objects.filter(username__startswith=prefix)
        return list(found.order_by("username"))

    return {
        "size": size_line(),
        "password": password,
        "strategists": [
            checked(strategist(u))
            for u in users(
                "norberg-strateg", "norrbotten-strateg", "alingsas-strateg", prefix="load-strateg-"
            )
        ],
        "reporters": [
            checked(reporter(u))
            for u in users("norberg-rapportor", "norrbotten-rapportor", "bench-rapportor")
        ],
        "secretaries": [
            checked(secretary(u))
            for u in users("norberg-sekreterare", "norsjo-sekreterare", "bench-sekreterare")
        ],
        "anonymous": checked(anonymous()),
        "publish": publishing(),
        "big": big_follow_up(),
    }


def size_line() -> str:
    """Return what the database holds, in one line."""
    from councils.models import Meeting
    from plans.models import Measure, Organisation, Plan
    from reports.models import MeasureReport

    counts = [
        (Organisation, "organisations"),
        (Plan, "plans"),
        (Measure, "measures"),
        (Meeting, "meetings"),
        (MeasureReport, "measure reports"),
    ]
    return ", ".join(f"{model.objects.count():,} {label}" for model, label in counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["full", "small"], default="full")
    parser.add_argument("--output", type=Path, required=True)
    arguments = parser.parse_args()
    setup()
    from django.db import connection

    from plans.demo.loader import DEMO_PASSWORD

    generate(arguments.size)
    accounts(DEMO_PASSWORD)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the planner's statistics, as a database in use has them
    arguments.output.write_text(json.dumps(targets(DEMO_PASSWORD), indent=1))
    print(f"load: addresses written to {arguments.output}")


if __name__ == "__main__":
    main()
