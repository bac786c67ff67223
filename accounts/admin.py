from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction

from accounts import services
from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "date_joined")
    search_fields = ("username", "email", "first_name", "last_name")
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("Profile", {"fields": ("bio", "avatar")}))

    # Deleting through the admin must correct the movies the user reviewed, as the API does.
    def delete_model(self, request, obj):
        services.user_remove(user=obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for user in queryset:
            services.user_remove(user=user)
