"""Log in, join, log out, change the password. Session login with CSRF; the API keeps its JWTs."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from rest_framework.exceptions import ValidationError

from accounts.services import user_password_change, user_register
from core.throttling import AuthRateThrottle
from web.account.forms import RegisterForm
from web.context import SITE_NAME


def throttled(request: HttpRequest) -> HttpResponse | None:
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
        return throttled(request) or super().post(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "web/account/password_change.html"
    success_url = reverse_lazy("web:settings")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # A password check: the same per-address limit as logging in.
        return throttled(request) or super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        # The API's service (it also revokes the member's API refresh tokens); the form has checked both passwords.
        user = form.user
        user_password_change(
            user=user, old_password=form.cleaned_data["old_password"], new_password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(self.request, user)  # this session stays logged in
        messages.success(self.request, "Your password is changed.")
        return redirect(self.get_success_url())


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:home")
    form = RegisterForm(request.POST or None)
    if request.method == "POST":
        limited = throttled(request)
        if limited is not None:
            return limited
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
