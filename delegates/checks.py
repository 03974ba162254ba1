"""System checks: badges need Noto CJK for Chinese names and HarfBuzz subsetting for speed."""

import ctypes.util
import shutil
import subprocess

from django.core.checks import Warning, register


def _has_cjk_font() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    try:
        out = subprocess.run(
            [fc_list, ":lang=zh-cn", "family"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "Noto Sans CJK" in out or "Noto Serif CJK" in out


def _has_harfbuzz_subset() -> bool:
    return ctypes.util.find_library("harfbuzz-subset") is not None


@register()
def badge_fonts(app_configs, **kwargs):
    """Warn when badge PDFs would lack Chinese glyphs or take seconds each."""
    warnings = []
    if not _has_cjk_font():
        warnings.append(
            Warning(
                "No Noto CJK font found: Chinese names on badges would print as boxes.",
                hint="Install the Debian package fonts-noto-cjk (scripts/system-deps.sh).",
                id="delegates.W001",
            )
        )
    if not _has_harfbuzz_subset():
        warnings.append(
            Warning(
                "libharfbuzz-subset is missing: each badge PDF would take seconds to make.",
                hint="Install the Debian package libharfbuzz-subset0 (scripts/system-deps.sh).",
                id="delegates.W002",
            )
        )
    return warnings
