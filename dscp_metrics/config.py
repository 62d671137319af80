"""The Think Tank configuration (`data/thinktank.toml`): targets, RAG rules,
the suppression threshold and benchmarks, with documented defaults.

Looked up in this order: an explicit path, the `DSCP_CONFIG` environment
variable, `data/thinktank.toml` in the working directory, then the one beside
the package (the repository's). Absent keys take their defaults.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

from .errors import ConfigError

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PACKAGE_ROOT / "data" / "thinktank.toml"


@dataclass(frozen=True)
class Bands:
    """RAG bands on an indicator's own scale: Green from `green`, Amber from `amber` (higher is
    better), or Green up to `green` and Amber up to `amber` (lower is better)."""

    green: float
    amber: float


# The Organisational Safeguarding Assessment's agreed bands for the share of standards rated Green.
DEFAULT_BANDS = {"osa_green_share": Bands(green=80.0, amber=70.0)}


@dataclass(frozen=True)
class Config:
    suppression_threshold: int = 5
    targets: dict[str, float] = field(default_factory=dict)
    benchmark_file: Path | None = None
    benchmark_area: str = "England"
    min_points_for_assurance: int = 12
    bands: dict[str, Bands] = field(default_factory=lambda: dict(DEFAULT_BANDS))
    earliest_date: date = date(1990, 1, 1)
    source: Path | None = None

    def benchmarks(self) -> pd.DataFrame:
        """The benchmark table (`indicator_id, period, area, value, ...`), empty when there is none."""
        import pandas as pd  # here, not at the top: `dscp load` and the CLI's start need no pandas

        if self.benchmark_file is None or not self.benchmark_file.is_file():
            return pd.DataFrame({c: pd.Series(dtype="object") for c in BENCHMARK_COLUMNS})
        return read_benchmarks(self.benchmark_file, self.benchmark_file.stat().st_mtime_ns).copy()


BENCHMARK_COLUMNS = ["indicator_id", "period", "area", "value", "source"]


@lru_cache(maxsize=8)
def read_benchmarks(path: Path, stamp: int) -> pd.DataFrame:
    """Read the benchmark file (cached per path and modification time)."""
    import pandas as pd

    frame = pd.read_csv(path, dtype={"indicator_id": str, "period": str, "area": str})
    missing = [c for c in BENCHMARK_COLUMNS if c not in frame.columns]
    if missing:
        raise ConfigError(f"{path}: missing column(s) {', '.join(missing)}")
    return frame


def config_path(explicit: str | Path | None = None) -> Path | None:
    candidates = [explicit, os.environ.get("DSCP_CONFIG"), Path("data/thinktank.toml"), DEFAULT_CONFIG]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate).resolve()
    if explicit or os.environ.get("DSCP_CONFIG"):
        raise ConfigError(f"no configuration file at {explicit or os.environ.get('DSCP_CONFIG')}")
    return None


def _number(table: dict, key: str, default, where: str, kind=float):
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{where}.{key} must be a number, not {value!r}")
    return kind(value)


def load_config(path: str | Path | None = None) -> Config:
    """Read the configuration (defaults for whatever is absent); a bad value is a ConfigError naming the key."""
    resolved = config_path(path)
    stamp = resolved.stat().st_mtime_ns if resolved else None
    return _load(resolved, stamp)


@lru_cache(maxsize=8)
def _load(path: Path | None, stamp: int | None = None) -> Config:
    """Parse the file (cached per path and modification time)."""
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    suppression = data.get("suppression", {})
    threshold = _number(suppression, "threshold", 5, "suppression", int)
    if threshold < 1:
        raise ConfigError(f"{path}: suppression.threshold must be 1 or more")
    bench = data.get("benchmarks", {})
    bench_file = bench.get("file", "benchmarks.csv")
    rag = data.get("rag", {})
    targets = data.get("targets", {})
    from .indicators import REGISTRY

    for indicator_id in targets:
        REGISTRY.get(indicator_id)  # an unknown id is an error with a suggestion
        _number(targets, indicator_id, None, "targets")
    bands = dict(DEFAULT_BANDS)
    for indicator_id, table in rag.items():
        if not isinstance(table, dict):
            continue
        indicator = REGISTRY.get(indicator_id)
        where = f"rag.{indicator_id}"
        default = DEFAULT_BANDS.get(indicator_id)
        if indicator.polarity == "lower":
            green = _number(table, "green_at_most", default.green if default else None, where)
            amber = _number(table, "amber_at_most", default.amber if default else None, where)
            if amber < green:
                raise ConfigError(f"{path}: {where}.amber_at_most must not be below green_at_most")
        else:
            green = _number(table, "green_at_least", default.green if default else None, where)
            amber = _number(table, "amber_at_least", default.amber if default else None, where)
            if amber > green:
                raise ConfigError(f"{path}: {where}.amber_at_least must not exceed green_at_least")
        bands[indicator_id] = Bands(green=green, amber=amber)
    return Config(
        suppression_threshold=threshold,
        targets={k: float(v) for k, v in targets.items()},
        benchmark_file=(path.parent / bench_file) if bench_file else None,
        benchmark_area=str(bench.get("area", "England")),
        min_points_for_assurance=_number(rag, "min_points_for_assurance", 12, "rag", int),
        bands=bands,
        earliest_date=_load_table(data, path).earliest_date,
        source=path,
    )


# ------------------------------------------------------------------ loading
DEFAULT_EARLIEST_DATE = date(1990, 1, 1)


@dataclass(frozen=True)
class LoadSettings:
    """`[load]`: how `dscp load` reads the extracts.

    `earliest_date`: a date before it is rejected ("date too early"): a year
    typed `0003` or `1024` is a slip, not a record of that year.
    """

    earliest_date: date = DEFAULT_EARLIEST_DATE


def parse_earliest_date(value: object, where: str = "load.earliest_date") -> date:
    """A `YYYY-MM-DD` text or a TOML date; a ConfigError naming `where` otherwise."""
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConfigError(f"{where} must be a date written YYYY-MM-DD, not {value!r}")


def _load_table(data: dict, path: Path | None) -> LoadSettings:
    table = data.get("load", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [load] must be a table")
    if "earliest_date" not in table:
        return LoadSettings()
    return LoadSettings(earliest_date=parse_earliest_date(table["earliest_date"], f"{path}: load.earliest_date"))


def load_settings(path: str | Path | None = None) -> LoadSettings:
    """The `[load]` settings alone (no indicator registry needed), defaults for whatever is absent."""
    resolved = config_path(path)
    if resolved is None:
        return LoadSettings()
    return _load_settings(resolved, resolved.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _load_settings(path: Path, stamp: int) -> LoadSettings:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return _load_table(data, path)
