"""The page in a real browser (Debian's chromium driven by Playwright): the whole flow a clerk follows,
with a screenshot of each step in $RECTIFY_SHOTS (default /tmp/serve-shots)."""

from __future__ import annotations

import http.client
import io
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import pytest
from conftest import EXAMPLE, ROOT, require_tools, tool_or_skip
from openpyxl import load_workbook

from pipeline import api
from pipeline.archive.manifest import INDEX
from pipeline.web import converter
from pipeline.web.server import App, make_server, run_in_thread

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
SHOTS = Path(os.environ.get("RECTIFY_SHOTS", "/tmp/serve-shots"))
WAIT = 90_000  # ms: a bound on any one wait (a build with its page images takes seconds)
# every page image loaded, at a screen's size for an A4 page (794 pixels wide)
LOADED = "[...document.querySelectorAll('img.page')].every(i => i.complete && i.naturalWidth > 700)"


def find_chromium() -> str | None:
    """Debian's chromium (Playwright's own browser download is not used)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    exe = tool_or_skip(find_chromium(), "chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if require_tools():
            pytest.fail("playwright is not installed (pip install -e '.[test]')")
        pytest.skip("playwright is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[App, str]]:
    tool_or_skip(api.find_soffice(), "LibreOffice")
    root = tmp_path_factory.mktemp("serve")
    app = App(root / "output", examples=(ROOT / "input", ROOT / "examples"))
    httpd, url = make_server(app, "127.0.0.1", 0)
    run_in_thread(httpd)
    app.warm_up()
    try:
        yield app, url
    finally:
        httpd.shutdown()
        httpd.server_close()
        app.close()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def changed_copy(tmp: Path) -> Path:
    """The example with one measure's status and result changed (for 比较)."""
    wb = load_workbook(EXAMPLE)
    ws = wb["措施"]
    headers = {c.value: c.column for c in ws[1]}
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, headers["整改状态"]).value not in ("已完成", None))
    ws.cell(row, headers["整改状态"]).value = "已完成"
    ws.cell(row, headers["完成情况"]).value = "已全部完成并建立长效机制"
    path = tmp / "示例台账（新）.xlsx"
    wb.save(path)
    return path


