import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.test import APIClient


@pytest.fixture
def staff_api():
    """An integration signed in as staff in the "Catalog managers" role."""
    user = get_user_model().objects.create_user(email="erp@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Catalog managers"))
    client = APIClient()
    client.force_authenticate(user)
    return client
