"""The `vagvisare` command line: the only place that reads settings from the environment."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from bot.urgent import DEFAULT_URGENT_FILE
from content.db import downgrade, migrate, open_database
from content.files.repository import DEFAULT_ROOT
from content.files.yaml_io import ContentFileError
from content.loading import export_repository, load_repository
from content.repository.records import ContentError
from content.search.evaluation import (
    DEFAULT_EVAL_FILE,
    UNDECIDED,
    Tally,
    detected_right,
    detection_table,
    evaluate,
    read_questions,
)
from content.search.index import SearchIndex
from content.services import ContentServices
from translations.languages import CODES
from vagvisare.data_commands import data_app
from vagvisare.settings import Settings
from vagvisare.startup import database, search_index

app = typer.Typer(
    help="Vägvisare: sourced, multilingual information for asylum seekers.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # plain tracebacks, never with local variables (they may hold personal data)
)
content_app = typer.Typer(help="Load and export the content repository (YAML files).", no_args_is_help=True)
db_app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)
translations_app = typer.Typer(help="Machine translation packages (Argos Translate).", no_args_is_help=True)
users_app = typer.Typer(help="Admin accounts: add, list, new password, deactivate.", no_args_is_help=True)
app.add_typer(content_app, name="content")
app.add_typer(translations_app, name="translations")
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(data_app, name="data")


def _settings() -> Settings:
    try:
        settings = Settings()
    except ValidationError as error:
        for problem in error.errors():
            name = "VAGVISARE_" + str(problem["loc"][0]).upper() if problem["loc"] else "settings"
            typer.echo(f"Setting {name}: {problem['msg']}", err=True)
        raise typer.Exit(2) from error
    configure_logging(settings.log_level)
    return settings


def configure_logging(level: str) -> None:
    """Log to standard error; libraries that would log tokens or message text are held back even at DEBUG."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
    quiet_libraries(level)


def quiet_libraries(level: str) -> None:
    """Hold back the loggers of libraries that would log tokens, chat ids or message text."""
    # httpx logs every request URL, and Bot API URLs contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # python-telegram-bot logs whole updates, and the database drivers query parameters, at DEBUG: both would
    # put chat ids and message text into the logs.
    at_least_info = max(logging.INFO, logging.getLevelName(level))
    for name in ("telegram", "aiosqlite", "asyncpg"):
        logging.getLogger(name).setLevel(at_least_info)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)  # its INFO is every statement
    if level != "DEBUG":
        logging.getLogger("alembic").setLevel(logging.WARNING)  # one line per migration step is noise


def _fail(error: ContentFileError) -> typer.Exit:
    typer.echo(f"Nothing was loaded: {len(error.problems)} problem(s) in the content files.", err=True)
    for problem in error.problems:
        typer.echo(f"  {problem}", err=True)
    return typer.Exit(1)


@app.command()
def run() -> None:
    """Set up the database, load the starter content if empty, and start the service."""
    from vagvisare.runner import serve

    settings = _settings()
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        runner.run(serve(settings))


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop where it is installed (Linux, macOS): the same asyncio, with a faster event loop underneath."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


@app.command()
def send() -> None:
    """Only send the outbox (announcements, reminders, staff answers); for a dedicated sender process.

    `vagvisare run` sends too. However many processes run, one at a time sends (the others wait to take over).
    """
    from vagvisare.sending import send_outbox

    settings = _settings()
    if settings.telegram_token is None:
        typer.echo("Setting VAGVISARE_TELEGRAM_TOKEN: needed to send messages.", err=True)
        raise typer.Exit(2)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with database(settings) as sessions:
            await send_outbox(settings, sessions, stop)

    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        runner.run(main())


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Upgrade the database schema (default: to the newest revision)."""
    asyncio.run(migrate(_settings().effective_database_url, revision))
    typer.echo(f"Database upgraded to {revision}.")


@db_app.command("downgrade")
def db_downgrade(revision: str) -> None:
    """Downgrade the database schema to REVISION (`base` removes every table)."""
    asyncio.run(downgrade(_settings().effective_database_url, revision))
    typer.echo(f"Database downgraded to {revision}.")


@content_app.command("load")
def content_load(
    directory: Annotated[Path, typer.Option("--dir", help="Content repository directory.")] = DEFAULT_ROOT,
    examples: Annotated[
        bool | None,
        typer.Option(
            "--examples/--no-examples",
            help="Load the made-up example events, demand rows and articles too (default: VAGVISARE_EXAMPLE_CONTENT).",
        ),
    ] = None,
) -> None:
    """Load the content files into the database: all of them, or nothing if any file is invalid."""
    settings = _settings()
    with_examples = settings.example_content if examples is None else examples

    async def go() -> list[str]:
        await migrate(settings.effective_database_url)
        async with open_database(settings.effective_database_url) as sessions:
            return (await load_repository(sessions, root=directory, examples=with_examples)).lines()

    try:
        lines = asyncio.run(go())
    except ContentFileError as error:
        raise _fail(error) from error
    typer.echo("\n".join(lines))


@content_app.command("export")
def content_export(
    directory: Annotated[Path, typer.Option("--dir", help="Where to write the files.")] = DEFAULT_ROOT,
) -> None:
    """Write the database's content back to the repository files."""
    settings = _settings()

    async def go() -> int:
        await migrate(settings.effective_database_url)
        async with open_database(settings.effective_database_url) as sessions:
            return len(await export_repository(sessions, root=directory))

    try:
        written = asyncio.run(go())
    except ContentError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from error
    typer.echo(f"Wrote {written} files to {directory}.")


