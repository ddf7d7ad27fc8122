from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from shanhai.accounts.models import Scope


class ScopeInline(admin.TabularInline):
    model = Scope
    extra = 0
    autocomplete_fields = ("region", "pairing")


admin.site.unregister(User)


@admin.register(User)
class ScopedUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, ScopeInline]
