import factory
from django.utils import timezone

from delegates.models import Category, Delegation, DelegationMember, Invitation, Registration
from tests.factories.accounts import UserFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"category-{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    name_zh_hans = factory.Sequence(lambda n: f"类别{n}")
    access = Category.Access.OPEN
    needs_approval = True


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    user = factory.SubFactory(UserFactory)
    category = factory.SubFactory(CategoryFactory)
    name = factory.LazyAttribute(lambda o: o.user.name)
    organization = "Tsinghua University"
    title = "Professor"
    country = "DE"
    terms_accepted_at = factory.LazyFunction(timezone.now)
    status = Registration.Status.PENDING


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    category = factory.SubFactory(CategoryFactory, access=Category.Access.INVITATION)
    max_uses = 1


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegation

    name = factory.Sequence(lambda n: f"Delegation {n}")
    kind = Delegation.Kind.COUNTRY
    country = "DE"
    coordinator = factory.SubFactory(UserFactory)


class DelegationMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DelegationMember

    delegation = factory.SubFactory(DelegationFactory)
    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda o: o.user.email if o.user else "someone@example.org")
    accepted_at = factory.LazyAttribute(lambda o: timezone.now() if o.user else None)
