"""The extract contract (`extracts.md`, "Common rules") as enforced by the load layer (`dscp_metrics.load`).

Each rule has a case table of tiny hand-written CSVs; the exact file, line,
column, value and reason of every reject is asserted. Rules about splitting a
file into records run through both readers (the fast numpy/Arrow one and the
`csv`-module fallback), which must agree.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dscp_metrics.load import folder as load_folder_module
from dscp_metrics.load import read as load_read
from dscp_metrics.load import store_write
from dscp_metrics.cli import main
from dscp_metrics.load.contract import EXTRACTS, contract_problems, get_extract
from dscp_metrics.errors import DatabaseError, ExtractError
from dscp_metrics.load import load_folder, read_rejects, validate_extract

LOAD_DATE = date(2024, 7, 1)

HEADERS = {
    "csc_referrals": "referral_id,child_id,referral_date,source,factors",
    "cevt_referrals": "cevt_id,child_id,scored_date,exploitation_type,risk_level,locality",
    "restraint_incidents": "incident_id,young_person_id,incident_date,injury_level,age",
    "osa_returns": "return_id,organisation,section,standard_id,rating,assessment_date",
    "osa_issued": "organisation,issued,issued_date",
    "training_records": "record_id,route,course,session_id,organisation_type,event_date,completed,"
                        "content_rating,knowledge_before,knowledge_after",
    "missing_episodes": "episode_id,child_id,missing_date,return_date,in_care,rhi_status,rhi_date",
    "meeting_attendance": "meeting_id,meeting_date,meeting_type,agency,attendance",
    "education_status": "record_id,child_id,status,start_date,end_date",
}
GOOD_ROWS = {
    "csc_referrals": "R000001,C00001,2024-04-03,Police,neglect",
    "cevt_referrals": "V000001,C00001,2024-04-03,criminal,high,East",
    "restraint_incidents": "I000001,Y00001,2024-04-03 10:15,1,15",
    "osa_returns": "O0001,Schools,leadership,L1,Green,2024-04-03",
    "osa_issued": "Schools,12,2024-04-03",
    "training_records": "T1,training_programme,Neglect basics,S1,schools,2024-04-03 09:30,yes,5,4,8",
    "missing_episodes": "M1,C00001,2024-04-03 22:10,2024-04-04,yes,held,2024-04-06",
    "meeting_attendance": "MT1,2024-04-03,strategy,csc,attended",
    "education_status": "E1,C00001,cme,2024-04-03,",
}


def write(folder: Path, name: str, text: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def csv_text(source: str, *rows: str, header: str | None = None) -> str:
    return "\n".join([header or HEADERS[source], *rows]) + "\n"


@pytest.fixture(params=["fast", "csv-module"])
def reader(request, monkeypatch):
    """Run the test through each of the two record readers."""
    if request.param == "csv-module":
        monkeypatch.setattr(load_read, "records_fast", lambda *args: None)
    return request.param


def check(tmp_path: Path, source: str, text: str | bytes, load_date: date = LOAD_DATE):
    path = write(tmp_path / "in", f"{source}.csv", text)
    accepted, rejects, rows_read = validate_extract(path, get_extract(source), load_date)
    return accepted.to_pylist(), [tuple(r) for r in rejects.itertuples(index=False)], rows_read


def rejected(source: str, *expected: tuple[int, str, str, str]) -> list[tuple]:
    return [(f"{source}.csv", *e) for e in expected]


# ---------------------------------------------------------------- contract
def test_contract_is_consistent():
    assert contract_problems() == []
    assert list(EXTRACTS) == list(HEADERS)
    for source, header in HEADERS.items():
        assert ",".join(get_extract(source).column_names) == header


def test_get_extract_accepts_file_names_and_suggests():
    assert get_extract("OSA_Returns.csv").unique_key == ("return_id", "standard_id")
    with pytest.raises(ExtractError, match="did you mean 'csc_referrals'"):
        get_extract("csc_referals")


# ------------------------------------------------------------ reject reasons
FACTOR_REASON = "not in vocabulary (" + ", ".join(get_extract("csc_referrals").column("factors").codes) + ")"
REJECT_CASES = [
    # (id, source, rows, expected (line, column, value, reason) rows)
    ("missing required", "csc_referrals", ["R1,,2024-04-03,Police,"],
     [(2, "child_id", "", "missing required value")]),
    ("missing required spaces only", "csc_referrals", ["R1,   ,2024-04-03,Police,"],
     [(2, "child_id", "   ", "missing required value")]),
    ("two problems on one row", "csc_referrals", ["R1,,2024-13-01,Police,"],
     [(2, "child_id", "", "missing required value"), (2, "referral_date", "2024-13-01", "not a valid date")]),
    ("impossible date", "csc_referrals", ["R1,C1,31/02/2024,Police,"],
     [(2, "referral_date", "31/02/2024", "not a valid date")]),
    ("not a leap year", "csc_referrals", ["R1,C1,29/02/2023,Police,"],
     [(2, "referral_date", "29/02/2023", "not a valid date")]),
    ("US style text date", "csc_referrals", ["R1,C1,April 3 2024,Police,"],
     [(2, "referral_date", "April 3 2024", "not a valid date")]),
    ("two-digit year", "csc_referrals", ["R1,C1,03/04/24,Police,"],
     [(2, "referral_date", "03/04/24", "not a valid date")]),
    ("impossible time", "restraint_incidents", ["I1,Y1,2024-04-03 25:00,0,"],
     [(2, "incident_date", "2024-04-03 25:00", "not a valid date")]),
    ("future date", "csc_referrals", ["R1,C1,02/07/2024,Police,"],
     [(2, "referral_date", "02/07/2024", "future date")]),
    ("unknown code", "cevt_referrals", ["V1,C1,2024-04-03,financial,high,East"],
     [(2, "exploitation_type", "financial", "not in vocabulary (criminal, sexual, other)")]),
    ("unknown optional code", "cevt_referrals", ["V1,C1,2024-04-03,sexual,severe,East"],
     [(2, "risk_level", "severe", "not in vocabulary (low, medium, high)")]),
    ("unknown locality", "cevt_referrals", ["V1,C1,2024-04-03,sexual,low,North"],
     [(2, "locality", "North", "not in vocabulary (East, West, South, Darlington)")]),
    ("unknown factor", "csc_referrals", ["R1,C1,2024-04-03,Police,neglect; Bullying ;bullying;xx"],
     [(2, "factors", "Bullying", FACTOR_REASON), (2, "factors", "xx", FACTOR_REASON)]),
    ("decimal", "restraint_incidents", ["I1,Y1,2024-04-03,1.5,"],
     [(2, "injury_level", "1.5", "not a whole number")]),
    ("word", "restraint_incidents", ["I1,Y1,2024-04-03,abc,"],
     [(2, "injury_level", "abc", "not a whole number")]),
    ("injury above range", "restraint_incidents", ["I1,Y1,2024-04-03,4,"],
     [(2, "injury_level", "4", "out of range (0 to 3)")]),
    ("injury below range", "restraint_incidents", ["I1,Y1,2024-04-03,-1,"],
     [(2, "injury_level", "-1", "out of range (0 to 3)")]),
    ("age below range", "restraint_incidents", ["I1,Y1,2024-04-03,0,9"],
     [(2, "age", "9", "out of range (10 to 17)")]),
    ("issued negative", "osa_issued", ["Schools,-3,2024-04-03"],
     [(2, "issued", "-3", "out of range (0 or more)")]),
    ("issued enormous", "osa_issued", ["Schools,99999999999999999999999999999999999999999,2024-04-03"],
     [(2, "issued", "99999999999999999999999999999999999999999", "out of range (0 or more)")]),
    ("duplicate id", "csc_referrals", ["R1,C1,2024-04-03,Police,", "R1,C2,2024-04-04,Police,"],
     [(3, "referral_id", "R1", "duplicate referral_id")]),
    ("duplicate id after trimming", "csc_referrals", ["R1,C1,2024-04-03,Police,", " R1 ,C2,2024-04-04,Police,"],
     [(3, "referral_id", " R1 ", "duplicate referral_id")]),
    ("duplicate composite key", "osa_returns",
     ["O1,Schools,leadership,L1,Green,2024-04-03", "O1,Schools,leadership,L1,Red,2024-04-03",
      "O1,Schools,leadership,L2,Red,2024-04-03"],
     [(3, "return_id+standard_id", "O1+L1", "duplicate return_id+standard_id")]),
    ("first valid occurrence kept", "csc_referrals",
     ["R1,,2024-04-03,Police,", "R1,C2,2024-04-04,Police,", "R1,C3,2024-04-05,Police,"],
     [(2, "child_id", "", "missing required value"), (4, "referral_id", "R1", "duplicate referral_id")]),
    ("too many fields", "csc_referrals", ["R1,C1,2024-04-03,Police,neglect,extra"],
     [(2, "", "", "wrong number of fields (6 found, 5 expected)")]),
    ("too few fields", "csc_referrals", ["R1,C1,2024-04-03"],
     [(2, "", "", "wrong number of fields (3 found, 5 expected)")]),
]


@pytest.mark.parametrize("source, rows, expected", [c[1:] for c in REJECT_CASES], ids=[c[0] for c in REJECT_CASES])
def test_reject_reasons(tmp_path, reader, source, rows, expected):
    accepted, rejects, rows_read = check(tmp_path, source, csv_text(source, *rows))
    assert rejects == rejected(source, *expected)
    assert rows_read == len(rows)
    assert len(accepted) == len(rows) - len({e[0] for e in expected})


def test_reason_phrases_come_first(tmp_path):
    """The pack counts rejects by the phrase before any bracket."""
    phrases = {"missing required value", "not a valid date", "not a whole number", "not in vocabulary",
               "future date", "out of range", "wrong number of fields"}
    for case in REJECT_CASES:
        for _, _, _, reason in case[3]:
            assert reason.split(" (")[0] in phrases or reason.startswith("duplicate ")


# ------------------------------------------------------------- good values
ACCEPT_CASES = [
    ("iso", "2024-04-03", date(2024, 4, 3)),
    ("uk day first", "03/04/2024", date(2024, 4, 3)),
    ("uk single digits", "3/4/2024", date(2024, 4, 3)),
    ("leap day", "29/02/2024", date(2024, 2, 29)),
    ("iso date-time", "2024-04-03 23:59", date(2024, 4, 3)),
    ("iso date-time seconds", "2024-04-03 23:59:59", date(2024, 4, 3)),
    ("iso T date-time", "2024-04-03T08:05:00", date(2024, 4, 3)),
    ("uk date-time", "03/04/2024 09:30", date(2024, 4, 3)),
    ("uk date-time seconds", "03/04/2024 09:30:15", date(2024, 4, 3)),
    ("the load date itself", "2024-07-01", date(2024, 7, 1)),
    ("padded", "  2024-04-03 ", date(2024, 4, 3)),
]


@pytest.mark.parametrize("written, expected", [c[1:] for c in ACCEPT_CASES], ids=[c[0] for c in ACCEPT_CASES])
def test_dates_accepted(tmp_path, written, expected):
    text = csv_text("restraint_incidents", f"I1,Y1,{written},0,")
    accepted, rejects, _ = check(tmp_path, "restraint_incidents", text)
    assert rejects == []
    assert accepted[0]["incident_date"] == expected


def test_mixed_date_forms_in_one_file(tmp_path):
    accepted, rejects, _ = check(tmp_path, "csc_referrals", csv_text(
        "csc_referrals", "R1,C1,03/04/2024,,", "R2,C1,2024-04-03,,", "R3,C1,12/01/2024,,", "R4,C1,2024-01-12 10:00,,"))
    assert rejects == []
    assert [r["referral_date"] for r in accepted] == [
        date(2024, 4, 3), date(2024, 4, 3), date(2024, 1, 12), date(2024, 1, 12)]


@pytest.mark.parametrize("written, expected", [
    ("3", 3), ("3.0", 3), ("+2", 2), ("03", 3), (" 1 ", 1), ("0", 0), ("-0", 0)])
def test_whole_numbers_accepted(tmp_path, written, expected):
    text = csv_text("restraint_incidents", f'I1,Y1,2024-04-03,"{written}",')
    accepted, rejects, _ = check(tmp_path, "restraint_incidents", text)
    assert rejects == []
    assert accepted[0]["injury_level"] == expected
    assert accepted[0]["age"] is None


def test_identifiers_stay_text(tmp_path, reader):
    accepted, rejects, _ = check(tmp_path, "csc_referrals", csv_text(
        "csc_referrals", "0042,007,2024-04-03,,", "42,7,2024-04-03,,", " 0042 ,C1,2024-04-04,,"))
    assert [(r["referral_id"], r["child_id"]) for r in accepted] == [("0042", "007"), ("42", "7")]
    assert rejects == rejected("csc_referrals", (4, "referral_id", " 0042 ", "duplicate referral_id"))


def test_codes_any_case_stored_canonical(tmp_path):
    accepted, rejects, _ = check(tmp_path, "cevt_referrals", csv_text(
        "cevt_referrals", "V1,C1,2024-04-03,CRIMINAL, High ,east", "V2,C1,2024-04-03,Sexual,,DARLINGTON"))
    assert rejects == []
    assert [(r["exploitation_type"], r["risk_level"], r["locality"]) for r in accepted] == [
        ("criminal", "high", "East"), ("sexual", None, "Darlington")]
    accepted, rejects, _ = check(tmp_path, "osa_returns", csv_text(
        "osa_returns", "O1,Schools,LEADERSHIP,L1,green,2024-04-03", "O1,Schools,Voice_Of_Child,V1,AMBER,2024-04-03"))
    assert rejects == []
    assert [(r["section"], r["rating"]) for r in accepted] == [("leadership", "Green"), ("voice_of_child", "Amber")]


@pytest.mark.parametrize("written, expected", [
    ("domestic_abuse; ;DOMESTIC_ABUSE", ["domestic_abuse"]),
    ("neglect;domestic_abuse", ["domestic_abuse", "neglect"]),
    ("  Neglect  ;  ;; exploitation ;", ["exploitation", "neglect"]),
    (";;", []),
    ("", []),
    ("   ", []),
])
def test_factor_lists(tmp_path, written, expected):
    text = csv_text("csc_referrals", f'R1,C1,2024-04-03,Police,"{written}"')
    accepted, rejects, _ = check(tmp_path, "csc_referrals", text)
    assert rejects == []
    assert accepted[0]["factors"] == expected


def test_text_trimmed_and_missing_optional_is_null(tmp_path):
    text = csv_text("csc_referrals", "R1,C1,2024-04-03,  Police  ,", "R2,C1,2024-04-03, ,")
    accepted, _, _ = check(tmp_path, "csc_referrals", text)
    assert [r["source"] for r in accepted] == ["Police", None]


# ----------------------------------------------------------- file shapes
def test_bom_header_case_spaces_extra_columns_and_order(tmp_path, reader):
    text = "\ufeff Factors ,EXTRA, Referral_Date ,child_id,REFERRAL_ID ,Source\nneglect,x,2024-04-03,C1,R1,Police\n"
    path = write(tmp_path / "in", "csc_referrals.csv", text.encode("utf-8"))
    accepted, rejects, _ = validate_extract(path, get_extract("csc_referrals"), LOAD_DATE)
    assert rejects.empty
    assert accepted.column_names == list(get_extract("csc_referrals").column_names)
    assert accepted.to_pylist() == [{"referral_id": "R1", "child_id": "C1", "referral_date": date(2024, 4, 3),
                                     "source": "Police", "factors": ["neglect"]}]


def test_optional_column_may_be_absent(tmp_path, reader):
    accepted, rejects, _ = check(tmp_path, "csc_referrals", "referral_id,child_id,referral_date\nR1,C1,2024-04-03\n")
    assert rejects == []
    assert accepted == [
        {"referral_id": "R1", "child_id": "C1", "referral_date": date(2024, 4, 3), "source": None, "factors": []}]


def test_line_numbers_count_quoted_line_breaks_and_blank_lines(tmp_path, reader):
    text = (
        "referral_id,child_id,referral_date,source,factors\r\n"      # 1
        'R1,C1,2024-04-03,"Police\r\nsecond line\r\nthird",\r\n'     # 2-4
        "\r\n"                                                        # 5 blank
        "R2,C1,31/02/2024,Police,\r\n"                                # 6
        '   \r\n'                                                     # 7 blank (spaces)
        'R3,C1,2024-04-03,"a ""quoted""\nvalue",neglect;zz\r\n'       # 8-9
        "R4,C1,2024-04-03,Police"                                     # 10, no final line break
    )
    accepted, rejects, rows_read = check(tmp_path, "csc_referrals", text)
    assert rows_read == 4
    assert rejects == rejected(
        "csc_referrals",
        (6, "referral_date", "31/02/2024", "not a valid date"),
        (8, "factors", "zz", rejects[1][4]),
        (10, "", "", "wrong number of fields (4 found, 5 expected)"),
    )
    assert rejects[1][4].startswith("not in vocabulary (")
    assert accepted[0]["source"] == "Police\r\nsecond line\r\nthird"


def test_both_readers_agree_on_awkward_quoting(tmp_path, monkeypatch):
    text = (
        'referral_id,child_id,referral_date,source,factors\n'
        'R1,C1,2024-04-03,5\'2" tall,\n'            # a bare quote in an unquoted value: the slow reader
        '"R2","C1","2024-04-03","",""\n'
        '"R3",C1,2024-04-03,"x,y",neglect\n'
    )
    fast = check(tmp_path, "csc_referrals", text)
    monkeypatch.setattr(load_read, "records_fast", lambda *args: None)
    assert check(tmp_path, "csc_referrals", text) == fast
    assert [r["source"] for r in fast[0]] == ['5\'2" tall', None, "x,y"]


def test_readers_agree_on_generated_file(tmp_path, monkeypatch):
    lines = ["referral_id,child_id,referral_date,source,factors"]
    for i in range(300):
        source = ['Police', '"multi\nline"', '"has ""quotes"""', "", '"a,b"'][i % 5]
        date_text = ["2024-04-03", "3/4/2024", "31/02/2024", "2024-04-03T10:00", ""][i % 7 % 5]
        extra = ",x" if i % 37 == 0 else ""
        lines.append(f"R{i % 250},C{i},{date_text},{source},neglect{extra}")
        if i % 50 == 0:
            lines.append("")
    text = "\n".join(lines) + "\n"
    fast = check(tmp_path, "csc_referrals", text)
    monkeypatch.setattr(load_read, "records_fast", lambda *args: None)
    assert check(tmp_path, "csc_referrals", text) == fast
    assert fast[1]  # some rejects, so the comparison means something