def test_clerk_flow(browser: Any, server: tuple[App, str], tmp_path: Path) -> None:
    app, url = server
    # Playwright's waits evaluate script text, which the page's Content-Security-Policy forbids (checked in
    # test_serve.py); bypassing it here also shows that message text is inserted as text, CSP or not.
    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = ctx.new_page()
    page.goto(url)
    assert page.url.endswith("/") and "token=" not in page.url  # the token moved into a cookie
    page.wait_for_selector("body[data-ready='1']")
    page.wait_for_selector("#examples a")
    assert "生成结果保存在" in page.inner_text("#status")
    shot(page, "01-start")

    # 新建空白台账 (巡视): a workbook whose sheets are the ledger's
    with page.expect_download() as dl:
        page.click("#blank-xunshi")
    blank = tmp_path / "blank.xlsx"
    dl.value.save_as(blank)
    assert dl.value.suggested_filename == "巡视整改台账.xlsx"
    assert "措施" in load_workbook(blank).sheetnames

    # a hostile file: its Chinese message, and the page goes on
    bad = tmp_path / "坏台账.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not a workbook")
    page.set_input_files("#file", str(bad))
    page.wait_for_selector("#check-message:not([hidden])")
    assert "坏台账.xlsx" in page.inner_text("#check-message")
    shot(page, "02-hostile-upload")

    # a ledger with an error: findings at cells, and the commented copy
    wb = load_workbook(EXAMPLE)
    ws = wb["措施"]
    col = {c.value: c.column_letter for c in ws[1]}["问题编号"]
    # an unknown problem number, which the message quotes: text, never HTML
    ws[f"{col}3"] = '<img src=x onerror="document.body.dataset.pwned=1">'

    broken = tmp_path / "有错误的台账.xlsx"
    wb.save(broken)
    page.set_input_files("#file", str(broken))
    page.wait_for_selector("#findings:not([hidden])")
    assert "1 个错误" in page.inner_text("#summary") or "个错误" in page.inner_text("#summary")
    assert page.is_disabled("#build-button")
    locations = page.locator("tr.finding td.where").all_inner_texts()
    assert f"措施!{col}3" in locations
    assert page.locator("tr.finding td.level-error").first.inner_text() == "错误"
    assert "<img src=x" in page.locator("tr.finding", has_text=f"措施!{col}3").inner_text()
    assert page.locator("#groups img").count() == 0
    assert page.evaluate("document.body.dataset.pwned") is None
    shot(page, "03-findings")
    with page.expect_download() as dl:
        page.click("#marked")
    marked = tmp_path / "marked.xlsx"
    dl.value.save_as(marked)
    cell = load_workbook(marked)["措施"][f"{col}3"]
    assert cell.comment is not None and "错误" in cell.comment.text
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")

    # the example: 生成, every page as an image, downloads
    page.set_input_files("#file", str(EXAMPLE))
    page.wait_for_function("document.querySelector('#summary').textContent.includes('示例台账.xlsx')")
    assert page.is_enabled("#build-button")
    page.click("#build-button")
    page.wait_for_selector("#build-progress:not([hidden])")
    shot(page, "04-building")
    page.wait_for_selector("#build-result:not([hidden])", timeout=WAIT)
    assert "已生成" in page.inner_text("#build-status")
    docs = page.locator(".doc")
    assert docs.count() == 5
    for i in range(5):
        assert docs.nth(i).locator("img.page").count() >= 1
    page.wait_for_function(LOADED, timeout=WAIT)
    images = page.locator("img.page").count()
    shot(page, "05-pages")
    folder = next(p for p in app.output.iterdir() if p.is_dir())
    assert (folder / "manifest.json").is_file() and (app.output / INDEX).is_file()
    with page.expect_download() as dl:
        page.click("#download-zip")
    names = zipfile.ZipFile(io.BytesIO(Path(dl.value.path()).read_bytes())).namelist()
    assert sorted(Path(n).name for n in names) == sorted(p.name for p in folder.iterdir())
    with page.expect_download() as dl:
        page.locator("#downloads a.file", has_text="01_通报.docx").click()
    assert Path(dl.value.path()).read_bytes() == (folder / "01_通报.docx").read_bytes()
    assert page.locator("#open-folder").count() == 1  # same machine

    # 历史: the build listed, reopened
    page.click("#history-button")
    page.wait_for_selector("#history-table:not([hidden])")
    assert folder.name in page.inner_text("#history-table")
    page.locator("button.reopen").first.click()
    page.wait_for_function("document.querySelector('#build-status').textContent.startsWith('已打开')", timeout=WAIT)
    assert page.locator("img.page").count() == images
    page.wait_for_function(LOADED, timeout=WAIT)  # the whole page measured for the screenshot
    shot(page, "06-history")

    # 比较: the build against a changed ledger shows the changed text itself
    page.set_input_files("#file", str(changed_copy(tmp_path)))
    page.wait_for_function("document.querySelector('#summary').textContent.includes('（新）')")
    page.select_option("#diff-old", label=f"生成：{folder.name}")
    page.click("#diff-button")
    page.wait_for_selector("#diff-result:not([hidden])")
    text = page.inner_text("#diff-tables")
    assert "已全部完成并建立长效机制" in text and "变化" in text
    shot(page, "07-diff")

    # 督办 as of a date
    page.fill("#due-date", "2025-06-20")
    page.click("#due-button")
    page.wait_for_selector("#due-table:not([hidden])")
    assert page.locator("#due-table tbody tr").count() >= 1
    assert "逾期" in page.inner_text("#due-table") or "到期" in page.inner_text("#due-table")
    shot(page, "08-due")
    ctx.close()


