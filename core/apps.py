from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares: the page cache, the demo context, images, countries, registries.

    Nothing here imports another app of ours; the apps fill the registries in their ``ready()``.
    """

    name = "core"
    verbose_name = "Core"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
