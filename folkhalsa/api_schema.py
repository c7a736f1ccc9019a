"""The API's OpenAPI description (drf-spectacular's `AutoSchema`, named in REST_FRAMEWORK):
apart from folkhalsa/api.py because drf-spectacular's schema module imports DRF's views, which
read the settings that name folkhalsa/api.py."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from folkhalsa.api import ConflictSerializer, ErrorSerializer


class ApiSchema(AutoSchema):
    """The OpenAPI description: every operation names the errors any request can get (the
    shared JSON shape), beside its own answers; a write names 409 too."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["400", "401", "403", "404", "429"]
        if self.method in {"PUT", "PATCH", "DELETE"}:
            codes.append("409")
        if self.method != "GET":
            codes.append("405")
        for code in codes:
            if code not in responses:
                serializer = ConflictSerializer if code == "409" else ErrorSerializer
                description = {
                    "400": _("Felaktiga uppgifter; inget sparades."),
                    "401": _("Ingen eller ogiltig API-nyckel."),
                    "403": _("Du får inte göra detta."),
                    "404": _("Finns inte, eller inte för dig."),
                    "405": _("Metoden finns inte här."),
                    "409": _("Posten har sparats av någon annan; inget sparades."),
                    "429": _("För många anrop; vänta och försök igen."),
                }[code]
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(serializer, description=description), code, direction=direction
                )
        return responses
