"""The page's import of an office's one-sheet 整改台账, its export back (导出回报台账) and the choice of
documents a build writes, over HTTP in-process (the browser flow is in test_serve_browser.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

import import_corpus as ic
import pytest
from conftest import EXAMPLE
from openpyxl import load_workbook
from test_import_export import fill_as_clerk, set_status
from test_serve import Client, running

from pipeline import api
from pipeline.ledger import schema
from pipeline.web.converter import WarmOffice
from pipeline.web.server import UPLOAD_MAX, App

Served = tuple[App, Client]


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Served]:
    """A server without LibreOffice (pages are test_serve's and the browser test's)."""
    app = App(tmp_path / "output", office=WarmOffice(soffice=""))
    with running(app) as client:
        yield app, client


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
    from pipeline.archive.manifest import INDEX

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
