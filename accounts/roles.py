"""Roles are Django groups declared in code: each app's ``roles.py`` holds ``ROLES``.

``ROLES`` maps a group name to permission names, ``"app_label.codename"`` or ``"app_label.*"``
for every permission of an app. Several apps may add permissions to one group.
"""

from collections import defaultdict
from importlib import import_module

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction

FORUM_SECRETARIAT = "forum secretariat"

ROLES = {
    FORUM_SECRETARIAT: ["accounts.view_user", "accounts.change_user", "auth.view_group"],
}


def declared_roles() -> dict[str, set[str]]:
    """The union of every installed app's ``ROLES``, group name → permission names."""
    merged: dict[str, set[str]] = defaultdict(set)
    for app_config in apps.get_app_configs():
        try:
            module = import_module(f"{app_config.name}.roles")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app_config.name}.roles":
                raise
            continue
        for group, perms in getattr(module, "ROLES", {}).items():
            merged[group].update(perms)
    return dict(merged)


def _resolve(names: set[str]) -> list[Permission]:
    wildcard_apps = {name.split(".")[0] for name in names if name.endswith(".*")}
    exact = {tuple(name.split(".", 1)) for name in names if not name.endswith(".*")}
    perms = Permission.objects.select_related("content_type")
    found = [
        p
        for p in perms
        if p.content_type.app_label in wildcard_apps
        or (p.content_type.app_label, p.codename) in exact
    ]
    missing = exact - {(p.content_type.app_label, p.codename) for p in found}
    if missing:
        raise LookupError(f"Unknown permissions in ROLES: {sorted(missing)}")
    return found


@transaction.atomic
def ensure_roles() -> dict[str, Group]:
    """Create or update every declared group so it holds exactly its declared permissions."""
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    groups = {}
    for name, perm_names in sorted(declared_roles().items()):
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(_resolve(perm_names))
        groups[name] = group
    return groups


def ensure_roles_after_migrate(sender, **kwargs):
    ensure_roles()


def role_matrix() -> str:
    """The role × permission matrix as a Markdown table: a row per model, a column per role.

    A cell lists what the role may do with the model: ``view``, ``add``, ``change``, ``delete``
    and the model's own permissions by codename. Wildcards (``"events.*"``) are expanded, so the
    table says exactly what each group holds after ``ensure_roles()``.
    """
    roles = declared_roles()
    names = sorted(roles)
    cells: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name in names:
        for permission in _resolve(roles[name]):
            ct = permission.content_type
            cells[f"{ct.app_label}.{ct.model}"][name].append(_action(permission))
    lines = [
        "| model | " + " | ".join(names) + " |",
        "|---|" + "|".join("---" for _ in names) + "|",
    ]
    for model in sorted(cells):
        row = " | ".join(" ".join(sorted(cells[model][name], key=_order)) for name in names)
        lines.append(f"| `{model}` | {row} |")
    return "\n".join(lines)


ACTIONS = ("view", "add", "change", "delete")


def _action(permission: Permission) -> str:
    for action in ACTIONS:
        if permission.codename == f"{action}_{permission.content_type.model}":
            return action
    return permission.codename


def _order(action: str) -> tuple[int, str]:
    return (ACTIONS.index(action) if action in ACTIONS else len(ACTIONS), action)
