// The clerk's page. Every text from the server is inserted as text (textContent / text nodes), never as HTML.
"use strict";

const state = { ledger: null, name: "", canBuild: false, info: null, history: [] };
const LEVEL = { error: "错误", warning: "警告" };

function $(id) { return document.getElementById(id); }

// el("td", {class: "x"}, "text", child) — strings become text nodes.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
  return node;
}

function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

function show(node, on) { node.hidden = !on; }

function message(id, text, ok) {
  const box = $(id);
  box.textContent = text || "";
  box.classList.toggle("ok", !!ok);
  show(box, !!text);
}

async function api(path, options) {
  let res;
  try {
    res = await fetch(path, Object.assign({ credentials: "same-origin" }, options || {}));
  } catch (e) {
    throw new Error("无法连接到本页的程序。请确认启动它的窗口没有关闭；如已关闭，请重新运行 rectify serve。");
  }
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  if (!res.ok) throw new Error((data && data.error) || ("请求失败（" + res.status + "）。请刷新本页后重试。"));
  return data;
}

function postJSON(path, body) {
  return api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body || {}) });
}

function progress(id, text, done, total) {
  const box = $(id);
  show(box, true);
  const bar = box.querySelector(".bar");
  box.classList.toggle("busy", !total);
  bar.style.width = total ? Math.round(100 * done / total) + "%" : "";
  box.querySelector(".text").textContent = text;
}

function sleep(ms) { return new Promise(r => setTimeout(r, ms)); }

async function waitJob(id, barId) {
  for (;;) {
    const job = await api("/api/job/" + encodeURIComponent(id));
    progress(barId, job.step + (job.total ? "（" + job.done + "/" + job.total + "）" : ""), job.done, job.total);
    if (job.state === "done") return job.result;
    if (job.state === "failed") throw new Error(job.error);
    await sleep(250);
  }
}

// ---- ① start -------------------------------------------------------------------------------------

async function loadInfo() {
  try {
    const info = await api("/api/info");
    state.info = info;
    $("status").textContent = "生成结果保存在：" + info.output + (info.office ? "" : "　（未找到 LibreOffice：可以生成 Word 文档，但不能显示页面图像）");
    const box = $("examples");
    clear(box);
    if (info.examples.length) box.appendChild(el("span", { class: "muted" }, "示例台账："));
    for (const ex of info.examples) {
      box.appendChild(el("a", { class: "button", href: "/api/example/" + ex.id, download: ex.name }, ex.name));
    }
    showSets(info);
  } catch (e) {
    $("status").textContent = e.message;
  }
}

// The document sets as boxes: the default one ticked; 全部 ticks (or clears) every box.
function showSets(info) {
  const box = $("set-boxes");
  clear(box);
  const all = el("input", { type: "checkbox", id: "set-all" });
  for (const s of info.sets) {
    const input = el("input", { type: "checkbox", class: "set", value: s.name, checked: s.name === info.default_set });
    input.addEventListener("change", () => { all.checked = boxes().every(b => b.checked); });
    box.appendChild(el("label", {}, input, " " + s.name + " ", el("span", { class: "what" }, s.what)));
  }
  all.addEventListener("change", () => { for (const b of boxes()) b.checked = all.checked; });
  box.appendChild(el("label", {}, all, " " + info.all_sets + "（以上全部）"));
}

function boxes() { return Array.from(document.querySelectorAll("#set-boxes input.set")); }

function chosenSets() { return boxes().filter(b => b.checked).map(b => b.value); }

// ---- ② check -------------------------------------------------------------------------------------

async function upload(file) {
  message("check-message", "");
  show($("import-result"), false);
  message("import-message", "");
  show($("findings"), false);
  show($("build-result"), false);
  message("build-message", "");
  progress("check-progress", "正在检查“" + file.name + "”……", 0, 0);
  try {
    const data = await api("/api/upload", {
      method: "POST",
      headers: { "X-File-Name": encodeURIComponent(file.name), "Content-Type": "application/octet-stream" },
      body: file,
    });
    showFindings(data);
  } catch (e) {
    state.ledger = null;
    state.canBuild = false;
    message("check-message", e.message);
  } finally {
    show($("check-progress"), false);
    updateButtons();
  }
}