def test_two_tabs_build_at_once(browser: Any, server: tuple[App, str], tmp_path: Path) -> None:
    app, url = server
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    tabs = [ctx.new_page(), ctx.new_page()]
    src = tmp_path / "两个标签页.xlsx"
    src.write_bytes(EXAMPLE.read_bytes())
    for tab in tabs:
        tab.goto(url)
        tab.wait_for_selector("body[data-ready='1']")
        tab.set_input_files("#file", str(src))
        tab.wait_for_function("!document.querySelector('#build-button').disabled")
    for tab in tabs:
        tab.click("#build-button")
    statuses = []
    for tab in tabs:
        tab.wait_for_selector("#build-result:not([hidden])", timeout=WAIT)
        assert tab.locator("img.page").count() >= 5
        statuses.append(tab.inner_text("#build-status"))
    shot(tabs[1], "09-second-tab")
    # one ledger builds one at a time: one build written, the other found it the same
    assert sum(s.startswith("已生成") for s in statuses) == 1
    assert sum(s.startswith("内容与已有的生成结果相同") for s in statuses) == 1
    ctx.close()


def test_refused_without_token_foreign_host_or_origin(browser: Any, server: tuple[App, str]) -> None:
    _, url = server
    base = url.split("/?")[0]
    ctx = browser.new_context()
    page = ctx.new_page()
    res = page.goto(base + "/")
    assert res is not None and res.status == 403
    assert "访问口令" in page.inner_text("body")
    shot(page, "10-no-token")
    ctx.close()
    parts = urlsplit(url)
    token = parts.query.split("=", 1)[1]
    for headers in ({"Host": f"evil.example:{parts.port}"}, {"Origin": "http://evil.example"}):
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        conn.request("GET", "/api/info", headers={"X-Rectify-Token": token, **headers})
        assert conn.getresponse().status == 403, headers
        conn.close()


def test_without_python_uno_the_page_says_why(browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """LibreOffice without its Python bridge: the pages are shown all the same, with a note saying why the
    build took longer and how to speed it up; no error."""
    tool_or_skip(api.find_soffice(), "LibreOffice")
    monkeypatch.setattr(converter, "uno_python", lambda soffice: None)
    app = App(tmp_path / "output")
    httpd, url = make_server(app, "127.0.0.1", 0)
    run_in_thread(httpd)
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    try:
        page = ctx.new_page()
        page.goto(url)
        page.wait_for_selector("body[data-ready='1']")
        page.set_input_files("#file", str(EXAMPLE))
        page.wait_for_function("!document.querySelector('#build-button').disabled")
        page.click("#build-button")
        page.wait_for_selector("#build-result:not([hidden])", timeout=WAIT)
        assert "已生成" in page.inner_text("#build-status")
        assert "python3-uno" in page.inner_text("#build-notes")
        assert page.locator("#build-message:not([hidden])").count() == 0
        assert page.locator("img.page").count() >= 5
        page.wait_for_function(LOADED, timeout=WAIT)
        shot(page, "11-no-uno-note")
    finally:
        ctx.close()
        httpd.shutdown()
        httpd.server_close()
        app.close()


def test_import_an_office_ledger_and_export_it_back(browser: Any, server: tuple[App, str], tmp_path: Path) -> None:
    """导入巡察办格式的台账: the new ledger downloaded, the mapping and questions shown, the new ledger checked;
    updated in Excel and chosen again, 导出回报台账 with the original writes the status into its row."""
    import import_corpus as ic

    _, url = server
    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = ctx.new_page()
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']")
    page.click("#import > summary")
    # a damaged .xls: its Chinese message, and the page goes on
    bad = tmp_path / "坏台账.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0 not really a workbook")
    page.set_input_files("#import-file", str(bad))
    page.wait_for_selector("#import-message:not([hidden])")
    assert "坏台账.xls" in page.inner_text("#import-message")

    case = ic.stacked(tmp_path)
    page.set_input_files("#import-file", str(case.path))
    page.wait_for_selector("#import-result:not([hidden])")
    page.click("#import-result details > summary")
    summary = page.inner_text("#import-summary")
    assert case.path.name in summary and f"{case.problems} 个问题" in summary and f"{case.measures} 条措施" in summary
    report = page.locator("#import-report li").all_inner_texts()
    assert any(t.startswith("列：") and "措施!责任领导" in t for t in report)
    assert any(t.startswith("行：") for t in report)  # a row it did not import, and why
    page.wait_for_selector("#findings:not([hidden])")
    assert f"“{case.path.stem}-台账.xlsx”" in page.inner_text("#summary")
    assert "基本信息" in page.inner_text("#groups")  # what the clerk must still fill, at its cells
    shot(page, "20-import")
    with page.expect_download() as dl:
        page.click("#import-download")
    ledger = tmp_path / dl.value.suggested_filename
    dl.value.save_as(ledger)
    assert "导入记录" in load_workbook(ledger).sheetnames

    # filled in and updated in Excel, chosen again: clean; the export asks for the original, then writes it back
    ic.fill_as_clerk(ledger)
    ic.set_status(ledger, case.measure_text, "已完成")
    page.set_input_files("#file", str(ledger))
    page.wait_for_function("document.querySelector('#summary').textContent.includes('0 个错误')")
    page.click("#export-button")
    page.wait_for_selector("#export-message:not([hidden])")
    assert f"原台账“{case.path.name}”" in page.inner_text("#export-message")
    page.set_input_files("#export-source", str(case.path))
    page.click("#export-button")
    page.wait_for_selector("#export-result:not([hidden])")
    assert "写回 1 处" in page.inner_text("#export-summary")
    shot(page, "21-export")
    with page.expect_download() as dl:
        page.click("#export-download")
    assert dl.value.suggested_filename == f"{case.path.stem}-回报.xlsx"
    back_path = tmp_path / "back.xlsx"
    dl.value.save_as(back_path)
    back = load_workbook(back_path)["整改台账"]
    row = next(r for r in range(1, back.max_row + 1) if case.measure_text in str(back.cell(row=r, column=3).value))
    assert back.cell(row=row, column=case.status_col).value == case.done_word
    ctx.close()


