"""A body's pages: the tree of bodies, a body, its seats and holders, its standing items."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from councils import forms as council_forms
from councils import services
from councils.models import Seat, SeatHolding, StandingItem
from councils.permissions import can_create_bodies, can_manage_body, readable_bodies
from councils.selectors import (
    COMING_MEETINGS_SHOWN,
    body_together,
    body_tree,
    body_tree_roots,
    coming_meetings,
    seats_on,
    seats_with_holdings,
    sub_bodies,
    year_meetings,
)
from councils.views.common import (
    managed_body,
    managed_seat,
    readable_body,
    render_form_page,
    save_form,
    saved_message,
)

# Top-level bodies a page (each with the groups below it).
BODIES_PER_PAGE = 25


@login_required
def body_list(request: HttpRequest) -> HttpResponse:
    """List the bodies she reads as a tree, councils with their groups below them, a page of
    top-level bodies at a time, found by their name or their organisation's."""
    text = request.GET.get("q", "").strip()[:200]
    roots = body_tree_roots(user=request.user, text=text)
    page = Paginator(roots, BODIES_PER_PAGE).get_page(request.GET.get("sida"))
    context = {
        "tree": body_tree(user=request.user, roots=page.object_list),
        "page": page,
        "query": text,
        "can_create": can_create_bodies(request.user),
    }
    return render(request, "councils/body_list.html", context)


@login_required
@transaction.atomic
def body_create(request: HttpRequest) -> HttpResponse:
    """Create a body in an organisation whose councils she manages."""
    if not can_create_bodies(request.user):
        raise PermissionDenied
    form = council_forms.BodyForm(request.POST or None, user=request.user)

    def save() -> None:
        services.body_save(body=form.instance, expected_version=1, user=request.user)

    if request.method == "POST" and save_form(form, save):
        messages.success(request, _("%(name)s skapat.") % {"name": form.instance.name})
        return redirect("councils:body_detail", form.instance.pk)
    return render_form_page(request, "councils/body_form.html", {"form": form})


@login_required
def body_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a body: its coming meetings whatever their year, its seats and holders on a day,
    the chosen year's meetings, its groups, and last its rules (a fixed number of queries)."""
    body = readable_body(request, pk)
    choice = council_forms.BodyPageForm(request.GET or None)
    day, year = choice.chosen()
    all_coming = request.GET.get("kommande") == "alla"
    parent = None
    if body.parent_id:  # shown only if she reads it too
        parent = readable_bodies(request.user).filter(pk=body.parent_id).first()
    context = {
        "body": body,
        "choice": choice,
        "day": day,
        "year": year,
        "coming": coming_meetings(
            meetings=body.meetings.all(),
            today=timezone.localdate(),
            limit=None if all_coming else COMING_MEETINGS_SHOWN,
        ),
        "all_coming": all_coming,
        "seats": seats_on(body=body, on=day),
        "meetings": year_meetings(body=body, year=year),
        "children": sub_bodies(body=body, user=request.user),
        "together": body_together(body=body, user=request.user),
        "parent": parent,
        "can_manage": can_manage_body(request.user, body),
    }
    return render(request, "councils/body_detail.html", context)


@login_required
@transaction.atomic
def body_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a body's name, kind, mandate and rules."""
    body = managed_body(request, pk)
    form = council_forms.BodyForm(request.POST or None, instance=body, user=request.user)

    def save() -> None:
        expected = form.expected_version()
        form.written = services.body_save(
            body=form.instance, expected_version=expected, user=request.user
        )

    if request.method == "POST" and save_form(form, save):
        saved_message(request, form.written, body.name)
        return redirect("councils:body_detail", body.pk)
    return render_form_page(request, "councils/body_form.html", {"form": form, "body": body})


@login_required
def body_seats(request: HttpRequest, pk: int) -> HttpResponse:
    """List the seats with their holders today; add a seat."""
    body = managed_body(request, pk)
    form = council_forms.SeatForm(request.POST or None, body=body, instance=Seat(body=body))
    if request.method == "POST" and save_form(
        form, lambda: services.seat_save(seat=form.instance, user=request.user)
    ):
        messages.success(
            request, _("Platsen %(name)s har lagts till.") % {"name": form.instance.function}
        )
        return redirect("councils:body_seats", body.pk)
    seats = seats_with_holdings(body=body)
    context = {"body": body, "form": form, "seats": seats}
    return render_form_page(request, "councils/body_seats.html", context)


