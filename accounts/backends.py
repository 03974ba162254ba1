"""The request's user loaded with the flags doors and landings ask (``core.registries.user_flags``)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from core.registries import user_flags


class ForumBackend(ModelBackend):
    """Django's model backend; the user of each request comes with every registered flag
    annotated (``flag_<key>``) in the one query that loads it."""

    def get_user(self, user_id):
        flags = {f"flag_{key}": flag.expression() for key, flag in user_flags.items()}
        user = get_user_model()._default_manager.annotate(**flags).filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
