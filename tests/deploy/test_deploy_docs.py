"""deploy/README.md documents every environment variable the code reads and the deployment files
name: the settings, gunicorn's configuration, the stack runner, the Compose file, nginx's template."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
README = (ROOT / "deploy" / "README.md").read_text()
READ_FROM_ENV = re.compile(
    r"""(?:env_bool\(|env_list\(|environ\.get\(|environ\[)\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def documented() -> set[str]:
    """The first column of every table in the README."""
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", README, flags=re.MULTILINE))


def read_by(path: str) -> set[str]:
    return set(READ_FROM_ENV.findall((ROOT / path).read_text()))


def test_every_variable_the_code_reads_is_documented():
    names = read_by("zgcforum/settings.py") | read_by("deploy/gunicorn.conf.py")
    names |= read_by("deploy/stack.py")
    assert {"SECRET_KEY", "DATABASE_URL", "GUNICORN_BIND", "STACK_PORT"} <= names
    assert names - documented() == set()


def test_every_variable_compose_sets_is_documented():
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    names = {
        name for service in compose["services"].values() for name in service.get("environment", {})
    }
    assert {"SECRET_KEY", "DATABASE_URL", "NGINX_LISTEN", "POSTGRES_PASSWORD"} <= names
    assert names - documented() == set()
    # Two web nodes, both workers and exactly one beat.
    services = compose["services"]
    assert {"web-1", "web-2", "worker-mail", "worker-heavy", "beat", "nginx"} <= set(services)
    assert sum("beat" in (service.get("command") or []) for service in services.values()) == 1


def test_nginx_template_placeholders_are_documented_and_filled_by_the_stack(tmp_path):
    template = (ROOT / "deploy" / "nginx.conf").read_text()
    placeholders = set(re.findall(r"\$\{([A-Z_]+)\}", template))
    assert placeholders == {
        "NGINX_LISTEN",
        "WEB_NODES",
        "STATIC_ROOT",
        "MEDIA_ROOT",
        "PRIVATE_MEDIA_ROOT",
    }
    assert placeholders <= documented()
    from deploy.stack import Stack

    rendered = Stack(env={"STACK_DIR": str(tmp_path)}).render_nginx_conf().read_text()
    assert "${" not in rendered
    assert "internal;" in rendered.split("location /_private/")[1].split("}")[0]
