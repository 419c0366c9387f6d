from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shop.accounts.models import User


class Command(BaseCommand):
    help = "Create (or reset) the demo superuser and print its login. Refused with DEBUG=0."

    def add_arguments(self, parser):
        parser.add_argument("--email", default="admin@example.com")
        parser.add_argument("--password", default="admin")

    def handle(self, *args, email, password, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to create a demo admin with a known password when DEBUG=0; "
                "use `manage.py createsuperuser`."
            )
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_superuser(email=email, password=password)
        else:
            user.set_password(password)
            user.is_staff = user.is_superuser = user.is_active = True
            user.save()
        # A demo login should be able to try everything, checkout included.
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin login: {user.email} / {password}  (http://127.0.0.1:8000/admin/)"
            )
        )
