"""The ``alumni-graph`` command: a thin layer over the Python API.

Exit codes (the README lists them too): 0 done; 1 refused or failed (a file
not loaded, an unknown user or employer, a store failure, a busy port);
2 usage or configuration error; 3 loaded, but invalid rows were skipped
(``load --skip-invalid``); 130 interrupted.

The only module of ``graph_service`` that imports ``loaders``, ``queries`` and
``web`` (lazily, so ``init-schema`` works without the web stack).
"""
from __future__ import annotations

import ipaddress
import json
import logging
import sys
from pathlib import Path

import click

from alumni_graph.graph_service.config import Config
from alumni_graph.graph_service.errors import AlumniGraphError
from alumni_graph.graph_service.factory import open_store

log = logging.getLogger("alumni_graph")


def _config(ctx: click.Context) -> Config:
    return ctx.obj["config"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--backend", type=click.Choice(["embedded", "neo4j"]), default=None,
              help="Overrides ALUMNI_GRAPH_BACKEND.")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Overrides ALUMNI_GRAPH_DATA_DIR.")
@click.pass_context
def cli(ctx: click.Context, backend: str | None, data_dir: Path | None) -> None:
    """alumni-graph: jejaring alumni dan DU/DI untuk SMK (BKK dan Humas)."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # The driver's own debug/info output can echo query parameters (personal data).
    logging.getLogger("neo4j").setLevel(logging.WARNING)
    overrides = {k: v for k, v in {"backend": backend, "data_dir": data_dir}.items() if v}
    ctx.obj = {"config": Config.from_env(**overrides)}
    # Personal data: everything written is 0600 (directories 0700) whatever the
    # umask, and a data directory readable by others gets a warning with the fix.
    from alumni_graph.security.private import check_private, private_umask

    private_umask()
    check_private(ctx.obj["config"].data_dir)


@cli.command("init-schema")
@click.pass_context
def init_schema(ctx: click.Context) -> None:
    """Create the uniqueness constraints and indexes derived from the schema."""
    with open_store(_config(ctx)) as store:
        names = store.init_schema()
    click.echo(f"{store.backend}: constraints present: {', '.join(names)}")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Load valid rows; write rejected rows to a CSV.")
@click.option("--dry-run", is_flag=True, help="Validate and count without writing.")
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--kind", type=click.Choice(["sekolah", "program", "dudi", "siswa", "prakerin", "pekerjaan",
                                           "kemitraan", "kunjungan"]), default=None,
              help="The kind of every file given (overrides the file name and the header).")
@click.pass_context
def load(ctx, paths, skip_invalid, dry_run, batch_size, as_json, kind) -> None:
    """Load school spreadsheets (files or folders) into the store."""
    from alumni_graph.loaders import load_paths

    config = _config(ctx)
    if batch_size:
        config = config.with_(batch_size=batch_size)
    with open_store(config) as store:
        report = load_paths(store, list(paths), skip_invalid=skip_invalid, dry_run=dry_run,
                            progress=not as_json and sys.stderr.isatty(), kind=kind,
                            data_dir=config.data_dir)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(report.render())
    ctx.exit(_load_exit_code(report))


#: Exit codes (documented in the README).
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_PARTIAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def _load_exit_code(report) -> int:
    """0 all loaded; 1 a file refused/failed or nothing to load; 3 loaded with rows skipped."""
    if not report.ok or not any(f.kind for f in report.files):
        return EXIT_FAILED
    if any(f.status == "partial" for f in report.files):
        return EXIT_PARTIAL
    return EXIT_OK


@cli.command()
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A query parameter; repeat for several.")
@click.option("--format", "fmt", type=click.Choice(["json", "table", "csv"]), default="table")
@click.pass_context
def query(ctx, name, params, fmt) -> None:
    """Run a named query (see `alumni-graph queries`)."""
    from alumni_graph.queries import format_result, run_query

    parsed = {}
    for item in params:
        if "=" not in item:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--param")
        key, value = item.split("=", 1)
        parsed[key.strip()] = value
    with open_store(_config(ctx)) as store:
        result = run_query(store, name, parsed)
    click.echo(format_result(result, fmt))


@cli.command("queries")
def list_queries() -> None:
    """List the registered queries and their parameters."""
    from alumni_graph.queries import REGISTRY

    for q in REGISTRY.values():
        params = ", ".join(p.name + ("" if p.required else "?") for p in q.params)
        click.echo(f"{q.name}({params}): {q.title_id} / {q.title_en}")


@cli.command("merge-employers")
@click.argument("keep")
@click.argument("drop")
@click.pass_context
def merge_employers(ctx, keep, drop) -> None:
    """Move every relationship of employer DROP onto employer KEEP, then delete DROP."""
    from alumni_graph.loaders.employers import normalize_code

    if normalize_code(keep) == normalize_code(drop):
        raise click.UsageError("KEEP and DROP are the same employer; give two different codes")
    with open_store(_config(ctx)) as store:
        moved = store.merge_nodes("Employer", (keep,), (drop,), source="merge-employers")
    click.echo(f"merged {drop} into {keep}: {moved} relationships moved")


@cli.group()
def employers() -> None:
    """DU/DI perlu dicek: uncertain employer matches for staff to decide."""


@employers.command("review")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@click.pass_context
def employers_review(ctx, as_json) -> None:
    """List the open review items: typed name, candidate, score, reason, rows."""
    from alumni_graph.loaders.employers import review_items

    with open_store(_config(ctx)) as store:
        items = review_items(store)
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    if not items:
        click.echo("Tidak ada DU/DI yang perlu dicek. / Nothing to review.")
        return
    for i in items:
        c = i["candidate"]
        click.echo(f"{i['code']}: {i['name']}{', ' + i['city'] if i['city'] else ''}  ~  "
                   f"{c['code']}: {c['name'] or '?'}{', ' + c['city'] if c.get('city') else ''}"
                   f"{' (terverifikasi)' if c['verified'] else ''}  skor {i['score']}  [{i['reason_text']}]")
        if i["rows"]:
            click.echo(f"    {'; '.join(i['rows'][:5])}{' ...' if len(i['rows']) > 5 else ''}")
    click.echo("\nPutuskan / decide: alumni-graph employers decide CODE same|different")


@employers.command("decide")
@click.argument("code")
@click.argument("decision", type=click.Choice(["same", "different", "sama", "beda"]))
@click.pass_context
def employers_decide(ctx, code, decision) -> None:
    """Same: merge CODE into its candidate and keep its name as an alias. Different: keep it apart."""
    from alumni_graph.loaders.employers import decide_review

    with open_store(_config(ctx)) as store:
        result = decide_review(store, code, decision in ("same", "sama"), source="cli:employers-decide")
    _audit(ctx, "employer_review", target=result["code"],
           detail={"candidate": result["candidate"], "decision": result["decision"]})
    if result["decision"] == "same":
        click.echo(f"{result['code']} merged into {result['candidate']} ({result['moved']} relationships moved); "
                   "its name is kept as an alias")
    else:
        click.echo(f"{result['code']} kept apart from {result['candidate']}")


@employers.command("alias")
@click.argument("code")
@click.argument("alias")
@click.option("--remove", is_flag=True, help="Forget ALIAS instead of recording it.")
@click.pass_context
def employers_alias(ctx, code, alias, remove) -> None:
    """Record ALIAS (a name, or "name | city") as another name of employer CODE
    (refused when it already names another employer); --remove forgets it."""
    from alumni_graph.loaders.employers import add_alias, remove_alias

    with open_store(_config(ctx)) as store:
        if remove:
            aliases = remove_alias(store, code, alias, source="cli:employers-alias")
        else:
            aliases = add_alias(store, code, alias, source="cli:employers-alias")
    _audit(ctx, "employer_alias_remove" if remove else "employer_alias", target=code.upper())
    click.echo(f"aliases of {code.upper()}: {', '.join(aliases)}")


@cli.command("export-admin-import")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Write into a non-empty directory (files are replaced).")
@click.option("--database", default="neo4j", show_default=True,
              help="The database name shown in the printed import command.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def export_admin_import_cmd(ctx, out_dir, force, database, as_json) -> None:
    """Write the graph as CSV files for `neo4j-admin database import full`
    (a province's first load into an empty Neo4j; see docs/scaling.md)."""
    from alumni_graph.graph_service.admin_import import export_admin_import

    with open_store(_config(ctx)) as store:
        report = export_admin_import(store, out_dir, overwrite=force)
    if as_json:
        click.echo(json.dumps(report.as_dict() | {"command": report.command(database)}, indent=2))
    else:
        click.echo(report.render(database))


@cli.command("export")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Write into a non-empty folder (files are replaced).")
@click.pass_context
def export_cmd(ctx, out_dir, force) -> None:
    """Write the graph as the loader's own files (sekolah.csv ... kunjungan.csv):
    loading them into an empty store gives the same graph. Cells are written
    unchanged (also ones starting with =): open them in a spreadsheet as Text."""
    from alumni_graph.graph_service.export_files import export_files

    with open_store(_config(ctx)) as store:
        report = export_files(store, out_dir, force=force)
    _audit(ctx, "export_files", detail={"rows": sum(report.rows.values())})
    click.echo(report.render())


@cli.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@click.pass_context
def backup_cmd(ctx, file, force) -> None:
    """Write one archive of everything (graph, users, tokens, audit log, keys,
    other SQLite state) while the server runs. It holds personal data: keep it safe."""
    from alumni_graph.graph_service.backup import backup

    config = _config(ctx)
    # Recorded first, so the archive holds the audit log (and its key) with this entry.
    _audit(ctx, "backup", target=Path(file).name)
    with open_store(config) as store:
        report = backup(store, config.data_dir, file, force=force)
    click.echo(report.render())


@cli.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="Replace a non-empty store and data directory (everything in them is lost).")
@click.pass_context
def restore_cmd(ctx, file, force) -> None:
    """Restore an archive of `alumni-graph backup` into an empty store of
    either backend (how a school moves from the embedded store to Neo4j)."""
    from alumni_graph.graph_service.backup import restore

    config = _config(ctx)
    with open_store(config) as store:
        report = restore(store, config.data_dir, file, force=force)
    _audit(ctx, "restore", detail={"created": report.manifest["created"], "force": force})
    click.echo(report.render())


