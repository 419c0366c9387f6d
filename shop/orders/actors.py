"""Who changed an order, as its history records it: a customer, staff, or the shop itself."""

SYSTEM = "system"


def customer(user_id: int) -> str:
    return f"customer:{user_id}"


def staff(user_id: int) -> str:
    return f"staff:{user_id}"