// An office's own ledger: imported into a new ledger (a download), the mapping shown, the new ledger checked.
async function importOffice(file) {
  message("import-message", "");
  message("check-message", "");
  show($("import-result"), false);
  show($("findings"), false);
  show($("build-result"), false);
  message("build-message", "");
  progress("check-progress", "正在导入“" + file.name + "”……", 0, 0);
  try {
    const data = await api("/api/import", {
      method: "POST",
      headers: { "X-File-Name": encodeURIComponent(file.name), "Content-Type": "application/octet-stream" },
      body: file,
    });
    const im = data.import;
    $("import-summary").textContent = "已导入“" + im.source + "”（工作表“" + im.sheet + "”）：" + im.problems + " 个问题、"
      + im.measures + " 条措施" + (im.questions.length ? "；有 " + im.questions.length + " 处需要确认（见下）。" : "。");
    $("import-download").href = "/api/file/" + im.file;
    $("import-download").setAttribute("download", data.name);
    const qs = $("import-questions");
    clear(qs);
    for (const q of im.questions) qs.appendChild(el("li", { class: "question" }, "待确认：" + q));
    if (im.missing.length) qs.appendChild(el("li", {}, "基本信息中还要填写：" + im.missing.join("、")));
    const rep = $("import-report");
    clear(rep);
    for (const line of im.report) if (!im.missing.length || !line.startsWith("基本信息中还要填写")) rep.appendChild(el("li", {}, line));
    show($("import-result"), true);
    showFindings(data);
  } catch (e) {
    state.ledger = null;
    state.canBuild = false;
    message("import-message", e.message);
  } finally {
    show($("check-progress"), false);
    updateButtons();
  }
}

// 导出回报台账: the original goes with the request when chosen (else the one imported on this page).
async function exportBack() {
  if (!state.ledger) return;
  message("export-message", "");
  show($("export-result"), false);
  $("export-button").disabled = true;
  const file = $("export-source").files[0];
  try {
    const headers = { "Content-Type": "application/octet-stream" };
    if (file) headers["X-File-Name"] = encodeURIComponent(file.name);
    const d = await api("/api/export/" + state.ledger, { method: "POST", headers, body: file || new Blob([]) });
    $("export-download").href = "/api/file/" + d.file;
    $("export-download").setAttribute("download", d.name);
    $("export-download").textContent = "下载回报台账：" + d.name;
    $("export-summary").textContent = "写回 " + d.changed.length + " 处，新增 " + d.added.length + " 条措施。";
    const lines = $("export-lines");
    clear(lines);
    for (const n of d.notes.concat(d.changed, d.added)) lines.appendChild(el("li", {}, n));
    show($("export-result"), true);
  } catch (e) {
    message("export-message", e.message);
  } finally {
    updateButtons();
  }
}

function showFindings(data) {
  message("export-message", "");
  show($("export-result"), false);
  state.ledger = data.ledger;
  state.name = data.name;
  state.canBuild = data.can_build;
  $("summary").textContent = "“" + data.name + "”：" + data.errors + " 个错误，" + data.warnings + " 个警告"
    + (data.errors ? "。有错误时不能生成，请按下面的提示修改台账后重新选择。" : (data.warnings ? "。警告不影响生成。" : "。可以生成。"));
  $("marked").href = "/api/marked/" + data.ledger;
  show($("marked"), data.errors + data.warnings > 0);
  renderGroups($("groups"), data.groups);
  show($("findings"), true);
  addDiffChoice(data.ledger, "台账：" + data.name);
  clear($("history-table").tBodies[0]);
  show($("history-table"), false);
  show($("history-empty"), false);
}

function renderGroups(box, groups) {
  clear(box);
  for (const g of groups) {
    box.appendChild(el("h3", {}, "【" + g.sheet + "】 " + g.errors + " 个错误，" + g.warnings + " 个警告"));
    const body = el("tbody");
    for (const f of g.findings) {
      body.appendChild(el("tr", { class: "finding" },
        el("td", { class: "level-" + f.level }, LEVEL[f.level] || f.level),
        el("td", { class: "where" }, f.location),
        el("td", {}, f.header),
        el("td", {}, f.message),
        el("td", { class: "todo" }, f.todo)));
    }
    box.appendChild(el("table", {},
      el("thead", {}, el("tr", {}, el("th", {}, "级别"), el("th", {}, "位置"), el("th", {}, "列"),
        el("th", {}, "问题"), el("th", {}, "怎么改"))), body));
  }
}

// ---- ③ build -------------------------------------------------------------------------------------

