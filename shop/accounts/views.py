"""
The customer's account pages: overview, profile, address book, email
verification and account deletion. Sign-up, login, logout, password and
email changes are allauth's pages (``allauth.urls``), styled by this app's
template overrides.

Thin views: forms validate, ``services`` write, ``selectors`` read. Another
user's address answers 404, like an address that does not exist.
"""

from allauth.account.internal.flows.email_verification import (
    send_verification_email_to_address,
)
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors
from .errors import (
    AddressBookFull,
    AddressNotFound,
    InvalidAddress,
    InvalidProfile,
    StaffAccountNotDeletable,
)
from .forms import AddressForm, DeleteAccountForm, ProfileForm
from .services import addresses as address_book
from .services import deletion, verification
from .services import profile as profiles


def _address_or_404(request, address_id):
    try:
        return selectors.address_for(request.user.pk, address_id)
    except AddressNotFound:
        raise Http404("No such address.") from None


def _add_field_errors(form, error) -> None:
    for field, field_messages in error.extra.get("errors", {}).items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


def _safe_next(request) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@login_required
def overview(request):
    user = request.user
    return render(
        request,
        "accounts/overview.html",
        {
            "email_verified": selectors.email_is_verified(user),
            "default_address": selectors.default_address_for(user.pk),
            "address_count": selectors.addresses_for(user.pk).count(),
            "section": "overview",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            profiles.update_profile(request.user.pk, **form.cleaned_data)
        except InvalidProfile as exc:
            _add_field_errors(form, exc)
        else:
            messages.success(request, "Your profile has been saved.")
            return redirect("accounts:overview")
    return render(request, "accounts/profile.html", {"form": form, "section": "profile"})


@login_required
def address_list(request):
    addresses = selectors.addresses_for(request.user.pk)
    return render(
        request, "accounts/address_list.html", {"addresses": addresses, "section": "addresses"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def address_add(request):
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            address_book.add_address(request.user.pk, **form.cleaned_data)
        except InvalidAddress as exc:
            _add_field_errors(form, exc)
        except AddressBookFull as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, "The address has been added to your address book.")
            return redirect(_safe_next(request) or reverse("accounts:addresses"))
    return render(
        request,
        "accounts/address_form.html",
        {"form": form, "adding": True, "next": _safe_next(request), "section": "addresses"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def address_edit(request, address_id):
    address = _address_or_404(request, address_id)
    form = AddressForm(request.POST or None, instance=address)
    if request.method == "POST" and form.is_valid():
        try:
            address_book.update_address(request.user.pk, address.pk, **form.cleaned_data)
        except AddressNotFound:
            raise Http404("No such address.") from None
        except InvalidAddress as exc:
            _add_field_errors(form, exc)
        else:
            messages.success(request, "The address has been updated.")
            return redirect("accounts:addresses")
    return render(
        request,
        "accounts/address_form.html",
        {"form": form, "address": address, "adding": False, "section": "addresses"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def address_delete(request, address_id):
    """GET asks for confirmation; POST deletes."""
    address = _address_or_404(request, address_id)
    if request.method == "POST":
        try:
            address_book.delete_address(request.user.pk, address.pk)
        except AddressNotFound:
            raise Http404("No such address.") from None
        messages.success(request, "The address has been removed from your address book.")
        return redirect("accounts:addresses")
    return render(
        request, "accounts/address_delete.html", {"address": address, "section": "addresses"}
    )


@login_required
@require_POST
def address_make_default(request, address_id):
    try:
        address = address_book.set_default_address(request.user.pk, address_id)
    except AddressNotFound:
        raise Http404("No such address.") from None
    messages.success(request, f"{address.full_name}, {address.city} is now your default address.")
    return redirect("accounts:addresses")


@login_required
@require_http_methods(["GET", "POST"])
def verify_email(request):
    """
    Where checkout sends a customer whose address is not verified yet: why it
    matters, where the mail goes, and a button to send it again. Resending is
    rate-limited by allauth ("confirm_email" in ``ACCOUNT_RATE_LIMITS``); a
    refused resend says so, as the earlier mail's link still works.
    """
    next_url = _safe_next(request)
    if request.method == "POST":
        address = verification.sign_in_address(request.user)
        if not address.verified and not send_verification_email_to_address(request, address):
            messages.info(
                request,
                f"We sent a confirmation mail to {address.email} a moment ago. Its link "
                "still works; you can ask for another one in a few minutes.",
            )
        target = reverse("accounts:verify_email")
        return redirect(f"{target}?{urlencode({'next': next_url})}" if next_url else target)
    return render(
        request,
        "accounts/verify_email.html",
        {
            "email": request.user.email,
            "verified": selectors.email_is_verified(request.user),
            "next": next_url,
            "section": "overview",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    """
    Asks for the password (a session left open on a shared computer must not be
    enough); guesses are rate-limited like allauth's reauthentication.
    """
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and not ratelimit.consume(
        request, action="reauthenticate", user=request.user
    ):
        messages.error(request, "Too many attempts. Please wait a minute and try again.")
        return render(
            request,
            "accounts/delete_account.html",
            {"form": DeleteAccountForm(request.user), "section": "delete"},
            status=429,
        )
    if request.method == "POST" and form.is_valid():
        try:
            deletion.delete_account(request.user.pk)
        except StaffAccountNotDeletable as exc:
            messages.error(request, exc.detail)
        else:
            logout(request)
            messages.success(request, "Your account has been deleted. Goodbye, and thank you.")
            return redirect("catalog:home")
    return render(request, "accounts/delete_account.html", {"form": form, "section": "delete"})
