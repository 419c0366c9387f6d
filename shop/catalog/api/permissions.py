from rest_framework.permissions import BasePermission


class CanManageStockAndPrices(BasePermission):
    """
    Staff whose role lets them change variants (``catalog.change_variant``):
    reading is allowed with ``catalog.view_variant``. Being staff is not
    enough: Support staff may sign in to the admin but not reprice the shop.
    """

    message = "Only staff who manage the catalog may read or change stock and prices."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_staff):
            return False
        needed = (
            "catalog.view_variant"
            if request.method in ("GET", "HEAD", "OPTIONS")
            else ("catalog.change_variant")
        )
        return user.has_perm(needed)