@cli.command()
@click.pass_context
def stats(ctx) -> None:
    """Count nodes and relationships per label and type."""
    from alumni_graph.graph_service.schema import NODE_TYPES, REL_TYPES

    with open_store(_config(ctx)) as store:
        for label in NODE_TYPES:
            click.echo(f"{label:15} {store.count_nodes(label):>9}")
        for t in REL_TYPES:
            click.echo(f"{t:15} {store.count_relationships(t):>9}")


# -- users and API tokens ------------------------------------------------------------

def _accounts(ctx):
    from alumni_graph.security.accounts import Accounts

    return Accounts(_config(ctx).data_dir)


def _audit(ctx, action: str, *, nisn: str | None = None, target: str | None = None,
           detail=None) -> None:
    import getpass

    from alumni_graph.security.audit import AuditLog

    try:
        who = getpass.getuser()
    except Exception:  # no login name in a container
        who = "?"
    AuditLog(_config(ctx).data_dir).record(f"cli:{who}", "admin", action, nisn=nisn, target=target,
                                           detail=detail)


def _existing_user(ctx, name: str) -> None:
    if _accounts(ctx).get_user(name) is None:
        raise click.ClickException(f"no such user: {name.lower()}")


@cli.group()
def user() -> None:
    """Staff accounts (users.sqlite3 in the data directory): roles admin, bkk, humas, viewer."""


