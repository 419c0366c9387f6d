"""
One checkout per customer holds stock (decision 0015). Before the constraint,
a customer's earlier checkouts still awaiting payment are expired, the
newest kept: their stock holds run out by themselves (catalog's expiry), and
a payment still made on their pages is completed or refunded like any late
payment.
"""

from django.db import migrations, models
from django.db.models import Count


def expire_all_but_the_newest(apps, schema_editor):
    checkout_model = apps.get_model("orders", "Checkout")
    awaiting = checkout_model.objects.using(schema_editor.connection.alias).filter(
        status="awaiting_payment"
    )
    customers = (
        awaiting.values("user_id").annotate(count=Count("id")).filter(count__gt=1)
    ).values_list("user_id", flat=True)
    for user_id in customers:
        newest = awaiting.filter(user_id=user_id).order_by("-created_at").first()
        awaiting.filter(user_id=user_id).exclude(pk=newest.pk).update(
            status="expired", failure_reason="Replaced by a newer checkout."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0003_sent_email_for_checkouts"),
    ]

    operations = [
        migrations.RunPython(expire_all_but_the_newest, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="checkout",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "awaiting_payment")),
                fields=("user_id",),
                name="orders_checkout_one_awaiting",
            ),
        ),
    ]