async function build() {
  if (!state.ledger) return;
  $("build-button").disabled = true;
  message("build-message", "");
  show($("build-result"), false);
  progress("build-progress", "开始生成……", 0, 0);
  try {
    const sets = chosenSets();
    if (!sets.length) throw new Error("请在“生成哪些文档”中至少选择一项。");
    const { job } = await postJSON("/api/build", { ledger: state.ledger, sets: sets });
    const result = await waitJob(job, "build-progress");
    showBuild(result);
  } catch (e) {
    message("build-message", e.message);
  } finally {
    show($("build-progress"), false);
    updateButtons();
  }
}

const STATUS = { written: "已生成", replaced: "已替换", unchanged: "内容与已有的生成结果相同，没有重新写入", reopened: "已打开" };

function showBuild(r) {
  if (r.status === "failed") {
    message("build-message", "生成失败：" + r.message);
    if (r.groups) renderGroups($("groups"), r.groups);
    return;
  }
  $("build-status").textContent = (STATUS[r.status] || r.status) + (r.sets ? "（" + r.sets + "）" : "") + "：" + r.path
    + (r.previous ? "。与上次生成（" + r.previous + "）相比：" + r.changes + "。" : "")
    + (r.warnings ? "（有 " + r.warnings + " 个警告，不影响生成）" : "");
  const notes = $("build-notes");
  clear(notes);
  for (const n of (r.notes || []).concat(r.documents.notes || [])) notes.appendChild(el("li", {}, n));
  if (!r.documents.office) {
    notes.appendChild(el("li", {}, "本机没有安装 LibreOffice，不能显示页面图像。Word 文档已生成，请下载后用 Word 或 WPS 打开。"));
  }
  const dl = $("downloads");
  clear(dl);
  dl.appendChild(el("a", { class: "button", id: "download-zip", href: "/api/zip/" + r.build, download: r.folder + ".zip" }, "下载全部（zip）"));
  for (const f of r.files) {
    dl.appendChild(el("a", { class: "button file", href: "/api/file/" + f.id, download: f.name }, f.name));
  }
  if (state.info && state.info.local) {
    const open = el("button", { id: "open-folder" }, "打开文件夹");
    open.addEventListener("click", async () => {
      try { await postJSON("/api/open/" + r.build); } catch (e) { message("build-message", e.message); }
    });
    dl.appendChild(open);
  }
  const docs = $("documents");
  clear(docs);
  for (const d of r.documents.items) {
    const head = el("h3", {}, d.name + "（" + d.pages.length + " 页）",
      el("a", { class: "button", href: "/api/file/" + d.docx, download: d.name }, "下载 Word"),
      d.pdf ? el("a", { class: "button", href: "/api/file/" + d.pdf, target: "_blank", rel: "noopener" }, "PDF") : null);
    const pages = el("div", { class: "pages" });
    d.pages.forEach((id, i) => {
      pages.appendChild(el("a", { href: "/api/file/" + id, target: "_blank", rel: "noopener" },
        el("img", { src: "/api/file/" + id, alt: d.name + " 第 " + (i + 1) + " 页", loading: "lazy", class: "page" })));
    });
    docs.appendChild(el("div", { class: "doc" }, head, pages));
  }
  show($("build-result"), true);
  addDiffChoice(r.build, "生成：" + r.folder);
}

// ---- ④ history, diff, due ------------------------------------------------------------------------

async function history() {
  if (!state.ledger) return;
  try {
    const { builds } = await api("/api/history/" + state.ledger);
    const body = $("history-table").tBodies[0];
    clear(body);
    for (const b of builds) {
      const reopen = el("button", { class: "reopen" }, "查看页面");
      reopen.addEventListener("click", () => reopenBuild(b.build));
      body.appendChild(el("tr", {}, el("td", {}, b.when), el("td", {}, b.folder), el("td", { class: "sets" }, b.sets), el("td", {}, b.status),
        el("td", {}, b.changes), el("td", {}, reopen)));
      addDiffChoice(b.build, "生成：" + b.folder + (b.when ? "（" + b.when + "）" : ""));
    }
    show($("history-table"), builds.length > 0);
    show($("history-empty"), builds.length === 0);
  } catch (e) {
    message("diff-message", e.message);
  }
}

async function reopenBuild(id) {
  message("build-message", "");
  progress("build-progress", "正在打开……", 0, 0);
  try {
    const { job } = await postJSON("/api/reopen/" + id);
    showBuild(await waitJob(job, "build-progress"));
    $("build").scrollIntoView();
  } catch (e) {
    message("build-message", e.message);
  } finally {
    show($("build-progress"), false);
  }
}