@user.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["admin", "bkk", "humas", "viewer"]))
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@click.pass_context
def user_add(ctx, name, role, password_stdin) -> None:
    """Create a user; the password is asked twice (or read with --password-stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password / kata sandi", hide_input=True, confirmation_prompt=True)
    created = _accounts(ctx).add_user(name, role, password)
    _audit(ctx, "user_add", target=created["name"], detail={"role": role})
    click.echo(f"user {created['name']} ({role}) created")


@user.command("list")
@click.pass_context
def user_list(ctx) -> None:
    """The users, their roles and how many live API tokens each has."""
    for u in _accounts(ctx).list_users():
        state = "disabled" if u["disabled"] else "active"
        click.echo(f"{u['name']:24} {u['role']:8} {state:9} tokens={u['tokens']} since {u['created_at']}")


@user.command("disable")
@click.argument("name")
@click.pass_context
def user_disable(ctx, name) -> None:
    """Disable a user: their sessions end and their tokens are revoked at once."""
    _accounts(ctx).set_disabled(name, True)
    _audit(ctx, "user_disable", target=name.lower())
    click.echo(f"user {name.lower()} disabled (sessions ended, tokens revoked)")


@user.command("enable")
@click.argument("name")
@click.pass_context
def user_enable(ctx, name) -> None:
    """Enable a disabled user again (tokens stay revoked)."""
    _accounts(ctx).set_disabled(name, False)
    _audit(ctx, "user_enable", target=name.lower())
    click.echo(f"user {name.lower()} enabled")


@user.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True)
@click.pass_context
def user_password(ctx, name, password_stdin) -> None:
    """Set a new password (ends the user's sessions)."""
    _existing_user(ctx, name)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password / kata sandi baru", hide_input=True, confirmation_prompt=True)
    _accounts(ctx).set_password(name, password)
    _audit(ctx, "user_password", target=name.lower())
    click.echo(f"password of {name.lower()} changed; their sessions ended")


@user.command("token")
@click.argument("name")
@click.option("--label", default="", help="What the token is for (shown in `user tokens`).")
@click.pass_context
def user_token(ctx, name, label) -> None:
    """Create an API token for NAME (printed once: only its hash is kept)."""
    token_id, token = _accounts(ctx).create_token(name, label)
    _audit(ctx, "token_create", target=name.lower(), detail={"token_id": token_id})
    click.echo(f"token {token_id} for {name.lower()} (shown once; send it as 'Authorization: Bearer ...'):")
    click.echo(token)


@user.command("tokens")
@click.argument("name", required=False)
@click.pass_context
def user_tokens(ctx, name) -> None:
    """List API tokens (ids, labels, dates; never the tokens)."""
    if name:
        _existing_user(ctx, name)
    for t in _accounts(ctx).list_tokens(name):
        state = f"revoked {t['revoked_at']}" if t["revoked_at"] else "live"
        click.echo(f"{t['id']:>5} {t['user']:20} {state:32} used {t['last_used'] or '-'}  {t['label']}")


@user.command("revoke-token")
@click.argument("token_id", type=int, required=False)
@click.option("--all", "all_of", metavar="NAME", help="Revoke every token of this user.")
@click.pass_context
def user_revoke_token(ctx, token_id, all_of) -> None:
    """Revoke one token by its id (see `user tokens`), or every token of a user."""
    accounts = _accounts(ctx)
    if all_of:
        n = accounts.revoke_tokens_of(all_of)
        _audit(ctx, "token_revoke", target=all_of.lower(), detail={"count": n})
        click.echo(f"{n} tokens of {all_of.lower()} revoked")
        return
    if token_id is None:
        raise click.UsageError("give a TOKEN_ID or --all NAME")
    if not accounts.revoke_token(token_id):
        raise click.ClickException(f"no live token {token_id}")
    _audit(ctx, "token_revoke", target=str(token_id))
    click.echo(f"token {token_id} revoked")


# -- subject requests (UU PDP) ------------------------------------------------------

@cli.group()
def subject() -> None:
    """Data-subject requests: export, correct or delete everything about one NISN."""


@subject.command("export")
@click.argument("nisn")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the JSON here (mode 0600) instead of stdout.")
@click.pass_context
def subject_export_cmd(ctx, nisn, out) -> None:
    """Everything held about NISN as JSON: properties, relationships, audit entries, files."""
    import os

    from alumni_graph.security.audit import AuditLog
    from alumni_graph.security.subject import _person, check_nisn, export_subject

    config = _config(ctx)
    nisn = check_nisn(nisn)
    with open_store(config) as store:
        _person(store, nisn)
        _audit(ctx, "subject_export", nisn=nisn)
        data = export_subject(store, nisn, audit=AuditLog(config.data_dir), data_dir=config.data_dir)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if out is None:
        click.echo(text)
        return
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    click.echo(f"written to {out}")


@subject.command("correct")
@click.argument("nisn")
@click.argument("field")
@click.argument("value")
@click.pass_context
def subject_correct_cmd(ctx, nisn, field, value) -> None:
    """Correct one FIELD of a person (an empty VALUE removes it)."""
    from alumni_graph.security.subject import correct_subject

    with open_store(_config(ctx)) as store:
        result = correct_subject(store, nisn, field, value)
    _audit(ctx, "subject_correct", nisn=result["nisn"], detail={"field": field})
    click.echo(f"{field}: {'changed' if result['changed'] else 'unchanged'}")


@subject.command("delete")
@click.argument("nisn")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def subject_delete_cmd(ctx, nisn, yes) -> None:
    """Delete a person from the store and from every file of the data directory."""
    from alumni_graph.security.subject import _person, check_nisn, delete_subject

    config = _config(ctx)
    nisn = check_nisn(nisn)
    with open_store(config) as store:
        _person(store, nisn)
        if not yes:
            click.confirm(f"Delete {nisn} everywhere (store and data directory)? This cannot be undone",
                          abort=True)
        report = delete_subject(store, nisn, data_dir=config.data_dir)
    _audit(ctx, "subject_delete", nisn=nisn, detail={"files_rewritten": len(report["files_rewritten"]),
                                                     "files_removed": len(report["files_removed"])})
    click.echo(json.dumps(report, indent=2))


def _serve(config: Config, host: str, port: int, debug: bool, banner: list[str] | None = None,
           workers: int | None = None, threads: int | None = None) -> None:
    from alumni_graph.web import create_app

    if not ipaddress.ip_address(_resolve(host)).is_loopback:
        click.echo(
            f"WARNING: serving on {host}: everyone on the network can reach this app and "
            "the personal data in it. Only do this on a trusted school LAN.",
            err=True,
        )
    app = create_app(config=config)
    if not app.extensions["alumni_graph_accounts"].count_users():
        click.echo("No users yet: create the first with `alumni-graph user add NAME --role admin`.",
                   err=True)
    if banner:
        click.echo("")
        for line in banner:
            click.echo(line)
        click.echo("(Ctrl+C: berhenti / stop)")
    else:
        click.echo(f"alumni-graph ({config.backend}) on http://{host}:{port}/")
    if debug:
        try:
            app.run(host=host, port=port, debug=True, use_reloader=False)
        except OSError as exc:
            raise click.ClickException(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None
        return
    from alumni_graph import server

    workers = workers or app.config["WORKERS"]
    threads = threads or app.config["THREADS"]
    try:
        server.serve(config, host, port, workers=workers, threads=threads, app=app)
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}); is another server running? "
            "Choose another port with --port") from None


