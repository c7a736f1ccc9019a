"""The REST API's shared parts (`/api/v1/`): personal tokens, throttling, paging, errors in
Swedish JSON, ETags, and writes through the site's own forms and services.

Each app describes its resources in its own `api.py` (`plans/api.py`, `reports/api.py`,
`councils/api.py`); `folkhalsa/api_urls.py` routes them. Reads go through the same selectors
and permissions as the pages (`visible_plans` and the like); a write is the form the page posts,
filled from the JSON, validated and saved by the same service, under the record's version:
a write against another version than the stored one gets 409 with the current record.
"""

import hashlib
import json
import secrets
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from folkhalsa.models import ApiToken
from folkhalsa.throttling import client_address
from plans.forms import LARGEST_ID, VERSION_FIELDS
from plans.services import StaleVersionError

TOKEN_PREFIX = "fh_"
# A token's last use is written at most this often: a request is a read, not a write.
LAST_USED_EVERY = timedelta(minutes=1)


def token_hash(key: str) -> str:
    """Return what is stored of a key: its SHA-256, never the key."""
    return hashlib.sha256(key.encode()).hexdigest()


def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Make a personal key for the user; return the row and the key, shown to her only now."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=token_hash(key), prefix=key[: len(TOKEN_PREFIX) + 6]
    )
    return token, key


class TokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <nyckel>` with a personal key; she acts with her own roles."""

    keywords = (b"bearer", b"token")

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Ange API-nyckeln efter ”Bearer”."))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Ogiltig API-nyckel.")) from None
        token = ApiToken.objects.select_related("user").filter(key_hash=token_hash(key)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Ogiltig eller återkallad API-nyckel."))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """How the schema describes a personal key."""

    target_class = "folkhalsa.api.TokenAuthentication"
    name = "apiNyckel"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(_("En personlig API-nyckel, skapad under Mitt konto.")),
        }


class AddressThrottle(AnonRateThrottle):
    """Anonymous requests, counted per client address (behind `PROXY_COUNT` proxies)."""

    def get_ident(self, request) -> str:
        return client_address(request._request) or ""


class TokenThrottle(UserRateThrottle):
    """Signed-in requests, counted per key (each of her keys apart) or per session user."""

    def get_cache_key(self, request, view) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        else:
            ident = f"user-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class JsonParser(JSONParser):
    """JSON, refused with 400 when nested deeper than Python reads (not a server error)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("JSON-objektet är för djupt nästlat.")) from None


class AsciiDecimalField(serializers.DecimalField):
    """A decimal written with the digits 0–9, as the site's forms take it."""

    def to_internal_value(self, data):
        if isinstance(data, str) and not data.isascii():
            self.fail("invalid")
        return super().to_internal_value(data)


class AsciiIntegerField(serializers.IntegerField):
    """An integer written with the digits 0–9 (an id: at most the largest the database keeps)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and not data.isascii():
            self.fail("invalid")
        return super().to_internal_value(data)


def id_field(**kwargs) -> AsciiIntegerField:
    """Return a field for a record's id: a positive integer the database can hold."""
    return AsciiIntegerField(min_value=1, max_value=LARGEST_ID, **kwargs)


class IdOrRecordField(AsciiIntegerField):
    """A record's id, or the record as the API shows it (`{"id": 3, "name": …}`), so a record
    read can be sent back as it was (a measure's tags)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(min_value=1, max_value=LARGEST_ID, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, dict) and set(data) >= {"id"}:
            data = data["id"]
        return super().to_internal_value(data)


class IdFilter(filters.NumberFilter):
    """An id in a filter: a whole number a database key can hold (else 400, never a failed
    query). A hidden record's id filters as a missing one's: to nothing."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, min_value=1, max_value=LARGEST_ID, **kwargs)


class FilterSet(filters.FilterSet):
    """The API's filters: a record named in a filter is an id (`IdFilter`), never a choice
    among all the table's rows, whose refusal would tell a hidden id from a missing one."""

    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        models.ForeignKey: {"filter_class": IdFilter},
        models.OneToOneField: {"filter_class": IdFilter},
        models.ManyToManyField: {"filter_class": IdFilter},
    }


class FilterBackend(filters.DjangoFilterBackend):
    """django-filter with the API's `FilterSet` for views that list their fields only."""

    filterset_base = FilterSet


class Pagination(PageNumberPagination):
    """Pages of `page_size` rows (50 unless asked, at most 500), numbered from 1."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    page_query_description = _("Sidans nummer, från 1.")
    page_size_query_description = _("Rader per sida (högst 500, annars 50).")
    invalid_page_message = _("Sidan finns inte.")


class VersionConflict(exceptions.APIException):
    """A write against another version than the stored one: 409 with the record as it is now."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("Någon annan har sparat posten sedan du läste den.")
    default_code = "conflict"

    def __init__(self, *, version: int, current: dict, changes: list[str]) -> None:
        super().__init__()
        self.version, self.current, self.changes = version, current, changes


def exception_handler(exc, context) -> Response | None:
    """Every error as one JSON shape: `detail` in Swedish, and `fields` for what to correct."""
    # Imported here: rest_framework.views reads the settings that name this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_form_errors(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, VersionConflict):
        response.data = {
            "detail": str(exc.detail),
            "version": exc.version,
            "changes": exc.changes,
            "current": exc.current,
        }
    elif isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        request = context.get("request")
        reading = request is not None and request.method in ("GET", "HEAD", "OPTIONS")
        response.data = {
            "detail": str(
                _("Sökvillkoren är felaktiga.") if reading else _("Uppgifterna kunde inte sparas.")
            ),
            "fields": {name: _messages(errors) for name, errors in fields.items()},
        }
    return response


def _messages(errors: object, where: str = "") -> list[str]:
    """Return a field's errors as a flat list of sentences: those of a list's items and of an
    object's fields named by their place ("2: …", "2. organisation: …")."""
    if isinstance(errors, dict):
        return [
            message
            for key, inner in errors.items()
            for message in _messages(inner, f"{where}{_place(key)}")
        ]
    if isinstance(errors, list) and any(isinstance(e, dict | list) for e in errors):
        return [
            message
            for index, inner in enumerate(errors)
            for message in _messages(inner, f"{where}{index + 1}. ")
        ]
    if isinstance(errors, list):
        return [f"{where}{error}" if where else str(error) for error in errors]
    return [f"{where}{errors}" if where else str(errors)]


def _place(key: object) -> str:
    text = str(key)
    return f"{int(text) + 1}: " if text.isdigit() else f"{text}: "


def _form_errors(error: DjangoValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if name == "__all__" else name): [str(m) for m in e.messages]
            for name, e in error.error_dict.items()
            for e in [DjangoValidationError(e)]
        }
    return {"non_field_errors": [str(m) for m in error.messages]}


class ErrorSerializer(serializers.Serializer):
    """What every error answers (described in the schema)."""

    detail = serializers.CharField(help_text=_("Vad som gick fel."))
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("Per fält, vad som behöver rättas (vid 400)."),
    )


class ConflictSerializer(serializers.Serializer):
    """The answer to a write against an old version."""

    detail = serializers.CharField()
    version = serializers.IntegerField(help_text=_("Postens version nu."))
    changes = serializers.ListField(
        child=serializers.CharField(), help_text=_("Vad andra ändrat sedan din version.")
    )
    current = serializers.DictField(help_text=_("Posten som den är sparad nu."))


ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=_("Felaktiga uppgifter; inget sparades.")),
    401: OpenApiResponse(ErrorSerializer, description=_("Ingen eller ogiltig API-nyckel.")),
    403: OpenApiResponse(ErrorSerializer, description=_("Du får inte göra detta.")),
    404: OpenApiResponse(ErrorSerializer, description=_("Finns inte, eller inte för dig.")),
    429: OpenApiResponse(ErrorSerializer, description=_("För många anrop; vänta och försök igen.")),
}
CONFLICT = {
    409: OpenApiResponse(
        ConflictSerializer, description=_("Posten har sparats av någon annan; inget sparades.")
    )
}
VERSION_PARAMETER = OpenApiParameter(
    "version",
    int,
    description=_("Den version av posten du tar bort (eller skicka den i If-Match)."),
)


class ETagMixin:
    """A detail view answers with an ETag of its content, and 304 to `If-None-Match` with it."""

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        body = json.dumps(response.data, sort_keys=True, default=str).encode()
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        asked = [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]
        if etag in asked or "*" in asked:
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        response["ETag"] = etag
        return response


# --- Writes through the site's forms -----------------------------------------------------


def form_serializer(form_class: type[forms.BaseForm], name: str, **extra) -> type:
    """Return a serializer of the JSON a form takes, for the schema and for the JSON's types:
    a string where the form has text, an id or a list of ids where it chooses records."""
    fields = {}
    for field_name, field in form_class.base_fields.items():
        if field_name in VERSION_FIELDS:
            continue
        fields[field_name] = _serializer_field(field)
    fields.update(extra)
    return type(name, (serializers.Serializer,), fields)


def _serializer_field(field: forms.Field) -> serializers.Field:
    common = {
        "required": False,
        "label": str(field.label) if field.label else None,
        "help_text": str(field.help_text) if field.help_text else None,
    }
    if isinstance(field, forms.ModelMultipleChoiceField):
        return serializers.ListField(child=IdOrRecordField(), **common)
    if isinstance(field, forms.ModelChoiceField):
        return id_field(allow_null=True, **common)
    if isinstance(field, forms.TypedChoiceField | forms.ChoiceField) and not isinstance(
        field, forms.ModelChoiceField
    ):
        return serializers.ChoiceField(choices=field.choices, allow_blank=True, **common)
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(**common)
    # Before IntegerField: Django's DecimalField is one.
    if isinstance(field, forms.DecimalField):
        return AsciiDecimalField(
            max_digits=field.max_digits or 20,
            decimal_places=field.decimal_places or 2,
            allow_null=True,
            coerce_to_string=True,
            **common,
        )
    if isinstance(field, forms.IntegerField):
        return AsciiIntegerField(allow_null=True, **common)
    if isinstance(field, forms.DateField):
        return serializers.DateField(allow_null=True, **common)
    return serializers.CharField(allow_blank=True, allow_null=True, trim_whitespace=False, **common)


def checked_payload(
    serializer_class: type,
    data: object,
    *,
    partial: bool,
    shown: dict[str, object] | None = None,
) -> dict:
    """Return the JSON's fields if each has its type; else 400 naming the fields.

    `shown` is the record as the API shows it now (on a create, its fields with None): a field
    it shows that a write does not take (an id, a name, the reviewer's comment) may be sent back
    as shown, so a record read can be sent back changed; sent with another value, or a field
    nobody shows, it is refused.
    """
    if not isinstance(data, dict):
        raise exceptions.ValidationError(
            {"non_field_errors": [_("Skicka ett JSON-objekt med postens fält.")]}
        )
    nul = sorted(name for name, value in data.items() if _holds_nul(value) or "\x00" in name)
    if nul:
        message = _("Texten innehåller ett otillåtet tecken (NUL).")
        raise exceptions.ValidationError({name: [message] for name in nul})
    serializer = serializer_class(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    rows = _checked_rows(serializer, data)
    shown = shown or {}
    refused = {}
    for name in sorted(set(data) - set(serializer.fields) - {"version"}):
        if name not in shown:
            refused[name] = [_("Fältet finns inte.")]
        elif _plain_json(data[name]) != _plain_json(shown[name]) and data[name] not in (None, ""):
            refused[name] = [_("Fältet kan inte ändras här.")]
    if refused:
        raise exceptions.ValidationError(refused)
    return {name: rows.get(name, data[name]) for name in data if name in serializer.fields}


def _checked_rows(serializer, data: dict) -> dict[str, list]:
    """Return the lists of rows in the JSON (a measure's actors, a budget's cells), each row
    checked whole even in a partial write (DRF checks nested rows partially then), as read."""
    rows = {}
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.ListField) and name in serializer.validated_data:
            rows[name] = serializer.validated_data[name]  # ids, from records as shown too
        if isinstance(field, serializers.ListSerializer) and data.get(name) is not None:
            checked = type(field.child)(data=data[name], many=True)
            if not checked.is_valid():
                raise exceptions.ValidationError({name: checked.errors})
            rows[name] = [dict(row) for row in checked.validated_data]
    return rows


def _plain_json(value: object) -> object:
    """Return the value as JSON reads it back (a representation's decimals are strings)."""
    return json.loads(json.dumps(value, default=str))


def formset_data(formset) -> dict[str, object]:
    """Return a formset's rows as the page posts them unchanged: its management form and each
    row's stored values (for a write that changes some cells of a grid)."""
    data = {
        formset.add_prefix("TOTAL_FORMS"): formset.total_form_count(),
        formset.add_prefix("INITIAL_FORMS"): formset.initial_form_count(),
    }
    for form in formset.forms[: formset.initial_form_count()]:
        for name in form.fields:
            value = form[name].value()
            data[form.add_prefix(name)] = _plain(value) if not isinstance(value, list) else value
    data[formset.add_prefix("TOTAL_FORMS")] = formset.initial_form_count()
    return data


def _holds_nul(value: object) -> bool:
    """Return whether a JSON value holds a NUL character anywhere (PostgreSQL stores none)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    return False


def form_data(form: forms.BaseForm, payload: dict, *, partial: bool) -> QueryDict:
    """Return the form's POST as a browser would send it: the stored values (for a partial
    write) with the JSON's fields over them."""
    data = QueryDict(mutable=True)
    if partial:
        for name in form.fields:
            if name not in VERSION_FIELDS:
                _put(data, form.add_prefix(name), form[name].value())
    for name, value in payload.items():
        _put(data, form.add_prefix(name), value)
    return data


def _put(data: QueryDict, name: str, value: object) -> None:
    if isinstance(value, list | tuple | models.QuerySet):
        data.setlist(name, [_plain(item) for item in value])
    else:
        data[name] = _plain(value)


def _plain(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | int | float):
        return str(value)
    return str(value)


def expected_version(request, payload: dict | None = None) -> int:
    """Return the version the write is made against: `version` in the JSON, the query or
    `If-Match`; 400 without one."""
    for value in (
        (payload or {}).get("version"),
        request.query_params.get("version"),
        request.headers.get("If-Match", "").strip('" '),
    ):
        if value in (None, ""):
            continue
        if isinstance(value, bool) or not str(value).isascii() or not str(value).isdigit():
            break
        return int(value)
    raise exceptions.ValidationError(
        {"version": [_("Ange postens version (fältet version eller If-Match).")]}
    )


def refuse_stale(
    instance: models.Model, version: int, *, user, represent: Callable[[models.Model], dict]
) -> None:
    """409 unless the stored version is `version`. Call inside the write's transaction, after
    the row is locked: the check and the save then see the same row."""
    from plans.services import changes_since, locked_record

    current = locked_record(instance)
    if current is None:
        raise exceptions.NotFound()
    if current.version != version:
        changes = StaleVersionError(changes_since(current, version, viewer=user)).describe()
        raise VersionConflict(
            version=current.version, current=represent(current), changes=[str(c) for c in changes]
        )


def form_write(
    *,
    form: forms.BaseForm,
    save: Callable[[forms.BaseForm], object],
) -> object:
    """Validate the form (inside the caller's transaction) and save it with the service; a form
    error is 400 with its Swedish messages and writes nothing."""
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("form_write runs inside transaction.atomic")
    if not form.is_valid():
        raise exceptions.ValidationError(_errors_of(form))
    try:
        return save(form)
    except StaleVersionError as error:
        raise exceptions.ValidationError({"non_field_errors": error.describe()}) from None
    except DjangoValidationError as error:
        raise exceptions.ValidationError(_form_errors(error)) from None


def _errors_of(form: forms.BaseForm) -> dict:
    return {
        ("non_field_errors" if name == "__all__" else name): [str(m) for m in messages]
        for name, messages in form.errors.items()
        if name not in VERSION_FIELDS
    } or {"non_field_errors": [str(_("Uppgifterna kunde inte sparas."))]}
