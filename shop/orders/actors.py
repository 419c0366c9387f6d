"""Who changed an order, as its history records it: a customer, staff, or the shop itself."""

SYSTEM = "system"
# The buyer of a guest order, through its link (decision 0023).
GUEST = "guest"


def customer(user_id: int) -> str:
    return f"customer:{user_id}"


def staff(user_id: int) -> str:
    return f"staff:{user_id}"