def _resolve(host: str) -> str:
    if host == "localhost":
        return "127.0.0.1"
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        import socket

        return socket.gethostbyname(host)


_host = click.option("--host", default="127.0.0.1", show_default=True)
_port = click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))


@cli.command()
@_host
@_port
@click.option("--debug", is_flag=True, help="Flask's development server with the debugger.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Server processes (default ALUMNI_GRAPH_WORKERS: 1).")
@click.option("--threads", type=click.IntRange(1, 64), default=None,
              help="Threads per process (default ALUMNI_GRAPH_THREADS: 8).")
@click.pass_context
def serve(ctx, host, port, debug, workers, threads) -> None:
    """Serve the web app (production server unless --debug: waitress; gunicorn with --workers 2+)."""
    _serve(_config(ctx), host, port, debug, workers=workers, threads=threads)


@cli.command()
@_host
@_port
@click.option("--seed", default=2026, show_default=True)
@click.option("--schools", default=1, show_default=True, type=click.IntRange(1, 1000))
@click.option("--no-serve", is_flag=True, help="Generate and load, then exit.")
@click.pass_context
def demo(ctx, host, port, seed, schools, no_serve) -> None:
    """Generate the synthetic demo school, load it, and serve the web app."""
    from alumni_graph.loaders import load_paths
    from alumni_graph.demo import generate_demo

    config = _config(ctx)
    out = config.data_dir / "demo-input"
    files = generate_demo(out, seed=seed, schools=schools)
    # Quiet: one line per step; the full load report only when something failed.
    loaders_log = logging.getLogger("alumni_graph.loaders")
    level = loaders_log.level
    loaders_log.setLevel(logging.WARNING)
    try:
        with open_store(config) as store:
            store.init_schema()
            report = load_paths(store, list(files.values()), progress=False)
    finally:
        loaders_log.setLevel(level)
    if not report.ok:
        click.echo(report.render())
        ctx.exit(EXIT_FAILED)
    counts = report.as_dict().get("kinds") or {}
    made = ", ".join(f"{v.get('created', 0) + v.get('updated', 0)} {k}" for k, v in counts.items())
    click.echo(f"Data demo dimuat / demo data loaded ({out}): {made}")
    password = _demo_admin(config)
    lines = [f"Buka / open:  http://{host}:{port}/"]
    if password:
        lines.append(f"Masuk / log in:  admin   kata sandi / password:  {password}")
        lines.append("(sekali pakai: ganti saat masuk pertama / one-time: change it at first login)")
    else:
        lines.append("Masuk dengan akun yang sudah ada / log in with your existing account.")
    if no_serve:
        click.echo("")
        for line in lines[1:]:
            click.echo(line)
        return
    _serve(config, host, port, debug=False, banner=lines)


