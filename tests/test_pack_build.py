"""`dscp build` on the real notebooks and the sample: what it writes, what it refuses, and how it fails."""

from __future__ import annotations

import json
import re
import shutil

import nbformat
import pytest

from dscp_metrics.cli import main
from dscp_metrics.errors import DatabaseError, ParameterError, PeriodError, SnapshotError
from dscp_metrics.pack.build import DEFAULT_NOTEBOOKS_DIR, build_packs
from dscp_metrics.pack.finish import check_offline, finish_html, remote_resources
from dscp_metrics.pack.paths import pack_path
from dscp_metrics.store import open_store
from dscp_metrics.store.read import read_load_id

pytestmark = pytest.mark.slow
PERIOD = "2024-25-Q4"


def build(db, out, **kwargs):
    return build_packs([PERIOD], db, out, progress=False, quiet=True, **kwargs)


@pytest.fixture(scope="module")
def good(sample_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("good")
    result = build(sample_db, out)
    assert result.ok, result.format()
    return out, result


@pytest.fixture(scope="module")
def restricted(sample_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("restricted")
    result = build(sample_db, out, suppress=False)
    assert result.ok, result.format()
    return out


def page(out) -> str:
    return pack_path(out, PERIOD).read_text(encoding="utf-8")


def section(text: str, name: str) -> str:
    match = re.search(rf'<section[^>]*data-notebook="{name}".*?</section>', text, re.DOTALL)
    assert match, name
    return match.group(0)


def test_build_writes_the_pack_its_manifest_notebooks_and_index(good, sample_db):
    out, result = good
    manifest = json.loads((out / PERIOD / "manifest.json").read_text())
    con = open_store(sample_db)
    try:
        load_id = read_load_id(con)
    finally:
        con.close()
    assert manifest["status"] == "complete" and manifest["database"]["load_id"] == load_id
    names = sorted(p.stem for p in DEFAULT_NOTEBOOKS_DIR.glob("[0-9]*.ipynb"))
    assert [n["name"] for n in manifest["notebooks"]] == names
    for name in names:
        nb = nbformat.read(out / PERIOD / "notebooks" / f"{name}.ipynb", as_version=4)
        assert nb.metadata.papermill.parameters["load_id"] == load_id
    assert f"from load {load_id}" in page(out)
    assert PERIOD in (out / "index.html").read_text()
    assert result.periods[0].html_bytes <= 2 * 1024 * 1024


def test_every_section_in_order_and_a_contents_list_that_leads_somewhere(good):
    text = page(good[0])
    order = re.findall(r'<section[^>]*data-notebook="([^"]+)"', text)
    assert order == sorted(p.stem for p in DEFAULT_NOTEBOOKS_DIR.glob("[0-9]*.ipynb"))
    ids = set(re.findall(r'\bid="([^"]+)"', text))
    links = re.findall(r'<nav class="dscp-contents".*?</nav>', text, re.DOTALL)[0]
    targets = re.findall(r'href="#([^"]+)"', links)
    assert len(targets) >= len(order) and set(targets) <= ids
    assert len(re.findall(r'\bid="([^"]+)"', text)) == len(ids)  # every id once


def test_the_pack_is_offline_with_the_basic_plotly_bundle_once(good):
    text = page(good[0])
    assert remote_resources(text) == []
    check_offline(text)
    assert text.count("plotly.js (basic - minified) v4.1.1") == 1


def test_no_code_no_stderr_no_traceback_no_widget_state(good):
    text = page(good[0])
    assert "class=\"jp-InputArea" not in text and "Traceback" not in text
    assert "application/vnd.jupyter.widget-state" not in text and "sections.theme(" not in text


def test_no_small_count_shown_and_no_identifier_anywhere_when_suppressed(good, restricted):
    def small_cells(text):
        body = re.sub(r'<section[^>]*data-notebook="80_data_quality".*?</section>', "", text, flags=re.DOTALL)
        return [c for c in re.findall(r"<t[dh][^>]*>([^<]*)</t[dh]>", body) if re.fullmatch(r"[1-5]", c.strip())]

    def small_hovers(text):
        return re.findall(r'"[A-Z][a-z]+ 20\d\d: ([1-5])"', text)

    suppressed, unsuppressed = page(good[0]), page(restricted)
    assert small_cells(suppressed) == [] and small_hovers(suppressed) == []
    assert small_cells(unsuppressed) and small_hovers(unsuppressed)  # positive control: they exist
    for pattern in (r"\bC\d{5}\b", r"\bYP\d{3}\b", r"\bINC\d{5}\b", r"\bCEVT\d{5}\b", r"\bME\d{5}\b"):
        assert not re.search(pattern, suppressed) and not re.search(pattern, unsuppressed), pattern


def test_unsuppressed_pack_has_the_restricted_banner_once_in_every_section(restricted):
    text = page(restricted)
    assert "RESTRICTED" in text.split("<main", 1)[0]
    for name in re.findall(r'<section[^>]*data-notebook="([^"]+)"', text):
        assert section(text, name).count('class="dscp-restricted"') == 1, name


def test_the_same_data_and_build_time_give_the_same_bytes(sample_db, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01 00:00 UTC
    made = []
    for name in ("first", "second"):
        assert build(sample_db, tmp_path / name, jobs=1 if name == "first" else 2).ok
        made.append({f.name: f.read_bytes() for f in (tmp_path / name / PERIOD).iterdir() if f.is_file()})
    assert set(made[0]) == {f"think-tank-{PERIOD}.html", f"think-tank-{PERIOD}.xlsx", "manifest.json"}
    for name in (f"think-tank-{PERIOD}.html", f"think-tank-{PERIOD}.xlsx"):
        assert made[0][name] == made[1][name], f"{name} differs between two builds of the same data"
    assert b"1 January 2026" in made[0][f"think-tank-{PERIOD}.html"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ParameterError, match="SOURCE_DATE_EPOCH"):
        build(sample_db, tmp_path / "third")


def test_unknown_parameter_or_type_is_an_error_before_anything_runs(sample_db, tmp_path):
    with pytest.raises(ParameterError, match="unknown parameter 'colour'"):
        build(sample_db, tmp_path / "o", parameters={"colour": "red"})
    assert not (tmp_path / "o").exists()


def test_bad_period_and_missing_database_are_errors(sample_db, tmp_path):
    with pytest.raises(PeriodError):
        build_packs(["2024-25-Q5"], sample_db, tmp_path, quiet=True)
    with pytest.raises(DatabaseError, match="no database"):
        build_packs([PERIOD], tmp_path / "none.duckdb", tmp_path, quiet=True)


def test_a_period_no_extract_covers_is_refused_in_a_sentence(sample_db, tmp_path, capsys):
    code = main(["build", "--period", "1999-00", "--db", str(sample_db), "--out", str(tmp_path), "--no-progress"])
    out = capsys.readouterr().out
    assert code == 1 and "no loaded extract holds a record for 1999/00" in out
    assert not pack_path(tmp_path, "1999-00").exists()


def test_a_section_that_fails_leaves_the_complete_pack_as_it_was(good, sample_db, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(good[0], out)
    before = {p: p.read_bytes() for p in (out / PERIOD).rglob("*") if p.is_file()}
    notebooks = tmp_path / "notebooks"
    shutil.copytree(DEFAULT_NOTEBOOKS_DIR, notebooks)
    nb = nbformat.read(notebooks / "30_restraint.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('this section broke')"))
    nbformat.write(nb, notebooks / "30_restraint.ipynb")
    result = build(sample_db, out, notebooks_dir=notebooks)
    assert not result.ok and "section 30_restraint failed: RuntimeError: this section broke" in result.format()
    failed = pack_path(out, PERIOD, failed=True)
    assert failed.is_file() and "This section could not be built" in failed.read_text()
    assert json.loads((out / PERIOD / "failed" / "manifest.json").read_text())["status"] == "failed"
    after = {p: p.read_bytes() for p in (out / PERIOD).rglob("*") if p.is_file() and "failed" not in str(p)}
    assert {p: b for p, b in before.items()} == after  # HTML, manifest and notebooks untouched


def test_a_section_from_another_load_is_refused(sample_db):
    from dscp_metrics.pack import provider, sections

    provider.get(sample_db, PERIOD)
    try:
        with pytest.raises(SnapshotError, match="store changed during the build"):
            sections.report_for(str(sample_db), PERIOD, True, load_id="an-older-load")
    finally:
        provider.clear()


def test_leftovers_of_a_killed_build_are_removed(good, sample_db, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(good[0], out)
    (out / PERIOD / ".build-abc123").mkdir()
    (out / PERIOD / ".build-abc123" / "half.ipynb").write_text("{")
    (out / PERIOD / ".think-tank-2024-25-Q4.html.x1y2.tmp").write_text("half")
    assert build(sample_db, out).ok
    assert not list((out / PERIOD).glob(".build-*")) and not list((out / PERIOD).glob(".*.tmp"))


def test_commentary_is_matched_forgivingly_and_an_unknown_heading_is_a_warning(sample_db, tmp_path):
    commentary = tmp_path / "commentary"
    commentary.mkdir()
    (commentary / f"{PERIOD}.md").write_text(
        "Headline words.\n\n## Domestic abuse commentary\n\nAbout referrals; see url(https://example.org/x).\n\n"
        "## USE OF RESTRAINT:\n\nCalm quarter.\n\n## Finance\n\nNot a theme.\n", encoding="utf-8")
    result = build(sample_db, tmp_path / "out", commentary_dir=commentary)
    assert result.ok, result.format()
    text = page(tmp_path / "out")
    assert "About referrals; see url(https://example.org/x)." in section(text, "10_domestic_abuse")
    assert "Calm quarter." in section(text, "30_restraint")
    assert "Not a theme." not in text
    assert any("line 11: the heading '## Finance' matches no theme" in w for w in result.periods[0].warnings)


def test_finish_html_gives_unique_ids_and_builds_contents():
    text = ('<main id="main"><section><h2 id="a">One</h2><p id="a">x</p></section><section><h2 id="b">Two</h2>'
            "</section></main>")
    finished = finish_html(text)
    assert 'id="a-2"' in finished and '<a href="#a">One</a>' in finished and '<a href="#b">Two</a>' in finished


@pytest.mark.parametrize("html, found", [
    ('<script src="https://cdn.example/x.js"></script>', ["https://cdn.example/x.js"]),
    ('<link href="//cdn.example/s.css">', ["//cdn.example/s.css"]),
    ("<style>body { background: url('https://x.example/i.png') }</style>", ["https://x.example/i.png"]),
    ('<div style="background:url(https://x.example/j.png)"></div>', ["https://x.example/j.png"]),
    ("<p>text that mentions url(https://x.example/k) is not a resource</p>", []),
    ('<a href="https://www.durham-scp.org.uk/">a link</a>', []),
])
def test_remote_resources(html, found):
    assert remote_resources(html) == found