@content_app.command("check")
def content_check(
    directory: Annotated[Path, typer.Option("--dir", help="Content repository directory.")] = DEFAULT_ROOT,
    allow_missing: Annotated[
        bool,
        typer.Option(
            "--allow-missing",
            help="Report missing or outdated translations as warnings (an export of an editor's work in progress); "
            "the starter content must have every language.",
        ),
    ] = False,
) -> None:
    """Check the content files without loading them, and every published text's translations."""
    from bot.render import markdown_to_html, telegram_html_problem
    from content.files.codes_check import CodeProblem, check_codes
    from content.files.repository import read_bundle
    from content.files.translation_check import TranslationProblem, check_bundle

    try:
        bundle = read_bundle(directory)
    except ContentFileError as error:
        raise _fail(error) from error
    # an editor's new town or occupation may wait for its code, as for a translation
    problems: list[TranslationProblem | CodeProblem] = [
        *check_bundle(bundle, lambda body, rtl: telegram_html_problem(markdown_to_html(body, rtl=rtl))),
        *check_codes(bundle),
    ]
    errors = [problem for problem in problems if not (allow_missing and problem.missing)]
    warnings = [problem for problem in problems if allow_missing and problem.missing]
    for problem in warnings:
        typer.echo(f"  warning: {problem}", err=True)
    if errors:
        typer.echo(f"{len(errors)} problem(s) with translations or official codes:", err=True)
        for problem in errors:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(1)
    typer.echo(
        f"OK: {len(bundle.regions)} regions, {len(bundle.municipalities)} municipalities, "
        f"{len(bundle.articles)} articles, {len(bundle.occupations)} occupations, {len(bundle.events)} events; "
        + (
            f"{len(warnings)} text(s) missing or outdated in some language, or record(s) without an official code "
            "(warnings above)."
            if warnings
            else f"every published text in all {len(CODES)} languages, faithful to its source; every municipality "
            "and occupation with its official code."
        )
    )


@translations_app.command("install")
def translations_install(path: Path) -> None:
    """Install an Argos Translate package from a .argosmodel file (checked before anything is unpacked)."""
    from translations.machine.packages import PackageError, install_package

    settings = _settings()
    try:
        info = install_package(path, settings.effective_argos_dir)
    except PackageError as error:
        typer.echo(f"Not installed: {error}", err=True)
        raise typer.Exit(1) from error
    typer.echo(f"Installed {info.from_code} → {info.to_code} (version {info.version or '?'}) as {info.folder}.")
    if not info.offline:
        typer.echo(
            "Warning: this package has no sentence-splitter model (minisbd/*.onnx); Argos would download one at run "
            "time, so Vägvisare will not use it. Add the model to the package folder to use it offline.",
            err=True,
        )


@translations_app.command("list")
def translations_list() -> None:
    """Show the installed packages and which registry languages machine translation reaches from Swedish."""
    from translations.languages import LANGUAGES, SOURCE_LANGUAGE
    from translations.machine.argos import ArgosProvider

    provider = ArgosProvider(_settings().effective_argos_dir)
    pairs = provider.installed_pairs()
    typer.echo(f"Packages in {provider.packages_dir}:" if pairs else f"No packages in {provider.packages_dir}.")
    for source, target, version, offline in pairs:
        note = "" if offline else "  not used: no minisbd/*.onnx sentence-splitter model (it would go online)"
        typer.echo(f"  {source} → {target}  (version {version}){note}")
    for language in LANGUAGES:
        if language.code == SOURCE_LANGUAGE:
            continue
        reach = "yes" if provider.can_translate(SOURCE_LANGUAGE, language.code) else "no"
        typer.echo(f"  sv → {language.code:<10} {language.english_name:<14} reachable: {reach}")


