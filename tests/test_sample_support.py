"""Reading the synthetic sample in the tests, independently of the generator
and of the loader: the rules of extracts.md v2 for the four newer extracts
(`training_records`, `missing_episodes`, `meeting_attendance`,
`education_status`) written out again in pandas, so that the sample's figures
are computed over the rows a loader must accept. (The loader is being
extended to these files in parallel; these tests do not rely on it.)

The helpers are imported by the other `test_sample_*` modules; the tests here
are their positive controls: each rule rejects the row it should, and only it.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dscp_metrics import sample

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "data" / "sample"
OTHER_SEED = 7
SEEDS = [None, OTHER_SEED]
SEED_IDS = ["default-seed", f"seed-{OTHER_SEED}"]
LOAD_DATE = date(2025, 5, 1)  # as tests/conftest.py loads the sample
NEW_FILES = ("training_records.csv", "missing_episodes.csv", "meeting_attendance.csv", "education_status.csv")


# ------------------------------------------------------------ the files
@functools.cache
def sample_directory(seed: int | None) -> Path:
    """The sample written once per test session for a seed (None: the default)."""
    directory = Path(tempfile.mkdtemp(prefix=f"dscp-sample-{seed}-"))
    atexit.register(shutil.rmtree, directory, True)
    sample.write_sample(directory, seed=seed)
    return directory


def read_extract(path: Path) -> pd.DataFrame:
    """Every row as text, with `line`: its line number in the file (the header is line 1)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.insert(0, "line", range(2, len(frame) + 2))
    return frame


def code(values: pd.Series) -> pd.Series:
    """A code as extracts.md matches it: trimmed, any case."""
    return values.str.strip().str.lower()


def parse_day(values: pd.Series) -> pd.Series:
    """The day of a date written `YYYY-MM-DD` or `DD/MM/YYYY` (UK, day first),
    or of a date-time `YYYY-MM-DD HH:MM[:SS]` / `DD/MM/YYYY HH:MM`; NaT for an
    empty value, another form or a day that does not exist."""
    text = values.str.strip()
    iso = text.str.extract(r"^(\d{4})-(\d{2})-(\d{2})(?: \d{2}:\d{2}(?::\d{2})?)?$")
    uk = text.str.extract(r"^(\d{2})/(\d{2})/(\d{4})(?: \d{2}:\d{2})?$")
    year, month, day = iso[0].fillna(uk[2]), iso[1].fillna(uk[1]), iso[2].fillna(uk[0])
    return pd.to_datetime(year + "-" + month + "-" + day, format="%Y-%m-%d", errors="coerce")


def whole_number(values: pd.Series) -> pd.Series:
    """A whole number column (NaN where empty)."""
    return pd.to_numeric(values.str.strip().replace("", None), errors="coerce")


