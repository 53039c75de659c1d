"""The clerk's page (`rectify serve`): a local web server over pipeline.api, on the loopback address.

The CLI imports this package for every command, so it defers one group of imports to `serve()`, as api defers
its render stage: the server module, which brings the standard library's HTTP stack and pdfium (about 0.1 s)
that `check`, `build` and the others never need."""

from __future__ import annotations

import signal
import sys
import threading
import webbrowser
from pathlib import Path
from typing import Callable, Sequence

from pipeline.errors import UsageError
from pipeline.web.security import is_loopback


def _stop_on_terminate() -> None:
    """A terminate signal (a closed terminal, a service stop) ends the page as Ctrl-C does: LibreOffice
    stopped and the private temporary folder removed."""

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None:
            try:
                signal.signal(sig, stop)
            except (ValueError, OSError):
                pass  # not the main thread


def serve(
    output: Path,
    templates: Path | None = None,
    examples: Sequence[Path] = (),
    host: str = "127.0.0.1",
    port: int = 8765,
    open_browser: bool = True,
    echo: Callable[[str], None] = print,
) -> None:
    """Start the page and serve until Ctrl-C. Prints the full address (with its token) on a line of its own.

    `output` and `templates` are where builds go and which templates they use (None: the built-in ones);
    `examples` are folders whose ledgers the page offers as examples."""
    from pipeline.web.server import App, make_server

    if not 0 <= port <= 65535:
        raise UsageError(f"端口号 {port} 不对：应在 0 到 65535 之间，如 --port 8766。")
    app = App(output, templates, examples=examples)
    try:
        httpd, url = make_server(app, host, port)
    except OSError as err:
        app.close()
        raise UsageError(
            f"无法在端口 {port} 上启动（{err.strerror or err}）。该端口可能已被占用："
            "请关闭另一个 rectify serve，或用 --port 指定其他端口（如 --port 8766）。"
        ) from err
    if not is_loopback(host):
        echo("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")
        echo(f"注意：本页正在监听 {host}，局域网中的其他电脑也能连接到它。")
        echo("台账属于涉密或敏感材料：仅在确有需要时这样启动；访问仍需下面地址中的口令，请勿外传该地址。")
        echo("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")
    echo("整改台账助手已启动。请在浏览器中打开下面的地址（关闭本窗口或按 Ctrl+C 即停止）：")
    echo(url)
    sys.stdout.flush()
    _stop_on_terminate()
    threading.Thread(target=app.warm_up, daemon=True).start()
    if open_browser:
        try:
            webbrowser.open(url)
        except Exception:  # noqa: BLE001 - no browser: the address is printed above
            pass
    try:
        httpd.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        echo("已停止。")
    finally:
        httpd.server_close()
        app.close()
