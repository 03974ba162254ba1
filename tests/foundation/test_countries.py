"""One country list for the whole project (core.countries): every field, form and display."""

import ast
import csv
import io
import json
import re
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.test import RequestFactory
from django.utils import translation
from django_countries.fields import CountryField
from pypinyin import lazy_pinyin

from core.countries import (
    CHOOSE,
    ForumCountries,
    ForumCountryField,
    country_formfield,
    forum_countries,
)
from delegates import selectors as delegates_selectors
from delegates.badges import badge_html
from delegates.services import badge_for
from exhibitors.forms import DirectoryFilterForm
from tests.browser import assert_accessible
from tests.factories.accounts import StaffFactory, UserFactory
from tests.factories.delegates import RegistrationFactory
from tests.factories.events import SessionFactory, SpeakerFactory
from tests.factories.exhibitors import ApplicationFactory, OrganizationFactory, SectionFactory

ROOT = Path(settings.BASE_DIR)
OUR_APPS = ["core", "accounts", "notifications", "events", "exhibitors", "delegates", "zgcforum"]
# Sovereign-sounding names that must never stand alone on a Chinese page.
BARE_NAMES = ["Hong Kong", "Macao", "Macau", "Taiwan", ">香港<", ">澳门<", ">台湾<", "──"]
REGIONS_ZH = ["中国香港", "中国澳门", "中国台湾"]


def codes(choices) -> list[str]:
    return [code for code, _name in choices if code]


def forum_codes() -> list[str]:
    return [code for code, _name in forum_countries]


def options(html: str, select_id: str) -> list[tuple[str, str]]:
    """``(value, label)`` of each option of one select of a page."""
    select = re.search(rf'<select[^>]*id="{select_id}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


# --- The list itself ------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_china_and_its_regions_come_first(language):
    with translation.override(language):
        listed = list(forum_countries)
        assert codes(listed[:3]) == ["CN", "HK", "MO"]
        assert "" not in codes(listed) and not any("──" in str(n) for _c, n in listed)
        assert sorted(codes(listed)) == sorted(set(codes(listed)))  # each once
        assert "TW" in codes(listed[3:])


def test_chinese_names_are_the_forums_and_the_rest_follow_pinyin():
    with translation.override("zh-hans"):
        listed = [(code, str(name)) for code, name in forum_countries]
    names = dict(listed)
    assert [names["CN"], names["HK"], names["MO"], names["TW"]] == ["中国", *REGIONS_ZH]
    assert all(re.search(r"[\u4e00-\u9fff]", name) for name in names.values())  # all Chinese
    rest = [name.strip() for _code, name in listed[3:]]
    assert rest == sorted(rest, key=lambda name: lazy_pinyin(name))
    position = {name: i for i, name in enumerate(rest)}
    # ā'ěr before ā'fù, then āi, ... zhì before zhōng.
    assert position["阿尔巴尼亚"] < position["阿富汗"] < position["埃及"] < position["德国"]
    assert position["德国"] < position["美国"] < position["智利"] < position["中国台湾"]


def test_english_names_are_the_forums_and_the_rest_follow_the_alphabet():
    with translation.override("en"):
        listed = [(code, str(name)) for code, name in forum_countries]
    names = dict(listed)
    assert [names["HK"], names["MO"], names["TW"]] == [
        "Hong Kong, China",
        "Macao, China",
        "Taiwan, China",
    ]
    rest = [name for _code, name in listed[3:]]
    position = {name: i for i, name in enumerate(rest)}
    assert position["Afghanistan"] == 0
    assert position["Syria"] < position["Taiwan, China"] < position["Tajikistan"]


@pytest.mark.parametrize(("language", "label"), [("en", "Choose…"), ("zh-hans", "请选择……")])
def test_the_empty_choice_asks_to_choose(language, label):
    with translation.override(language):
        choices = [(code, str(name)) for code, name in country_formfield().choices]
        assert str(CHOOSE) == label
        assert codes(choices) == forum_codes()
    assert choices[0] == ("", label)


def test_a_form_made_in_english_lists_in_chinese_on_a_chinese_page():
    with translation.override("en"):
        field = country_formfield()
    with translation.override("zh-hans"):
        assert [str(n) for _c, n in field.choices][:4] == [
            "请选择……",
            "中国",
            "中国香港",
            "中国澳门",
        ]


# --- (c) Every field and form uses it -------------------------------------------------------


def test_every_model_country_field_uses_the_forum_list():
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, CountryField):
                found.append(f"{model._meta.label}.{field.name}")
                assert isinstance(field, ForumCountryField), found[-1]
                assert isinstance(field.countries, ForumCountries), found[-1]
                assert field.blank_label == CHOOSE, found[-1]
    # Delegates and delegations, exhibitors, speakers, and the history of each.
    assert {
        "delegates.Registration.country",
        "delegates.HistoricalRegistration.country",
        "delegates.Delegation.country",
        "exhibitors.Organization.country",
        "exhibitors.HistoricalOrganization.country",
        "events.Speaker.country",
        "events.HistoricalSpeaker.country",
    } <= set(found)


