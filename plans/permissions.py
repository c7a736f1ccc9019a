"""Who may do what: the one place every front (admin, views, API, commands) asks.

A role in an organisation covers the organisation and all its units. A role in a member of a
collaboration (samverkan) counts as the same role in the collaboration, never in the other
members. Superusers may do everything. Anonymous visitors read only what is published.
"""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef, Q, QuerySet

from plans.models import (
    Account,
    CollaborationMember,
    Measure,
    Organisation,
    Plan,
    Prioritisation,
    Rater,
    Responsibility,
    Role,
    Round,
    Tag,
    Versioned,
)

AnyUser = User | AnonymousUser

READ = frozenset(Role.Kind.values)
EDIT_PLANS = frozenset({Role.Kind.ADMINISTRATOR, Role.Kind.STRATEGIST})
REPORT = frozenset({Role.Kind.ADMINISTRATOR, Role.Kind.STRATEGIST, Role.Kind.REPORTER})
MANAGE_COUNCILS = frozenset({Role.Kind.ADMINISTRATOR, Role.Kind.SECRETARY})
MANAGE_USERS = frozenset({Role.Kind.ADMINISTRATOR})

_CACHE_ATTR = "_folkhalsa_roles"


def _role_scopes(user: AnyUser) -> dict[str, set[int]]:
    """Return, per role kind, the organisations (with units) where the user holds it."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        direct: dict[str, set[int]] = {kind: set() for kind in Role.Kind.values}
        # One query: her roles, and the same roles in the collaborations her organisations are
        # members of (a role in a member is a role in the collaboration, not in its other members).
        roles = Role.objects.filter(user=user).order_by().values_list("kind", "organisation_id")
        through = (
            CollaborationMember.objects.filter(member__roles__user=user)
            .order_by()
            .values_list("member__roles__kind", "collaboration_id")
        )
        for kind, org_id in roles.union(through, all=True):
            direct[kind].add(org_id)
        cached = {kind: set() for kind in direct}
        roots = set().union(*direct.values())
        # One recursive query for every role: the units below each organisation with a role.
        for pk, path in Organisation.objects.below(list(roots)).values_list("pk", "tree_path"):
            for kind, ids in direct.items():
                if ids.intersection(path):
                    cached[kind].add(pk)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def organisations_for(user: AnyUser, kinds: Iterable[str]) -> set[int]:
    """Return the organisations (with units) where the user holds any of the role kinds."""
    if not user.is_authenticated:
        return set()
    scopes = _role_scopes(user)
    return set().union(*(scopes[kind] for kind in kinds))


def home_organisations(user: AnyUser) -> set[int]:
    """Return the organisations (with units) the user belongs to: where she holds a role, else
    her account's organisation (a superuser's, say). A choice of organisations lists these first."""
    own = organisations_for(user, READ)
    if own or not user.is_authenticated:
        return own
    account = Account.objects.filter(user=user).values_list("organisation_id", flat=True)
    return set(Organisation.objects.below(list(account)).values_list("pk", flat=True))


def has_any_role(user: AnyUser) -> bool:
    """Return whether the user holds a role anywhere."""
    return user.is_authenticated and (user.is_superuser or bool(organisations_for(user, READ)))


def visible_plans(user: AnyUser) -> QuerySet[Plan]:
    """Return the plans the user may read."""
    plans = Plan.objects.all()
    if user.is_authenticated and user.is_superuser:
        return plans
    published = Q(status__in=Plan.PUBLISHED_STATUSES)
    if not user.is_authenticated:
        return plans.filter(published)
    readable = published | Q(owner__in=organisations_for(user, READ))
    reporter_orgs = organisations_for(user, {Role.Kind.REPORTER})
    if reporter_orgs:
        # EXISTS, not a join: one row per plan, and no work for users who report nowhere.
        responsible = Responsibility.objects.filter(
            measure__plan=OuterRef("pk"), organisation__in=reporter_orgs
        )
        readable |= Exists(responsible)
    return plans.filter(readable)


def can_edit_plan(user: AnyUser, plan: Plan) -> bool:
    """Return whether the user may change the plan and everything in it."""
    if user.is_authenticated and user.is_superuser:
        return True
    return plan.owner_id in organisations_for(user, EDIT_PLANS)


def can_start_plans(user: AnyUser) -> bool:
    """Return whether the user may start a plan for some organisation."""
    return user.is_authenticated and (
        user.is_superuser or bool(organisations_for(user, EDIT_PLANS))
    )


def plan_owner_choices(user: AnyUser) -> QuerySet[Organisation]:
    """Return the organisations the user may start and edit plans for, named by their paths."""
    organisations = Organisation.objects.with_paths()
    if user.is_authenticated and user.is_superuser:
        return organisations
    return organisations.at(organisations_for(user, EDIT_PLANS))


def can_report_on_measure(user: AnyUser, measure: Measure) -> bool:
    """Return whether the user may report progress on the measure."""
    if can_edit_plan(user, measure.plan):
        return True
    reporter_orgs = organisations_for(user, {Role.Kind.REPORTER})
    return measure.responsibilities.filter(organisation__in=reporter_orgs).exists()


def reportable_measure_ids(user: AnyUser, plan: Plan) -> set[int]:
    """Return the ids of the plan's measures the user may report on."""
    measures = Measure.objects.filter(plan=plan)
    if not can_edit_plan(user, plan):
        reporter_orgs = organisations_for(user, {Role.Kind.REPORTER})
        measures = measures.filter(responsibilities__organisation__in=reporter_orgs)
    return set(measures.values_list("pk", flat=True))


