"""People's names and lists as each language writes them.

A person has a Latin-script ``name`` and, for Chinese people, a ``name_zh``. Chinese pages and mail
address 李明 as 李明 (not "Li Ming (李明)"); English ones as Li Ming. Lists of names are joined
with 、 in Chinese and ", " in English.
"""

from django.utils.translation import get_language, pgettext


def chinese_first() -> bool:
    return (get_language() or "").lower().startswith("zh")


class BilingualName:
    """For models with ``name`` and ``name_zh``: the name to address them by, in the active language."""

    @property
    def local_name(self) -> str:
        if chinese_first() and self.name_zh:
            return self.name_zh
        return self.name or self.name_zh

    @property
    def other_name(self) -> str:
        """The name in the other script, shown after the local one ("" when there is none)."""
        if not self.name_zh:
            return ""
        return self.name if self.local_name == self.name_zh else self.name_zh

    @property
    def other_name_lang(self) -> str:
        return "zh-hans" if self.other_name == self.name_zh else "en"


def list_separator() -> str:
    """、 in Chinese, ", " in English."""
    return pgettext("separator between the items of a list", ", ")


def enumeration(items) -> str:
    """郭芳、王嘉豪 in Chinese; Guo Fang, Wang Jiahao in English."""
    return list_separator().join(str(i) for i in items)