def _our_form_classes():
    for app in OUR_APPS:
        for module_name in ("forms", "admin", "views"):
            try:
                module = __import__(f"{app}.{module_name}", fromlist=["*"])
            except ModuleNotFoundError:
                continue
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, forms.BaseForm)
                    and value.__module__.split(".")[0] in OUR_APPS
                ):
                    yield value


def _is_country_field(name: str, field) -> bool:
    if "country" in name:
        return True
    if isinstance(field, forms.ModelChoiceField) or not isinstance(field, forms.ChoiceField):
        return False
    return {"DE", "HK"} <= set(codes(field.choices))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_form_country_field_uses_the_forum_list(language):
    checked = []
    with translation.override(language):
        expected = forum_codes()
        for form_class in set(_our_form_classes()):
            for name, field in form_class.base_fields.items():
                if not _is_country_field(name, field):
                    continue
                where = f"{form_class.__module__}.{form_class.__name__}.{name}"
                if form_class is DirectoryFilterForm:
                    continue  # a filter of the countries present: its own test below
                choices = [(code, str(label)) for code, label in field.choices]
                assert codes(choices) == expected, where
                if choices[0][0] == "":
                    assert choices[0][1] == str(CHOOSE), where
                checked.append(where)
    assert "delegates.forms.RegistrationForm.country" in checked
    assert "exhibitors.forms.OrganizationForm.country" in checked


@pytest.mark.django_db
def test_every_admin_form_country_field_uses_the_forum_list():
    request = RequestFactory().get("/admin/")
    request.user = StaffFactory(is_superuser=True)
    checked = []
    for model, model_admin in admin.site._registry.items():
        if not any(isinstance(f, CountryField) for f in model._meta.get_fields()):
            continue
        fields = model_admin.get_form(request)().fields
        for name, field in fields.items():
            if _is_country_field(name, field) and hasattr(field, "choices"):
                assert codes(field.choices) == forum_codes(), f"{model._meta.label}.{name}"
                checked.append(model._meta.label)
    assert {"delegates.Registration", "exhibitors.Organization", "events.Speaker"} <= set(checked)


def test_only_core_reads_django_countries_lists():
    """Anything else importing django_countries would bring back the plain list."""
    offenders = []
    for app in OUR_APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or path == ROOT / "core" / "countries.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom):
                    names = [node.module or ""]
                if any(n.startswith("django_countries") for n in names):
                    offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


# --- Displays on /zh-hans/ ------------------------------------------------------------------


@pytest.mark.django_db
def test_chinese_exhibitor_form_lists_the_forum_names_china_first(client):
    client.force_login(UserFactory(language="zh-hans"))
    html = client.get("/zh-hans/exhibitors/portal/new/").content.decode()
    listed = options(html, "id_country")
    assert listed[:4] == [("", "请选择……"), ("CN", "中国"), ("HK", "中国香港"), ("MO", "中国澳门")]
    assert ("TW", "中国台湾") in listed
    select = re.search(r'<select[^>]*id="id_country".*?</select>', html, re.S).group(0)
    for bare in BARE_NAMES:
        assert bare not in select


