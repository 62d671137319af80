"""`dscp build --pdf`: the pack printed to A4 by Debian's Chromium, from the very HTML written beside it.

Chromium's own command line prints the page (`--headless --print-to-pdf`), in a
fresh throwaway profile, with nothing fetched (the pack loads nothing anyway, and
its Content-Security-Policy forbids it). `--virtual-time-budget` lets the page
finish what it does after loading — drawing the charts and their copies at the
printed width (`assets/pack.js`) — before it is printed. The print stylesheet
(`assets/pack.css`) does the rest: A4, sections on new pages, the numbers and
definitions in the appendix.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import DscpError

CHROMIUM_PATHS = ("/usr/bin/chromium",)
INSTALL_HINT = "--pdf needs Debian's chromium to print the pack; install it with `apt-get install chromium`"
TIMEOUT_SECONDS = 180
VIRTUAL_TIME_BUDGET_MS = 5_000  # virtual time: passes only while the page is idle, so a slow machine waits longer
A4_POINTS = (595.0, 842.0)  # 210 x 297 mm in PDF points, rounded
_PAGE_RE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_MEDIABOX_RE = re.compile(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]")


def find_chromium() -> str | None:
    """Debian's chromium (on the PATH, or at /usr/bin/chromium), or None."""
    found = shutil.which("chromium")
    if found:
        return found
    return next((p for p in CHROMIUM_PATHS if os.access(p, os.X_OK)), None)


def require_chromium() -> str:
    chromium = find_chromium()
    if chromium is None:
        raise DscpError(INSTALL_HINT)
    return chromium


def chromium_command(chromium: str, html: Path, pdf: Path, profile: Path) -> list[str]:
    args = [chromium, "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-extensions", "--no-first-run", "--no-default-browser-check",
            f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--virtual-time-budget={VIRTUAL_TIME_BUDGET_MS}",
            f"--print-to-pdf={pdf}", html.resolve().as_uri()]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.insert(2, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
    return args


def write_pdf(html: Path, pdf: Path, chromium: str | None = None, timeout: float = TIMEOUT_SECONDS) -> int:
    """Print `html` to `pdf` (A4) with Chromium; returns the PDF's size in bytes."""
    chromium = chromium or require_chromium()
    pdf = Path(pdf)
    partial = pdf.with_name(f".{pdf.name}.tmp")
    partial.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="dscp-chromium-") as profile:
        try:
            done = subprocess.run(chromium_command(chromium, Path(html), partial, Path(profile)),
                                  capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            partial.unlink(missing_ok=True)
            raise DscpError(f"chromium did not finish printing {Path(html).name} within {timeout:.0f} s; "
                            "no PDF was written") from None
        except OSError as exc:
            raise DscpError(f"chromium could not be started ({exc}); {INSTALL_HINT}") from None
    if not partial.is_file() or not partial.read_bytes()[:5] == b"%PDF-":
        partial.unlink(missing_ok=True)
        last = next((line for line in reversed(done.stderr.splitlines()) if line.strip()), "no message")
        raise DscpError(f"chromium did not print {Path(html).name} (exit {done.returncode}: {last[:200]})")
    os.replace(partial, pdf)
    return pdf.stat().st_size


def page_count(data: bytes) -> int:
    """The number of pages of a PDF (its `/Type /Page` objects)."""
    return len(_PAGE_RE.findall(data))


def page_sizes(data: bytes) -> list[tuple[float, float]]:
    """Each `/MediaBox` of a PDF as (width, height) in points."""
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in _MEDIABOX_RE.findall(data)]