def financial_year(label: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """`2024-25` -> 1 April 2024 and 31 March 2025."""
    start = int(label[:4])
    return pd.Timestamp(start, 4, 1), pd.Timestamp(start + 1, 3, 31)


def in_year(days: pd.Series, label: str) -> pd.Series:
    first, last = financial_year(label)
    return (days >= first) & (days <= last)


YEARS = ("2021-22", "2022-23", "2023-24", "2024-25")


# ------------------------------------------------------- the contract
@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text, date, code or whole
    required: bool
    codes: tuple[str, ...] = ()
    low: int | None = None
    high: int | None = None


ROUTES = ("e_learning", "training_programme", "safeguarding_week", "development_day", "bespoke")
ORGANISATION_TYPES = (
    "adult_health", "alternative_education", "cafcass", "childrens_social_care", "further_education",
    "domestic_abuse_services", "drug_alcohol", "early_help", "early_years", "education_skills", "faith", "fire",
    "foster_carers", "housing", "icb", "passenger_transport", "la_other", "nhs_trusts", "ambulance",
    "outside_area", "police", "primary_care", "prison", "private_housing", "private_organisations", "probation",
    "regeneration", "schools", "higher_education", "voluntary_sector", "youth_justice",
)
MEETING_TYPES = ("strategy", "icpc", "rcpc", "cicr", "marac", "taf", "core_group")
AGENCIES = ("csc", "police", "health", "education", "early_help", "probation", "housing", "voluntary", "other")
YES_NO = ("yes", "no")

CONTRACT: dict[str, tuple[tuple[str, ...], tuple[Column, ...]]] = {  # file -> (unique key, columns)
    "training_records.csv": (("record_id",), (
        Column("record_id", "text", True), Column("route", "code", True, ROUTES),
        Column("course", "text", True), Column("session_id", "text", False),
        Column("organisation_type", "code", True, ORGANISATION_TYPES), Column("event_date", "date", True),
        Column("completed", "code", True, YES_NO), Column("content_rating", "whole", False, low=1, high=5),
        Column("knowledge_before", "whole", False, low=1, high=10),
        Column("knowledge_after", "whole", False, low=1, high=10),
    )),
    "missing_episodes.csv": (("episode_id",), (
        Column("episode_id", "text", True), Column("child_id", "text", True),
        Column("missing_date", "date", True), Column("return_date", "date", False),
        Column("in_care", "code", True, YES_NO),
        Column("rhi_status", "code", False, ("held", "declined", "pending", "not_offered")),
        Column("rhi_date", "date", False),
    )),
    "meeting_attendance.csv": (("meeting_id", "agency"), (
        Column("meeting_id", "text", True), Column("meeting_date", "date", True),
        Column("meeting_type", "code", True, MEETING_TYPES), Column("agency", "code", True, AGENCIES),
        Column("attendance", "code", True, ("attended", "report_only", "apologies", "no_response")),
    )),
    "education_status.csv": (("record_id",), (
        Column("record_id", "text", True), Column("child_id", "text", True),
        Column("status", "code", True, ("cme", "ehe")), Column("start_date", "date", True),
        Column("end_date", "date", False),
    )),
}


def _column_problems(frame: pd.DataFrame, column: Column, load_date: date) -> list[tuple[pd.Series, str]]:
    value = frame[column.name].str.strip()
    given = value != ""
    problems = [(~given & column.required, "missing")] if column.required else []
    if column.kind == "date":
        day = parse_day(value)
        problems += [(given & day.isna(), "unparseable"), (given & (day > pd.Timestamp(load_date)), "future")]
    elif column.kind == "code":
        problems.append((given & ~value.str.lower().isin(column.codes), "unknown_code"))
    elif column.kind == "whole":
        number = whole_number(value)
        whole = value.str.fullmatch(r"[+-]?\d+(\.0+)?")
        problems += [(given & ~whole, "unparseable"),
                     (given & whole & ((number < column.low) | (number > column.high)), "out_of_range")]
    return problems


def _cross_column_problems(name: str, frame: pd.DataFrame) -> list[tuple[pd.Series, str, str]]:
    """The rules of extracts.md that relate two columns of a row, or a row to its meeting."""
    given = {c: frame[c].str.strip() != "" for c in frame.columns if c != "line"}
    if name == "training_records.csv":
        rated = given["content_rating"] | given["knowledge_before"] | given["knowledge_after"]
        return [(rated & (code(frame["completed"]) == "no"), "content_rating", "rating_without_completion")]
    if name == "missing_episodes.csv":
        missing, returned = parse_day(frame["missing_date"]), parse_day(frame["return_date"])
        held_on, status = parse_day(frame["rhi_date"]), code(frame["rhi_status"])
        interviewed = given["rhi_status"] | given["rhi_date"]
        return [
            (returned < missing, "return_date", "return_before_missing"),
            (interviewed & ~given["return_date"], "rhi_status", "interview_without_return"),
            ((status == "held") & ~given["rhi_date"], "rhi_date", "held_without_date"),
            (given["rhi_date"] & (status != "held"), "rhi_date", "date_without_held"),
            (held_on < returned, "rhi_date", "interview_before_return"),
        ]
    if name == "meeting_attendance.csv":
        first = frame.assign(day=parse_day(frame["meeting_date"]), kind=code(frame["meeting_type"]))
        meeting = first.groupby("meeting_id")[["day", "kind"]].transform("first")
        return [(first["day"] != meeting["day"], "meeting_date", "inconsistent_meeting"),
                (first["kind"] != meeting["kind"], "meeting_type", "inconsistent_meeting")]
    if name == "education_status.csv":
        return [(parse_day(frame["end_date"]) < parse_day(frame["start_date"]), "end_date", "end_before_start")]
    raise KeyError(name)


def problems(name: str, frame: pd.DataFrame, load_date: date = LOAD_DATE) -> pd.DataFrame:
    """Every broken rule: `line`, `column`, `kind` (the kinds of `sample.BadRow`)."""
    key, columns = CONTRACT[name]
    found = []
    for column in columns:
        for mask, kind in _column_problems(frame, column, load_date):
            found.append(frame.loc[mask, ["line"]].assign(column=column.name, kind=kind))
    keys = frame[list(key)].apply(lambda c: c.str.strip()).assign(**{k: code(frame[k]) for k in key[1:]})
    duplicate = keys.duplicated(keep="first") & (keys != "").all(axis=1)
    found.append(frame.loc[duplicate, ["line"]].assign(column=key[-1], kind="duplicate"))
    for mask, column, kind in _cross_column_problems(name, frame):
        found.append(frame.loc[mask.fillna(False).astype(bool), ["line"]].assign(column=column, kind=kind))
    return pd.concat(found, ignore_index=True).sort_values("line", kind="stable").reset_index(drop=True)


@functools.cache
def _accepted(directory: Path, name: str) -> pd.DataFrame:
    frame = read_extract(directory / name)
    return frame[~frame["line"].isin(problems(name, frame)["line"])].reset_index(drop=True)


def accepted(seed: int | None, name: str) -> pd.DataFrame:
    """The rows of a newer extract that a loader keeps (a copy: change it freely)."""
    return _accepted(sample_directory(seed), name).copy()


def key_of(name: str, frame: pd.DataFrame) -> pd.Series:
    """The identifier `BadRow.key` uses for each row of a file."""
    if name == "osa_returns.csv":
        return frame["return_id"] + "|" + frame["standard_id"]
    if name == "meeting_attendance.csv":
        return frame["meeting_id"] + "|" + code(frame["agency"])
    return frame[frame.columns[1] if frame.columns[0] == "line" else frame.columns[0]]


def line_of(directory: Path, bad: sample.BadRow) -> int:
    """The line number (header = 1) of a bad row; for a duplicate, its later occurrence."""
    frame = read_extract(directory / bad.file)
    lines = frame.loc[key_of(bad.file, frame) == bad.key, "line"].tolist()
    assert len(lines) == (2 if bad.kind == "duplicate" else 1), (bad, lines)
    return lines[-1]


# ------------------------------------------------- the sample's bad rows
@pytest.mark.parametrize("seed", SEEDS, ids=SEED_IDS)
@pytest.mark.parametrize("name", NEW_FILES)
def test_the_contract_rejects_the_bad_rows_and_nothing_else(seed, name):
    """The rows the contract rejects are exactly those of `BAD_ROWS`, each for
    its own reason and no other (another seed: as many, for the same reasons)."""
    directory = BUNDLED if seed is None else sample_directory(seed)
    found = problems(name, read_extract(directory / name))
    expected = [b for b in sample.BAD_ROWS if b.file == name]
    assert found["line"].nunique() == len(expected)
    for bad in expected:
        if seed is None:
            at_line = found[found["line"] == line_of(directory, bad)]
            assert [bad.column, bad.kind] in at_line[["column", "kind"]].values.tolist(), (bad, at_line)
        else:
            assert bad.kind in set(found["kind"]), bad
    rules_per_line = found.groupby("line")["kind"].nunique()
    assert (rules_per_line == 1).all(), found  # each bad row is spoilt in one way only


# --------------------------------------------------- positive controls
def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows).fillna("").astype(str)
    frame.insert(0, "line", range(2, len(frame) + 2))
    return frame


