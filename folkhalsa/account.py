"""Mitt konto (`konto/`): who she is here (her organisations and roles) and her personal
API keys, which she creates, names, sees the last use of and revokes (folkhalsa/api.py)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from folkhalsa.api import token_create
from folkhalsa.models import ApiToken
from plans.models import Role

# More keys than anyone needs; a bound on what a page lists and a script can make.
TOKENS_PER_USER = 20
# The session key holding a new key until the page shows it, once.
NEW_KEY = "api_token_new_key"


class TokenForm(forms.ModelForm):
    """A new key's name."""

    class Meta:
        model = ApiToken
        fields = ["name"]


@never_cache  # the page that shows a new key once is kept by no cache
@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Her roles, and her API keys: a new one named on this page, shown once."""
    user = request.user
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # Her row locked, so two tabs cannot both make the twentieth key.
            User.objects.select_for_update().filter(pk=user.pk).first()
            if ApiToken.objects.filter(user=user).count() >= TOKENS_PER_USER:
                form.add_error(
                    None,
                    _("Du har redan %(count)s nycklar. Återkalla någon du inte använder.")
                    % {"count": TOKENS_PER_USER},
                )
            else:
                token, key = token_create(user=user, name=form.cleaned_data["name"])
                request.session[NEW_KEY] = [token.pk, key]
                messages.success(request, _("Nyckeln ”%(name)s” är skapad.") % {"name": token.name})
                return redirect("account")
    new_key = request.session.pop(NEW_KEY, None) if request.method == "GET" else None
    roles = (
        Role.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name", "kind")
    )
    context = {
        "form": form,
        "tokens": ApiToken.objects.filter(user=user),
        "new_key": new_key[1] if new_key else None,
        "new_key_id": new_key[0] if new_key else None,
        "roles": roles,
        "limit": TOKENS_PER_USER,
    }
    return render(request, "account/account.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of her keys: it stops working at once. Another's key is not hers to see."""
    deleted, _rows = ApiToken.objects.filter(user=request.user, pk=pk).delete()
    if not deleted:
        raise Http404
    messages.success(request, _("Nyckeln är återkallad och fungerar inte längre."))
    return redirect("account")