@app.command()
def translate(
    lang: Annotated[list[str] | None, typer.Option("--lang", help="Only these languages (repeatable).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what would be translated.")] = False,
) -> None:
    """Machine-translate every missing or outdated translation of published articles (reviewed ones stay)."""
    from tqdm import tqdm

    from translations.machine.argos import ArgosProvider
    from translations.machine.fill import fill, plan

    settings = _settings()
    for code in lang or []:
        _check_lang(code)
    provider = ArgosProvider(settings.effective_argos_dir)

    async def go() -> list[str]:
        async with database(settings) as sessions:
            work, summary = await plan(sessions, provider, lang)
            if dry_run:
                return [f"{len(work)} translations to make", *summary.lines()]
            with tqdm(total=len(work), unit="text", desc="Translating") as bar:
                summary = await fill(sessions, provider, lang, progress=bar.update)
            return summary.lines()

    typer.echo("\n".join(asyncio.run(go())))


def _check_lang(lang: str) -> str:
    if lang not in CODES:
        raise typer.BadParameter(f"unknown language {lang!r}; choose one of {', '.join(CODES)}")
    return lang


@app.command()
def ask(
    question: str,
    lang: Annotated[str, typer.Option(help="Language of the question.", callback=_check_lang)] = "sv",
    limit: Annotated[int, typer.Option(min=1, max=20, help="At most this many answers.")] = 5,
) -> None:
    """Print the best answers to QUESTION as JSON (an empty list when nothing fits)."""
    settings = _settings()

    async def go() -> list[dict[str, object]]:
        async with database(settings) as sessions:
            services = ContentServices(sessions=sessions, search=SearchIndex())
            hits = (await services.ask(lang, question, limit)).hits
            return [hit.as_json() for hit in hits]

    typer.echo(json.dumps(asyncio.run(go()), ensure_ascii=False, indent=2))


@app.command("urgent-eval")
def urgent_eval_command(
    file: Annotated[
        Path, typer.Argument(help="Test set of urgent and harmless messages (YAML).")
    ] = DEFAULT_URGENT_FILE,
    show_misses: Annotated[bool, typer.Option("--misses", help="List the messages judged wrongly.")] = False,
) -> None:
    """Print, per language, how many urgent messages the words of danger flag and how many harmless ones."""
    from bot.urgent import is_urgent, urgent_kind
    from bot.urgent_eval import evaluate as evaluate_urgent
    from bot.urgent_eval import read_messages

    try:
        messages = read_messages(file)
    except ContentFileError as error:
        raise _fail(error) from error
    total, per_lang = evaluate_urgent(messages, is_urgent)
    typer.echo(f"{'lang':<10} {'urgent':>7} {'recall':>8} {'harmless':>9} {'false alarms':>13}")
    for lang, tally in [*per_lang.items(), ("total", total)]:
        typer.echo(
            f"{lang:<10} {tally.urgent:>7} {_pct(tally.recall):>8} {tally.harmless:>9} "
            f"{_pct(tally.false_alarm_rate):>13}"
        )
    if show_misses:
        for message in total.misses:
            found = urgent_kind(message.text)
            what = f"missed ({message.kind})" if message.urgent else f"false alarm ({found})"
            typer.echo(f"{message.lang}: {what}: {message.text}")


