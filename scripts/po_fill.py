#!/usr/bin/env python3
"""Fill empty msgstr entries of a .po file from a JSON {msgid: msgstr} file; list what is left.

    python scripts/po_fill.py accounts/locale/zh_Hans/LC_MESSAGES/django.po /tmp/accounts.json
    python scripts/po_fill.py accounts/locale/zh_Hans/LC_MESSAGES/django.po   # only list
Plural entries take a list of forms (Chinese has one). Fuzzy flags on filled entries are dropped.
"""

import json
import re
import sys
from pathlib import Path


def unquote(lines: list[str]) -> str:
    return "".join(json.loads(line[line.index('"') :]) for line in lines)


def quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def main(po_path: str, json_path: str | None) -> int:
    translations = json.loads(Path(json_path).read_text(encoding="utf-8")) if json_path else {}
    blocks = Path(po_path).read_text(encoding="utf-8").split("\n\n")
    out, missing = [], []
    for block in blocks:
        lines = block.split("\n")
        keys = {}
        current = None
        for i, line in enumerate(lines):
            m = re.match(r'^(msgid_plural|msgid|msgstr(?:\[\d+\])?) "', line)
            if m:
                current = m.group(1)
                keys[current] = [i]
            elif line.startswith('"') and current:
                keys[current].append(i)
        if "msgid" not in keys:
            out.append(block)
            continue
        msgid = unquote([lines[i] for i in keys["msgid"]])
        if msgid == "":
            out.append(block)
            continue
        str_keys = [k for k in keys if k.startswith("msgstr")]
        current_str = "".join(unquote([lines[i] for i in keys[k]]) for k in str_keys)
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        if current_str and not fuzzy:
            out.append(block)
            continue
        if msgid not in translations:
            missing.append(msgid)
            out.append(block)
            continue
        value = translations[msgid]
        head = [
            line
            for line in lines[: min(i for k in str_keys for i in keys[k])]
            if not (line.startswith("#,") and "fuzzy" in line)
        ]
        if "msgid_plural" in keys:
            forms = value if isinstance(value, list) else [value]
            head += [f"msgstr[{n}] {quote(form)}" for n, form in enumerate(forms)]
        else:
            head.append(f"msgstr {quote(value)}")
        out.append("\n".join(head))
    Path(po_path).write_text("\n\n".join(out), encoding="utf-8")
    for msgid in missing:
        print(json.dumps(msgid, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))
