"""What each user reads of the councils through the API (the bodies, meetings, agenda items
and minutes the pages show her) and the filters the resources share."""

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework import serializers

from councils.models import AgendaItem, Body, Meeting
from councils.permissions import public_meetings, readable_bodies, readable_meetings
from councils.selectors import STOCKHOLM, public_bodies
from folkhalsa.api import FilterSet, IdFilter
from folkhalsa.validators import validate_date_in_range
from plans.models import Measure, Organisation
from plans.permissions import AnyUser, visible_plans

# --- What she reads ----------------------------------------------------------------------------


def visible_bodies(user: AnyUser) -> QuerySet[Body]:
    """Return the bodies she reads and the public bodies, each marked `readable`."""
    public = Q(pk__in=public_bodies().values("pk"))
    if not user.is_authenticated:
        return Body.objects.filter(public).annotate(readable=Value(False))
    readable = readable_bodies(user)
    return Body.objects.filter(Q(pk__in=readable.values("pk")) | public).annotate(
        readable=Exists(readable.filter(pk=OuterRef("pk")))
    )


def visible_meetings(user: AnyUser) -> QuerySet[Meeting]:
    """Return the meetings she reads and the public bodies' (whose dates and places are
    public, as on their page and feed), each marked `readable`."""
    public = Q(body__in=public_bodies().values("pk"))
    if not user.is_authenticated:
        return Meeting.objects.filter(public).annotate(readable=Value(False))
    readable = readable_meetings(user)
    return Meeting.objects.filter(Q(pk__in=readable.values("pk")) | public).annotate(
        readable=Exists(readable.filter(pk=OuterRef("pk")))
    )


# A public body's agenda is public once the notice is sent (`public_body_page`).
NOTICED = Q(notice_sent_at__isnull=False) | ~Q(status=Meeting.Status.PLANNED)


def agenda_is_public(meeting: Meeting) -> bool:
    """Return whether anyone reads the meeting's agenda: a public body's, once noticed."""
    noticed = meeting.notice_sent_at is not None or meeting.status != Meeting.Status.PLANNED
    return meeting.body.is_public and noticed


def visible_items(user: AnyUser) -> QuerySet[AgendaItem]:
    """Return the agenda items she reads: on the meetings she reads, and on public bodies'
    meetings once noticed (titles, kinds and presenters only), each marked `readable`."""
    public = Q(meeting__in=Meeting.objects.filter(NOTICED, body__in=public_bodies().values("pk")))
    if not user.is_authenticated:
        return AgendaItem.objects.filter(public).annotate(readable=Value(False))
    readable = readable_meetings(user)
    return AgendaItem.objects.filter(Q(meeting__in=readable.values("pk")) | public).annotate(
        readable=Exists(readable.filter(pk=OuterRef("meeting_id")))
    )


def visible_minutes(user: AnyUser) -> QuerySet[Meeting]:
    """Return the meetings whose minutes she reads: public checked minutes, and the minutes
    (being written or checked) of the meetings she reads, each marked `readable`."""
    public = Q(pk__in=public_meetings().values("pk"))
    if not user.is_authenticated:
        return Meeting.objects.filter(public).annotate(readable=Value(False))
    readable = readable_meetings(user)
    written = readable.filter(status__in=(Meeting.Status.HELD, *Meeting.LOCKED_STATUSES))
    return Meeting.objects.filter(Q(pk__in=written.values("pk")) | public).annotate(
        readable=Exists(readable.filter(pk=OuterRef("pk")))
    )


def shown_measures(user: AnyUser) -> Prefetch:
    """An item's measures in the plans she reads (`meeting_items`), ids only."""
    measures = Measure.objects.filter(plan__in=visible_plans(user)).only("pk").order_by("pk")
    return Prefetch("measures", measures, to_attr="shown_measures")


def absolute_url(request, name: str, pk: int) -> str:
    return request.build_absolute_uri(reverse(name, args=[pk]))


class ReaderFields(serializers.ModelSerializer):
    """A serializer whose `reader_fields` are null unless she reads the record (`readable`)."""

    reader_fields: tuple[str, ...] = ()

    def to_representation(self, instance) -> dict:
        data = super().to_representation(instance)
        if not getattr(instance, "readable", False):
            for name in self.reader_fields:
                data[name] = None
        return data


class DayFilter(filters.DateFilter):
    """A day within the years the site takes (1900–2100)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, validators=[validate_date_in_range], **kwargs)


class Within(FilterSet):
    """The filter on an organisation with its units, by the field `organisation_field`."""

    organisation_field = "organisation"
    organisation = IdFilter(
        method="filter_organisation", label=_("Organisationen med id och alla dess enheter")
    )

    def filter_organisation(self, queryset, name: str, value: int) -> QuerySet:
        below = Organisation.objects.below([value]).values("pk")
        return queryset.filter(**{f"{self.organisation_field}__in": below})


def _stockholm_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=STOCKHOLM)


class MeetingDays(Within):
    """Meetings from and to a day, Stockholm days (`from`, `to`), of a body or organisation."""

    organisation_field = "body__organisation"
    starts_from = DayFilter(method="filter_from", label=_("Möten från och med dagen (svensk tid)"))
    starts_to = DayFilter(method="filter_to", label=_("Möten till och med dagen"))

    def filter_from(self, queryset, name, value):
        return queryset.filter(starts_at__gte=_stockholm_midnight(value))

    def filter_to(self, queryset, name, value):
        next_day = value + datetime.timedelta(days=1)
        return queryset.filter(starts_at__lt=_stockholm_midnight(next_day))

    @classmethod
    def get_filters(cls):
        # The query names are `from` and `to`, which Python does not take as attribute names.
        named = super().get_filters()
        named["from"] = named.pop("starts_from")
        named["to"] = named.pop("starts_to")
        return named