def _demo_admin(config: Config) -> str | None:
    """First run: an admin with a random one-time password (no default
    password anywhere), returned to be printed once; it must be changed at the
    first login. None when a user exists already."""
    import secrets

    from alumni_graph.security.accounts import Accounts

    accounts = Accounts(config.data_dir)
    if accounts.count_users():
        return None
    password = secrets.token_urlsafe(12)
    accounts.add_user("admin", "admin", password, must_change=True)  # changed at first login
    return password


# -- tracer rounds -----------------------------------------------------------------------------

@cli.group()
def tracer() -> None:
    """Tracer rounds: personal form links for alumni (tracer.sqlite3 in the data directory)."""


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` with mode 0600 (personal data: links are keys)."""
    import os

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _tracer_base_url(base_url: str | None, config: Config) -> str:
    """``--base-url``, else the web app's ``PUBLIC_URL`` setting (one configuration
    path: ``Config.web`` checked by ``web.settings``)."""
    from alumni_graph.web import settings

    base = (base_url or settings.value(config.web, "PUBLIC_URL") or "").strip()
    if not base.startswith(("http://", "https://")):
        raise click.UsageError(
            "the links need the address alumni open the app at: set ALUMNI_GRAPH_PUBLIC_URL "
            "(e.g. https://bkk.smkn1contoh.sch.id) or pass --base-url")
    return base.rstrip("/")


@tracer.command("start")
@click.option("--graduation-year", "years", type=click.IntRange(1950, 2100), multiple=True, required=True,
              help="A cohort (repeat for several).")
@click.option("--program", "programs", multiple=True, help="A programme code (repeat; default: all).")
@click.option("--school", "npsn", default=None, help="Only this school (NPSN).")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Last day the links work (YYYY-MM-DD; default: 30 days).")
@click.option("--name", default=None, help="The round's name.")
@click.option("--base-url", default=None, help="Overrides ALUMNI_GRAPH_PUBLIC_URL.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="CSV to write: nisn, nama, link, whatsapp (mode 0600).")
@click.pass_context
def tracer_start(ctx, years, programs, npsn, until, name, base_url, out) -> None:
    """Start a tracer round and write one CSV row per alumnus with their personal link."""
    from alumni_graph.loaders.tracer import Tracer
    from alumni_graph.web.tracer import before_indicators, link_rows, links_csv

    config = _config(ctx)
    base = _tracer_base_url(base_url, config)
    tr = Tracer(config.data_dir)
    with open_store(config) as store:
        programs_up = [p.strip().upper() for p in programs if p.strip()]
        before = before_indicators(store, npsn, list(years), programs_up)
        rnd = tr.start_round(store, years=list(years), programs=programs_up, npsn=npsn,
                             until=until.date().isoformat() if until else None,
                             name=name, created_by="cli", before=before)
        rows = link_rows(store, tr, rnd["id"], base, qr=False)
    _write_private(out, links_csv(rows))
    tr.mark_sent([r["link_id"] for r in rows])
    _audit(ctx, "tracer_round_start", target=f"round:{rnd['id']}",
           detail={"years": rnd["years"], "programs": rnd["programs"], "links": len(rows)})
    click.echo(f"round {rnd['id']} ({rnd['name']}): {len(rows)} links, open until {rnd['closes']}; "
               f"written to {out}")


@tracer.command("links")
@click.argument("round_id", type=int)
@click.option("--base-url", default=None, help="Overrides ALUMNI_GRAPH_PUBLIC_URL.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.pass_context
def tracer_links(ctx, round_id, base_url, out) -> None:
    """Write a round's live links again (nisn, nama, link, whatsapp; mode 0600)."""
    from alumni_graph.loaders.tracer import Tracer
    from alumni_graph.web.tracer import link_rows, links_csv

    config = _config(ctx)
    base = _tracer_base_url(base_url, config)
    tr = Tracer(config.data_dir)
    tr.get_round(round_id)
    with open_store(config) as store:
        rows = link_rows(store, tr, round_id, base, qr=False)
    _write_private(out, links_csv(rows))
    _audit(ctx, "tracer_links_export", target=f"round:{round_id}", detail={"links": len(rows)})
    click.echo(f"round {round_id}: {sum(r['state'] != 'revoked' for r in rows)} links written to {out}")


@tracer.command("list")
@click.pass_context
def tracer_list(ctx) -> None:
    """The rounds: id, name, period, links, answers, waiting for review."""
    from alumni_graph.loaders.tracer import Tracer

    for r in Tracer(_config(ctx).data_dir).rounds():
        state = "open" if r["open"] else "closed"
        click.echo(f"{r['id']}\t{r['name']}\t{r['opens']}..{r['closes']}\t{state}\t"
                   f"links={r['links']}\tanswers={r['responses']}\twaiting={r['waiting']}")


def main() -> None:
    """Run the command and exit with its code. Under ``standalone_mode=False``
    click *returns* the code of ``ctx.exit(n)`` instead of exiting: it is
    passed on here (it was dropped before, so failures exited 0)."""
    try:
        code = cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.UsageError as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except AlumniGraphError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        for problem in exc.errors[:50]:
            click.echo(f"  - {problem}", err=True)
        sys.exit(EXIT_USAGE if exc.__class__.__name__ == "ConfigError" else EXIT_FAILED)
    except OSError as exc:  # a file or directory the command needs (disk full, permissions)
        click.echo(f"Error: {exc.strerror or exc.__class__.__name__}"
                   + (f": {exc.filename}" if exc.filename else ""), err=True)
        sys.exit(EXIT_FAILED)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


if __name__ == "__main__":
    main()
