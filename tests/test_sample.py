"""The bundled synthetic sample: reproducible bytes, the published figures, realistic volumes, its bad rows.

The calibration figures are those the DSCP Annual Report 2024/25 publishes,
written out here rather than read from `sample.CALIBRATION`, and checked with
direct SQL over the tables the real loader writes (docs/design.md), not with
the generator's own arithmetic. The loader-based tests cover the extracts the
loader's contract knows (`LOADED_FILES`); the four newer extracts are checked
without it, in `test_sample_training`, `test_sample_missing`,
`test_sample_meetings` and `test_sample_education`.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import duckdb
import pytest
from test_sample_support import BUNDLED, OTHER_SEED, key_of, line_of, read_extract, sample_directory

from dscp_metrics import sample
from dscp_metrics.load import load_folder
from dscp_metrics.load.contract import EXTRACTS

LOADED_FILES = tuple(name for name in sample.FILES if name in {e.file_name for e in EXTRACTS.values()})
LOADED_BAD_ROWS = tuple(b for b in sample.BAD_ROWS if b.file in LOADED_FILES)
ORIGINAL_FILES = ("csc_referrals.csv", "cevt_referrals.csv", "restraint_incidents.csv", "osa_returns.csv",
                  "osa_issued.csv")
# SHA-256 of the five original files for the default seed, as generate.py wrote them before the split
ORIGINAL_DIGESTS = {
    "csc_referrals.csv": "6be5d35bb8e08c03e559ff2108755110deb5db53327884648cc9c463afe39925",
    "cevt_referrals.csv": "505446af7b5d33466f617560229eb465549e0f64477321c38ebbfce0eefd08d7",
    "restraint_incidents.csv": "9833c3af651822a8cdc89fff43d7cd3fd67331212ba3335921e262ccc32c0d7a",
    "osa_returns.csv": "ca593f10967497d78828973a8f91d3326050c6465cd9bc78d4f8939802a68807",
    "osa_issued.csv": "8e7b284115670ce25f504cea40e3e2e707b51f3f2b1e06a47aa196889e30fd37",
}

Q = {  # financial quarters and years as date ranges
    "2023-24-Q3": ("2023-10-01", "2023-12-31"),
    "2023-24-Q4": ("2024-01-01", "2024-03-31"),
    "2024-25-Q1": ("2024-04-01", "2024-06-30"),
    "2021-22": ("2021-04-01", "2022-03-31"),
    "2022-23": ("2022-04-01", "2023-03-31"),
    "2023-24": ("2023-04-01", "2024-03-31"),
    "2024-25": ("2024-04-01", "2025-03-31"),
}
YEARS = ("2021-22", "2022-23", "2023-24", "2024-25")


def _between(column: str, period: str) -> str:
    first, last = Q[period]
    return f"{column} BETWEEN DATE '{first}' AND DATE '{last}'"


# ------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def written() -> Path:
    """The sample written with the default seed (once per session, shared with the other sample tests)."""
    return sample_directory(None)


@pytest.fixture(scope="module")
def written_again(tmp_path_factory) -> tuple[list[Path], Path]:
    """The sample written a second time, naming the default seed: the paths returned and the folder."""
    directory = tmp_path_factory.mktemp("again")
    return sample.write_sample(directory, seed=sample.DEFAULT_SEED), directory


@pytest.fixture(scope="module", params=[None, OTHER_SEED], ids=["default-seed", f"seed-{OTHER_SEED}"])
def store(request, tmp_path_factory):
    """The sample (default seed, and another seed: the figures are built, not lucky) loaded by the real loader."""
    db = tmp_path_factory.mktemp("seeded") / "t.duckdb"
    load_folder(sample_directory(request.param), db)
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def bundled_store(tmp_path_factory):
    db = tmp_path_factory.mktemp("bundled") / "t.duckdb"
    load_folder(BUNDLED, db)
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


def scalar(con, sql: str):
    return con.execute(sql).fetchone()[0]


# ------------------------------------------------------- reproducibility
def test_write_sample_returns_the_nine_extracts(written_again):
    paths, directory = written_again
    assert [p.name for p in paths] == list(sample.FILES)
    assert len(sample.FILES) == 9 and sample.FILES[:5] == ORIGINAL_FILES
    assert sorted(p.name for p in directory.iterdir()) == sorted(sample.FILES)


@pytest.mark.parametrize("name", ORIGINAL_FILES)
def test_the_five_original_files_are_unchanged(written, name):
    """Adding extracts (each on its own random stream) leaves the original five byte-identical."""
    assert hashlib.sha256((written / name).read_bytes()).hexdigest() == ORIGINAL_DIGESTS[name]


@pytest.mark.parametrize("name", sample.FILES)
def test_same_seed_writes_the_same_bytes(written, written_again, name):
    assert (written / name).read_bytes() == (written_again[1] / name).read_bytes(), name


def test_bundled_sample_is_what_the_generator_writes(written):
    assert sorted(p.name for p in BUNDLED.glob("*.csv")) == sorted(sample.FILES)
    for name in sample.FILES:
        assert (BUNDLED / name).read_bytes() == (written / name).read_bytes(), (
            f"data/sample/{name} is stale: run `dscp sample data/sample`")


def test_another_seed_writes_other_data(written):
    other = sample_directory(OTHER_SEED)
    for name in set(sample.FILES) - {"osa_issued.csv"}:
        assert (other / name).read_bytes() != (written / name).read_bytes(), name


# ---------------------------------------------------------------- format
HEADERS = {
    "csc_referrals.csv": ["referral_id", "child_id", "referral_date", "source", "factors"],
    "cevt_referrals.csv": ["cevt_id", "child_id", "scored_date", "exploitation_type", "risk_level", "locality"],
    "restraint_incidents.csv": ["incident_id", "young_person_id", "incident_date", "injury_level", "age", "unit"],
    "osa_returns.csv": ["return_id", "organisation", "section", "standard_id", "rating", "assessment_date"],
    "osa_issued.csv": ["organisation", "issued", "issued_date"],
    "training_records.csv": ["record_id", "route", "course", "session_id", "organisation_type", "event_date",
                             "completed", "content_rating", "knowledge_before", "knowledge_after"],
    "missing_episodes.csv": ["episode_id", "child_id", "missing_date", "return_date", "in_care", "rhi_status",
                             "rhi_date"],
    "meeting_attendance.csv": ["meeting_id", "meeting_date", "meeting_type", "agency", "attendance"],
    "education_status.csv": ["record_id", "child_id", "status", "start_date", "end_date"],
}


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("name", sample.FILES)
def test_headers_line_endings_and_bom(written, name):
    raw = (written / name).read_bytes()
    assert b"\r" not in raw and raw.endswith(b"\n")
    assert raw.startswith(b"\xef\xbb\xbf") == (name == "osa_returns.csv")
    header = raw.decode("utf-8-sig").split("\n", 1)[0].split(",")
    assert header == HEADERS[name]


def test_loader_quirks_are_present(written):
    """The sample exercises what the contract allows: mixed date forms,
    date-times, codes in any case, untidy ;-lists and leading zeros."""
    csc = _rows(written / "csc_referrals.csv")
    dates = [r["referral_date"] for r in csc]
    assert sum("/" in d for d in dates) > 1000 and sum("-" in d for d in dates) > 1000
    factors = [r["factors"] for r in csc]
    assert any("; " in f for f in factors)
    assert any(f != f.lower() for f in factors)
    assert any(len(codes := [c.strip().lower() for c in f.split(";")]) != len(set(codes)) for f in factors if f)
    assert any(r["child_id"].startswith("0") for r in csc)
    incidents = [r["incident_date"] for r in _rows(written / "restraint_incidents.csv")]
    assert sum(":" in d for d in incidents) > 300 and sum(":" not in d for d in incidents) > 30
    cevt = _rows(written / "cevt_referrals.csv")
    assert any(r["exploitation_type"] != r["exploitation_type"].lower() for r in cevt)
    assert any(r["locality"].isupper() for r in cevt)


def test_identifiers_are_obviously_synthetic(written):
    import re

    patterns = {
        "csc_referrals.csv": ("referral_id", r"R\d{7}"),
        "cevt_referrals.csv": ("cevt_id", r"CEVT\d{5}"),
        "restraint_incidents.csv": ("incident_id", r"INC\d{5}"),
        "osa_returns.csv": ("return_id", r"OSA-R\d{3}"),
        "training_records.csv": ("record_id", r"TR\d{6}"),
        "missing_episodes.csv": ("episode_id", r"ME\d{5}"),
        "meeting_attendance.csv": ("meeting_id", r"MTG\d{5}"),
        "education_status.csv": ("record_id", r"ES\d{5}"),
    }
    for name, (column, pattern) in patterns.items():
        assert all(re.fullmatch(pattern, r[column]) for r in _rows(written / name)), name
    for name in ("csc_referrals.csv", "cevt_referrals.csv", "missing_episodes.csv", "education_status.csv"):
        children = [r["child_id"] for r in _rows(written / name) if r["child_id"]]
        assert children and all(re.fullmatch(r"C\d{5}|00\d{5}", c) for c in children), name
    people = [r["young_person_id"] for r in _rows(written / "restraint_incidents.csv") if r["young_person_id"]]
    assert all(re.fullmatch(r"YP\d{3}", p) for p in people)


# ----------------------------------------------------------- calibration
def test_restraint_2024_25(store):
    where = _between("incident_date", "2024-25")
    assert scalar(store, f"SELECT count(*) FROM restraint_incidents WHERE {where}") == 184
    by_level = dict(store.execute(
        f"SELECT injury_level, count(*) FROM restraint_incidents WHERE {where} AND injury_level >= 1 GROUP BY 1"
    ).fetchall())
    assert by_level == {1: 27, 2: 1, 3: 1}
    injured = sum(by_level.values())
    assert injured == 29 and round(100 * injured / 184) == 16


@pytest.mark.parametrize("period, children", [("2023-24-Q3", 7), ("2023-24-Q4", 14), ("2024-25-Q1", 23)])
def test_cevt_children(store, period, children):
    sql = f"SELECT count(DISTINCT child_id) FROM cevt_referrals WHERE {_between('scored_date', period)}"
    assert scalar(store, sql) == children


@pytest.mark.parametrize("period, exploitation_type, scorings", [
    ("2023-24-Q4", "criminal", 12),
    ("2024-25-Q1", "criminal", 5),
    ("2023-24-Q3", "sexual", 1),
    ("2023-24-Q4", "sexual", 1),
    ("2024-25-Q1", "sexual", 14),
])
def test_cevt_referrals_by_type(store, period, exploitation_type, scorings):
    sql = (f"SELECT count(*) FROM cevt_referrals WHERE {_between('scored_date', period)} "
           f"AND exploitation_type = '{exploitation_type}'")
    assert scalar(store, sql) == scorings


def test_cevt_starts_in_2023_24_q3(store):
    assert str(scalar(store, "SELECT min(scored_date) FROM cevt_referrals")) >= "2023-10-01"


def test_csc_exploitation_2024_25_q1(store):
    referrals, exploitation = store.execute(
        f"SELECT count(*), count(*) FILTER (WHERE list_contains(factors, 'exploitation')) "
        f"FROM csc_referrals WHERE {_between('referral_date', '2024-25-Q1')}"
    ).fetchone()
    assert referrals == 1260
    assert exploitation == 15
    assert round(100 * exploitation / referrals, 2) == 1.19


def test_da_referral_share_2022_23(store):
    referrals, da = store.execute(
        f"SELECT count(*), count(*) FILTER (WHERE list_contains(factors, 'domestic_abuse')) "
        f"FROM csc_referrals WHERE {_between('referral_date', '2022-23')}"
    ).fetchone()
    assert round(100 * da / referrals) == 24


REREFERRALS = """
    SELECT *, coalesce(
        max(referral_date) OVER (PARTITION BY child_id ORDER BY referral_date
                                 RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
        >= referral_date - INTERVAL 12 MONTH, false) AS is_rereferral
    FROM csc_referrals
"""


def _da_rereferrals(con, period: str) -> int:
    return scalar(con, f"SELECT count(*) FROM ({REREFERRALS}) WHERE is_rereferral "
                       f"AND list_contains(factors, 'domestic_abuse') AND {_between('referral_date', period)}")


def test_da_rereferrals_up_27_percent(store):
    earlier, later = _da_rereferrals(store, "2022-23"), _da_rereferrals(store, "2023-24")
    assert earlier > 100
    assert round(later / earlier, 2) == 1.27


@pytest.mark.parametrize("year", YEARS[1:])
def test_rereferral_rate_is_realistic(store, year):
    """England's re-referral rate is about 22%; 2021-22 has no history to look back on."""
    rate = scalar(store, f"SELECT avg(is_rereferral::INT) FROM ({REREFERRALS}) "
                         f"WHERE {_between('referral_date', year)}")
    assert 0.19 <= rate <= 0.25


OSA_GREEN = {
    "training": 89, "policies": 88, "leadership": 84, "information_sharing": 81, "first_1001_days": 80,
    "voice_of_child": 76, "mental_health": 75, "domestic_abuse": 74, "harm_outside_home": 71,
}


def test_osa_green_share_by_section(store):
    shares = dict(store.execute(
        f"SELECT section, count(*) FILTER (WHERE rating = 'Green') / count(*) FROM osa_returns "
        f"WHERE {_between('assessment_date', '2024-25')} GROUP BY section"
    ).fetchall())
    assert {section: round(100 * share) for section, share in shares.items()} == OSA_GREEN


def test_osa_return_rate(store):
    returned = scalar(store, f"SELECT count(DISTINCT return_id) FROM osa_returns "
                             f"WHERE {_between('assessment_date', '2024-25')}")
    issued = scalar(store, f"SELECT sum(issued) FROM osa_issued WHERE {_between('issued_date', '2024-25')}")
    assert (returned, issued) == (24, 38)
    assert round(100 * returned / issued) == 63
    assert scalar(store, "SELECT count(*) FROM osa_issued") == 8
    assert scalar(store, "SELECT count(DISTINCT organisation) FROM osa_returns") == 8


def test_identifiers_are_kept_as_written(store):
    """Legacy child ids keep their leading zeros; CEVT children are children
    referred to Children's Social Care (ids are stable across sources)."""
    legacy = scalar(store, "SELECT count(DISTINCT child_id) FROM csc_referrals WHERE child_id LIKE '00%'")
    assert legacy >= 20
    assert scalar(store, "SELECT count(*) FROM cevt_referrals "
                         "WHERE child_id NOT IN (SELECT child_id FROM csc_referrals)") == 0


def test_rejects_per_file_for_any_seed(store):
    rejected = dict(store.execute("SELECT source, count(DISTINCT line) FROM rejects GROUP BY source").fetchall())
    expected = {}
    for bad in LOADED_BAD_ROWS:
        source = bad.file.removesuffix(".csv")
        expected[source] = expected.get(source, 0) + 1
    assert rejected == expected


# --------------------------------------------------------------- volumes
@pytest.mark.parametrize("year", YEARS)
def test_yearly_volumes_are_realistic(store, year):
    assert 4500 <= scalar(store, f"SELECT count(*) FROM csc_referrals WHERE {_between('referral_date', year)}") <= 5500
    incidents, people = store.execute(
        f"SELECT count(*), count(DISTINCT young_person_id) FROM restraint_incidents "
        f"WHERE {_between('incident_date', year)}").fetchone()
    assert 150 <= incidents <= 220
    assert 20 <= people <= 60 and incidents / people >= 3  # several incidents each


def test_other_volumes_are_realistic(store):
    da_share = scalar(store, "SELECT avg(list_contains(factors, 'domestic_abuse')::INT) FROM csc_referrals")
    assert 0.22 <= da_share <= 0.27
    commonest = store.execute(
        "SELECT f, count(*) FROM (SELECT unnest(factors) AS f FROM csc_referrals) GROUP BY f ORDER BY 2 DESC"
    ).fetchall()[0][0]
    assert commonest == "domestic_abuse"
    combined = scalar(store, "SELECT avg((len(factors) > 1)::INT) FROM csc_referrals "
                             "WHERE list_contains(factors, 'domestic_abuse')")
    assert combined > 0.4
    police = scalar(store, "SELECT avg((source = 'Police')::INT) FROM csc_referrals")
    assert 0.2 <= police <= 0.45
    cevt_2024_25 = scalar(store, f"SELECT count(*) FROM cevt_referrals WHERE {_between('scored_date', '2024-25')}")
    assert 150 <= cevt_2024_25 <= 400
    ages = store.execute("SELECT min(age), max(age) FROM restraint_incidents").fetchone()
    assert ages == (12, 17)
    assert scalar(store, "SELECT count(*) FILTER (WHERE age IS NULL) FROM restraint_incidents") > 0
    assert scalar(store, "SELECT min(referral_date) FROM csc_referrals").isoformat() == "2021-04-01"
    assert scalar(store, "SELECT max(referral_date) FROM csc_referrals").isoformat() == "2025-03-31"


# -------------------------------------------------------------- bad rows
SINGLE_COLUMN_KINDS = {"missing", "unparseable", "unknown_code", "future", "duplicate", "out_of_range"}
CROSS_COLUMN_KINDS = {  # file -> the rules across columns (or rows) that its bad rows break
    "training_records.csv": {"rating_without_completion"},
    "missing_episodes.csv": {"return_before_missing", "interview_without_return", "held_without_date",
                             "date_without_held", "interview_before_return"},
    "meeting_attendance.csv": {"inconsistent_meeting"},
    "education_status.csv": {"end_before_start"},
}


def test_bad_rows_constant_is_sound():
    kinds = {b.kind for b in sample.BAD_ROWS}
    assert kinds == SINGLE_COLUMN_KINDS | set().union(*CROSS_COLUMN_KINDS.values())
    per_file = {name: sum(b.file == name for b in sample.BAD_ROWS) for name in sample.FILES}
    assert all(2 <= n <= 9 for n in per_file.values()), per_file
    for name, cross in CROSS_COLUMN_KINDS.items():
        in_file = {b.kind for b in sample.BAD_ROWS if b.file == name}
        assert cross <= in_file and {"duplicate", "future", "unknown_code"} & in_file, name
    assert len({(b.file, b.key) for b in sample.BAD_ROWS}) == len(sample.BAD_ROWS)


@pytest.mark.parametrize("bad", sample.BAD_ROWS, ids=lambda b: f"{b.file}:{b.key}:{b.kind}")
def test_bad_row_is_where_the_constant_says(bad):
    line = line_of(BUNDLED, bad)
    frame = read_extract(BUNDLED / bad.file)
    row = frame[frame["line"] == line].iloc[0]
    assert row[bad.column] == bad.value
    assert key_of(bad.file, frame[frame["line"] == line]).iloc[0] == bad.key


REASON_WORDS = {  # a word the loader's reason must contain for each kind of bad row
    "missing": "missing",
    "unparseable": "not a",
    "unknown_code": "not in vocabulary",
    "future": "future date",
    "duplicate": "duplicate",
    "out_of_range": "out of range",
}


@pytest.mark.parametrize("bad", LOADED_BAD_ROWS, ids=lambda b: f"{b.file}:{b.key}:{b.kind}")
def test_bad_row_is_rejected_with_its_reason(bundled_store, bad):
    """Every bad row of a file the loader knows is rejected at its line; for a
    rule on one column, for that column and with a reason that says so."""
    line = line_of(BUNDLED, bad)
    source = bad.file.removesuffix(".csv")
    found = bundled_store.execute(
        'SELECT "column", value, reason FROM rejects WHERE source = ? AND line = ?', [source, line]
    ).fetchall()
    assert found, f"{bad.file} line {line} ({bad.kind}) was not rejected"
    if bad.kind not in REASON_WORDS:  # a rule across columns: the loader words it and names the column
        return
    columns = {column for column, _, _ in found}
    assert bad.column in columns or (bad.kind == "duplicate" and any(bad.column in c for c in columns)), found
    reason = " ".join(r for _, _, r in found).lower()
    assert REASON_WORDS[bad.kind] in reason, found


def test_nothing_else_is_rejected(bundled_store):
    rejected = dict(bundled_store.execute(
        "SELECT source, count(DISTINCT line) FROM rejects GROUP BY source").fetchall())
    expected = {}
    for bad in LOADED_BAD_ROWS:
        source = bad.file.removesuffix(".csv")
        expected[source] = expected.get(source, 0) + 1
    assert rejected == expected


def test_bundled_sample_loads_every_good_row(bundled_store):
    for name in LOADED_FILES:
        lines = len(_rows(BUNDLED / name))
        bad = sum(b.file == name for b in sample.BAD_ROWS)
        table = name.removesuffix(".csv")
        assert scalar(bundled_store, f"SELECT count(*) FROM {table}") == lines - bad, name
