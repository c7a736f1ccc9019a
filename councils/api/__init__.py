"""The REST API's councils: bodies, seats with their holders, meetings with their agendas,
agenda items and minutes, read-only (folkhalsa/api.py has the shared parts).

Each user reads what the council pages show her (`councils/permissions.py`): the bodies and
meetings she reads, and of public bodies what their public pages show anyone: the body, its
meetings' dates and places, each agenda once the notice is sent (titles, kinds, presenters)
and the checked minutes. A person's e-mail only to those who read her organisation's register
or manage the body (`choosable_people`); anonymous visitors never see one.
`access` has what each user reads and the shared filters; `bodies` the bodies and seats;
`meetings` the meetings, agenda items and minutes.
"""

from councils.api.bodies import BodyViewSet, SeatViewSet
from councils.api.meetings import AgendaItemViewSet, MeetingViewSet, MinutesViewSet


def register(router) -> None:
    """Add the councils' resources to the API's router."""
    router.register("bodies", BodyViewSet, basename="body")
    router.register("seats", SeatViewSet, basename="seat")
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("agenda-items", AgendaItemViewSet, basename="agendaitem")
    router.register("minutes", MinutesViewSet, basename="minutes")
