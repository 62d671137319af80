"""The v2 extracts' own rules and the new common rules (`extracts.md` v2), as enforced by `rules.py` and `checks.py`.

Each rule has a case table of tiny hand-made files, boundary dates included;
the exact line, column, value and reason of every reject is asserted, and
the rows that are not rejected are the ones loaded.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dscp_metrics.errors import ExtractError
from dscp_metrics.load import read as load_read
from dscp_metrics.load import validate_extract
from dscp_metrics.load.contract import get_extract

LOAD_DATE = date(2024, 7, 1)

HEADERS = {
    "training_records": "record_id,route,course,session_id,organisation_type,event_date,completed,"
                        "content_rating,knowledge_before,knowledge_after",
    "missing_episodes": "episode_id,child_id,missing_date,return_date,in_care,rhi_status,rhi_date",
    "meeting_attendance": "meeting_id,meeting_date,meeting_type,agency,attendance",
    "education_status": "record_id,child_id,status,start_date,end_date",
    "csc_referrals": "referral_id,child_id,referral_date,source,factors",
    "cevt_referrals": "cevt_id,child_id,scored_date,exploitation_type,risk_level,locality",
}


def check(tmp_path: Path, source: str, *rows: str, text: str | bytes | None = None, earliest: date | None = None):
    folder = tmp_path / "in"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{source}.csv"
    body = text if text is not None else "\n".join([HEADERS[source], *rows]) + "\n"
    path.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    accepted, rejects, rows_read = validate_extract(path, get_extract(source), LOAD_DATE, earliest)
    return accepted.to_pylist(), [tuple(r)[1:] for r in rejects.itertuples(index=False)], rows_read


@pytest.fixture(params=["fast", "csv-module"])
def reader(request, monkeypatch):
    """Run the test through each of the two record readers."""
    if request.param == "csv-module":
        monkeypatch.setattr(load_read, "records_fast", lambda *args: None)
    return request.param


RULE = "a rating without a completion"
TRAINING = "T{n},e_learning,Neglect basics,,schools,2024-04-03,{completed},{ratings}"
RULE_CASES = [
    # (id, source, rows, expected (line, column, value, reason) rejects)
    ("completed with ratings", "training_records", [TRAINING.format(n=1, completed="yes", ratings="5,1,10")], []),
    ("not completed, no ratings", "training_records", [TRAINING.format(n=1, completed="No", ratings=",,")], []),
    ("not completed, one rating", "training_records", [TRAINING.format(n=1, completed="no", ratings="4,,")],
     [(2, "content_rating", "4", RULE)]),
    ("not completed, every rating", "training_records", [TRAINING.format(n=1, completed="NO", ratings="4,2,7")],
     [(2, "content_rating", "4", RULE), (2, "knowledge_before", "2", RULE), (2, "knowledge_after", "7", RULE)]),
    ("rating out of range is judged as a cell", "training_records",
     [TRAINING.format(n=1, completed="no", ratings="6,0,11")],
     [(2, "content_rating", "6", "out of range (1 to 5)"), (2, "knowledge_before", "0", "out of range (1 to 10)"),
      (2, "knowledge_after", "11", "out of range (1 to 10)")]),
    ("rating with a bad completion code", "training_records", [TRAINING.format(n=1, completed="maybe", ratings="4,,")],
     [(2, "completed", "maybe", "not in vocabulary (yes, no)")]),
    ("unknown route and organisation type", "training_records",
     ["T1,webinar,Course,,army,2024-04-03,yes,,,"],
     [(2, "route", "webinar", "not in vocabulary (e_learning, training_programme, safeguarding_week, "
                              "development_day, bespoke)"),
      (2, "organisation_type", "army", "not in vocabulary (" + ", ".join(
          get_extract("training_records").column("organisation_type").codes) + ")")]),
    # missing episodes
    ("returned the same day", "missing_episodes", ["M1,C1,2024-04-03 22:00,2024-04-03 23:00,no,,"], []),
    ("return before missing", "missing_episodes", ["M1,C1,2024-04-03,02/04/2024,no,,"],
     [(2, "return_date", "02/04/2024", "return_date before missing_date")]),
    ("still missing", "missing_episodes", ["M1,C1,2024-04-03,,yes,,"], []),
    ("status without a return", "missing_episodes", ["M1,C1,2024-04-03,,yes,pending,"],
     [(2, "rhi_status", "pending", "rhi_status without a return_date")]),
    ("interview date without a return", "missing_episodes", ["M1,C1,2024-04-03,,yes,held,2024-04-05"],
     [(2, "rhi_status", "held", "rhi_status without a return_date"),
      (2, "rhi_date", "2024-04-05", "rhi_date without a return_date")]),
    ("held without a date", "missing_episodes", ["M1,C1,2024-04-03,2024-04-04,yes,Held,"],
     [(2, "rhi_status", "Held", "rhi_status held without an rhi_date")]),
    ("a date with another status", "missing_episodes", ["M1,C1,2024-04-03,2024-04-04,no,declined,2024-04-05"],
     [(2, "rhi_date", "2024-04-05", "rhi_date with a status other than held")]),
    ("a date with an empty status", "missing_episodes", ["M1,C1,2024-04-03,2024-04-04,no,,2024-04-05"],
     [(2, "rhi_date", "2024-04-05", "rhi_date with a status other than held")]),
    ("interview before the return", "missing_episodes", ["M1,C1,2024-04-01,2024-04-04,no,held,03/04/2024"],
     [(2, "rhi_date", "03/04/2024", "rhi_date before return_date")]),
    ("interview on the day of return", "missing_episodes",
     ["M1,C1,2024-04-01,2024-04-04 18:00,no,held,2024-04-04"], []),
    ("declined and pending with no date", "missing_episodes",
     ["M1,C1,2024-04-01,2024-04-04,no,declined,", "M2,C1,2024-04-01,2024-04-04,no,not_offered,"], []),
    ("a bad return date is not compared", "missing_episodes", ["M1,C1,2024-04-03,31/02/2024,no,held,2024-04-05"],
     [(2, "return_date", "31/02/2024", "not a valid date")]),
    ("unknown in_care and status", "missing_episodes", ["M1,C1,2024-04-03,2024-04-04,maybe,done,"],
     [(2, "in_care", "maybe", "not in vocabulary (yes, no)"),
      (2, "rhi_status", "done", "not in vocabulary (held, declined, pending, not_offered)")]),
    # meetings
    ("one meeting, three agencies", "meeting_attendance",
     ["MT1,2024-04-03,strategy,csc,attended", "MT1,03/04/2024,Strategy,police,apologies",
      "MT1,2024-04-03 10:00,STRATEGY,health,report_only"], []),
    ("a row with another date", "meeting_attendance",
     ["MT1,2024-04-03,strategy,csc,attended", "MT1,2024-04-04,strategy,police,attended"],
     [(3, "meeting_date", "2024-04-04", "inconsistent with its meeting (line 2 has 2024-04-03)")]),
    ("a row with another type and date", "meeting_attendance",
     ["MT1,2024-04-03,strategy,csc,attended", "MT1,2024-04-04,icpc,police,attended"],
     [(3, "meeting_date", "2024-04-04", "inconsistent with its meeting (line 2 has 2024-04-03)"),
      (3, "meeting_type", "icpc", "inconsistent with its meeting (line 2 has strategy)")]),
    ("the first row is rejected: the first valid row sets the meeting", "meeting_attendance",
     ["MT1,2024-04-03,strategy,nobody,attended", "MT1,2024-04-05,icpc,police,attended",
      "MT1,2024-04-03,strategy,csc,attended"],
     [(2, "agency", "nobody", "not in vocabulary (" + ", ".join(
         get_extract("meeting_attendance").column("agency").codes) + ")"),
      (4, "meeting_date", "2024-04-03", "inconsistent with its meeting (line 3 has 2024-04-05)"),
      (4, "meeting_type", "strategy", "inconsistent with its meeting (line 3 has icpc)")]),
    ("meetings are apart", "meeting_attendance",
     ["MT1,2024-04-03,strategy,csc,attended", "MT2,2024-04-04,icpc,csc,no_response"], []),
    ("an agency twice in a meeting", "meeting_attendance",
     ["MT1,2024-04-03,strategy,csc,attended", "MT1,2024-04-03,strategy,CSC,apologies",
      "MT2,2024-04-03,strategy,csc,attended"],
     [(3, "meeting_id+agency", "MT1+CSC", "duplicate meeting_id+agency")]),
    ("an inconsistent row is not also a duplicate", "meeting_attendance",
     ["MT1,2024-04-03,strategy,csc,attended", "MT1,2024-04-04,strategy,csc,attended"],
     [(3, "meeting_date", "2024-04-04", "inconsistent with its meeting (line 2 has 2024-04-03)")]),
    ("unknown attendance", "meeting_attendance", ["MT1,2024-04-03,taf,csc,late"],
     [(2, "attendance", "late", "not in vocabulary (attended, report_only, apologies, no_response)")]),
    # education
    ("one-day spell", "education_status", ["E1,C1,cme,2024-04-03,03/04/2024"], []),
    ("open spell", "education_status", ["E1,C1,EHE,2024-04-03,"], []),
    ("ends before it starts", "education_status", ["E1,C1,cme,2024-04-03,2024-04-02"],
     [(2, "end_date", "2024-04-02", "end_date before start_date")]),
    ("unknown status", "education_status", ["E1,C1,home,2024-04-03,"],
     [(2, "status", "home", "not in vocabulary (cme, ehe)")]),
    ("duplicate spell", "education_status", ["E1,C1,cme,2024-04-03,", "E1,C2,ehe,2024-04-03,"],
     [(3, "record_id", "E1", "duplicate record_id")]),
    ("end date in the future", "education_status", ["E1,C1,cme,2024-04-03,2024-07-02"],
     [(2, "end_date", "2024-07-02", "future date")]),
]


@pytest.mark.parametrize("source, rows, expected", [c[1:] for c in RULE_CASES], ids=[c[0] for c in RULE_CASES])
def test_rules(tmp_path, reader, source, rows, expected):
    accepted, rejects, rows_read = check(tmp_path, source, *rows)
    assert rejects == expected
    assert rows_read == len(rows)
    assert len(accepted) == len(rows) - len({e[0] for e in expected})


def test_new_extracts_store_canonical_values(tmp_path):
    accepted, rejects, _ = check(tmp_path, "training_records",
                                 "0042, E_Learning , Neglect  basics ,,SCHOOLS,03/04/2024 09:30,Yes,5,3,9")
    assert rejects == []
    assert accepted == [{"record_id": "0042", "route": "e_learning", "course": "Neglect  basics", "session_id": None,
                         "organisation_type": "schools", "event_date": date(2024, 4, 3), "completed": "yes",
                         "content_rating": 5, "knowledge_before": 3, "knowledge_after": 9}]
    accepted, rejects, _ = check(tmp_path, "missing_episodes", "M1,007,2024-04-03 22:10,2024-04-04,YES,HELD,06/04/2024")
    assert rejects == []
    assert accepted == [{"episode_id": "M1", "child_id": "007", "missing_date": date(2024, 4, 3),
                         "return_date": date(2024, 4, 4), "in_care": "yes", "rhi_status": "held",
                         "rhi_date": date(2024, 4, 6)}]


# ------------------------------------------------------------ earliest date
@pytest.mark.parametrize("written, earliest, expected", [
    ("0003-04-03", None, [(2, "referral_date", "0003-04-03", "date too early (before 1990-01-01)")]),
    ("31/12/1989", None, [(2, "referral_date", "31/12/1989", "date too early (before 1990-01-01)")]),
    ("1990-01-01", None, []),
    ("01/01/1990 00:00", None, []),
    ("2019-12-31", date(2020, 1, 1), [(2, "referral_date", "2019-12-31", "date too early (before 2020-01-01)")]),
    ("2020-01-01", date(2020, 1, 1), []),
])
def test_dates_before_the_earliest_are_rejected(tmp_path, written, earliest, expected):
    accepted, rejects, _ = check(tmp_path, "csc_referrals", f"R1,C1,{written},,", earliest=earliest)
    assert rejects == expected
    assert len(accepted) == 1 - len(expected)


def test_earliest_date_comes_from_the_configuration(tmp_path, monkeypatch):
    config = tmp_path / "thinktank.toml"
    config.write_text('[load]\nearliest_date = "2000-01-01"\n', encoding="utf-8")
    monkeypatch.setenv("DSCP_CONFIG", str(config))
    _, rejects, _ = check(tmp_path, "csc_referrals", "R1,C1,1999-12-31,,", "R2,C1,2000-01-01,,")
    assert rejects == [(2, "referral_date", "1999-12-31", "date too early (before 2000-01-01)")]


@pytest.mark.parametrize("value", ['"1990"', '"1990-13-01"', "19900101"])
def test_bad_earliest_date_in_configuration_is_one_sentence(tmp_path, value):
    from dscp_metrics.config import load_settings
    from dscp_metrics.errors import ConfigError

    config = tmp_path / "thinktank.toml"
    config.write_text(f"[load]\nearliest_date = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="load.earliest_date must be a date written YYYY-MM-DD"):
        load_settings(config)


def test_toml_date_accepted(tmp_path):
    from dscp_metrics.config import load_settings

    config = tmp_path / "thinktank.toml"
    config.write_text("[load]\nearliest_date = 1995-06-30\n", encoding="utf-8")
    assert load_settings(config).earliest_date == date(1995, 6, 30)


# ------------------------------------------------------- control characters
CONTROL_CASES = [
    ("NUL inside an id", "csc_referrals", "R1,C\x001,2024-04-03,,",
     [(2, "child_id", "C<U+0000>1", "control character (U+0000)")]),
    ("NUL at the end of an id", "csc_referrals", "R1\x00,C1,2024-04-03,,",
     [(2, "referral_id", "R1<U+0000>", "control character (U+0000)")]),
    ("tab inside an id", "csc_referrals", "R\t1,C1,2024-04-03,,",
     [(2, "referral_id", "R\t1", "control character (U+0009)")]),
    ("DEL in an id", "cevt_referrals", "V1,C1\x7f,2024-04-03,criminal,,",
     [(2, "child_id", "C1<U+007F>", "control character (U+007F)")]),
    ("escape in a code", "cevt_referrals", "V1,C1,2024-04-03,crim\x1binal,,",
     [(2, "exploitation_type", "crim<U+001B>inal", "control character (U+001B)")]),
    ("NUL in a code list", "csc_referrals", "R1,C1,2024-04-03,,neglect;\x00",
     [(2, "factors", "neglect;<U+0000>", "control character (U+0000)")]),
    ("NUL in free text", "csc_referrals", "R1,C1,2024-04-03,Pol\x00ice,",
     [(2, "source", "Pol<U+0000>ice", "control character (U+0000)")]),
    ("tab and line break in free text are kept", "csc_referrals", 'R1,C1,2024-04-03,"Police\tteam\nnorth",', []),
    ("bell in a date", "csc_referrals", "R1,C1,2024-04\x07-03,,",
     [(2, "referral_date", "2024-04<U+0007>-03", "not a valid date")]),
    ("trailing tab is trimmed, not a control character", "csc_referrals", "R1\t,C1,2024-04-03,,", []),
]


@pytest.mark.parametrize("source, row, expected", [c[1:] for c in CONTROL_CASES], ids=[c[0] for c in CONTROL_CASES])
def test_control_characters(tmp_path, reader, source, row, expected):
    accepted, rejects, _ = check(tmp_path, source, row)
    assert rejects == expected
    assert len(accepted) == 1 - len({e[0] for e in expected})


def test_a_nul_no_longer_makes_a_different_child(tmp_path):
    accepted, rejects, _ = check(tmp_path, "csc_referrals", "R1,C1,2024-04-03,,", "R2,C1\x00,2024-04-04,,")
    assert {r["child_id"] for r in accepted} == {"C1"}
    assert [r[3] for r in rejects] == ["control character (U+0000)"]


# ---------------------------------------------------------------- delimiter
@pytest.mark.parametrize("delimiter, words", [(";", "';'"), ("\t", "tabs")])
def test_wrong_delimiter_is_named(tmp_path, reader, delimiter, words):
    text = HEADERS["csc_referrals"].replace(",", delimiter) + "\n" + delimiter.join(
        ["R1", "C1", "2024-04-03", "Police", "neglect"]) + "\n"
    with pytest.raises(ExtractError) as caught:
        check(tmp_path, "csc_referrals", text=text)
    assert str(caught.value) == (
        f"csc_referrals.csv uses {words} between values: save it as CSV UTF-8 (comma delimited)")


def test_bom_and_semicolons(tmp_path):
    text = "\ufeffreferral_id;child_id;referral_date\r\nR1;C1;03/04/2024\r\n".encode()
    with pytest.raises(ExtractError, match="uses ';' between values"):
        check(tmp_path, "csc_referrals", text=text)


def test_a_semicolon_inside_values_is_not_a_delimiter(tmp_path):
    with pytest.raises(ExtractError, match=r"missing required column\(s\): referral_date"):
        check(tmp_path, "csc_referrals", text="referral_id,child_id,factors\nR1,C1,neglect;other\n")