@pytest.mark.parametrize("text, message", [
    (b"", "no header row"),
    (b"\n\n  \n", "no header row"),
    (b"referral_id,child_id,source\nR1,C1,Police\n", "missing required column(s): referral_date"),
    (b"referral_id,factors\nR1,\n", "missing required column(s): child_id, referral_date"),
    (b"referral_id,child_id,Child_ID,referral_date\n", "more than one column named: child_id"),
    ("referral_id,child_id,referral_date\nR1,Zo\xeb,2024-04-03\n".encode("latin-1"),
     "not UTF-8 text (first bad byte on line 2)"),
    (b'referral_id,child_id,referral_date\nR1,"C1,2024-04-03\nR2,C2,2024-04-03\n',
     "from line 2, a quoted value is never closed"),
])
def test_unusable_files(tmp_path, text, message):
    path = write(tmp_path / "in", "csc_referrals.csv", text)
    with pytest.raises(ExtractError) as caught:
        validate_extract(path, get_extract("csc_referrals"), LOAD_DATE)
    assert "csc_referrals.csv" in str(caught.value)
    assert message in str(caught.value)


def test_header_only_file_loads_an_empty_table(tmp_path, reader):
    accepted, rejects, rows_read = check(tmp_path, "csc_referrals", csv_text("csc_referrals"))
    assert (accepted, rejects, rows_read) == ([], [], 0)