const choices = new Set();
function addDiffChoice(id, label) {
  if (choices.has(id)) return;
  choices.add(id);
  for (const sel of [$("diff-old"), $("diff-new")]) sel.appendChild(el("option", { value: id }, label));
  $("diff-new").value = id;
  updateButtons();
}

async function diff() {
  message("diff-message", "");
  show($("diff-result"), false);
  try {
    const d = await postJSON("/api/diff", { old: $("diff-old").value, new: $("diff-new").value });
    $("diff-summary").textContent = d.old + " → " + d.new + "：" + d.summary;
    const box = $("diff-tables");
    clear(box);
    for (const [title, t] of [["问题", d.problems], ["措施", d.measures]]) {
      const body = el("tbody");
      for (const a of t.added) body.appendChild(el("tr", {}, el("td", {}, "新增"), el("td", {}, a.id), el("td", {}, ""), el("td", {}, el("ins", {}, a.text))));
      for (const a of t.removed) body.appendChild(el("tr", {}, el("td", {}, "删除"), el("td", {}, a.id), el("td", {}, ""), el("td", {}, el("del", {}, a.text))));
      for (const c of t.changed) body.appendChild(el("tr", { class: "change" }, el("td", {}, "变化"), el("td", {}, c.id), el("td", {}, c.field),
        el("td", {}, el("del", {}, c.old || "（空）"), " → ", el("ins", {}, c.new || "（空）"))));
      if (!body.rows.length) continue;
      box.appendChild(el("h3", {}, title));
      box.appendChild(el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, ""), el("th", {}, "编号"), el("th", {}, "项目"), el("th", {}, "内容"))), body));
    }
    show($("diff-result"), true);
  } catch (e) {
    message("diff-message", e.message);
  }
}

async function due() {
  message("due-message", "");
  show($("due-table"), false);
  try {
    const d = await api("/api/due/" + state.ledger + "?date=" + encodeURIComponent($("due-date").value));
    const body = $("due-table").tBodies[0];
    clear(body);
    for (const m of d.items) {
      body.appendChild(el("tr", { class: m.overdue ? "overdue" : "soon" }, el("td", {}, m.department), el("td", {}, m.id),
        el("td", {}, m.action), el("td", {}, m.deadline), el("td", { class: m.overdue ? "level-error" : "level-warning" }, m.state)));
    }
    if (d.items.length) show($("due-table"), true);
    else message("due-message", "截至 " + d.as_of + "，没有逾期或 30 天内到期的未完成措施。", true);
  } catch (e) {
    message("due-message", e.message);
  }
}

function updateButtons() {
  $("build-button").disabled = !(state.ledger && state.canBuild);
  $("build-hint").textContent = state.ledger ? (state.canBuild ? "生成到：" + (state.info ? state.info.output : "output") : "台账有错误，改正后才能生成。") : "请先选择一个没有错误的台账。";
  $("history-button").disabled = !state.ledger;
  $("export-button").disabled = !state.ledger;
  $("due-button").disabled = !(state.ledger && state.canBuild);
  $("diff-button").disabled = choices.size < 2;
}

// ---- wiring --------------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  const drop = $("drop");
  $("file").addEventListener("change", e => { if (e.target.files.length) upload(e.target.files[0]); e.target.value = ""; });
  drop.addEventListener("dragover", e => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", e => {
    e.preventDefault();
    drop.classList.remove("over");
    if (e.dataTransfer.files.length) upload(e.dataTransfer.files[0]);
  });
  $("build-button").addEventListener("click", build);
  const idrop = $("import-drop");
  $("import-file").addEventListener("change", e => { if (e.target.files.length) importOffice(e.target.files[0]); e.target.value = ""; });
  idrop.addEventListener("dragover", e => { e.preventDefault(); idrop.classList.add("over"); });
  idrop.addEventListener("dragleave", () => idrop.classList.remove("over"));
  idrop.addEventListener("drop", e => {
    e.preventDefault();
    idrop.classList.remove("over");
    if (e.dataTransfer.files.length) importOffice(e.dataTransfer.files[0]);
  });
  $("export-button").addEventListener("click", exportBack);
  $("history-button").addEventListener("click", history);
  $("diff-button").addEventListener("click", diff);
  $("due-button").addEventListener("click", due);
  $("due-date").value = new Date().toISOString().slice(0, 10);
  loadInfo();
  updateButtons();
  document.body.dataset.ready = "1";
});