@login_required
def seat_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a seat's function, organisation, role or order."""
    seat = managed_seat(request, pk)
    form = council_forms.SeatForm(request.POST or None, body=seat.body, instance=seat)
    if request.method == "POST" and save_form(
        form, lambda: services.seat_save(seat=form.instance, user=request.user)
    ):
        messages.success(request, _("Platsen %(name)s sparad.") % {"name": seat.function})
        return redirect("councils:body_seats", seat.body_id)
    return render_form_page(
        request, "councils/seat_form.html", {"form": form, "seat": seat, "body": seat.body}
    )


@login_required
def seat_holder_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a seat a holder for a period: a person of its organisation, or a new one."""
    seat = managed_seat(request, pk)
    form = council_forms.SeatHolderForm(request.POST or None, seat=seat, user=request.user)

    def save() -> None:
        data = form.cleaned_data
        services.seat_holding_create(
            seat=seat,
            person=data["person"],
            new_person=form.new_person(),
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            user=request.user,
        )

    if request.method == "POST" and save_form(form, save):
        messages.success(
            request, _("Platsen %(name)s har fått en innehavare.") % {"name": seat.function}
        )
        return redirect("councils:body_seats", seat.body_id)
    context = {"form": form, "seat": seat, "body": seat.body}
    return render_form_page(request, "councils/seat_holder_form.html", context)


@login_required
def seat_holding_end(request: HttpRequest, pk: int) -> HttpResponse:
    """End a holding: the seat is vacant after the day until it gets a new holder."""
    holdings = SeatHolding.objects.select_related("seat__body", "person")
    holding = get_object_or_404(holdings, pk=pk, seat__body__in=readable_bodies(request.user))
    if not can_manage_body(request.user, holding.seat.body):
        raise PermissionDenied
    form = council_forms.HoldingEndForm(request.POST or None)

    def save() -> None:
        services.seat_holding_end(
            holding=holding, ends_on=form.cleaned_data["ends_on"], user=request.user
        )

    if request.method == "POST" and save_form(form, save):
        messages.success(
            request,
            _("%(name)s innehar inte längre platsen efter %(day)s.")
            % {"name": holding.person.name, "day": formats.date_format(holding.ends_on, "j F Y")},
        )
        return redirect("councils:body_seats", holding.seat.body_id)
    context = {"form": form, "holding": holding, "body": holding.seat.body}
    return render_form_page(request, "councils/seat_holding_end.html", context)


@login_required
def body_standing_items(request: HttpRequest, pk: int) -> HttpResponse:
    """List the body's standing agenda items with their rules; add one."""
    body = managed_body(request, pk)
    item = StandingItem(body=body)
    form = council_forms.StandingItemForm(request.POST or None, instance=item)
    if request.method == "POST" and save_form(
        form, lambda: services.standing_item_save(item=form.instance, user=request.user)
    ):
        messages.success(
            request, _("Den stående punkten %(name)s har lagts till.") % {"name": item.title}
        )
        return redirect("councils:body_standing_items", body.pk)
    items = body.standing_items.order_by("order", "pk")
    context = {"body": body, "form": form, "items": items}
    return render_form_page(request, "councils/body_standing_items.html", context)


def _managed_standing_item(request: HttpRequest, pk: int) -> StandingItem:
    items = StandingItem.objects.select_related("body")
    item = get_object_or_404(items, pk=pk, body__in=readable_bodies(request.user))
    if not can_manage_body(request.user, item.body):
        raise PermissionDenied
    return item


@login_required
def standing_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a standing item or its rule."""
    item = _managed_standing_item(request, pk)
    form = council_forms.StandingItemForm(request.POST or None, instance=item)
    if request.method == "POST" and save_form(
        form, lambda: services.standing_item_save(item=form.instance, user=request.user)
    ):
        messages.success(request, _("Den stående punkten %(name)s sparad.") % {"name": item.title})
        return redirect("councils:body_standing_items", item.body_id)
    context = {"form": form, "item": item, "body": item.body}
    return render_form_page(request, "councils/standing_item_form.html", context)


@login_required
def standing_item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a standing item after a confirmation; meetings keep the items made from it."""
    item = _managed_standing_item(request, pk)
    if request.method == "POST":
        services.standing_item_delete(item=item)
        messages.success(
            request, _("Den stående punkten %(name)s borttagen.") % {"name": item.title}
        )
        return redirect("councils:body_standing_items", item.body_id)
    context = {"body": item.body, "item": item}
    return render(request, "councils/standing_item_delete.html", context)
