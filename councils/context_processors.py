"""What every page's menu needs to know about councils."""

from django.http import HttpRequest

from councils.permissions import readable_bodies


def councils_menu(request: HttpRequest) -> dict:
    """Offer the "Råd och möten" link to users who read a body; asked only when rendered."""
    user = getattr(request, "user", None)

    def reads_councils() -> bool:
        # A callable: the template calls it once, and anonymous visitors cost no query.
        return bool(user and user.is_authenticated and readable_bodies(user).exists())

    return {"reads_councils": reads_councils}
