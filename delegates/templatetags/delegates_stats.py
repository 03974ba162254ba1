from django import template

register = template.Library()


@register.simple_tag
def cell(row: dict, key: str) -> dict:
    """A statistics cell: its value and, when it has one, the admin list behind it."""
    return {"value": row.get(key), "url": row.get(f"{key}_url")}
