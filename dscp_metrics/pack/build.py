"""`dscp build`: one offline HTML pack per period, from one snapshot of the store, never a mixed or partial one.

For each period: read one snapshot of the store (under its reader lock, so a
`dscp load` waits); publish the pack's figures once (suppressed and audited);
run every notebook in `notebooks/pack/` with papermill (in-process engine), each
reading that one report; combine the sections into one page with nbconvert;
write the page, the executed notebooks and the manifest into a staging folder;
and only when everything has been written, move them into place together. A
build that fails for any reason leaves the previous pack — page, manifest and
notebooks — exactly as it was (see `paths` for what goes where).

Two builds into one output folder take turns (a lock file in it); leftovers of
a build that was killed (`.build-*` staging folders, half-written files) are
removed by the next one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..config import Config, load_config
from ..errors import DatabaseError, DscpError, ParameterError, PeriodError
from ..export.files import ensure_folder, output_error, write_atomically
from ..periods import Period, parse_periods
from ..present.commentary import read_commentary
from ..present.format import day
from . import provider
from .index import DEFAULT_PARTNERSHIP, HANDLING_MARKING, HANDLING_NOTE, write_index
from .paths import pack_path
from .results import BuildResult, PeriodResult, package_versions
from .run import NotebookResult, check_parameters, discover_notebooks, run_notebook
from .workers import default_jobs, share

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_NOTEBOOKS_DIR = REPO_ROOT / "notebooks" / "pack"
HTML_SIZE_GOAL_BYTES = 2 * 1024 * 1024
STAGING_PREFIX = ".build-"
BUILD_NAME = ".build"  # the output folder's lock is `.build.lock`
RESERVED = {"period", "db_path", "suppress", "commentary_dir", "load_id"}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tell(message: str) -> None:
    print(f"dscp build: {message}", file=sys.stderr)


def remove_leftovers(out: Path) -> list[Path]:
    """Staging folders and half-written files left by a build that was killed."""
    removed = []
    patterns = (f"*/{STAGING_PREFIX}*", "*/.*.tmp", "*/.*.old-*", "*/failed/.*.tmp", ".*.tmp")
    for path in [p for pattern in patterns for p in out.glob(pattern)]:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def _swap_in(staging: Path, period_dir: Path, names: Iterable[str]) -> None:
    """Move staged files and folders into `period_dir`, each replacing its old self (folders by two renames)."""
    probe = period_dir / f".probe-{os.getpid()}.tmp"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise output_error(period_dir, exc) from None
    for name in names:
        source, target = staging / name, period_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            if target.exists():
                os.replace(target, old)
            os.replace(source, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(source, target)


def build_time() -> datetime:
    """When the build happened: now, or `SOURCE_DATE_EPOCH` (seconds since 1970, UTC) when it is set, so that
    two builds of the same data give the same bytes (reproducible-builds.org)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return datetime.now().astimezone()
    try:
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise ParameterError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970; got {epoch!r}") from None


def _context(period: Period, report, partnership: str, build_time: datetime, failed: int,
             download: str = "") -> dict[str, Any]:
    from .. import __version__

    return {
        "partnership": partnership, "period": str(period), "period_label": period.label,
        "period_dates": f"{day(period.first_day)} to {day(period.last_day)}", "build_date": day(build_time),
        "restricted": report.restricted, "handling_marking": HANDLING_MARKING, "version": __version__,
        "handling_note": HANDLING_NOTE + ("" if report.restricted else " Small numbers are shown as [c]."),
        "load_id": report.load_id or "unknown", "failed_count": failed, "download": download,
    }


