from .models import ExhibitionSection


def exhibition_sections() -> list[ExhibitionSection]:
    return list(ExhibitionSection.objects.order_by("position", "pk"))