def can_see_history(user: AnyUser, plan: Plan) -> bool:
    """Return whether the user may read who changed what in the plan (members only)."""
    return can_read_organisation_history(user, plan.owner_id)


def can_read_record_history(user: AnyUser, record: Versioned) -> bool:
    """Return whether the user may read who changed the record: its organisation's members."""
    return can_read_organisation_history(user, record.history_owner_id)


def can_manage_organisation(user: AnyUser, organisation: Organisation) -> bool:
    """Return whether the user may change the organisation, its people and users' roles."""
    if user.is_authenticated and user.is_superuser:
        return True
    return organisation.pk in organisations_for(user, MANAGE_USERS)


def can_delete_plan(user: AnyUser, plan: Plan) -> bool:
    """Return whether the user may delete the plan: a draft, by an editor of its owner.

    An adopted plan is a public decision: it is closed or superseded, never deleted.
    """
    return not plan.is_published and can_edit_plan(user, plan)


def can_read_organisation_history(user: AnyUser, organisation_id: int) -> bool:
    """Return whether the user may read who changed what in the organisation (members only)."""
    if user.is_authenticated and user.is_superuser:
        return True
    return organisation_id in organisations_for(user, READ)


def manageable_users(user: AnyUser) -> QuerySet[User]:
    """Return the accounts the user may manage: those whose home organisation she administers."""
    users = User.objects.all()
    if user.is_authenticated and user.is_superuser:
        return users
    managed = organisations_for(user, MANAGE_USERS)
    return users.filter(is_superuser=False, account__organisation__in=managed)


def can_manage_user(user: AnyUser, account_user: User) -> bool:
    """Return whether the user may manage the account (password, e-mail, roles, deletion)."""
    if user.is_authenticated and user.is_superuser:
        return True
    if account_user.is_superuser:
        return False
    home = Account.objects.filter(user=account_user).values_list("organisation_id", flat=True)
    return home.first() in organisations_for(user, MANAGE_USERS)


def visible_tags(user: AnyUser) -> QuerySet[Tag]:
    """Return the tags the user may see: unused ones and those on plans she may read.

    Tags are shared, but one used only on another organisation's draft would reveal what the
    draft is about.
    """
    tags = Tag.objects.all()
    if user.is_authenticated and user.is_superuser:
        return tags
    readable = Measure.objects.filter(tags=OuterRef("pk"), plan__in=visible_plans(user))
    used = Measure.objects.filter(tags=OuterRef("pk"))
    return tags.filter(Exists(readable) | ~Exists(used))


def readable_prioritisations(user: AnyUser) -> QuerySet[Prioritisation]:
    """Return the prioritisations the user may read: those of her organisations and
    collaborations, and those where she rates a round. Never public: the scores are working
    material until the decision, which the plan that follows records."""
    prioritisations = Prioritisation.objects.all()
    if not user.is_authenticated:
        return prioritisations.none()
    if user.is_superuser:
        return prioritisations
    rates = Rater.objects.filter(round__prioritisation=OuterRef("pk"), user=user)
    return prioritisations.filter(Q(owner__in=organisations_for(user, READ)) | Exists(rates))


def can_edit_prioritisation(user: AnyUser, prioritisation: Prioritisation) -> bool:
    """Return whether the user may change the prioritisation, open and close its rounds and
    record its decision: a strategist or administrator of its owner (or of a member of the
    collaboration that owns it)."""
    if user.is_authenticated and user.is_superuser:
        return True
    return prioritisation.owner_id in organisations_for(user, EDIT_PLANS)


def can_read_scores(user: AnyUser, prioritisation: Prioritisation) -> bool:
    """Return whether the user may read every rater's scores and comments by name (the Excel
    file): the owner's members. A rater who is no member reads the merged ranking only."""
    if user.is_authenticated and user.is_superuser:
        return True
    return prioritisation.owner_id in organisations_for(user, READ)


def can_rate(user: AnyUser, round_: Round) -> bool:
    """Return whether the user may score the round now: she is one of its raters and it is open."""
    return (
        user.is_authenticated
        and round_.is_open
        and Rater.objects.filter(round=round_, user=user).exists()
    )


def rater_choices(user: AnyUser, owner: Organisation) -> QuerySet[User]:
    """Return who may be named a rater: active accounts of the owner and, for a collaboration,
    of its members (with their units). An editor of the owner sees them; nobody else is offered."""
    home = {owner.pk, *owner.member_rows.values_list("member_id", flat=True)}
    below = list(Organisation.objects.below(list(home)).values_list("pk", flat=True))
    return (
        User.objects.filter(is_active=True, account__organisation__in=below)
        .select_related("account__organisation")
        .order_by("first_name", "last_name", "username")
    )