class _Build:
    """One build: its settings, the exporter it shares between periods, and the manifest's common part."""

    def __init__(self, db: Path, out: Path, suppress: bool, notebooks: list[Path], commentary: Path,
                 extra: dict, config: Config, partnership: str, chromium: str | None = None,
                 notebook_jobs: int = 1) -> None:
        from .assemble import Exporter

        self.db, self.out, self.suppress, self.notebooks = db, out, suppress, notebooks
        self.notebook_jobs = notebook_jobs  # a period's notebooks side by side (when periods are not)
        self.chromium = chromium  # set: print each pack to PDF too (`--pdf`)
        self.commentary, self.extra, self.config, self.partnership = commentary, extra, config, partnership
        self.exporter = Exporter()
        self.build_time = build_time()
        self.started = time.perf_counter()

    def period(self, period: Period) -> PeriodResult:
        result = PeriodResult(period)
        period_dir = self.out / str(period)
        staging = None
        try:
            ensure_folder(period_dir)
            staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=period_dir))
            self._build(period, period_dir, staging, result)
        except DscpError as exc:
            result.error = str(exc)
        except OSError as exc:
            result.error = str(output_error(period_dir, exc))
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
        return result

    def _build(self, period: Period, period_dir: Path, staging: Path, result: PeriodResult) -> None:
        from ..publication.snapshot import read_snapshot
        from ..report.period_report import build_report
        from .assemble import combined_notebook
        from .downloads import fit_page, pack_downloads, pack_workbook
        from .finish import check_offline, finish_html

        report = build_report(read_snapshot(self.db, period), self.config, self.suppress)
        provider.put(report)
        (staging / "notebooks").mkdir()
        parameters = {"period": str(period), "db_path": str(self.db), "suppress": self.suppress,
                      "commentary_dir": str(self.commentary), "load_id": report.load_id or "", **self.extra}
        def run(task: Path | None):  # None: the spreadsheet, made beside the sections
            if task is None:
                return pack_workbook(report, period, self.partnership, self.build_time)
            return run_notebook(task, staging / "notebooks" / task.name, parameters)

        def lost(task: Path | None):
            if task is None:
                return None  # made again below
            return NotebookResult(task.stem, "failed", 0.0, staging / "notebooks" / task.name,
                                  "the process running it stopped unexpectedly (out of memory, or killed)")

        workbook, *notebooks = share(run, [None, *self.notebooks], self.notebook_jobs, lost)
        result.notebooks += notebooks
        result.warnings += read_commentary(self.commentary, period).warnings
        failed = sum(not n.ok for n in result.notebooks)
        complete = failed == 0
        title = f"Think Tank pack {period.label} — {self.partnership}"
        combined = combined_notebook(period, result.notebooks, title, result.warnings)
        downloads = pack_downloads(report, self.out, period, failed=not complete, partnership=self.partnership,
                                   built=self.build_time, workbook=workbook)
        page = finish_html(self.exporter.export(combined, _context(period, report, self.partnership,
                                                                   self.build_time, failed, downloads.links())))
        page, embedded = fit_page(page, downloads, HTML_SIZE_GOAL_BYTES)
        check_offline(page)
        html_name = pack_path(self.out, period, failed=not complete).name
        xlsx_bytes = write_atomically(staging / downloads.xlsx_name, downloads.xlsx_bytes)
        result.html_bytes = write_atomically(staging / html_name, page)
        if result.html_bytes > HTML_SIZE_GOAL_BYTES:
            result.warnings.append(f"the pack is {result.html_bytes / 1e6:.1f} MB, above the "
                                   f"{HTML_SIZE_GOAL_BYTES / 1e6:.1f} MB goal")
        pdf_name = Path(html_name).with_suffix(".pdf").name
        pdf_bytes = None
        if self.chromium:  # printed from the very file written beside it
            from .pdf import write_pdf

            pdf_bytes = write_pdf(staging / html_name, staging / pdf_name, self.chromium)
        files = {"xlsx": {"path": downloads.xlsx_name, "bytes": xlsx_bytes, "embedded": embedded},
                 "csv": {"name": downloads.csv_name, "bytes": len(downloads.csv_text.encode("utf-8")),
                         "embedded": True}}
        manifest = json.dumps(self._manifest(period, report, result, complete, html_name, files,
                                             pdf_name if pdf_bytes else None, pdf_bytes), indent=2, default=str)
        printed = [pdf_name] if pdf_bytes else []
        if complete:
            write_atomically(staging / "manifest.json", manifest + "\n")
            _swap_in(staging, period_dir, ["notebooks", "manifest.json", downloads.xlsx_name, *printed, html_name])
            for suffix in (".html", ".xlsx", ".pdf"):
                pack_path(self.out, period, failed=True, suffix=suffix).unlink(missing_ok=True)
            shutil.rmtree(period_dir / "failed", ignore_errors=True)
        else:  # the complete pack stays; the failed one goes beside it, with its notebooks for diagnosis
            (staging / "failed").mkdir()
            os.replace(staging / "notebooks", staging / "failed" / "notebooks")
            write_atomically(staging / "failed" / "manifest.json", manifest + "\n")
            _swap_in(staging, period_dir, ["failed", downloads.xlsx_name, *printed, html_name])
        if not pdf_bytes:  # a PDF left from an earlier build would not match this page
            (period_dir / pdf_name).unlink(missing_ok=True)
        result.html_path = period_dir / html_name
        result.other_files += [period_dir / name for name in (downloads.xlsx_name, *printed)]

    def _manifest(self, period, report, result, complete, html_name, downloads, pdf_name=None,
                  pdf_bytes=None) -> dict:
        publication = report.publication
        folder = "notebooks" if complete else "failed/notebooks"
        return {
            "period": str(period), "period_label": period.label, "status": "complete" if complete else "failed",
            "built_at": self.build_time.isoformat(timespec="seconds"),
            "database": {"path": str(self.db), "load_id": report.load_id, "sha256": sha256_of(self.db)},
            "parameters": {"period": str(period), "db_path": str(self.db), "suppress": self.suppress,
                           "commentary_dir": str(self.commentary), **self.extra},
            "html": {"path": html_name, "bytes": result.html_bytes, "goal_bytes": HTML_SIZE_GOAL_BYTES},
            "downloads": downloads,
            "pdf": {"path": pdf_name, "bytes": pdf_bytes} if pdf_name else None,
            "publication": {"rows": len(publication.shown), "hidden": publication.hidden_count,
                            "hidden_by_primary_rule": publication.primary_hidden,
                            "seconds": round(publication.seconds, 3), "suppress": publication.suppress},
            "notebooks": [{"name": n.name, "status": n.status, "duration_s": n.duration_s, "error": n.error,
                           "executed_notebook": f"{folder}/{n.executed_path.name}"}
                          for n in result.notebooks],
            "warnings": result.warnings,
            "packages": package_versions(),
            "build_seconds": round(time.perf_counter() - self.started, 2),
        }


