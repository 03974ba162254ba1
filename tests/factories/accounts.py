import factory
from django.utils import timezone

from accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    language = "en"
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.django.Password("a-long-demo-password")


class UnverifiedUserFactory(UserFactory):
    email_verified_at = None


class StaffFactory(UserFactory):
    is_staff = True
