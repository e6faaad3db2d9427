"""`python -m infra.local` (`make dev`): start the local stack, print where it is, stop cleanly on a signal.

SIGINT, SIGTERM and SIGHUP shut down gracefully (the data is saved); more signals during the shutdown are
ignored. Nothing acknowledged is lost even without the save (kill -9, a crash): the journal has it.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import signal
import socket
import sys
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING

from infra.local import config as config_module
from infra.local.config import Config, Login

if TYPE_CHECKING:
    from infra.local.stack import LocalStack

# moto, boto3 and aiohttp are imported only once the port and the data dir are known to be free.


def _listen(host: str, port: int) -> socket.socket:
    """Bind the HTTP port first, so a port conflict fails before anything else starts."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(128)
    sock.setblocking(False)
    return sock


def _lock(data_dir: Path) -> IO[str] | None:
    """An exclusive lock on the data dir for the life of the process (None: another stack has it)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = (data_dir / "lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        return None
    return lock


def _login_line(role: str, login: Login, seeded_now: bool) -> str:
    p = login.env_prefix
    # The password only when it was just seeded: later it is whatever was printed (or given) then.
    secret = f" / {login.password}" if seeded_now else ""
    return f"    {role:<12}{login.username}{secret}    ({p}_USERNAME, {p}_PASSWORD, {p}_EMAIL)"


def _banner(stack: LocalStack, seconds: float) -> None:
    config = stack.config
    seeded = stack.seeded is not None and stack.seeded.created
    data = "new" if stack.loaded is None else f"{stack.loaded.items} items, {stack.loaded.objects} objects loaded"
    if stack.replayed:
        data += f", {stack.replayed} journaled writes replayed"
    logins = (
        "seeded now; the passwords are shown this once (set NIOCHAT_*_PASSWORD before a first start to choose them)"
        if seeded
        else "seeded on first start, with the passwords shown then"
    )
    console_state = "built" if stack.console.built() else "not built: run make console"
    print(
        "\n".join(
            [
                "",
                f"  Console       {config.base_url}/   ({console_state})",
                f"  REST API      {config.base_url}/api/   (health: {config.base_url}/api/health/)",
                f"  Listening on  {config.host}:{config.port}   (NIOCHAT_HOST, NIOCHAT_PORT)",
                f"  WebSocket     {config.websocket_url}?token=<token>",
                f"  @connections  {config.base_url}/@connections/<id>   (management API; loopback clients only)",
                f"  Data dir      {config.data_dir}   ({data}; NIOCHAT_DATA_DIR)",
                f"  Logins        {logins}:",
                _login_line("superadmin", config.superadmin, seeded),
                _login_line("admin", config.demo_admin, seeded),
                _login_line("agent", config.demo_agent, seeded),
                f"  Started in {seconds:.1f} s. Ctrl+C stops and saves.",
                "",
                f"NioChat local stack ready on {config.base_url}",
            ]
        ),
        flush=True,
    )


async def _serve(stack: LocalStack, sock: socket.socket, started: float) -> int:
    from aiohttp import web

    from infra.local.gateway import MAX_REQUEST_LINE, AccessLog

    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()

    def on_signal(name: str) -> None:
        # A process group's SIGTERM often comes twice (a terminal or `make` forwards it too): never let the
        # second one cut the save short. Every acknowledged write is in the journal meanwhile anyway.
        if stopping.is_set():
            print(f"{name} again: already shutting down", flush=True)
            return
        print(f"{name}: shutting down and saving", flush=True)
        stopping.set()

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(sig, on_signal, sig.name)
    runner = web.AppRunner(stack.app(), access_log_class=AccessLog, shutdown_timeout=5, max_line_size=MAX_REQUEST_LINE)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    _banner(stack, time.monotonic() - started)
    await stopping.wait()
    try:
        await stack.shutdown(runner)
    except Exception:
        logging.getLogger("infra.local").exception("shutdown failed: the journal is kept, the next start replays it")
        return 1
    saved = stack.saved
    if saved:
        print(f"Saved {saved.items} items and {saved.objects} objects to {stack.snapshot.path}", flush=True)
    return 0


def _configure_logging(config: Config) -> None:
    logging.basicConfig(
        level=config.log_level, format="%(asctime)s %(levelname)-7s %(name)s: %(message)s", datefmt="%H:%M:%S"
    )
    for noisy in ("werkzeug", "botocore", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def main() -> int:
    started = time.monotonic()
    config = config_module.from_env()
    _configure_logging(config)
    try:
        sock = _listen(config.host, config.port)
    except OSError as error:
        print(f"Cannot listen on {config.host}:{config.port} ({error.strerror}). Set NIOCHAT_PORT.", file=sys.stderr)
        return 1
    lock = _lock(config.data_dir)
    if lock is None:
        print(f"another local stack is using {config.data_dir}. Stop it, or set NIOCHAT_DATA_DIR.", file=sys.stderr)
        return 1
    from infra.local.stack import LocalStack

    stack = LocalStack(config)
    try:
        stack.start()
        return asyncio.run(_serve(stack, sock, started))
    except KeyboardInterrupt:  # Ctrl+C before the server was up: nothing to save yet
        return 130
    finally:
        lock.close()


if __name__ == "__main__":
    sys.exit(main())
