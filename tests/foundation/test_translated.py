"""``core.links.translated``: the catalogue's strings looked up once a process per language, for
literal strings and for lazy ones (registered labels), and told apart by language and function."""

from django.utils import translation
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.links import translated


def test_a_string_is_translated_in_each_language_in_turn():
    for _ in range(2):  # the second time from what the first kept
        with translation.override("zh-hans"):
            assert translated("Log in") == "登录"
        with translation.override("en"):
            assert translated("Log in") == "Log in"


def test_a_lazy_label_is_what_str_gives_in_each_language():
    label = gettext_lazy("Log in")
    for _ in range(2):
        for language in ("en", "zh-hans"):
            with translation.override(language):
                assert translated(label) == str(label)
    with translation.override("zh-hans"):
        assert translated(label) == "登录"


def test_lazy_labels_of_other_functions_are_kept_apart():
    plain, in_context = gettext_lazy("May"), pgettext_lazy("month name", "May")
    with translation.override("zh-hans"):
        assert translated(plain) == str(plain)
        assert translated(in_context) == str(in_context)
