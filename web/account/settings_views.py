"""The member's settings: an overview, profile and avatar, preferred genres, privacy, and deleting the account.

Each form posts and redirects back with a message. With htmx the same view answers with the form's partial: the
form again (saved, or with its errors) and the outcome in the page's status region."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError

from accounts.models import User
from accounts.services import user_delete, user_update
from imports.history.selectors import import_jobs_of
from movies.models import Genre
from web.account.common import is_htmx, member
from web.account.forms import AccountDeleteForm, GenresForm, PrivacyForm, ProfileForm
from web.account.views import throttled


def _post(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _answer(request: HttpRequest, page: str, context: dict[str, Any], saved: str = "") -> HttpResponse:
    """The settings page ``page`` after a GET or a POST: saved -> back to the page with a message; with htmx, the
    form's partial with the outcome (errors come with a 200: htmx swaps only successful answers)."""
    if saved and not is_htmx(request):
        messages.success(request, saved)
        return redirect(request.path)
    if is_htmx(request) and request.method == "POST":
        partial = f"web/account/partials/{page}_form.html"
        return render(request, partial, {**context, "status_message": saved, "swapped": True})
    status = 400 if context["form"].errors else 200
    return render(request, f"web/account/{page}.html", context, status=status)


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    user = member(request)
    context = {
        "genres": list(user.preferred_genres.order_by("name").values_list("name", flat=True)),
        "latest_import": import_jobs_of(user).first(),
    }
    return render(request, "web/account/settings.html", context)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = member(request)
    form = ProfileForm(_post(request), request.FILES or None, user=user)
    saved = ""
    if request.method == "POST" and form.is_valid():
        user_update(user=user, **form.validated)
        form, saved = ProfileForm(user=user), "Your profile is saved."
    return _answer(request, "profile", {"form": form}, saved)


@login_required
@require_POST
def avatar_remove(request: HttpRequest) -> HttpResponse:
    user = member(request)
    message = "You have no avatar to remove."
    if user.avatar:
        user_update(user=user, avatar=None)
        message = "Your avatar is removed."
    if is_htmx(request):
        context = {"status_message": message, "swapped": True}
        return render(request, "web/account/partials/avatar_current.html", context)
    messages.success(request, message)
    return redirect("web:settings-profile")


def _genres_form(request: HttpRequest, user: User, data: Any = None) -> GenresForm:
    return GenresForm(
        data,
        user=user,
        genres=Genre.objects.order_by("name").only("pk", "name"),
        chosen=user.preferred_genres.values_list("pk", flat=True),
    )


@login_required
def genres(request: HttpRequest) -> HttpResponse:
    user = member(request)
    form = _genres_form(request, user, _post(request))
    saved = ""
    if request.method == "POST" and form.is_valid():
        user_update(user=user, **form.validated)
        form, saved = _genres_form(request, user), "Your genres are saved."
    return _answer(request, "genres", {"form": form}, saved)


@login_required
def privacy(request: HttpRequest) -> HttpResponse:
    user = member(request)
    form = PrivacyForm(_post(request), user=user)
    saved = ""
    if request.method == "POST" and form.is_valid():
        user_update(user=user, **form.validated)
        form, saved = PrivacyForm(user=user), "Your privacy settings are saved."
    return _answer(request, "privacy", {"form": form}, saved)


@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(_post(request))
    if request.method == "POST":
        # A password check: the same per-address limit as logging in.
        limited = throttled(request)
        if limited is not None:
            return limited
        if form.is_valid():
            try:
                user_delete(user=member(request), password=form.validated["password"])
            except ValidationError as exc:
                form.add_serializer_errors(exc.detail)
            else:
                logout(request)
                messages.success(request, "Your account and everything in it are deleted. Goodbye!")
                return redirect("web:home")
    return render(request, "web/account/delete.html", {"form": form}, status=400 if form.errors else 200)
