"""Demo notifications: a draft announcement the organizer can preview and send from the admin."""

from accounts.models import User
from core.demo import ADMIN_EMAIL

from .models import Announcement


def seed(ctx) -> None:
    organizer = User.objects.filter(email=ADMIN_EMAIL).first()
    Announcement.objects.update_or_create(
        subject_en="Registration for the 2021 ZGC Forum is open",
        defaults={
            "subject_zh_hans": "2021中关村论坛报名现已开放",
            "body_en": (
                "The 2021 Zhongguancun Forum takes place in Beijing from 24 to 28 September.\n\n"
                "Register as a delegate and choose your sessions on the forum website."
            ),
            "body_zh_hans": (
                "2021中关村论坛将于9月24日至28日在北京举行。\n\n请登录论坛网站报名参会并选择分论坛。"
            ),
            "segment": "all",
            "status": Announcement.Status.DRAFT,
            "created_by": organizer,
            "created_at": ctx.epoch,
        },
    )
