"""A LibreOffice kept running, converting .docx to PDF on request (run by a Python that has `uno`).

Not imported by the package: pipeline.web.converter starts this file with LibreOffice's own Python
(Windows: program\\python.exe) or the system Python with python3-uno (Debian), because the `uno`
module lives there and not in the project's environment. It starts one headless LibreOffice with the
profile and pipe name given on the command line, then reads one JSON request a line on stdin
({"src": docx path, "dst": pdf path}) and answers one JSON line on stdout ({"ok": true} or
{"ok": false, "error": text}). The first line it writes is {"ready": true}. It ends when stdin closes;
the supervisor kills its whole process group when a conversion overruns its time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]


def _prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def _reply(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=True) + "\n")
    sys.stdout.flush()


def main() -> int:
    soffice, profile_url, pipe = sys.argv[1], sys.argv[2], sys.argv[3]
    office = subprocess.Popen(
        [
            soffice,
            f"-env:UserInstallation={profile_url}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    ctx = None
    deadline = time.monotonic() + 60
    while ctx is None:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if office.poll() is not None or time.monotonic() > deadline:
                _reply({"ready": False, "error": "LibreOffice did not start"})
                return 1
            time.sleep(0.1)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    filter_data = uno.Any(
        "[]com.sun.star.beans.PropertyValue", (_prop("SelectPdfVersion", 2), _prop("IsSkipEmptyPages", False))
    )
    _reply({"ready": True, "pid": office.pid})
    for line in sys.stdin:
        try:
            req = json.loads(line)
            doc = desktop.loadComponentFromURL(
                uno.systemPathToFileUrl(os.path.abspath(req["src"])),
                "_blank",
                0,
                (_prop("Hidden", True), _prop("ReadOnly", True)),
            )
            try:
                doc.storeToURL(
                    uno.systemPathToFileUrl(os.path.abspath(req["dst"])),
                    (_prop("FilterName", "writer_pdf_Export"), _prop("FilterData", filter_data)),
                )
            finally:
                doc.close(True)
            _reply({"ok": True})
        except Exception as err:  # noqa: BLE001 - reported to the supervisor, which retries or falls back
            _reply({"ok": False, "error": f"{type(err).__name__}: {err}"})
    try:
        desktop.terminate()
    except Exception:  # noqa: BLE001 - LibreOffice may already be gone
        pass
    try:
        office.wait(timeout=10)
    except subprocess.TimeoutExpired:
        office.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