# ------------------------------------------------------------ the store
def full_folder(folder: Path, **overrides: str) -> Path:
    for source in HEADERS:
        write(folder, f"{source}.csv", overrides.get(source, csv_text(source, GOOD_ROWS[source])))
    return folder


def store_tables(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [n for (n,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        out = {}
        for name in names:
            if name == "store_info":  # a fresh random id for every load
                continue
            # the time of each load, and the counted tables' note of it, change with every load
            cols = {"load_log": "* EXCLUDE (loaded_at)", "counted_tables": "* EXCLUDE (made_from)"}.get(name, "*")
            out[name] = con.execute(f"SELECT {cols} FROM {name} ORDER BY ALL").fetchall()
        return out
    finally:
        con.close()


def store_schema(db: Path) -> dict[str, list[tuple[str, str]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE table_name IN (SELECT table_name FROM duckdb_tables()) ORDER BY table_name, column_index"
        ).fetchall()
    finally:
        con.close()
    schema: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows:
        schema.setdefault(table, []).append((column, kind))
    return schema


def test_store_schema_is_the_design(tmp_path):
    db = tmp_path / "out" / "sub" / "dscp.duckdb"  # the parent folder does not exist yet
    report = load_folder(full_folder(tmp_path / "in"), db, LOAD_DATE)
    assert report.ok
    design = (Path(__file__).resolve().parents[1] / "docs" / "design.md").read_text(encoding="utf-8")
    expected = {}
    for line in design.splitlines():
        if line.startswith("| `") and "VARCHAR" in line:
            table, columns = line.split("|")[1:3]
            declared = columns.split("`")[1]  # the first `...` in the cell
            expected[table.strip(" `")] = [(c.split()[0].strip('"'), c.split()[1]) for c in declared.split(",")]
    actual = store_schema(db)
    assert set(actual) == set(HEADERS) | {"rejects", "load_log", "store_info", "csc_referrals_counted",
                                          "counted_tables"}
    assert actual["csc_referrals_counted"] == [("referral_date", "DATE"), ("is_rereferral", "BOOLEAN"),
                                               ("has_domestic_abuse", "BOOLEAN"), ("has_exploitation", "BOOLEAN"),
                                               ("records", "BIGINT")]
    # Every table docs/design.md describes is exactly as described (the v2 extracts and
    # store_info are added to design.md by the lead engineer: outside the load layer's files).
    assert {"csc_referrals", "rejects", "load_log"} <= set(expected)
    assert {name: actual[name] for name in expected} == expected
    # Every extract's table has the contract's columns and types, in the contract's order.
    for source in HEADERS:
        assert actual[source] == [(c.name, c.type.sql_type) for c in get_extract(source).columns]
    assert actual["store_info"] == [("load_id", "VARCHAR"), ("loaded_at", "TIMESTAMP")]


def test_load_report_and_load_log(tmp_path):
    folder = full_folder(tmp_path / "in", csc_referrals=csv_text(
        "csc_referrals", "R1,C1,2024-04-03,,", "R2,C1,2023-06-30,,", "R3,,2024-04-03,,"))
    db = tmp_path / "dscp.duckdb"
    report = load_folder(folder, db, LOAD_DATE)
    csc = report.files[0]
    assert (csc.source, csc.file, csc.rows_read, csc.rows_loaded, csc.rows_rejected, csc.error) == (
        "csc_referrals", "csc_referrals.csv", 3, 2, 1, None)
    text = report.format()
    assert "csc_referrals.csv" in text and f"dscp rejects --db {db}" in text
    log = {row[0]: row for row in store_tables(db)["load_log"]}
    source, file, sha, load_date, read, loaded, rejected_rows, first, last = log["csc_referrals"]
    assert (file, load_date, read, loaded, rejected_rows, first, last) == (
        "csc_referrals.csv", LOAD_DATE, 3, 2, 1, date(2023, 6, 30), date(2024, 4, 3))
    assert len(sha) == 64


def test_missing_column_is_a_file_error_and_the_rest_loads(tmp_path, capsys):
    folder = full_folder(tmp_path / "in", cevt_referrals="cevt_id,child_id,scored_date\nV1,C1,2024-04-03\n")
    db = tmp_path / "dscp.duckdb"
    assert main(["load", str(folder), "--db", str(db)]) == 1
    out = capsys.readouterr().out
    assert "cevt_referrals.csv is missing required column(s): exploitation_type" in out
    tables = store_tables(db)
    assert "cevt_referrals" not in tables
    assert len(tables["csc_referrals"]) == 1 and len(tables["osa_issued"]) == 1


def test_an_unusable_file_keeps_what_an_earlier_load_gave_its_source(tmp_path, capsys):
    db = tmp_path / "dscp.duckdb"
    assert main(["load", str(full_folder(tmp_path / "q1")), "--db", str(db)]) == 0
    before = store_tables(db)
    broken = full_folder(tmp_path / "q2", cevt_referrals="cevt_id,child_id\nV9,C9\n",
                         osa_issued=csv_text("osa_issued", "Police,7,2024-05-01"))
    assert main(["load", str(broken), "--db", str(db)]) == 1
    capsys.readouterr()
    after = store_tables(db)
    assert after["cevt_referrals"] == before["cevt_referrals"]  # nothing lost
    assert after["osa_issued"] != before["osa_issued"]  # the good files of the folder still replace theirs


def test_non_utf8_file_is_a_file_error(tmp_path):
    text = "organisation,issued,issued_date\nCaf\xe9,1,2024-04-03\n".encode("cp1252")
    folder = full_folder(tmp_path / "in", osa_issued=text)
    report = load_folder(folder, tmp_path / "dscp.duckdb", LOAD_DATE)
    assert not report.ok
    assert [f.source for f in report.files if f.error] == ["osa_issued"]
    assert "osa_issued.csv is not UTF-8" in report.format()


def test_good_folder_exits_zero_even_with_rejects(tmp_path):
    folder = full_folder(tmp_path / "in", csc_referrals=csv_text("csc_referrals", "R1,,2024-04-03,,"))
    assert main(["load", str(folder), "--db", str(tmp_path / "dscp.duckdb")]) == 0


@pytest.mark.parametrize("make_folder", [
    lambda tmp: tmp / "nowhere",
    lambda tmp: (tmp / "empty").mkdir() or tmp / "empty",
    lambda tmp: write(tmp / "other", "referrals.csv", "a\n").parent,
])
def test_folder_without_extracts_exits_2(tmp_path, capsys, make_folder):
    folder = make_folder(tmp_path)
    with pytest.raises(ExtractError):
        load_folder(folder, tmp_path / "dscp.duckdb", LOAD_DATE)
    assert main(["load", str(folder), "--db", str(tmp_path / "dscp.duckdb")]) == 2
    err = capsys.readouterr().err
    assert str(folder) in err
    assert not (tmp_path / "dscp.duckdb").exists()


def test_reload_is_idempotent(tmp_path):
    text = csv_text("csc_referrals", "R1,C1,2024-04-03,,", "R1,C1,2024-04-03,,")
    folder = full_folder(tmp_path / "in", csc_referrals=text)
    db = tmp_path / "dscp.duckdb"
    load_folder(folder, db, LOAD_DATE)
    first = store_tables(db)
    load_folder(folder, db, LOAD_DATE)
    assert store_tables(db) == first
    assert len(first["csc_referrals"]) == 1 and len(first["rejects"]) == 1 and len(first["load_log"]) == len(HEADERS)


def test_new_folder_replaces_only_its_sources(tmp_path):
    db = tmp_path / "dscp.duckdb"
    load_folder(full_folder(tmp_path / "q1", cevt_referrals=csv_text(
        "cevt_referrals", "V1,C1,2024-04-03,criminal,,", "V2,C1,2024-04-03,bad,,")), db, LOAD_DATE)
    before = store_tables(db)
    write(tmp_path / "q2", "cevt_referrals.csv", csv_text("cevt_referrals", "V9,C9,2024-05-01,sexual,low,West"))
    report = load_folder(tmp_path / "q2", db, LOAD_DATE)
    assert "Not in the folder" in report.format() and "csc_referrals.csv" in report.format()
    after = store_tables(db)
    assert after["cevt_referrals"] == [("V9", "C9", date(2024, 5, 1), "sexual", "low", "West")]
    assert [r for r in after["rejects"] if r[0] == "cevt_referrals"] == []
    for name in ("csc_referrals", "restraint_incidents", "osa_returns", "osa_issued"):
        assert after[name] == before[name]
    assert [r for r in after["load_log"] if r[0] != "cevt_referrals"] == [
        r for r in before["load_log"] if r[0] != "cevt_referrals"]


@pytest.mark.parametrize("where", ["while writing", "at the swap"])
def test_failed_load_leaves_the_old_database(tmp_path, monkeypatch, where):
    db = tmp_path / "dscp.duckdb"
    load_folder(full_folder(tmp_path / "q1"), db, LOAD_DATE)
    original = db.read_bytes()
    if where == "while writing":
        real = load_folder_module.replace_source
        calls = []

        def fail_on_second(con, source, *args):
            calls.append(source)
            if len(calls) == 2:
                raise RuntimeError("disk on fire")
            return real(con, source, *args)

        monkeypatch.setattr(load_folder_module, "replace_source", fail_on_second)
    else:
        def fail_replace(src, dst):
            assert Path(src).stat().st_size > 0  # the temporary database was written
            raise OSError("disk on fire")

        monkeypatch.setattr(store_write.os, "replace", fail_replace)
    folder = full_folder(tmp_path / "q2", csc_referrals=csv_text("csc_referrals", "R7,C7,2024-04-03,,"))
    with pytest.raises((RuntimeError, DatabaseError), match="disk on fire"):
        load_folder(folder, db, LOAD_DATE)
    assert db.read_bytes() == original
    # nothing but the database and its lock file (which stays, empty, for the next writer)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dscp.duckdb", "dscp.duckdb.lock", "q1", "q2"]


def test_rejects_command_csv(tmp_path):
    folder = full_folder(tmp_path / "in", csc_referrals=csv_text(
        "csc_referrals", "R1,,2024-04-03,,", "R2,C1,2024-04-03,,neglect,x"),
        osa_issued=csv_text("osa_issued", "Schools,1.5,2024-04-03"))
    db = tmp_path / "dscp.duckdb"
    load_folder(folder, db, LOAD_DATE)
    out = tmp_path / "rejects.csv"
    assert main(["rejects", "--db", str(db), "--format", "csv", "--output", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows == [
        ["file", "line", "column", "value", "reason"],
        ["csc_referrals.csv", "2", "child_id", "", "missing required value"],
        ["csc_referrals.csv", "3", "", "", "wrong number of fields (6 found, 5 expected)"],
        ["osa_issued.csv", "2", "issued", "1.5", "not a whole number"],
    ]
    frame = read_rejects(db)
    assert list(frame.columns) == ["file", "line", "column", "value", "reason"]


def test_rejects_without_database(tmp_path, capsys):
    with pytest.raises(DatabaseError):
        read_rejects(tmp_path / "missing.duckdb")
    assert main(["rejects", "--db", str(tmp_path / "missing.duckdb")]) == 2
    assert "missing.duckdb" in capsys.readouterr().err
