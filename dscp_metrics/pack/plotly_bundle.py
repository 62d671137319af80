"""plotly.js for the pack: the MIT-licensed *basic* partial bundle (scatter, bar, pie), shipped as package data.

npm `plotly.js-basic-dist-min`, pinned in `package.json` to the plotly.js version that
plotly.py embeds (`plotly.offline.get_plotlyjs_version()`), copied to
`assets/plotly/plotly-basic.min.js` with its licence. It is 1.19 MB instead of the
full bundle's 4.8 MB; a chart may use only the trace types it holds
(`tests/test_plotly_bundle.py` fails if the versions drift or a chart uses another).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

BUNDLE = Path(__file__).resolve().parent / "assets" / "plotly" / "plotly-basic.min.js"
VERSION = "4.1.1"
SHA256 = "99784e3abfb07b142a15e521a439e6d9addceadb3f79553fd24c72774f0649ba"
TRACE_TYPES = ("scatter", "bar", "pie")


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """The bundle's text, checked against its recorded checksum."""
    data = BUNDLE.read_bytes()
    if hashlib.sha256(data).hexdigest() != SHA256:
        raise RuntimeError(f"{BUNDLE} does not match its recorded checksum: reinstall the package")
    return data.decode("utf-8")
