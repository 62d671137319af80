"""`outputs/index.html`: every period with a pack under the output folder, newest period first."""

from __future__ import annotations

import html
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import PeriodError
from ..export.files import write_atomically
from ..periods import Period, parse_period
from .assemble import CSS_PATH
from .paths import pack_path

CSP = ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; '
       'base-uri \'none\'; form-action \'none\'">')
HEADINGS = "".join(f'<th scope="col">{h}</th>' for h in ("Period", "Pack", "Built", "Status", "Size"))
DEFAULT_PARTNERSHIP = "Durham Safeguarding Children Partnership"
HANDLING_MARKING = "OFFICIAL-SENSITIVE"
HANDLING_NOTE = (
    "For members of the Durham Safeguarding Children Partnership and its Performance and Learning "
    "Group. Do not forward outside the partnership or publish."
)


def _period_sort_key(period: Period) -> tuple:
    return (period.last_day, period.quarter is None)


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_index(out_dir: Path) -> Path:
    """`out_dir/index.html`: every period with a pack (complete or failed), newest period first."""
    out_dir = Path(out_dir)
    rows: list[tuple[tuple, str]] = []
    for period_dir in out_dir.iterdir() if out_dir.is_dir() else []:
        if not period_dir.is_dir():
            continue
        try:
            period = parse_period(period_dir.name)
        except PeriodError:
            continue
        if str(period) != period_dir.name:
            continue
        entries = []
        manifests = ((False, period_dir / "manifest.json"), (True, period_dir / "failed" / "manifest.json"))
        for failed, manifest_file in manifests:
            pack = pack_path(out_dir, period, failed=failed)
            if not pack.is_file():
                continue
            manifest = _read_manifest(manifest_file)
            built = manifest.get("built_at") or datetime.fromtimestamp(pack.stat().st_mtime).isoformat("T", "seconds")
            if failed:
                names = [n["name"] for n in manifest.get("notebooks", []) if n.get("status") != "ok"]
                status = "sections failed: " + ", ".join(names) if names else "failed"
                status_html = f'<span class="dscp-status-failed">{html.escape(status)}</span>'
            else:
                status_html = "complete"
            if manifest.get("parameters", {}).get("suppress") is False:
                status_html += " &middot; <strong>RESTRICTED &mdash; unsuppressed small numbers</strong>"
            size = f"{pack.stat().st_size / 1e6:.1f} MB"
            link = f'<a href="{html.escape(pack.relative_to(out_dir).as_posix())}">{html.escape(pack.name)}</a>'
            entries.append(
                f"<tr><td>{html.escape(period.label)}</td><td>{link}</td>"
                f"<td>{html.escape(built[:16].replace('T', ' '))}</td>"
                f"<td>{status_html}</td><td>{size}</td></tr>"
            )
        for entry in entries:
            rows.append((_period_sort_key(period), entry))
    rows.sort(key=lambda row: row[0], reverse=True)
    body = "\n".join(entry for _, entry in rows) or '<tr><td colspan="5">No pack has been built yet.</td></tr>'
    css = CSS_PATH.read_text(encoding="utf-8")
    page = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
{CSP}
<title>Think Tank packs — {html.escape(DEFAULT_PARTNERSHIP)}</title>
<style>
{css}
</style>
</head>
<body class="dscp-index">
<header class="dscp-title">
<p class="dscp-partnership">{html.escape(DEFAULT_PARTNERSHIP)}</p>
<h1>Think Tank packs</h1>
<p class="dscp-meta">Index written {datetime.now().strftime("%d %B %Y %H:%M")}. Newest period first.</p>
<p class="dscp-handling"><strong>{HANDLING_MARKING}</strong> &mdash; {html.escape(HANDLING_NOTE)}</p>
</header>
<main>
<table>
<thead><tr>{HEADINGS}</tr></thead>
<tbody>
{body}
</tbody>
</table>
</main>
</body>
</html>
"""
    index = out_dir / "index.html"
    write_atomically(index, page)
    return index


