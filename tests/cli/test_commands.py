"""The command line, as an operator uses it: exit codes, messages and JSON on standard output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vagvisare.cli import app


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"VAGVISARE_DATA_DIR": str(tmp_path / "data"), "VAGVISARE_LOG_LEVEL": "WARNING"}


def _run(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_ask_prints_ranked_answers_as_json(env: dict[str, str]) -> None:
    code, out, _ = _run(env, "ask", "--lang", "en", "Tell me about Kiruna")
    answers = json.loads(out)
    assert code == 0
    assert answers[0]["slug"] == "kiruna-overview"
    assert set(answers[0]) == {"slug", "kind", "municipality", "title", "score"}
    assert (answers[0]["kind"], answers[0]["municipality"]) == ("municipality", "kiruna")


def test_ask_prints_an_empty_list_when_nothing_fits(env: dict[str, str]) -> None:
    code, out, _ = _run(env, "ask", "--lang", "en", "What will the weather be in Paris tomorrow?")
    assert (code, json.loads(out)) == (0, [])


def test_ask_refuses_an_unknown_language_politely(env: dict[str, str]) -> None:
    code, _, err = _run(env, "ask", "--lang", "xx", "hej")
    assert code == 2
    assert "unknown language 'xx'" in err


def test_content_load_is_idempotent(env: dict[str, str]) -> None:
    first = _run(env, "content", "load")
    second = _run(env, "content", "load")
    assert (first[0], second[0]) == (0, 0)
    assert "25 created" in first[1]
    assert "0 created, 0 updated" in second[1]


def test_content_load_of_an_invalid_repository_names_the_problem_and_exits_1(
    env: dict[str, str], tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    (repo / "articles").mkdir(parents=True)
    (repo / "articles" / "sfi.yaml").write_text("slug: sfi\nkind: faq\nsource: x\ntranslations: {}\n")
    code, _, err = _run(env, "content", "load", "--dir", str(repo))
    assert code == 1
    assert "Nothing was loaded" in err
    assert "articles/sfi.yaml:4: translations" in err


def test_content_export_writes_the_repository(env: dict[str, str], tmp_path: Path) -> None:
    _run(env, "content", "load")
    code, out, _ = _run(env, "content", "export", "--dir", str(tmp_path / "out"))
    assert code == 0
    assert (tmp_path / "out" / "articles" / "sfi.yaml").exists()
    assert "Wrote" in out


def test_content_export_of_an_empty_database_refuses_to_delete_the_files(env: dict[str, str], tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "articles").mkdir(parents=True)
    (repo / "articles" / "sfi.yaml").write_text("slug: sfi\n")
    code, _, err = _run(env, "content", "export", "--dir", str(repo))
    assert code == 1
    assert "would delete the 1 article files" in err
    assert (repo / "articles" / "sfi.yaml").read_text() == "slug: sfi\n"


def test_eval_prints_json_totals_for_any_file(env: dict[str, str], tmp_path: Path) -> None:
    questions = tmp_path / "questions.yaml"
    questions.write_text(
        "- lang: en\n  question: Tell me about Kiruna\n  expect: [municipality:kiruna]\n"
        "- lang: sv\n  question: recept på kanelbullar\n  expect: []\n"
    )
    code, out, _ = _run(env, "eval", str(questions), "--json")
    result = json.loads(out)
    assert code == 0
    assert result["total"] == {
        "questions": 2,
        "top1": 1.0,
        "top3": 1.0,
        "out_of_scope_accuracy": 1.0,
        "out_of_scope_precision": 1.0,
    }
    assert set(result["languages"]) == {"sv", "en"}


def test_eval_reports_a_bad_question_file_with_its_line(env: dict[str, str], tmp_path: Path) -> None:
    questions = tmp_path / "questions.yaml"
    questions.write_text("- lang: en\n  question: ok\n- lang: klingon\n  question: nuq\n")
    code, _, err = _run(env, "eval", str(questions))
    assert code == 1
    assert "questions.yaml:3: 1.lang" in err


def test_an_invalid_setting_is_named(env: dict[str, str]) -> None:
    code, _, err = _run(env | {"VAGVISARE_ADMIN_PORT": "eighty"}, "ask", "hej")
    assert code == 2
    assert "VAGVISARE_ADMIN_PORT" in err


def test_content_load_leaves_the_examples_out_unless_asked(env: dict[str, str]) -> None:
    code, out, _ = _run(env, "content", "load")
    assert code == 0
    assert "event:" not in out  # every starter event is a made-up example
    _, with_examples, _ = _run(env | {"VAGVISARE_EXAMPLE_CONTENT": "true"}, "content", "load")
    assert "event: 5 created" in with_examples
    _, out, _ = _run(env | {"VAGVISARE_EXAMPLE_CONTENT": "true"}, "content", "load", "--no-examples")
    assert "event:" not in out  # the flag wins over the setting


def test_content_check_passes_the_starter_content_and_names_each_translation_problem(
    env: dict[str, str], tmp_path: Path
) -> None:
    code, out, _ = _run(env, "content", "check")
    assert code == 0, out
    assert "every published text in all 9 languages" in out
    repo = tmp_path / "repo"
    (repo / "articles").mkdir(parents=True)
    (repo / "articles" / "ny.yaml").write_text(
        "slug: ny\nkind: faq\nstatus: published\nsource: x\ntranslations:\n"
        "  sv: {status: source, title: Ny, body: 'Ring 112.'}\n"
        "  en: {status: reviewed, source_version: 1, title: New, body: 'Call 113.'}\n"
    )
    code, _, err = _run(env, "content", "check", "--dir", str(repo))
    assert code == 1
    assert "articles/ny.yaml: en: phone numbers missing: 112" in err
    assert "articles/ny.yaml: ar: no translation" in err
    code, out, err = _run(env, "content", "check", "--dir", str(repo), "--allow-missing")
    assert code == 1  # a changed phone number is never only a warning
    assert "warning: articles/ny.yaml: ar: no translation" in err


def test_content_check_proves_every_municipality_and_occupation_has_its_official_code(
    env: dict[str, str], tmp_path: Path
) -> None:
    code, out, _ = _run(env, "content", "check")
    assert "every municipality and occupation with its official code" in out
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "regions.yaml").write_text("- slug: norr\n  name: {sv: Norr}\n")
    (repo / "municipalities.yaml").write_text(
        "- {slug: umea, name: Umeå, region: norr, county: Västerbottens län, code: '2480'}\n"
        "- {slug: kopia, name: Kopia, region: norr, county: Västerbottens län, code: '2480'}\n"
        "- {slug: kiruna, name: Kiruna, region: norr, county: Norrbottens län, code: '2480'}\n"
        "- {slug: ny, name: Ny, region: norr, county: Norrbottens län}\n"
    )
    (repo / "occupations.yaml").write_text("- slug: kock\n  name: {sv: Kock}\n")
    code, _, err = _run(env, "content", "check", "--dir", str(repo))
    assert code == 1
    assert "municipality kopia: code 2480 is also umea's" in err
    assert "municipality kiruna: code 2480 is not in Norrbottens län (25)" in err
    assert "municipality ny: no official municipality code (code)" in err
    assert "occupation kock: no SSYK 2012 occupation group (ssyk)" in err
    (repo / "occupations.yaml").write_text("- slug: kock\n  name: {sv: Kock}\n  ssyk: '512'\n")
    code, _, err = _run(env, "content", "check", "--dir", str(repo))
    assert code == 1  # not four digits: the file itself is refused
    assert "occupations.yaml" in err
    (repo / "occupations.yaml").write_text("- slug: kock\n  name: {sv: Kock}\n")
    code, _, err = _run(env, "content", "check", "--dir", str(repo), "--allow-missing")
    assert code == 1  # a code that cannot be right is never only a warning
    assert "warning: municipality ny: no official municipality code (code)" in err
    assert "warning: occupation kock: no SSYK" in err
    assert "municipality kopia: code 2480 is also umea's" in err
    (repo / "municipalities.yaml").write_text(
        "- {slug: ny, name: Ny, region: norr, county: Norrbottens län}\n"
        "- {slug: utan, name: Utan, region: norr, code: '2599'}\n"
    )
    code, _, err = _run(env, "content", "check", "--dir", str(repo), "--allow-missing")
    assert code == 0  # an editor's new town or occupation may wait for its code, and its county
    assert "warning: municipality utan: no county to check its code against" in err


def test_urgent_eval_prints_recall_and_false_alarms_per_language(env: dict[str, str], tmp_path: Path) -> None:
    messages = tmp_path / "urgent.yaml"
    messages.write_text(
        '- {lang: en, urgent: true, kind: violence, text: "my husband hits me"}\n'
        '- {lang: en, urgent: false, kind: harmless, text: "I beat my record today"}\n'
    )
    code, out, _ = _run(env, "urgent-eval", str(messages), "--misses")
    assert code == 0
    assert out.splitlines()[1].split() == ["en", "1", "100.0%", "1", "0.0%"]


def test_urgent_eval_names_a_bad_entry(env: dict[str, str], tmp_path: Path) -> None:
    messages = tmp_path / "urgent.yaml"
    messages.write_text('- {lang: en, urgent: true, kind: sadness, text: "x"}\n')
    code, _, err = _run(env, "urgent-eval", str(messages))
    assert code == 1
    assert "unknown kind 'sadness'" in err