@app.command("eval")
def eval_command(
    file: Annotated[Path, typer.Argument(help="Evaluation set (YAML).")] = DEFAULT_EVAL_FILE,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable totals.")] = False,
    show_misses: Annotated[bool, typer.Option("--misses", help="List the questions answered wrongly.")] = False,
    detection: Annotated[
        bool, typer.Option("--detection", help="Also print which language each question was detected as.")
    ] = False,
) -> None:
    """Print top-1, top-3 and out-of-scope accuracy per language for an evaluation set."""
    settings = _settings()
    try:
        questions = read_questions(file)
    except ContentFileError as error:
        raise _fail(error) from error

    async def go() -> tuple[SearchIndex, Tally, dict[str, Tally]]:
        async with database(settings) as sessions:
            index = await search_index(sessions)
        return index, *evaluate(questions, index.search)

    index, total, per_lang = asyncio.run(go())
    if as_json:
        payload = {
            "total": total.as_json(),
            "languages": {lang: t.as_json() for lang, t in per_lang.items()},
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    typer.echo(f"{'lang':<10} {'questions':>9} {'top-1':>7} {'top-3':>7} {'out-of-scope acc.':>18} {'precision':>10}")
    for lang, tally in [*per_lang.items(), ("total", total)]:
        row = tally.as_json()
        typer.echo(
            f"{lang:<10} {row['questions']:>9} {_pct(row['top1']):>7} {_pct(row['top3']):>7} "
            f"{_pct(row['out_of_scope_accuracy']):>18} {_pct(row['out_of_scope_precision']):>10}"
        )
    if show_misses:
        for lang, tally in per_lang.items():
            for miss in tally.misses:
                typer.echo(f"{lang}: {json.dumps(miss, ensure_ascii=False)}")
    if detection:
        _print_detection(detection_table(questions, index.detector.detect))


def _print_detection(table: dict[str, Counter[str]]) -> None:
    columns = [code for code in CODES if code != "sv-x-easy"] + [UNDECIDED]
    typer.echo("\nlanguage detection (rows: the question's language; columns: detected as)")
    typer.echo(f"{'lang':<10}" + "".join(f"{code:>6}" for code in columns) + f"{'right':>8}{'wrong':>7}")
    for lang, counts in table.items():
        total = sum(counts.values())
        right = sum(n for code, n in counts.items() if detected_right(lang, code))
        wrong = total - right - counts[UNDECIDED]
        typer.echo(
            f"{lang:<10}"
            + "".join(f"{counts[code]:>6}" for code in columns)
            + f"{_pct(right / total):>8}{_pct(wrong / total):>7}"
        )


def _role(value: str) -> str:
    from content.models import Role

    if value not in {role.value for role in Role}:
        raise typer.BadParameter(f"unknown role {value!r}; choose one of {', '.join(role.value for role in Role)}")
    return value


def _languages(value: str | None) -> str | None:
    codes = [code.strip() for code in (value or "").split(",") if code.strip()]
    unknown = [code for code in codes if code not in CODES]
    if unknown:
        raise typer.BadParameter(f"unknown language {unknown[0]!r}; choose from {', '.join(CODES)}")
    return ",".join(codes) if codes else None


def _accounts(settings: Settings, work: Callable[[Any], Any]) -> Any:
    """Run `work(session)` in one transaction on the migrated database; a `ContentError` exits 1 with its text."""
    from content.repository.records import ContentError

    async def go() -> Any:
        await migrate(settings.effective_database_url)
        async with open_database(settings.effective_database_url) as sessions, sessions() as session, session.begin():
            return await work(session)

    try:
        return asyncio.run(go())
    except ContentError as error:
        typer.echo(f"Error: {error}.", err=True)
        raise typer.Exit(1) from error


@users_app.command("add")
def users_add(
    email: str,
    role: Annotated[str, typer.Option(help="administrator, editor, translator or broadcaster.", callback=_role)],
    languages: Annotated[
        str | None, typer.Option(help="For translators: the languages they may edit, e.g. ar,fa.", callback=_languages)
    ] = None,
) -> None:
    """Create an account and print its random password (shown only this once)."""
    from admin.passwords import hash_password, random_password
    from content.models import Role
    from content.repository.accounts import create_account

    if role == Role.TRANSLATOR and not languages:
        raise typer.BadParameter("a translator needs --languages", param_hint="--languages")
    password = random_password()

    async def add(session: Any) -> str:
        account = await create_account(
            session=session,
            email=email,
            password_hash=hash_password(password),
            role=Role(role),
            languages=languages.split(",") if languages else [],
            actor="cli",
        )
        return account.email

    address = _accounts(_settings(), add)
    typer.echo(f"Created {address} ({role}). Password (shown only this once): {password}")


@users_app.command("list")
def users_list() -> None:
    """List the accounts: e-mail address, role, languages, whether active."""
    from content.repository.accounts import list_accounts

    async def rows(session: Any) -> list[str]:
        return [
            f"{a.email:<40} {a.role:<14} {','.join(a.languages) or '-':<12} {'active' if a.active else 'deactivated'}"
            for a in await list_accounts(session=session)
        ]

    lines = _accounts(_settings(), rows)
    typer.echo("\n".join(lines) if lines else "No accounts yet; `vagvisare run` creates the first administrator.")


def _change(email: str, **change: Any) -> str:
    from content.repository.accounts import find_account, update_account
    from content.repository.records import ContentError

    async def work(session: Any) -> str:
        account = await find_account(session=session, email=email)
        if account is None:
            raise ContentError(f"there is no account for {email}")
        await update_account(session=session, account=account, actor="cli", **change)
        return str(account.email)

    return str(_accounts(_settings(), work))


@users_app.command("password")
def users_password(email: str) -> None:
    """Give an account a new random password (printed once); its open sessions end."""
    from admin.passwords import hash_password, random_password

    password = random_password()
    address = _change(email, password_hash=hash_password(password))
    typer.echo(f"New password for {address} (shown only this once): {password}")


@users_app.command("deactivate")
def users_deactivate(email: str) -> None:
    """Deactivate an account: it can no longer log in, and its open sessions end."""
    typer.echo(f"Deactivated {_change(email, active=False)}.")


def _pct(value: object) -> str:
    return "–" if value is None else f"{float(value) * 100:.1f}%"  # type: ignore[arg-type]


def main() -> None:
    """Entry point of the `vagvisare` command."""
    app(prog_name="vagvisare")


if __name__ == "__main__":
    main()
