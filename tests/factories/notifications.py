import factory

from notifications.models import Announcement, OutboundMessage


class OutboundMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboundMessage

    to_email = factory.Sequence(lambda n: f"reader{n}@example.org")
    language = "en"
    template_key = "notifications/announcement"
    subject = factory.Sequence(lambda n: f"Forum news {n}")
    body_text = "The forum opens on 24 September."
    idempotency_key = factory.LazyAttribute(lambda m: f"factory:{m.to_email}")


class AnnouncementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Announcement

    subject_en = "Registration is open"
    subject_zh_hans = "注册现已开放"
    body_en = "Register for the 2021 ZGC Forum now."
    body_zh_hans = "2021中关村论坛现已开放注册。"
    segment = "all"