@pytest.mark.django_db
def test_chinese_directory_filter_and_cards_show_the_forum_names():
    from django.test import Client

    section = SectionFactory()
    for country in ["DE", "TW", "MO", "CN", "HK"]:
        ApplicationFactory(
            section=section,
            status="approved",
            organization=OrganizationFactory(
                country=country, credit_code="", registration_number=f"R-{country}"
            )
            if country != "CN"
            else OrganizationFactory(),
        )
    html = Client().get("/zh-hans/exhibitors/").content.decode()
    assert options(html, "id_country") == [
        ("", "全部国家和地区"),
        ("CN", "中国"),
        ("HK", "中国香港"),
        ("MO", "中国澳门"),
        ("DE", "德国"),
        ("TW", "中国台湾"),  # zhōngguó táiwān, after déguó
    ]
    for name in REGIONS_ZH:
        assert html.count(name) >= 2  # the filter and the organization's card
    for bare in BARE_NAMES:
        assert bare not in html
    english = Client().get("/exhibitors/").content.decode()
    assert codes(options(english, "id_country")) == ["CN", "HK", "MO", "DE", "TW"]
    assert '<option value="TW">Taiwan, China</option>' in english


@pytest.mark.django_db
def test_chinese_statistics_show_the_forum_names_most_first_then_the_list_order(client):
    for country, n in [("DE", 3), ("TW", 2), ("HK", 2), ("CN", 3), ("MO", 1)]:
        for _ in range(n):
            RegistrationFactory(country=country)
    with translation.override("zh-hans"):
        rows = delegates_selectors.delegates_by_country().rows
        segment = delegates_selectors.country_choices()
    assert [(r["code"], r["label"], r["n"]) for r in rows] == [
        ("CN", "中国", 3),
        ("DE", "德国", 3),
        ("HK", "中国香港", 2),
        ("TW", "中国台湾", 2),
        ("MO", "中国澳门", 1),
    ]
    assert segment == [
        ("CN", "中国"),
        ("HK", "中国香港"),
        ("MO", "中国澳门"),
        ("DE", "德国"),
        ("TW", "中国台湾"),
    ]
    client.force_login(StaffFactory(is_superuser=True))
    page = client.get("/zh-hans/delegates/statistics/").content.decode()
    exported = client.get("/zh-hans/delegates/statistics/countries.csv")
    table = list(csv.reader(io.StringIO(exported.content.decode())))
    assert [row[0] for row in table[1:]] == ["中国", "德国", "中国香港", "中国台湾", "中国澳门"]
    for text in (page, exported.content.decode()):
        for name in REGIONS_ZH:
            assert name in text
        for bare in BARE_NAMES:
            assert bare not in text


@pytest.mark.django_db
def test_json_exports_name_the_country_next_to_its_code(client):
    SessionFactory(speakers=[SpeakerFactory(slug="hk-speaker", country="HK")])
    for prefix, name in [("", "Hong Kong, China"), ("/zh-hans", "中国香港")]:
        document = client.get(f"{prefix}/api/schedule.json").json()
        row = {s["slug"]: s for s in document["speakers"]}["hk-speaker"]
        assert (row["country"], row["country_name"]) == ("HK", name)

    registration = RegistrationFactory(country="TW")
    client.force_login(registration.user)
    data = json.loads(client.get("/zh-hans/delegates/me/export.json").content)
    assert (data["registration"]["country"], data["registration"]["country_name"]) == (
        "TW",
        "中国台湾",
    )
    english = json.loads(client.get("/delegates/me/export.json").content)
    assert english["registration"]["country_name"] == "Taiwan, China"


@pytest.mark.django_db
def test_badges_print_the_forum_name():
    registration = RegistrationFactory(country="MO", status="approved")
    badge = badge_for(registration)
    with translation.override("zh-hans"):
        assert "中国澳门" in badge_html([badge])
    with translation.override("en"):
        assert "Macao, China" in badge_html([badge])


# --- In chromium ----------------------------------------------------------------------------

PASSWORD = "Snowy-Harbour-2021"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_chinese_exhibitor_form_in_chromium_offers_china_first(page):
    user = UserFactory(email="li.na@example.org", language="zh-hans")
    user.set_password(PASSWORD)
    user.save()
    page.goto("/zh-hans/accounts/login/?next=/zh-hans/exhibitors/portal/new/")
    page.locator("#id_username").fill("li.na@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/zh-hans/exhibitors/portal/new/")
    select = page.locator("#id_country")
    labels = select.locator("option").all_inner_texts()
    assert labels[:4] == ["请选择……", "中国", "中国香港", "中国澳门"]
    assert "中国台湾" in labels and not {"Hong Kong", "Taiwan", "香港", "台湾"} & set(labels)
    assert select.input_value() == "CN"
    select.select_option(label="中国香港")
    assert select.input_value() == "HK"
    assert_accessible(page)