@pytest.mark.parametrize("text, expected", [
    ("03/04/2024", "2024-04-03"), ("2024-04-03", "2024-04-03"), ("2024-04-03 21:05", "2024-04-03"),
    ("2024-04-03 21:05:09", "2024-04-03"), ("03/04/2024 21:05", "2024-04-03"), (" 29/02/2024 ", "2024-02-29"),
])
def test_dates_are_read_day_first(text, expected):
    assert parse_day(pd.Series([text]))[0] == pd.Timestamp(expected)


@pytest.mark.parametrize("text", ["", "29/02/2023", "31/09/2023", "2022-13-05", "2024/04/03", "3/4/2024", "x"])
def test_dates_that_are_not_dates(text):
    assert pd.isna(parse_day(pd.Series([text]))[0])


TRAINING_ROW = {"record_id": "T1", "route": "Bespoke ", "course": "c", "session_id": "s",
                "organisation_type": "SCHOOLS", "event_date": "2024-05-01 10:00", "completed": "Yes",
                "content_rating": "5", "knowledge_before": "3", "knowledge_after": "7"}
EPISODE_ROW = {"episode_id": "E1", "child_id": "C1", "missing_date": "01/05/2024 22:00",
               "return_date": "2024-05-02 06:00", "in_care": "no", "rhi_status": "Held", "rhi_date": "04/05/2024"}


