"""The catalogues use the glossary's Chinese words, and Chinese is written as Chinese."""

import re
from pathlib import Path

import polib
import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext, npgettext, pgettext

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "docs" / "glossary.md"
APPOSITION = re.compile(r"\b(\w+) %\(\1\)[sd]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{[^}]*\}\}|\{[^}]*\}")
CJK = r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef“”]"
ASCII_NEXT_TO_CJK = re.compile(rf"{CJK}[,:;]|[,:;]{CJK}")


def glossary() -> list[tuple[list[str], list[str]]]:
    """(English variants, Chinese renderings) of each row of the terms table."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("English", "") or set(cells[0]) <= {"-"}:
            continue
        rows.append(([t.strip() for t in cells[0].split(" / ")], cells[1].split(" / ")))
    return rows


def shown(entry) -> str:
    """What a Chinese page shows for the entry: another app's catalogue (Django's admin: "Filter"
    → 过滤器) may come first in the lookup order and win over ours."""
    with translation.override("zh-hans"):
        if entry.msgid_plural:
            if entry.msgctxt:
                return npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
            return ngettext(entry.msgid, entry.msgid_plural, 1)
        return pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else gettext(entry.msgid)


def entries():
    for po in sorted(ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po")) + [
        ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"
    ]:
        for entry in polib.pofile(str(po)):
            texts = [entry.msgstr, *entry.msgstr_plural.values()]
            if entry.msgid:
                texts.append(shown(entry))
            yield po.relative_to(ROOT).parts[0], entry, [t for t in texts if t]


def test_the_glossary_lists_the_forums_terms():
    terms = {variant for variants, _ in glossary() for variant in variants}
    assert {"session", "filter", "delegate", "exhibitor", "booth", "badge", "check-in"} <= terms
    assert len(glossary()) >= 30


def test_every_msgstr_uses_the_glossarys_rendering_of_its_terms():
    rows = [
        (re.compile(rf"(?<![\w-])(?:{'|'.join(map(re.escape, v))})(?:s|es)?(?![\w-])", re.I), zh)
        for v, zh in glossary()
    ]
    misses = []
    for app, entry, texts in entries():
        # "the section %(section)s": the section's own name (综合展区) says the term.
        english = APPOSITION.sub("", entry.msgid + " " + entry.msgid_plural)
        english = PLACEHOLDER.sub("", english)
        for pattern, renderings in rows:
            if pattern.search(english) and not all(any(r in t for r in renderings) for t in texts):
                misses.append(f"{app}: {entry.msgid!r} → {texts} lacks {renderings}")
    assert not misses, "\n".join(misses)


def test_no_wrong_terms_are_left():
    wrong = [
        (app, entry.msgid, text)
        for app, entry, texts in entries()
        for text in texts
        if "会话" in text or "过滤" in text
    ]
    assert not wrong, "\n".join(map(str, wrong))


@pytest.mark.parametrize("check", ["punctuation", "spaces"])
def test_chinese_msgstrs_are_typeset_as_chinese(check):
    """Full-width punctuation, and no space between Chinese and a name or number put in it."""
    spaced = re.compile(rf"{CJK} +%\(|\)[sd] +{CJK}")
    found = []
    for app, _entry, texts in entries():
        for text in texts:
            bad = ASCII_NEXT_TO_CJK if check == "punctuation" else spaced
            if bad.search(text):
                found.append(f"{app}: {text!r}")
    assert not found, "\n".join(found)
