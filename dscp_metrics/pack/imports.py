"""Keeping the build's start-up short.

nbformat imports jsonschema, whose format checkers import `rfc3987_syntax` when it
is installed (jupyterlab brings it); that package compiles 38 Lark grammars at
import, about 0.7 s, for an "iri" string format no notebook schema uses. The
build marks it unavailable before nbformat is imported, so jsonschema simply
skips that one format (as it does whenever the package is absent).
"""

from __future__ import annotations

import sys


def skip_unused_format_checkers() -> None:
    """Make `import rfc3987_syntax` fail fast in this process (jsonschema then leaves the format out)."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
