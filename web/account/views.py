"""Log in, join, log out, change the password. Session login with CSRF; the API keeps its JWTs."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from rest_framework.exceptions import ValidationError

from accounts.services import user_register
from core.throttling import AuthRateThrottle
from web.account.forms import RegisterForm
from web.context import SITE_NAME


def _throttled(request: HttpRequest) -> HttpResponse | None:
    """The same per-address limit as the API's login and registration (THROTTLE_AUTH)."""
    throttle = AuthRateThrottle()
    if throttle.allow_request(request, None):  # type: ignore[arg-type]
        return None
    wait = throttle.wait() or 60
    response = render(request, "web/account/throttled.html", {"wait": int(wait) + 1}, status=429)
    response["Retry-After"] = str(int(wait) + 1)
    return response


class LoginView(auth_views.LoginView):
    template_name = "web/account/login.html"
    redirect_authenticated_user = True
    # Django's LoginView names the site after the request's host; the frame's name stands.
    extra_context = {"site_name": SITE_NAME}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return _throttled(request) or super().post(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "web/account/password_change.html"
    success_url = "/settings/"

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, "Your password is changed.")
        return super().form_valid(form)


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:home")
    form = RegisterForm(request.POST or None)
    if request.method == "POST":
        throttled = _throttled(request)
        if throttled is not None:
            return throttled
        if form.is_valid():
            try:
                user = user_register(**form.validated)
            except ValidationError as exc:
                form.add_serializer_errors(exc.detail)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request, f"Welcome, {user.username}! Rate a few films you know to get recommendations."
                )
                return redirect("web:films")
    return render(request, "web/account/register.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    return render(request, "web/account/settings.html", {})