def build_packs(periods: str | Period | Iterable[str | Period], db_path: str | Path, out_dir: str | Path = "outputs",
                suppress: bool = True, jobs: int | None = None, commentary_dir: str | Path = "data/commentary",
                progress: bool = True, notebooks_dir: str | Path | None = None,
                parameters: Mapping[str, Any] | None = None, quiet: bool = False,
                config: Config | None = None, pdf: bool = False) -> BuildResult:
    """Build the Think Tank pack for each period (see the module docstring).

    Everything is checked before anything runs: the periods parse (PeriodError), the database exists
    (DatabaseError), every parameter is declared in every notebook (ParameterError), and with `pdf`
    Chromium is installed (DscpError saying how to install it). A section that fails does not stop the
    others; `BuildResult.ok` is False if any section or pack failed. `pdf` also prints each pack to
    `think-tank-P.pdf` beside it (`pack.pdf`).
    """
    from ..store.lock import store_lock
    from .imports import skip_unused_format_checkers

    skip_unused_format_checkers()
    started = time.perf_counter()
    wanted = parse_periods(periods) if not (isinstance(periods, (list, tuple)) and not periods) else []
    if not wanted:
        raise PeriodError("no period given: name at least one, e.g. 2024-25-Q4")
    db = Path(db_path).resolve()
    if not db.is_file():
        raise DatabaseError(f"no database at {db_path}: load the extracts first with "
                            f"`dscp load DATA_DIR --db {db_path}`")
    if jobs is not None and (not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1):
        raise ParameterError(f"jobs must be a whole number of at least 1, not {jobs!r}")
    if not isinstance(suppress, bool):
        raise ParameterError(f"suppress must be True or False, not {suppress!r}")
    chromium = None
    if pdf:
        from .pdf import require_chromium

        chromium = require_chromium()
    extra = dict(parameters or {})
    if RESERVED & set(extra):
        raise ParameterError(f"pass {', '.join(sorted(RESERVED & set(extra)))} as build_packs arguments")
    notebooks = discover_notebooks(Path(notebooks_dir) if notebooks_dir is not None else DEFAULT_NOTEBOOKS_DIR)
    commentary = Path(commentary_dir).resolve()
    check_parameters(notebooks, {"period": str(wanted[0]), "db_path": str(db), "suppress": suppress,
                                 "commentary_dir": str(commentary), "load_id": "", **extra})
    out = ensure_folder(Path(out_dir).resolve())
    partnership = str(extra.get("partnership", DEFAULT_PARTNERSHIP))
    with store_lock(out / BUILD_NAME, exclusive=True, purpose="dscp build", on_wait=_tell):
        remove_leftovers(out)
        jobs = default_jobs() if jobs is None else jobs
        period_jobs = min(jobs, len(wanted))
        build = _Build(db, out, suppress, notebooks, commentary, extra, config or load_config(), partnership,
                       chromium, notebook_jobs=jobs if period_jobs == 1 else 1)

        def lost(period: Period) -> PeriodResult:
            return PeriodResult(period, error="the process building it stopped unexpectedly (out of memory, "
                                              "or killed); nothing of it was published")

        def done(period_result: PeriodResult) -> None:
            if progress and not quiet and sys.stderr.isatty():
                state = "built" if period_result.ok else "FAILED"
                print(f"dscp build: {period_result.period} {state} "
                      f"({time.perf_counter() - started:.1f} s)", file=sys.stderr)

        try:
            results = share(build.period, wanted, period_jobs, lost, done)
        finally:
            provider.clear()
        try:
            index, problems = write_index(out), []
        except DscpError as exc:  # the packs stand; only the list of them could not be rewritten
            index, problems = None, [str(exc)]
    result = BuildResult(results, index, round(time.perf_counter() - started, 2), problems)
    if not quiet:
        print(result.format())
    return result
