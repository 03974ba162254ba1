from django.db import transaction

from .legal import DEFAULT_PAGES
from .models import LegalPage


@transaction.atomic
def ensure_legal_pages() -> list[LegalPage]:
    """Create each legal page that is missing with its default bilingual text; edits are kept."""
    created = []
    for slug, texts in DEFAULT_PAGES.items():
        page, was_created = LegalPage.objects.get_or_create(slug=slug, defaults=texts)
        if was_created:
            created.append(page)
    return created


def ensure_legal_pages_after_migrate(sender, **kwargs):
    ensure_legal_pages()
