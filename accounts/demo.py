"""Demo accounts: the organizer who logs in to the admin, the secretariat, and site visitors."""

from django.contrib.auth.models import Group

from core.demo import ADMIN_EMAIL, DEMO_DOMAIN, chinese_name, international_name

from .models import User
from .roles import FORUM_SECRETARIAT, ensure_roles


def upsert_user(ctx, email: str, **fields) -> User:
    """Create or update one demo user, with the run's shared password hash."""
    defaults = {
        "password": ctx.password_hash,
        "email_verified_at": ctx.epoch,
        "date_joined": ctx.epoch,
        **fields,
    }
    user, _created = User.objects.update_or_create(email=email, defaults=defaults)
    return user


def seed(ctx) -> None:
    ensure_roles()
    upsert_user(
        ctx,
        ADMIN_EMAIL,
        name="Forum Organizer",
        name_zh="论坛组委会",
        is_staff=True,
        is_superuser=True,
    )
    secretariat = Group.objects.get(name=FORUM_SECRETARIAT)
    rng = ctx.rng("accounts")
    for i in range(1, 4):
        latin, zh = chinese_name(rng)
        user = upsert_user(
            ctx,
            f"secretariat{i}@zgcforum.example",
            name=latin,
            name_zh=zh,
            language="zh-hans",
            is_staff=True,
        )
        user.groups.set([secretariat])
    # People who made an account on the site but hold no registration yet.
    visitors = 20 * ctx.scale
    for i in range(1, visitors + 1):
        if rng.random() < 0.6:
            latin, zh = chinese_name(rng)
            fields = {"name": latin, "name_zh": zh, "language": "zh-hans"}
        else:
            fields = {"name": international_name(rng)[0], "name_zh": "", "language": "en"}
        upsert_user(ctx, f"visitor{i:05d}@{DEMO_DOMAIN}", **fields)
    ctx.count("visitors", visitors)
