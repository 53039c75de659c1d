"""The page's server (`rectify serve`) over HTTP in-process: who may use it, what it answers to bad input,
the commented copy of a ledger, a build into the archive as the CLI makes it, and the warm LibreOffice's
supervision; the import of an office's ledger, its export back and the choice of documents. The browser flow is in test_serve_browser.py."""

from __future__ import annotations

import http.client
import json
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote, urlsplit

import import_corpus as ic
import pytest
from conftest import EXAMPLE, TEMPLATES, col_letter, tool_or_skip
from helpers import run
from import_corpus import fill_as_clerk, set_status
from openpyxl import load_workbook

from pipeline import api
from pipeline.archive.manifest import INDEX
from pipeline.ledger import schema
from pipeline.ledger.sniff import MAX_FILE_BYTES
from pipeline.web import converter
from pipeline.web.converter import WarmOffice
from pipeline.web.server import UPLOAD_MAX, App, make_server, run_in_thread, split_message


class Client:
    """Requests to a running server, with the token as a header unless told otherwise."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "", parts.port or 0
        self.token = parts.query.split("token=", 1)[1]

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
                token: bool = True) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        h = {"Host": f"127.0.0.1:{self.port}"}
        if token:
            h["X-Rectify-Token"] = self.token
        h.update(headers or {})
        conn.request(method, path, body=body, headers=h)
        res = conn.getresponse()
        data = res.read()
        conn.close()
        return res.status, {k.lower(): v for k, v in res.getheaders()}, data

    def json(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
             **kw: Any) -> tuple[int, Any]:
        raw = json.dumps(body).encode() if body is not None else None
        h = {"Content-Type": "application/json"} if raw else {}
        status, _, data = self.request(method, path, raw, {**h, **(headers or {})}, **kw)
        return status, json.loads(data)

    def upload(self, path: Path, name: str | None = None, data: bytes | None = None) -> tuple[int, Any]:
        status, _, out = self.request("POST", "/api/upload", path.read_bytes() if data is None else data,
                                      {"X-File-Name": quote(name or path.name)})
        return status, json.loads(out)

    def wait(self, job: str) -> dict[str, Any]:
        for _ in range(1200):  # bounded: 2 minutes at most
            _, state = self.json("GET", f"/api/job/{job}")
            if state["state"] != "running":
                return state
            time.sleep(0.1)
        raise AssertionError("job did not end")


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[tuple[App, Client]]:
    """A server without LibreOffice (the page's own paths; LibreOffice's are tested below)."""
    app = App(tmp_path / "output", office=WarmOffice(soffice=""))
    httpd, url = make_server(app, "127.0.0.1", 0)
    run_in_thread(httpd)
    try:
        yield app, Client(url)
    finally:
        httpd.shutdown()
        httpd.server_close()
        app.close()


def test_address_is_loopback_with_a_token(serve: tuple[App, Client]) -> None:
    app, client = serve
    assert client.host == "127.0.0.1"
    assert len(client.token) >= 30


@pytest.mark.parametrize("headers, token", [
    ({}, False),  # no token
    ({"X-Rectify-Token": "wrong"}, False),
    ({"Host": "evil.example:80"}, True),  # DNS rebinding: a foreign name for 127.0.0.1
    ({"Host": "evil.example"}, True),
    ({"Origin": "http://evil.example"}, True),  # a request from another site
    ({"Origin": "null"}, True),
])
def test_refused(serve: tuple[App, Client], headers: dict[str, str], token: bool) -> None:
    _, client = serve
    for path in ("/api/info", "/"):
        status, _, data = client.request("GET", path, headers=headers, token=token)
        assert status == 403, (path, headers)
        assert "token" not in data.decode("utf-8").lower() or "token=" in data.decode("utf-8")
    status, _, _ = client.request("POST", "/api/upload", EXAMPLE.read_bytes(),
                                  {"X-File-Name": "a.xlsx", **headers}, token=token)
    assert status == 403
    assert not any(client_app_uploads for client_app_uploads in serve[0].uploads)


def test_token_in_address_becomes_a_cookie(serve: tuple[App, Client]) -> None:
    _, client = serve
    status, headers, _ = client.request("GET", f"/?token={client.token}", token=False)
    assert status == 303 and headers["location"] == "/"
    cookie = headers["set-cookie"].split(";")[0]
    assert "HttpOnly" in headers["set-cookie"] and "SameSite=Strict" in headers["set-cookie"]
    status, headers, data = client.request("GET", "/", headers={"Cookie": cookie}, token=False)
    assert status == 200 and "整改台账助手".encode() in data
    assert "script-src 'self'" in headers["content-security-policy"]
    status, _, _ = client.request("GET", "/api/info", headers={"Cookie": cookie}, token=False)
    assert status == 200
    status, _, _ = client.request("GET", "/api/info", headers={"Cookie": "rectify_token=x"}, token=False)
    assert status == 403


def test_own_origin_accepted(serve: tuple[App, Client]) -> None:
    _, client = serve
    status, _ = client.json("GET", "/api/info", headers={"Origin": f"http://127.0.0.1:{client.port}"})
    assert status == 200


@pytest.mark.parametrize("path", ["/api/file/..%2F..%2Fetc%2Fpasswd", "/api/file/etc/passwd", "/static/../server.py",
                                  "/static/index.html%00", "/api/marked/nope", "/api/zip/nope"])
def test_no_path_from_the_request(serve: tuple[App, Client], path: str) -> None:
    _, client = serve
    status, _, data = client.request("GET", path)
    assert status == 404
    assert b"root:" not in data and b"import" not in data


def test_hostile_uploads_answered_in_chinese_and_server_stays_up(serve: tuple[App, Client], tmp_path: Path) -> None:
    _, client = serve
    status, body = client.upload(EXAMPLE, "台账.xlsx", b"not a workbook at all")
    assert status == 400 and "不是 Excel 工作簿" in body["error"]
    status, body = client.upload(EXAMPLE, "台账.docx")
    assert status == 400 and ".xlsx" in body["error"]
    status, body = client.upload(EXAMPLE, "../../x.xlsx", b"PK\x03\x04" + b"\0" * 100)
    assert status == 400 and body["error"]
    assert not (tmp_path / "x.xlsx").exists()
    status, _, _ = client.request("POST", "/api/build", b"{not json", {"Content-Type": "application/json"})
    assert status == 400
    status, body = client.json("POST", "/api/build", {"ledger": "nope"})
    assert status == 404 and "重新选择" in body["error"]
    status, body = client.upload(EXAMPLE)
    assert status == 200 and body["errors"] == 0


def test_findings_grouped_with_cells_and_the_commented_copy(serve: tuple[App, Client], make_ledger: Any,
                                                            tmp_path: Path) -> None:
    def broken(d: dict[str, Any]) -> None:
        d["measures"][1]["problem_id"] = "99"  # an error
        d["measures"][0]["deadline"] = "明年"  # another

    ledger = make_ledger(broken)
    original = ledger.read_bytes()
    _, client = serve
    status, body = client.upload(ledger)
    assert status == 200 and body["errors"] >= 2 and body["can_build"] is False
    rows = [f for g in body["groups"] for f in g["findings"]]
    cells = {(f["sheet"], f["cell"]) for f in rows if f["level"] == "error"}
    assert ("措施", f"{col_letter('measures', 'problem_id')}3") in cells
    levels = [f["level"] for g in body["groups"] for f in g["findings"]]
    for g in body["groups"]:
        lv = [f["level"] for f in g["findings"]]
        assert lv == sorted(lv, key=lambda x: x != "error")  # errors first in each sheet
    assert levels
    status, headers, data = client.request("GET", f"/api/marked/{body['ledger']}")
    assert status == 200 and "attachment" in headers["content-disposition"]
    copy = tmp_path / "copy.xlsx"
    copy.write_bytes(data)
    wb = load_workbook(copy)
    for f in rows:
        cell = wb[f["sheet"]][f["cell"]]
        assert cell.comment is not None and f["message"][:10] in cell.comment.text, f
        assert cell.fill.fgColor.rgb.endswith("FFC7CE" if f["level"] == "error" else "FFEB9C")
    assert ledger.read_bytes() == original  # the clerk's file is never changed
    status, body2 = client.json("POST", "/api/build", {"ledger": body["ledger"]})
    assert status == 400 and "错误" in body2["error"]


def test_build_without_libreoffice_as_the_cli_does(serve: tuple[App, Client], tmp_path: Path) -> None:
    app, client = serve
    _, up = client.upload(EXAMPLE)
    status, started = client.json("POST", "/api/build", {"ledger": up["ledger"]})
    assert status == 200
    job = client.wait(started["job"])
    assert job["state"] == "done", job
    r = job["result"]
    assert r["status"] == "written"
    folder = app.output / r["folder"]
    assert (folder / "manifest.json").is_file() and (folder / EXAMPLE.name).read_bytes() == EXAMPLE.read_bytes()
    assert (app.output / INDEX).is_file()
    # the same bytes as the CLI's build of the same ledger
    cli_out = tmp_path / "cli"
    with api.TemplateSet(None) as tset:
        cli = api.build_workbook(EXAMPLE, tset, cli_out)
    assert cli.folder is not None
    for f in r["files"]:
        assert (folder / f["name"]).read_bytes() == (cli.folder / f["name"]).read_bytes(), f["name"]
    docs = r["documents"]
    assert docs["office"] is False and "LibreOffice" in "".join(docs["notes"])
    assert [d["pages"] for d in docs["items"]] == [[]] * 5
    status, headers, data = client.request("GET", f"/api/file/{docs['items'][0]['docx']}")
    assert status == 200 and data == (folder / docs["items"][0]["name"]).read_bytes()
    # 历史, then a second build: unchanged, and the history has it once
    _, again = client.json("POST", "/api/build", {"ledger": up["ledger"]})
    assert client.wait(again["job"])["result"]["status"] == "unchanged"
    _, hist = client.json("GET", f"/api/history/{up['ledger']}")
    assert [b["folder"] for b in hist["builds"]] == [r["folder"]]
    assert hist["builds"][0]["status"] == "新建" and hist["builds"][0]["changes"] == "（首次生成）"
    assert hist["builds"][0]["when"] and hist["builds"][0]["issued"]
    # 比较 a build with the ledger: nothing changed
    _, d = client.json("POST", "/api/diff", {"old": hist["builds"][0]["build"], "new": up["ledger"]})
    assert d["summary"] == "问题和措施没有变化"
    # 督办 as of a date
    _, due = client.json("GET", f"/api/due/{up['ledger']}?date=2025-06-20")
    assert due["items"] and all(i["department"] for i in due["items"])
    _, due_early = client.json("GET", f"/api/due/{up['ledger']}?date=2020-01-01")
    assert due_early["items"] == []
    status, bad = client.json("GET", f"/api/due/{up['ledger']}?date=yesterday")
    assert status == 400 and "日期" in bad["error"]


def test_blank_ledgers_of_both_kinds(serve: tuple[App, Client], tmp_path: Path) -> None:
    _, client = serve
    for kind in ("巡察", "巡视"):
        status, headers, data = client.request("GET", f"/api/blank?kind={quote(kind)}")
        assert status == 200 and quote(f"{kind}整改台账.xlsx") in headers["content-disposition"]
        path = tmp_path / f"{kind}.xlsx"
        path.write_bytes(data)
        assert api.check_file(path).findings  # a blank ledger is not yet buildable, but it reads
    status, _, _ = client.request("GET", "/api/blank?kind=x")
    assert status == 400


@pytest.mark.parametrize("message, todo", [
    ("〔内容〕有重复的标点“、、”。请确认是否多打了一个。", "请确认是否多打了一个。"),
    ("填写 32；如需按表格统计，请清空此项。", "如需按表格统计，请清空此项。"),  # shown as "填写 32。"
    ("没有办法的事。", ""),
])
def test_split_message(message: str, todo: str) -> None:
    what, rest = split_message(message)
    assert rest == todo and (what + rest == message or what[:-1] + "；" + rest == message)
    assert not what.endswith("；")


@pytest.fixture
def office() -> Iterator[WarmOffice]:
    tool_or_skip(api.find_soffice(), "LibreOffice")
    w = WarmOffice()
    if w.python() is None:
        tool_or_skip(None, "python3-uno (LibreOffice's Python bridge)")
    try:
        yield w
    finally:
        w.stop()


def _docs(tmp_path: Path) -> tuple[Path, list[str]]:
    with api.TemplateSet(None) as tset:
        r = api.build_workbook(EXAMPLE, tset, tmp_path / "out")
    assert r.folder is not None
    names = ["01_通报.docx", "05_督办清单.docx"]
    work = tmp_path / "work"
    work.mkdir()
    for n in names:
        (work / n).write_bytes((r.folder / n).read_bytes())
    return work, names


def test_warm_office_restarts_after_a_crash(office: WarmOffice, tmp_path: Path) -> None:
    work, names = _docs(tmp_path)
    seen: list[str] = []
    assert office.convert(work, names, on_pdf=seen.append) == []
    assert seen == names and office.restarts == 1
    office.kill_office()  # LibreOffice dies between builds
    for n in names:
        (work / n).with_suffix(".pdf").unlink()
    assert office.convert(work, names) == []
    assert all((work / n).with_suffix(".pdf").stat().st_size > 1000 for n in names)
    assert office.restarts == 2 and office.fallbacks == 0


def test_warm_office_overrunning_falls_back_to_one_shot(office: WarmOffice, tmp_path: Path) -> None:
    work, names = _docs(tmp_path)
    office.timeout = 0.01  # every warm conversion overruns: killed, retried once, then the one-shot converter
    assert office.convert(work, names[:1]) == []
    assert (work / names[0]).with_suffix(".pdf").is_file()
    assert office.fallbacks == 1 and office.restarts == 2


def test_upload_size_bound_as_the_cli(serve: tuple[App, Client]) -> None:
    assert UPLOAD_MAX == MAX_FILE_BYTES
    _, client = serve
    # the declared length is refused before a byte of the body is read or stored
    status, _, data = client.request("POST", "/api/upload", b"x" * 10,
                                     {"X-File-Name": "big.xlsx", "Content-Length": str(UPLOAD_MAX + 1)})
    assert status == 413 and "不能超过 100 MB" in json.loads(data)["error"]
    status, body = client.upload(EXAMPLE)
    assert status == 200  # and the server goes on


@contextmanager
def running(app: App) -> Iterator[Client]:
    """`app` served on a free loopback port for the length of the block."""
    httpd, url = make_server(app, "127.0.0.1", 0)
    run_in_thread(httpd)
    try:
        yield Client(url)
    finally:
        httpd.shutdown()
        httpd.server_close()
        app.close()


def _build(client: Client, ledger: Path) -> dict[str, Any]:
    _, up = client.upload(ledger)
    status, started = client.json("POST", "/api/build", {"ledger": up["ledger"]})
    assert status == 200, started
    return client.wait(started["job"])


def test_a_template_edited_while_the_page_runs_is_checked_and_used(tmp_path: Path) -> None:
    """A template folder is read afresh for each build (the built-in templates are kept): an office that fixes
    or breaks a template meanwhile gets what `rectify build` would give, without restarting the page."""
    folder = tmp_path / "templates"
    folder.mkdir()
    for t in TEMPLATES.glob("*.docx"):
        (folder / t.name).write_bytes(t.read_bytes())
    with running(App(tmp_path / "output", folder, office=WarmOffice(soffice=""))) as client:
        assert _build(client, EXAMPLE)["result"]["status"] == "written"
        victim = sorted(folder.glob("*.docx"))[0]
        victim.write_bytes(b"PK\x03\x04 not a Word document")
        failed = _build(client, EXAMPLE)
        assert failed["state"] == "failed" and "模板" in failed["error"] and victim.name in failed["error"], failed
        victim.write_bytes((TEMPLATES / victim.name).read_bytes())
        assert _build(client, EXAMPLE)["result"]["status"] == "unchanged"


def test_examples_come_from_the_folders_the_shell_names(tmp_path: Path) -> None:
    (tmp_path / "甲").mkdir()
    (tmp_path / "甲" / "示例.xlsx").write_bytes(EXAMPLE.read_bytes())
    (tmp_path / "甲" / "~$示例.xlsx").write_bytes(b"lock")
    app = App(tmp_path / "output", office=WarmOffice(soffice=""), examples=(tmp_path / "甲", tmp_path / "没有"))
    with running(app) as client:
        _, info = client.json("GET", "/api/info")
        assert [e["name"] for e in info["examples"]] == ["示例.xlsx"]
        status, _, data = client.request("GET", f"/api/example/{info['examples'][0]['id']}")
        assert status == 200 and data == EXAMPLE.read_bytes()
    with running(App(tmp_path / "output2", office=WarmOffice(soffice=""))) as client:
        assert client.json("GET", "/api/info")[1]["examples"] == []


def test_serve_command_help_and_a_bad_port(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["serve", "--help"], capsys)
    assert code == 0 and "用法：" in out and "--port 端口" in out and "127.0.0.1" in out and "Usage" not in out
    code, _, err = run(["serve", "--no-browser", "--port", "70000"], capsys)
    assert code == 1 and "端口号 70000 不对" in err
    code, _, err = run(["serve", "--no-browser", "--templates", "没有这个文件夹"], capsys)
    assert code == 1 and "模板文件夹“没有这个文件夹”不存在" in err


def test_without_python_uno_every_page_still_shown_with_a_note(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """LibreOffice without its Python bridge (no python3-uno; a Windows install without Python scripting): the
    page converts one-shot, shows every page and says why it is slower; nothing fails."""
    tool_or_skip(api.find_soffice(), "LibreOffice")
    monkeypatch.setattr(converter, "uno_python", lambda soffice: None)
    app = App(tmp_path / "output")
    office = app.office
    with running(app) as client:
        job = _build(client, EXAMPLE)
        assert job["state"] == "done", job
        docs = job["result"]["documents"]
        assert docs["office"] is True
        assert docs["notes"] == [converter.no_uno_note()] and "python3-uno" in docs["notes"][0]
        assert len(docs["items"]) == 5 and all(d["pages"] and d["pdf"] for d in docs["items"])
        status, headers, data = client.request("GET", f"/api/file/{docs['items'][0]['pages'][0]}")
        assert status == 200 and headers["content-type"] == "image/png" and data.startswith(b"\x89PNG")
    assert office.restarts == 0 and office.fallbacks == 5


# ------------------------------------------------------------------------------------------------
# The import of an office's one-sheet 整改台账, its export back (导出回报台账), the choice of documents

Served = tuple[App, Client]


def send(client: Client, route: str, path: Path | None, name: str | None = None,
         data: bytes | None = None) -> tuple[int, Any]:
    body = (path.read_bytes() if path is not None else b"") if data is None else data
    headers = {"X-File-Name": quote(name or (path.name if path else ""))} if (name or path) else {}
    status, _, out = client.request("POST", route, body, headers)
    return status, json.loads(out)


def download(client: Client, fid: str, target: Path) -> Path:
    status, _, data = client.request("GET", f"/api/file/{fid}")
    assert status == 200
    target.write_bytes(data)
    return target


def test_import_gives_the_new_ledger_its_mapping_and_its_check(serve: Served, tmp_path: Path) -> None:
    app, client = serve
    case = ic.legacy_xls(tmp_path)
    before = case.path.read_bytes()
    status, body = send(client, "/api/import", case.path)
    assert status == 200, body
    im = body["import"]
    assert im["source"] == case.path.name and (im["problems"], im["measures"]) == (1, 2)
    assert any(line.startswith("列：") and "措施!整改措施" in line for line in im["report"])
    assert "发文机关" in "".join(im["missing"])
    assert body["name"] == "己区卫健局台账-台账.xlsx"
    # the findings of the new ledger, as for any chosen ledger: what the clerk must still fill
    assert body["errors"] > 0 and body["can_build"] is False
    assert any(g["sheet"] == schema.INFO.name for g in body["groups"])
    ledger = download(client, im["file"], tmp_path / "new.xlsx")
    wb = load_workbook(ledger)
    assert wb[schema.MEASURES.name]["C3"].value == "公示收费项目" and "导入记录" in wb.sheetnames
    assert case.path.read_bytes() == before


def test_export_back_from_the_page(serve: Served, tmp_path: Path) -> None:
    _, client = serve
    case = ic.stacked(tmp_path)
    _, imported = send(client, "/api/import", case.path)
    # Imported on this page: the original is at hand, no change yet.
    status, same = send(client, f"/api/export/{imported['ledger']}", None)
    assert status == 200 and same["changed"] == [] and same["name"] == f"{case.path.stem}-回报.xlsx"
    # The clerk updates the ledger in Excel and chooses it again: the original must come with the export.
    ledger = download(client, imported["import"]["file"], tmp_path / "甲县台账.xlsx")
    fill_as_clerk(ledger)
    set_status(ledger, case.measure_text, schema.STATUS_DONE)
    _, up = send(client, "/api/upload", ledger)
    assert up["errors"] == 0
    status, refused = send(client, f"/api/export/{up['ledger']}", None)
    assert status == 400 and f"原台账“{case.path.name}”" in refused["error"] and "--source" not in refused["error"]
    status, out = send(client, f"/api/export/{up['ledger']}", case.path)
    assert status == 200 and len(out["changed"]) == 1
    back = load_workbook(download(client, out["file"], tmp_path / "back.xlsx"))["整改台账"]
    row = next(r for r in range(1, back.max_row + 1) if case.measure_text in str(back.cell(row=r, column=3).value))
    assert back.cell(row=row, column=case.status_col).value == case.done_word
    # Another file as the original: said, nothing written.
    other = ic.repeated(tmp_path)
    status, wrong = send(client, f"/api/export/{up['ledger']}", other.path)
    assert status == 400 and "与导入时的原台账不同" in wrong["error"]


def test_import_and_export_refusals_in_chinese(serve: Served, tmp_path: Path) -> None:
    _, client = serve
    status, body = send(client, "/api/import", None, "台账.docx", b"PK\x03\x04")
    assert status == 400 and ".xls" in body["error"] and "WPS" in body["error"]
    status, body = send(client, "/api/import", None, "台账.xls", b"not a workbook at all")
    assert status == 400 and "台账.xls" in body["error"]
    status, body = send(client, "/api/import", ic.neither(tmp_path))
    assert status == 400 and "找不到整改台账的表头" in body["error"]
    status, body = send(client, "/api/import", EXAMPLE)
    assert status == 400 and "本工具自己的台账" in body["error"]
    status, _, data = client.request("POST", "/api/import", b"x" * 10,
                                     {"X-File-Name": "big.xls", "Content-Length": str(UPLOAD_MAX + 1)})
    assert status == 413 and "不能超过" in json.loads(data)["error"]
    long = tmp_path / ("很长的名字" * 16 + ".xlsx")  # 80 characters, 240 bytes: the new ledger's name is cut
    long.write_bytes(ic.stacked(tmp_path).path.read_bytes())
    status, body = send(client, "/api/import", long)
    assert status == 200, body
    assert body["name"].endswith(".xlsx") and len(body["name"].encode()) < 255
    status, body = send(client, f"/api/export/{body['ledger']}", None)
    assert status == 200 and body["name"].endswith(".xlsx") and len(body["name"].encode()) < 255, body
    status, body = send(client, "/api/import", None, "", b"x")
    assert status == 400 and "文件名" in body["error"]
    # export: a ledger not imported; an original of the wrong kind; an unknown ledger
    _, own = send(client, "/api/upload", EXAMPLE)
    status, body = send(client, f"/api/export/{own['ledger']}", None)
    assert status == 400 and "不是导入得到的台账" in body["error"]
    _, imported = send(client, "/api/import", ic.repeated(tmp_path).path)
    status, body = send(client, f"/api/export/{imported['ledger']}", None, "原台账.txt", b"x")
    assert status == 400 and "不是巡察办格式的台账文件" in body["error"]
    status, body = send(client, "/api/export/nope", None)
    assert status == 404
    # a .xls dropped where a ledger is checked points to the import
    status, body = send(client, "/api/upload", ic.legacy_xls(tmp_path).path)
    assert status == 400 and "导入巡察办格式的台账" in body["error"]
    status, body = send(client, "/api/upload", EXAMPLE)
    assert status == 200  # and the server goes on


def test_build_writes_the_chosen_documents_and_history_says_which(serve: Served) -> None:
    app, client = serve
    _, info = client.json("GET", "/api/info")
    assert [s["name"] for s in info["sets"]] == list(api.DOCUMENT_SETS) and info["default_set"] == "通报"
    _, up = send(client, "/api/upload", EXAMPLE)

    def built(sets: Any) -> dict[str, Any]:
        status, started = client.json("POST", "/api/build", {"ledger": up["ledger"], "sets": sets})
        assert status == 200, started
        job = client.wait(started["job"])
        assert job["state"] == "done", job
        return job["result"]

    plan = built(["整改方案"])
    assert plan["status"] == "written" and plan["sets"] == "整改方案"
    names = [d["name"] for d in plan["documents"]["items"]]
    assert names == ["07_整改方案.docx", "08_整改方案附件1_问题清单.docx", "09_整改方案附件2_任务清单.docx",
                     "10_整改方案附件3_责任清单.docx"]
    everything = built(["全部"])
    assert everything["sets"] == "全部" and len(everything["documents"]["items"]) == 14
    default = built(None)
    assert default["sets"] == "通报" and [d["name"][:2] for d in default["documents"]["items"]] == [
        "01", "02", "03", "04", "05"]
    _, hist = client.json("GET", f"/api/history/{up['ledger']}")
    assert [(b["folder"], b["sets"]) for b in hist["builds"]] == [
        (default["folder"], "通报"), (everything["folder"], "全部"), (plan["folder"], "整改方案")]
    _, started = client.json("POST", f"/api/reopen/{hist['builds'][2]['build']}", {})
    reopened = client.wait(started["job"])["result"]
    assert reopened["sets"] == "整改方案" and len(reopened["documents"]["items"]) == 4
    for bad in (["不存在"], "通报", [1]):
        status, body = client.json("POST", "/api/build", {"ledger": up["ledger"], "sets": bad})
        assert status == 400 and body["error"], bad
    assert len(list(app.output.glob("*/manifest.json"))) == 3  # nothing built on a refusal


def test_history_names_the_sets_of_builds_the_index_does_not(tmp_path: Path) -> None:
    """An index begun before its 文档 column (or lost): the set is read from the build's manifest; a build
    from before sets existed wrote the default set."""
    out = tmp_path / "out"
    with api.TemplateSet(None) as tset:
        plan = api.build_workbook(EXAMPLE, tset, out, sets=("整改方案",))
        default = api.build_workbook(EXAMPLE, tset, out)
    assert plan.folder is not None and default.folder is not None
    index = out / INDEX
    lines = index.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].endswith(",文档")
    index.write_text("\n".join(ln.rsplit(",", 1)[0] for ln in lines) + "\n", encoding="utf-8-sig")
    records = {r.folder.name: r.documents for r in api.build_history(out, EXAMPLE.name)}
    assert records == {plan.folder.name: "整改方案", default.folder.name: "通报"}
