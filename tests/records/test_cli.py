"""`wso records ...`: each command end to end, and bad input refused with a clear message, exit 2, no file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.records.letters import docx_text, pdf_text
from wso.cli.main import app
from wso.records.facts import COLUMNS

runner = CliRunner()
LETTER = [
    "records",
    "letter",
    "--agency",
    "Multnomah County Sheriff's Office",
    "--state",
    "OR",
    "--requester-name",
    "Ana Pérez",
    "--requester-email",
    "ana@example.org",
    "--on",
    "2026-11-23",
]


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_sets_in_both_languages() -> None:
    code, out, _ = run("records", "sets", "--json")
    assert code == 0
    sets = json.loads(out)
    assert [s["id"] for s in sets][:2] == ["agreement", "procedures"]
    assert "WSO-48H" in sets[4]["rules"]
    code, out, _ = run("records", "sets", "--lang", "es", "--json")
    assert json.loads(out)[4]["title"] == "El registro de retenciones"
    code, _, err = run("records", "sets", "--lang", "fr")
    assert code == 2 and "unknown language 'fr'" in err


def test_facts_of_one_state_and_of_all() -> None:
    code, out, _ = run("records", "facts", "TX", "--json")
    assert code == 0
    (texas,) = json.loads(out)
    assert texas["citation"] == "Tex. Gov't Code ch. 552" and texas["response_deadline_days"] == 10
    code, out, _ = run("records", "facts", "--json")
    assert len(json.loads(out)) == 51
    code, out, _ = run("records", "facts")
    assert code == 0 and "KY  Kentucky Open Records Act" in out and "residents only" in out


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "pdf"])
def test_a_letter_in_each_format_is_written_whole(tmp_path: Path, fmt: str) -> None:
    folder = tmp_path / "letters"
    folder.mkdir()
    out = folder / f"letter.{fmt}"
    code, _, err = run(*LETTER, "--format", fmt, "--out", str(out))
    assert code == 0, err
    assert f"wrote {out}" in err
    data = out.read_bytes()
    if fmt == "docx":
        text = docx_text(data)
    elif fmt == "pdf":
        text = pdf_text(data)
    else:
        text = data.decode("utf-8")
    assert "ORS 192.311" in text and "Multnomah County Sheriff" in text and "Ana Pérez" in text
    assert [p.name for p in folder.iterdir()] == [out.name]


def test_a_markdown_letter_without_out_goes_to_stdout() -> None:
    code, out, _ = run(*LETTER, "--sets", "hold-log", "--lang", "es")
    assert code == 0
    assert out.startswith("Ana Pérez")
    assert "Solicitud de registros públicos bajo la ley «Oregon Public Records Law»" in out
    assert "El registro de retenciones" in out and "Capacitación" not in out


def test_a_requester_elsewhere_is_warned_on_stderr(tmp_path: Path) -> None:
    args = [a if a != "OR" else "VA" for a in LETTER]
    code, out, err = run(*args, "--requester-address", "1 Main St, Springfield, IL 62701")
    assert code == 0
    assert "warning: The Virginia Freedom of Information Act limits requests to Virginia residents" in err
    assert "Illinois" in err and "delete before sending" in out


BAD_LETTERS = [
    (["--state", "PR"], "no public-records facts for state 'PR'"),
    (["--requester-name", " "], "requester's name is missing"),
    (["--sets", "agreement,payroll"], "unknown record set 'payroll'"),
    (["--on", "2026-02-30"], "--on '2026-02-30' is not a date"),
    (["--format", "odt"], "unknown format 'odt'"),
    (["--lang", "fr"], "unknown language 'fr'"),
    (["--facts", "absent.csv"], "absent.csv: no such file"),
]


@pytest.mark.parametrize(("change", "message"), BAD_LETTERS, ids=[m for _, m in BAD_LETTERS])
def test_a_bad_letter_request_exits_2_with_a_message_and_writes_nothing(
    tmp_path: Path, change: list[str], message: str
) -> None:
    args = list(LETTER)
    option = change[0]
    if option in args:
        index = args.index(option)
        args[index + 1] = change[1]
    else:
        args.extend(change)
    out = tmp_path / "letters" / "letter.pdf"
    out.parent.mkdir()
    code, stdout, err = run(*args, "--format", "pdf" if option != "--format" else change[1], "--out", str(out))
    assert code == 2
    assert message in err and err.startswith("error: ")
    assert list(out.parent.iterdir()) == []
    assert stdout == ""


def test_a_letter_without_a_name_or_state_or_agency_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "letters"
    folder.mkdir()
    base = ["records", "letter", "--format", "md", "--out", str(folder / "x.md")]
    code, _, err = run(*base, "--agency", "X", "--state", "OR")
    assert code == 2 and "requester's name is missing" in err
    code, _, err = run(*base, "--agency", "X", "--requester-name", "A")
    assert code == 2 and "state is missing" in err
    code, _, err = run(*base, "--state", "OR", "--requester-name", "A")
    assert code == 2 and "agency's name is missing" in err
    code, _, err = run(
        "records", "letter", "--agency", "X", "--state", "OR", "--requester-name", "A", "--format", "pdf"
    )
    assert code == 2 and "--out FILE is needed for pdf" in err
    code, _, err = run(*LETTER, "--out", str(folder / "absent" / "x.md"))
    assert code == 2 and "does not exist" in err
    assert list(folder.iterdir()) == []
    code, _, err = run(*LETTER, "--format", "pdf", "--out", str(folder))
    assert code == 2 and f"--out {folder} is a folder; give the letter's file name" in err
    assert list(folder.iterdir()) == []


def test_a_bad_letter_never_replaces_an_existing_file(tmp_path: Path) -> None:
    out = tmp_path / "letter.md"
    out.write_text("my draft", encoding="utf-8")
    code, _, _ = run(*LETTER, "--sets", "payroll", "--out", str(out))
    assert code == 2
    assert out.read_text(encoding="utf-8") == "my draft"


def facts_file(tmp_path: Path) -> Path:
    path = tmp_path / "facts.csv"
    path.write_text(
        ",".join(COLUMNS)
        + "\nPR,Puerto Rico public records (test),P.R. Laws Ann. tit. 3 § 1 (test),10,business,10 business days,"
        "no,Copy cost,court (Court of First Instance),https://example.org/pr,medium\n",
        encoding="utf-8",
    )
    return path


def test_a_users_facts_file_adds_a_state_by_option_or_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = [a if a != "OR" else "PR" for a in LETTER]
    path = facts_file(tmp_path)
    code, out, err = run(*args, "--facts", str(path))
    assert code == 0, err
    assert "P.R. Laws Ann. tit. 3 § 1 (test)" in out
    assert "medium confidence" in err
    code, _, err = run(*args)
    assert code == 2 and "no public-records facts for state 'PR'" in err
    monkeypatch.setenv("WSO_RECORDS_FACTS_FILE", str(path))
    from wso.settings import get_settings

    get_settings.cache_clear()
    code, out, _ = run(*args)
    assert code == 0 and "P.R. Laws Ann. tit. 3 § 1 (test)" in out


def test_a_bad_facts_file_names_its_line_and_field(tmp_path: Path) -> None:
    path = facts_file(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace(",10,business,", ",10,weekly,"), encoding="utf-8")
    code, _, err = run("records", "facts", "--facts", str(path))
    assert code == 2
    assert f"{path}, line 2, field 'deadline_kind': 'weekly' is not business, calendar or none" in err


def new(*extra: str) -> dict[str, object]:
    code, out, err = run(
        "records",
        "new",
        "--agency",
        "Harris County Sheriff's Office",
        "--state",
        "TX",
        "--sent",
        "2026-11-02",
        "--requester-name",
        "Ana Pérez",
        "--requester-email",
        "ana@example.org",
        "--json",
        *extra,
    )
    assert code == 0, err
    result: dict[str, object] = json.loads(out)
    return result


def test_new_prints_the_request_without_the_requester() -> None:
    request = new()
    for key in ("id", "agency", "state", "citation", "sent", "deadline_kind", "deadline_days", "due", "status"):
        assert key in request
    assert (request["due"], request["status"], request["deadline_days"]) == ("2026-11-17", "sent", 10)
    assert request["requester"] is None
    identified = new("--identified")
    assert identified["requester"] == {"name": "Ana Pérez", "email": "ana@example.org", "address": None}


def test_list_keeps_personal_data_out_unless_identified() -> None:
    new()
    code, out, _ = run("records", "list", "--json")
    assert code == 0 and "Ana" not in out and "ana@example.org" not in out
    assert json.loads(out)[0]["requester"] is None
    code, out, _ = run("records", "list", "--json", "--identified")
    assert json.loads(out)[0]["requester"]["name"] == "Ana Pérez"
    code, out, _ = run("records", "list", "--status", "denied", "--json")
    assert json.loads(out) == []
    code, _, err = run("records", "list", "--status", "lost")
    assert code == 2 and "unknown status 'lost'" in err


def test_log_show_and_due() -> None:
    request_id = str(new()["id"])
    code, out, _ = run("records", "due", "--as-of", "2026-11-16", "--json")
    assert code == 0 and json.loads(out) == []
    code, out, _ = run("records", "due", "--as-of", "2026-11-18", "--json")
    (entry,) = json.loads(out)
    assert (entry["id"], entry["when"], entry["overdue"], entry["days_overdue"]) == (
        int(request_id),
        "2026-11-17",
        True,
        1,
    )
    code, out, err = run(
        "records", "log", request_id, "extended", "--on", "2026-11-13", "--due", "2026-11-20", "--json"
    )
    assert code == 0, err
    assert json.loads(out)["due"] == "2026-11-20"
    code, out, _ = run("records", "due", "--as-of", "2026-11-19", "--json")
    assert json.loads(out) == []
    code, out, _ = run("records", "log", request_id, "produced", "--on", "2026-11-19", "--note", "412 pages")
    assert code == 0 and "produced" in out
    code, out, _ = run("records", "show", request_id, "--json")
    shown = json.loads(out)
    assert [(e["event"], e["on"]) for e in shown["events"]] == [
        ("sent", "2026-11-02"),
        ("extended", "2026-11-13"),
        ("produced", "2026-11-19"),
    ]
    assert shown["events"][2]["note"] == "412 pages" and shown["requester"] is None
    code, out, _ = run("records", "show", request_id)
    assert code == 0 and "3. 2026-11-19 produced: 412 pages" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["acknowledged", "--on", "2026-11-12"], "is produced: 'acknowledged' cannot follow it"),
        (["lost"], "unknown event 'lost'"),
        (["appealed", "--on", "2026-12-32"], "--on '2026-12-32' is not a date"),
        (["appealed", "--on", "2026-11-09"], "is before the request's last event"),
        (["appealed", "--due", "2027-01-01"], "only an extension takes a new due date"),
        (["appealed", "--on", "11/20/2026"], "--on '11/20/2026' is not a date"),
        (["extended", "--on", "2026-11-12"], "is produced: 'extended' cannot follow it"),
    ],
)
def test_a_refused_log_exits_2_and_writes_nothing(args: list[str], message: str) -> None:
    request_id = str(new()["id"])
    assert run("records", "log", request_id, "produced", "--on", "2026-11-10")[0] == 0
    before = run("records", "show", request_id, "--json")[1]
    code, out, err = run("records", "log", request_id, *args)
    assert code == 2 and message in err and out == ""
    assert run("records", "show", request_id, "--json")[1] == before


def test_an_unknown_request_id_is_refused() -> None:
    for args in (["log", "41", "produced"], ["show", "41"], ["show", "forty-one"], ["log", "41", "sent"]):
        code, out, err = run("records", *args)
        assert code == 2 and "no public-records request with id" in err and out == ""
    assert json.loads(run("records", "list", "--json")[1]) == []


def test_an_extension_with_a_bad_new_due_date_is_refused_and_writes_nothing() -> None:
    request_id = str(new()["id"])
    before = run("records", "show", request_id, "--json")[1]
    for due, message in [
        ("2026-11-31", "--due '2026-11-31' is not a date"),
        ("2026-11-16", "new due date 2026-11-16 is not later than the current one (2026-11-17)"),
    ]:
        code, out, err = run("records", "log", request_id, "extended", "--on", "2026-11-13", "--due", due)
        assert code == 2 and message in err and out == ""
    code, _, err = run("records", "log", request_id, "extended", "--on", "2026-11-13")
    assert code == 2 and "an extension needs its new due date" in err
    assert run("records", "show", request_id, "--json")[1] == before


def test_due_refuses_a_bad_date() -> None:
    code, out, err = run("records", "due", "--as-of", "2026-02-30", "--json")
    assert code == 2 and "--as-of '2026-02-30' is not a date" in err
    # with --json, stdout holds the refusal alone, as JSON (wso.cli.main.json_errors), and no answer
    assert json.loads(out)["status"] == "refused" and "--as-of '2026-02-30'" in json.loads(out)["message"]


def test_new_refuses_bad_input_and_writes_nothing() -> None:
    cases = [
        (["--state", "PR"], "no public-records facts for state 'PR'"),
        (["--sent", "2026-13-01"], "--sent '2026-13-01' is not a date"),
        (["--sent", "2099-01-01"], "sent date 2099-01-01 is after today"),
        (["--sets", "payroll"], "unknown record set 'payroll'"),
        (["--requester-email", "a@b.org"], "requester's name is missing"),
    ]
    for change, message in cases:
        args = ["records", "new", "--agency", "Harris County Sheriff's Office", "--state", "TX", "--sent", "2026-11-02"]
        if change[0] in args:
            args[args.index(change[0]) + 1] = change[1]
        else:
            args.extend(change)
        code, _, err = run(*args)
        assert code == 2 and message in err, (change, err)
    assert json.loads(run("records", "list", "--json")[1]) == []


def test_an_empty_registry_gets_the_bundled_snapshot_first_with_a_warning() -> None:
    args = ["records", "letter", "--agency", "Burnet County Sheriff's Office", "--state", "TX", "--requester-name", "A"]
    code, out, err = run(*args, "--on", "2026-11-23")
    assert code == 0, err
    assert "warning: the registry held none of ICE's lists: loaded the snapshot bundled with wso" in err
    assert "wso registry fetch" in err
    assert "(as of February 27, 2026) show Burnet County Sheriff's Office as a party" in out
    assert "Warrant Service Officer model (WSO) agreement" in out
    code, out, err = run(*args, "--on", "2026-11-23")
    assert code == 0 and "warning" not in err


def test_a_refused_new_request_does_not_even_load_the_bundled_snapshot() -> None:
    args = ["records", "new", "--agency", "Burnet County Sheriff's Office", "--state", "TX", "--sent", "2099-01-01"]
    code, _, err = run(*args)
    assert code == 2 and "after today" in err
    code, out, _ = run("registry", "timeline", "--json")
    assert code == 0 and json.loads(out) == []


@pytest.mark.parametrize("zone", ["Pacific/Pago_Pago", "Pacific/Kiritimati"])  # UTC-11, UTC+14
def test_an_event_without_a_date_is_dated_the_local_day_never_after_the_utc_day(
    monkeypatch: pytest.MonkeyPatch, zone: str
) -> None:
    import time
    from datetime import UTC, datetime

    def expected() -> str:
        now = datetime.now(UTC)
        return min(now.astimezone().date(), now.date()).isoformat()

    request_id = str(new()["id"])
    with monkeypatch.context() as patch:
        patch.setenv("TZ", zone)
        time.tzset()
        try:
            before = expected()
            code, out, err = run("records", "log", request_id, "acknowledged", "--json")
            after = expected()
        finally:
            patch.undo()
            time.tzset()
    assert code == 0, err
    assert json.loads(out)["events"][-1]["on"] in {before, after}