def test_choose_the_documents_to_build(browser: Any, server: tuple[App, str], tmp_path: Path) -> None:
    """生成 writes the sets ticked (通报 by default; 全部 ticks all): each document with its pages, and 历史
    names the set each build wrote."""
    _, url = server
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = ctx.new_page()
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']")
    page.wait_for_selector("#set-boxes input.set")
    ticked = page.eval_on_selector_all("#set-boxes input.set:checked", "b => b.map(x => x.value)")
    assert ticked == ["通报"]
    page.check("#set-all")
    assert page.locator("#set-boxes input.set:checked").count() == len(api.DOCUMENT_SETS)
    page.uncheck("#set-all")
    assert page.locator("#set-boxes input.set:checked").count() == 0
    src = tmp_path / "文档选择.xlsx"
    src.write_bytes(EXAMPLE.read_bytes())
    page.set_input_files("#file", str(src))
    page.wait_for_function("!document.querySelector('#build-button').disabled")
    page.click("#build-button")  # nothing ticked: said, nothing built
    page.wait_for_selector("#build-message:not([hidden])")
    assert "至少选择一项" in page.inner_text("#build-message")
    page.check("#set-boxes input[value='整改方案']")
    page.click("#build-button")
    page.wait_for_selector("#build-result:not([hidden])", timeout=WAIT)
    page.wait_for_function(LOADED, timeout=WAIT)
    assert "整改方案" in page.inner_text("#build-status")
    heads = page.locator("#documents .doc h3").all_inner_texts()
    assert [h.split("（")[0] for h in heads] == ["07_整改方案.docx", "08_整改方案附件1_问题清单.docx",
                                                "09_整改方案附件2_任务清单.docx", "10_整改方案附件3_责任清单.docx"]
    for i in range(len(heads)):  # every document shows its pages
        assert page.locator("#documents .doc").nth(i).locator("img.page").count() >= 1
    shot(page, "22-sets")
    page.uncheck("#set-boxes input[value='整改方案']")
    page.check("#set-boxes input[value='通报']")
    page.click("#build-button")
    page.wait_for_function("document.querySelector('#build-status').textContent.includes('（通报）')", timeout=WAIT)
    page.click("#history-button")
    page.wait_for_selector("#history-table:not([hidden])")
    assert page.locator("#history-table td.sets").all_inner_texts() == ["通报", "整改方案"]
    shot(page, "23-history-sets")
    ctx.close()
