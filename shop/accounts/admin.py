"""
The staff side of accounts: users (email is the login; there is no username)
with their address book inline, and addresses on their own. The admin
index's Accounts section also lists what accounts owns of its libraries:
Django's groups (the staff roles, kept in step by ``roles.py``) and allauth's
email addresses, with their admin pages as the libraries define them.

Whether a user's email is verified lives in allauth's ``EmailAddress``; the
user list annotates it in the list query, so a page runs the same number of
queries whatever its size. Only superusers see and grant staff status,
groups and permissions, and only a superuser changes a member of staff (or
their password): staff who may change customers cannot take over an admin.
Accounts are never deleted outright: the delete action anonymises them and
tells the other apps (``services.deletion.delete_account``).
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import selectors
from .errors import StaffAccountNotDeletable
from .models import Address, User
from .services import deletion

PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


class EmailVerifiedFilter(admin.SimpleListFilter):
    title = _("email verified")
    parameter_name = "email_verified"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No: cannot check out yet"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(email_verified_flag=self.value() == "yes")
        return queryset


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _("A user with this email address already exists."), code="unique"
            )
        return email


class AddressInline(admin.StackedInline):
    """
    Staff correct addresses; which one is the default stays the customer's
    choice (and one default per user is a database constraint).
    """

    model = Address
    extra = 0
    readonly_fields = ("is_default",)
    fields = (
        ("full_name", "phone"),
        "line1",
        "line2",
        ("postal_code", "city"),
        ("region", "country"),
        "is_default",
    )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "phone")}),
        (
            _("Permissions"),
            {"fields": ("is_active", *PRIVILEGE_FIELDS)},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = (
        "email",
        "first_name",
        "last_name",
        "is_staff",
        "is_active",
        "verified_email",
        "date_joined",
        "last_login",
    )
    list_filter = ("is_staff", "is_active", "is_superuser", "groups", EmailVerifiedFilter)
    search_fields = ("email", "first_name", "last_name", "phone")
    search_help_text = _("Email, first or last name, or phone number.")
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined")
    inlines = (AddressInline,)
    actions = ("delete_accounts",)
    list_per_page = 50

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.annotate(email_verified_flag=selectors.email_verified())

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return (*fields, *PRIVILEGE_FIELDS)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()

    def has_change_permission(self, request, obj=None):
        """Only a superuser changes a member of staff (their password included)."""
        if obj is not None and (obj.is_staff or obj.is_superuser):
            return request.user.is_superuser
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        """Deleting goes through the action below, which anonymises and tells the other apps."""
        return False

    @admin.action(
        description=_("Delete the selected accounts (anonymise, tell other apps)"),
        permissions=["delete_accounts"],
    )
    def delete_accounts(self, request, queryset):
        deleted = refused = 0
        for user_id in queryset.values_list("pk", flat=True):
            try:
                deletion.delete_account(user_id)
                deleted += 1
            except StaffAccountNotDeletable:
                refused += 1
        self.message_user(request, _("%(count)d accounts deleted.") % {"count": deleted})
        if refused:
            self.message_user(
                request,
                _("%(count)d staff accounts were left: remove their staff status first.")
                % {"count": refused},
                level=messages.WARNING,
            )

    def has_delete_accounts_permission(self, request) -> bool:
        return request.user.has_perm("accounts.delete_user")

    @admin.display(description=_("verified email"), boolean=True, ordering="email_verified_flag")
    def verified_email(self, user):
        return user.email_verified_flag


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ("full_name", "user", "line1", "postal_code", "city", "country", "is_default")
    list_filter = ("is_default", "country")
    list_select_related = ("user",)
    search_fields = ("full_name", "city", "postal_code", "user__email")
    search_help_text = _("Name, city, postal code or the customer's email.")
    autocomplete_fields = ("user",)
    readonly_fields = ("is_default", "created_at", "updated_at")
    list_per_page = 50

    def get_readonly_fields(self, request, obj=None):
        """An address never moves to another customer's book."""
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "user") if obj is not None else fields
