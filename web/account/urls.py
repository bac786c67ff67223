from django.urls import path

from web.account import import_views, settings_views, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("join/", views.register, name="register"),
    path("settings/", settings_views.settings_page, name="settings"),
    path("settings/profile/", settings_views.profile, name="settings-profile"),
    path("settings/profile/avatar/remove/", settings_views.avatar_remove, name="settings-avatar-remove"),
    path("settings/genres/", settings_views.genres, name="settings-genres"),
    path("settings/privacy/", settings_views.privacy, name="settings-privacy"),
    path("settings/password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("settings/delete/", settings_views.account_delete, name="settings-delete"),
    path("settings/import/", import_views.import_page, name="import"),
    path("settings/import/<int:pk>/", import_views.import_job, name="import-job"),
    path("settings/import/<int:pk>/progress/", import_views.import_progress, name="import-progress"),
    path("settings/import/<int:pk>/unmatched.csv", import_views.import_unmatched, name="import-unmatched"),
    path("settings/import/<int:pk>/cancel/", import_views.import_cancel, name="import-cancel"),
    path("settings/import/<int:pk>/delete/", import_views.import_delete, name="import-delete"),
    path("settings/export/", import_views.export, name="export"),
]
