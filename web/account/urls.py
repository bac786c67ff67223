from django.urls import path

from web.account import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("join/", views.register, name="register"),
    path("settings/password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("settings/", views.settings_page, name="settings"),
]