@pytest.mark.parametrize("name, good, changes, column, kind", [
    ("training_records.csv", TRAINING_ROW, {"completed": "no"}, "content_rating", "rating_without_completion"),
    ("training_records.csv", TRAINING_ROW, {"content_rating": "6"}, "content_rating", "out_of_range"),
    ("training_records.csv", TRAINING_ROW, {"route": "webinar"}, "route", "unknown_code"),
    ("training_records.csv", TRAINING_ROW, {"event_date": "2027-01-01"}, "event_date", "future"),
    ("training_records.csv", TRAINING_ROW, {"course": " "}, "course", "missing"),
    ("training_records.csv", TRAINING_ROW, {"record_id": "1"}, "record_id", "duplicate"),
    ("missing_episodes.csv", EPISODE_ROW, {"return_date": "30/04/2024"}, "return_date", "return_before_missing"),
    ("missing_episodes.csv", EPISODE_ROW, {"return_date": "", "rhi_status": "declined", "rhi_date": ""},
     "rhi_status", "interview_without_return"),
    ("missing_episodes.csv", EPISODE_ROW, {"rhi_date": ""}, "rhi_date", "held_without_date"),
    ("missing_episodes.csv", EPISODE_ROW, {"rhi_status": "declined"}, "rhi_date", "date_without_held"),
    ("missing_episodes.csv", EPISODE_ROW, {"rhi_date": "2024-05-01"}, "rhi_date", "interview_before_return"),
])
def test_each_rule_rejects_its_row_and_only_it(name, good, changes, column, kind):
    """A good row, then a copy spoilt in one way: only the copy is rejected, for that one reason."""
    id_column = next(iter(good))
    frame = _frame([{**good, id_column: "1"}, {**good, id_column: "2", **changes}])
    assert problems(name, frame)[["line", "column", "kind"]].values.tolist() == [[3, column, kind]]


def test_meeting_rows_must_agree_with_their_meeting():
    rows = [{"meeting_id": "M1", "meeting_date": "2024-05-01", "meeting_type": "Strategy", "agency": "csc",
             "attendance": "attended"},
            {"meeting_id": "M1", "meeting_date": "01/05/2024", "meeting_type": "strategy ", "agency": "police",
             "attendance": "apologies"},
            {"meeting_id": "M1", "meeting_date": "02/05/2024", "meeting_type": "strategy", "agency": "health",
             "attendance": "attended"},
            {"meeting_id": "M1", "meeting_date": "2024-05-01", "meeting_type": "icpc", "agency": "education",
             "attendance": "attended"},
            {"meeting_id": "M1", "meeting_date": "2024-05-01", "meeting_type": "strategy", "agency": "POLICE",
             "attendance": "attended"}]
    found = problems("meeting_attendance.csv", _frame(rows))
    assert found[["line", "column", "kind"]].values.tolist() == [
        [4, "meeting_date", "inconsistent_meeting"], [5, "meeting_type", "inconsistent_meeting"],
        [6, "agency", "duplicate"]]


def test_spells_cannot_end_before_they_start():
    rows = [{"record_id": "S1", "child_id": "C1", "status": "CME", "start_date": "2024-05-01", "end_date": ""},
            {"record_id": "S2", "child_id": "C1", "status": "ehe", "start_date": "2024-05-01",
             "end_date": "01/05/2024"},
            {"record_id": "S3", "child_id": "C1", "status": "ehe", "start_date": "2024-05-01",
             "end_date": "30/04/2024"}]
    found = problems("education_status.csv", _frame(rows))
    assert found[["line", "column", "kind"]].values.tolist() == [[4, "end_date", "end_before_start"]]
