from rest_framework.permissions import BasePermission

NEEDED = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


class CanManageEndpoints(BasePermission):
    """
    Staff with the webhooks app's permission on endpoints for the method
    (``webhooks.view_endpoint`` to read, ``add_``, ``change_`` (rotating a
    secret too) and ``delete_`` to change): an endpoint's URL and secret say
    where the shop's orders go, so being staff is not enough.
    """

    message = "Only staff who manage webhooks may read or change webhook endpoints."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_staff):
            return False
        action = getattr(view, "permission_action", None) or NEEDED.get(request.method, "change")
        return user.has_perm(f"webhooks.{action}_endpoint")
