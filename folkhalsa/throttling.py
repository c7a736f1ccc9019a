"""Login throttling: who the client is behind proxies, and how failures are counted."""

from ipaddress import ip_address

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """Return the client's address: behind N proxies, the N-th address of X-Forwarded-For
    from the right; anything to its left was written by the client and is not trusted."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < count:
        return remote
    try:
        return str(ip_address(hops[-count]))
    except ValueError:
        return remote


class ThrottlingHandler(AxesDatabaseHandler):
    """Lock out a user name from an address after AXES_FAILURE_LIMIT failures, and an address
    after AXES_ADDRESS_FAILURE_LIMIT failures on any user names.

    Axes compares one number with one limit; the address's failures are scaled to the user
    name's limit, so both limits hold with the lockout parameters
    [["username", "ip_address"], "ip_address"].
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        per_user, per_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        scaled = per_address * settings.AXES_FAILURE_LIMIT // settings.AXES_ADDRESS_FAILURE_LIMIT
        return max(per_user, scaled)

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        # Only this user name from this address: a success must not clear the address's count.
        per_user = self.filter_user_attempts(request, credentials)[0]
        count, _ = per_user.delete()
        return count
