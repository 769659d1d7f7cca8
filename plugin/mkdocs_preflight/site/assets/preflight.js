/*
 * mkdocs-preflight: interactive checklists.
 *
 * Plain ES2017, no dependencies, no network. Consumes the markup described in the
 * project's HTML contract (wrapper .preflight-checklist, li.preflight-item,
 * .preflight-progress, .preflight-controls, the JSON page data). Without this script
 * the page still shows the source's checkboxes; with it, checkboxes become clickable
 * (when the page is interactive), ticks persist in localStorage and progress bars
 * update live.
 *
 * Everything taken from the page data is written with textContent or .value, never
 * as HTML.
 */
(() => {
  "use strict";

  // The script may be included twice (a theme override plus the plugin): bind once.
  const GLOBAL = "__mkdocsPreflight";
  if (window[GLOBAL]) {
    return;
  }
  const debug = { version: 1, views: 0, bindings: 0 };
  window[GLOBAL] = debug;

  const STORAGE_PREFIX = "preflight:v1:";
  const PAGE = ".preflight-checklist";
  const ITEM = "li.preflight-item";
  const STATUS_TIMEOUT_MS = 4000;

  /*
   * The run log written by "Export run log": schema version 1 of the runner's log
   * (plugin/mkdocs_preflight/runner/log.py), a header then one step record per ticked
   * item. A tick is the operator's confirmation, not a command that ran, hence
   * "manual-done" (the runner records confirmed manual steps the same way). Everything
   * about the schema is here.
   */
  const RUN_LOG = {
    mimeType: "application/x-ndjson",
    extension: "jsonl",
    header(ctx, runId, start) {
      return {
        type: "header",
        version: 1,
        source: "browser",
        run_id: runId,
        checklist: ctx.data.path || ctx.page + ".md",
        title: typeof ctx.data.title === "string" ? ctx.data.title : "",
        sha256: typeof ctx.data.sha256 === "string" ? ctx.data.sha256 : "",
        steps: ctx.items.map((item) => ({ id: item.id, kind: "item", text: item.text })),
        host: location.host,
        start: start,
      };
    },
    step(item, at) {
      return { type: "step", id: item.id, kind: "item", status: "manual-done", at: at, duration: 0 };
    },
  };

  /* ------------------------------------------------------------------ helpers */

  const nowIso = () => new Date().toISOString();

  /** Own-property map without a prototype, so an item ID like "__proto__" is harmless. */
  const emptyMap = () => Object.create(null);

  const emptyState = () => ({ items: emptyMap(), started: null });

  /** The elements matching `selector` that belong to `root` (not to a nested wrapper). */
  function own(root, selector) {
    return Array.prototype.filter.call(
      root.querySelectorAll(selector),
      (el) => el.closest(PAGE) === root,
    );
  }

  /** The item's own checkbox: the first one whose closest item is this item. */
  function ownCheckbox(li) {
    const boxes = li.querySelectorAll('input[type="checkbox"]');
    for (const box of boxes) {
      if (box.closest(ITEM) === li) {
        return box;
      }
    }
    return null;
  }

  function parseData(text) {
    try {
      const data = JSON.parse(text || "");
      if (data && typeof data === "object" && data.version === 1 && typeof data.markdown === "string") {
        return data;
      }
    } catch (_error) {
      // Not our data.
    }
    return null;
  }

  /**
   * The page data: the wrapper's data-preflight-json attribute. (Not a JSON <script>:
   * Material's instant loading re-creates inline scripts without their type and would
   * run the JSON as JavaScript.)
   */
  function readData(root) {
    return parseData(root.getAttribute("data-preflight-json"));
  }

  /**
   * The saved state of a page, keeping only the ticks that still belong to one of its
   * items: a tick names its item by ID and remembers the item's text. An automatic ID
   * moves to another item when the checklist changes (two items whose texts slug the
   * same are numbered in order: remove or reorder one and the numbers shift), so a
   * tick whose text is not its item's any more is dropped, not applied to that other
   * item. A pinned ID ({ #id }) stays with its item when the text is edited, and so
   * does its tick. Ticks of items no longer on the page are dropped too.
   */
  function loadState(key, ctx) {
    const state = emptyState();
    let parsed = null;
    try {
      parsed = JSON.parse((unsaved.has(key) ? unsaved.get(key) : window.localStorage.getItem(key)) || "null");
    } catch (_error) {
      return state;
    }
    if (!parsed || typeof parsed !== "object") {
      return state;
    }
    if (typeof parsed.started === "string") {
      state.started = parsed.started;
    }
    const items = parsed.items;
    if (items && typeof items === "object" && !Array.isArray(items)) {
      for (const id of Object.keys(items)) {
        const entry = items[id];
        const item = ctx.byId[id];
        if (!item || !entry || typeof entry !== "object" || typeof entry.checked !== "boolean") {
          continue;
        }
        const text = typeof entry.text === "string" ? entry.text : null;
        if (text !== null && text !== item.text && !item.pinned) {
          continue;
        }
        state.items[id] = { checked: entry.checked, at: typeof entry.at === "string" ? entry.at : null, text: item.text };
      }
    }
    return state;
  }

  /**
   * The pages whose state the browser refused to store (storage disabled, private mode,
   * quota exceeded), by storage key: kept here instead, so that the ticks last while
   * the tab stays on the site (Material's instant navigation keeps this script), and
   * the operator is told that they will not survive a reload.
   */
  const unsaved = new Map();

  function saveState(ctx) {
    const empty = Object.keys(ctx.state.items).length === 0;
    try {
      if (empty) {
        window.localStorage.removeItem(ctx.key);
      } else {
        window.localStorage.setItem(ctx.key, JSON.stringify(ctx.state));
      }
      unsaved.delete(ctx.key);
    } catch (_error) {
      if (empty) {
        unsaved.delete(ctx.key);
        return;
      }
      unsaved.set(ctx.key, JSON.stringify(ctx.state));
      warnUnsaved(ctx);
    }
  }

  function warnUnsaved(ctx) {
    ctx.root.setAttribute("data-preflight-saved", "false");
    setStatus(ctx, "This browser does not let the page save your ticks: reloading or closing it loses them.", true);
  }

  /* ------------------------------------------------------------------ page context */

  // One context per wrapper element; instant navigation brings new elements, hence new contexts.
  const contexts = new WeakMap();

  function context(root) {
    let ctx = contexts.get(root);
    if (ctx) {
      return ctx;
    }
    const data = readData(root) || { version: 1, markdown: "", items: [] };
    const page = root.getAttribute("data-preflight-page") || data.page || location.pathname;
    const site = root.getAttribute("data-preflight-site") || "";
    const scopes = sectionScopes(data);
    const source = emptyMap();
    for (const item of Array.isArray(data.items) ? data.items : []) {
      if (item && typeof item.id === "string") {
        source[item.id] = item;
      }
    }
    const items = [];
    const byId = emptyMap();
    for (const li of own(root, ITEM)) {
      const id = li.id;
      const input = ownCheckbox(li);
      if (!id || !input || byId[id]) {
        continue;
      }
      const known = source[id];
      const entry = {
        id: id,
        li: li,
        input: input,
        sections: known && typeof known.section === "number" ? scopes[known.section] || [] : [],
        sourceChecked: known ? known.checked === true : input.defaultChecked,
        text: known && typeof known.text === "string" ? known.text : li.textContent.trim(),
        pinned: !!known && known.pinned === true,
      };
      items.push(entry);
      byId[id] = entry;
    }
    ctx = {
      root: root,
      data: data,
      page: page,
      key: STORAGE_PREFIX + site + ":" + page,
      interactive: root.getAttribute("data-preflight-interactive") === "true",
      items: items,
      byId: byId,
      state: emptyState(),
    };
    contexts.set(root, ctx);
    return ctx;
  }

  /** For each section (by index in the page data), its slug and its ancestors' slugs:
   * the progress bars an item of that section counts towards. */
  function sectionScopes(data) {
    const sections = Array.isArray(data.sections) ? data.sections : [];
    const scopes = [];
    for (let index = 0; index < sections.length; index += 1) {
      const section = sections[index] || {};
      const parent = typeof section.parent === "number" && section.parent < index ? scopes[section.parent] : [];
      scopes.push(typeof section.slug === "string" ? [section.slug].concat(parent) : parent);
    }
    return scopes;
  }

  function applyState(ctx) {
    for (const item of ctx.items) {
      const saved = ctx.state.items[item.id];
      item.input.checked = saved ? saved.checked : item.sourceChecked;
    }
    updateProgress(ctx);
  }

  function updateProgress(ctx) {
    for (const bar of own(ctx.root, ".preflight-progress")) {
      const scope = bar.getAttribute("data-preflight-scope") || "";
      let done = 0;
      let total = 0;
      for (const item of ctx.items) {
        if (scope && item.sections.indexOf(scope) < 0) {
          continue;
        }
        total += 1;
        if (item.input.checked) {
          done += 1;
        }
      }
      bar.setAttribute("data-preflight-done", String(done));
      bar.setAttribute("data-preflight-total", String(total));
      bar.classList.toggle("preflight-progress--complete", total > 0 && done === total);
      const progress = bar.querySelector("progress");
      if (progress) {
        progress.max = Math.max(total, 1);
        progress.value = done;
        progress.textContent = done + "/" + total;
      }
      const label = bar.querySelector(".preflight-progress-label");
      if (label) {
        label.textContent = done + "/" + total + " done";
      }
    }
  }

  /** Show the controls and give them a status line and the export fields tests read. */
  function setUpControls(ctx) {
    for (const controls of own(ctx.root, ".preflight-controls")) {
      if (!controls.querySelector(".preflight-status")) {
        const status = document.createElement("span");
        status.className = "preflight-status";
        status.setAttribute("role", "status");
        status.setAttribute("aria-live", "polite");
        controls.appendChild(status);
        for (const kind of ["markdown", "run-log"]) {
          const field = document.createElement("textarea");
          field.className = "preflight-export";
          field.setAttribute("data-preflight-export", kind);
          field.setAttribute("aria-label", kind === "markdown" ? "Progress as Markdown" : "Run log");
          field.readOnly = true;
          field.hidden = true;
          controls.appendChild(field);
        }
      }
      controls.hidden = false;
    }
  }

  /** Tell the operator something, for a few seconds unless it must stay. */
  function setStatus(ctx, message, stay) {
    for (const status of own(ctx.root, ".preflight-status")) {
      status.textContent = message;
      window.clearTimeout(status._preflightTimer);
      if (!stay) {
        status._preflightTimer = window.setTimeout(() => {
          status.textContent = "";
        }, STATUS_TIMEOUT_MS);
      }
    }
  }

  function exportField(ctx, kind) {
    for (const field of own(ctx.root, "textarea.preflight-export")) {
      if (field.getAttribute("data-preflight-export") === kind) {
        return field;
      }
    }
    return null;
  }

  /** Set up one wrapper: data, saved state, clickable boxes, controls, progress. */
  function initPage(root) {
    const ctx = context(root);
    ctx.state = loadState(ctx.key, ctx);
    if (ctx.interactive) {
      for (const item of ctx.items) {
        item.input.disabled = false;
        // The item's text sits outside the box's <label>: name the box after it.
        if (item.text && !item.input.hasAttribute("aria-label")) {
          item.input.setAttribute("aria-label", item.text);
        }
      }
      setUpControls(ctx);
      if (unsaved.has(ctx.key)) {
        warnUnsaved(ctx);
      }
    }
    applyState(ctx);
    root.setAttribute("data-preflight-ready", "true");
  }

  function initAll() {
    debug.views += 1;
    for (const root of document.querySelectorAll(PAGE)) {
      initPage(root);
    }
    revealTarget();
  }

  /* ------------------------------------------------------------------ actions */

  const TICK_LINE = /^((?:[ \t]*>)*[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)\[([ xX])\]/;
  const ANY_TICK = /\[([ xX])\]/;
  const BOX_AT = /\[([ xX])\]/y;

  /** The checklist source with each item's box set to its current state, byte for byte otherwise. */
  function progressMarkdown(ctx) {
    const markdown = ctx.data.markdown;
    const bom = markdown.startsWith("\ufeff") ? "\ufeff" : "";
    // Lines and their own ends, as the engine counts lines (a lone CR ends one too):
    // joining them again gives back a file with CRLF, LF or mixed ends exactly.
    const parts = markdown.slice(bom.length).split(/(\r\n|\r|\n)/);
    const items = Array.isArray(ctx.data.items) ? ctx.data.items : [];
    for (const source of items) {
      if (!source || typeof source.id !== "string" || typeof source.line !== "number") {
        continue;
      }
      const index = 2 * (source.line - 1);
      if (index < 0 || index >= parts.length) {
        continue;
      }
      const live = ctx.byId[source.id];
      const checked = live ? live.input.checked : source.checked === true;
      parts[index] = setTick(parts[index], checked, source.col);
    }
    return bom + parts.join("");
  }

  function setTick(line, checked, col) {
    const box = (old) => (checked ? (old === " " ? "x" : old) : " ");
    if (typeof col === "number") {
      // Not the line's first box (`- [ ] - [ ] x`): the box at the item's own column.
      BOX_AT.lastIndex = col - 1;
      const own = BOX_AT.exec(line);
      if (own) {
        return line.slice(0, own.index) + "[" + box(own[1]) + "]" + line.slice(own.index + 3);
      }
    }
    const match = TICK_LINE.exec(line);
    if (match) {
      return match[1] + "[" + box(match[2]) + "]" + line.slice(match[0].length);
    }
    return line.replace(ANY_TICK, (_all, old) => "[" + box(old) + "]");
  }

  function runLog(ctx, runId) {
    const start = ctx.state.started || nowIso();
    const records = [RUN_LOG.header(ctx, runId, start)];
    for (const item of ctx.items) {
      if (item.input.checked) {
        const saved = ctx.state.items[item.id];
        records.push(RUN_LOG.step(item, saved && saved.at ? saved.at : start));
      }
    }
    return records.map((record) => JSON.stringify(record)).join("\n") + "\n";
  }

  function copyWithTextarea(text) {
    const field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.style.position = "fixed";
    field.style.top = "-1000px";
    field.style.opacity = "0";
    document.body.appendChild(field);
    field.select();
    let copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (_error) {
      copied = false;
    }
    field.remove();
    return copied;
  }

  async function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch (_error) {
        // Permission denied or no focus: try the old way.
      }
    }
    return copyWithTextarea(text);
  }

  async function copyMarkdown(ctx) {
    const text = progressMarkdown(ctx);
    const field = exportField(ctx, "markdown");
    if (field) {
      field.value = text;
      // A textarea's value turns CRLF into LF; the attribute keeps the exact text.
      field.setAttribute("data-preflight-text", text);
    }
    const copied = await copyText(text);
    ctx.root.setAttribute("data-preflight-copied", copied ? "true" : "false");
    if (copied) {
      setStatus(ctx, "Copied the checklist with your ticks.");
    } else if (field) {
      // Let the operator copy by hand rather than lose the text.
      field.hidden = false;
      field.focus();
      field.select();
      setStatus(ctx, "Could not copy automatically: select the text below and copy it.");
    }
  }

  function fileStamp(iso) {
    return iso.replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  }

  function exportRunLog(ctx) {
    const runId = ctx.page.replace(/[^A-Za-z0-9._-]+/g, "-") + "-" + fileStamp(nowIso());
    const text = runLog(ctx, runId);
    const field = exportField(ctx, "run-log");
    if (field) {
      field.value = text;
      field.setAttribute("data-preflight-text", text);
    }
    const name = runId + "." + RUN_LOG.extension;
    const url = URL.createObjectURL(new Blob([text], { type: RUN_LOG.mimeType }));
    const link = document.createElement("a");
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 10000);
    setStatus(ctx, "Downloaded " + name + ".");
  }

  function reset(ctx) {
    const touched = Object.keys(ctx.state.items).length > 0;
    if (touched && !window.confirm("Reset the ticks on this page to the checklist's own state?")) {
      return;
    }
    ctx.state = emptyState();
    saveState(ctx);
    applyState(ctx);
    setStatus(ctx, "Progress reset.");
  }

  /* ------------------------------------------------------------------ deep links */

  /** The radio input that shows a tab of pymdownx.tabbed (either style), or null. */
  function tabInput(panel) {
    const set = panel.closest(".tabbed-set");
    if (!set) {
      return null;
    }
    if (panel.classList.contains("tabbed-block")) {
      // alternate_style: the inputs come first, the blocks in the same order.
      const blocks = Array.prototype.filter.call(panel.parentElement.children, (el) =>
        el.classList.contains("tabbed-block"),
      );
      const inputs = Array.prototype.filter.call(set.children, (el) => el.matches('input[type="radio"]'));
      return inputs[blocks.indexOf(panel)] || null;
    }
    // The old style: input, label, content, input, label, content...
    for (let el = panel.previousElementSibling; el; el = el.previousElementSibling) {
      if (el.matches('input[type="radio"]')) {
        return el;
      }
    }
    return null;
  }

  /**
   * A link to an item (page/#item-id) whose item sits in a tab that is not selected, or
   * in a closed <details>, shows nothing: select the tabs and open the blocks around it,
   * then scroll to it.
   */
  function revealTarget() {
    let id = "";
    try {
      id = decodeURIComponent(location.hash.slice(1));
    } catch (_error) {
      return;
    }
    const target = id ? document.getElementById(id) : null;
    if (!target || !target.closest(PAGE)) {
      return;
    }
    let revealed = false;
    for (let el = target.parentElement; el; el = el.parentElement) {
      if (el.tagName === "DETAILS" && !el.open) {
        el.open = true;
        revealed = true;
      } else if (
        el.classList.contains("tabbed-block") ||
        (el.classList.contains("tabbed-content") && !el.querySelector(".tabbed-block"))
      ) {
        const input = tabInput(el);
        if (input && !input.checked) {
          input.checked = true;
          input.dispatchEvent(new Event("change", { bubbles: true }));
          revealed = true;
        }
      }
    }
    if (revealed) {
      target.scrollIntoView();
      clearHeader(target);
    }
  }

  /**
   * The scroll margin that keeps an item clear of Material's sticky header is set on
   * `:target` only, and after instant loading the item may not be `:target` yet when it is
   * revealed (seen once in CI: the item scrolled to the very top, under the header).
   */
  function clearHeader(target) {
    const header = document.querySelector(".md-header");
    if (!header || target.matches(":target")) {
      return;
    }
    const overlap = header.getBoundingClientRect().bottom - target.getBoundingClientRect().top;
    if (overlap > 0) {
      window.scrollBy(0, -(overlap + 8));
    }
  }

  /* ------------------------------------------------------------------ global listeners */

  // Delegated listeners on document, bound once: instant navigation swaps the content
  // but keeps the document, so nothing needs rebinding per page view.
  function onChange(event) {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "checkbox") {
      return;
    }
    const li = input.closest(ITEM);
    const root = li && li.closest(PAGE);
    if (!root || ownCheckbox(li) !== input) {
      return;
    }
    const ctx = context(root);
    const item = ctx.items.find((candidate) => candidate.input === input);
    if (!item || !ctx.interactive) {
      return;
    }
    const at = nowIso();
    ctx.state.items[item.id] = { checked: input.checked, at: at, text: item.text };
    if (!ctx.state.started) {
      ctx.state.started = at;
    }
    saveState(ctx);
    updateProgress(ctx);
  }

  function onClick(event) {
    const target = event.target;
    const button = target instanceof Element ? target.closest("[data-preflight-action]") : null;
    const root = button && button.closest(PAGE);
    if (!root) {
      return;
    }
    const ctx = context(root);
    if (!ctx.interactive) {
      return;
    }
    const action = button.getAttribute("data-preflight-action");
    if (action === "reset") {
      reset(ctx);
    } else if (action === "copy-markdown") {
      copyMarkdown(ctx);
    } else if (action === "export-log") {
      exportRunLog(ctx);
    }
  }

  /** Another tab ticked a box of a page shown here: follow it. */
  function onStorage(event) {
    if (event.key !== null && event.key.indexOf(STORAGE_PREFIX) !== 0) {
      return;
    }
    for (const root of document.querySelectorAll(PAGE)) {
      const ctx = context(root);
      if (event.key === null || event.key === ctx.key) {
        ctx.state = loadState(ctx.key, ctx);
        applyState(ctx);
      }
    }
  }

  function bindGlobalListeners() {
    document.addEventListener("change", onChange);
    document.addEventListener("click", onClick);
    window.addEventListener("storage", onStorage);
    window.addEventListener("hashchange", revealTarget);
    // Back/forward cache restores a frozen page: re-read what other pages saved meanwhile.
    window.addEventListener("pageshow", (event) => {
      if (event.persisted) {
        initAll();
      }
    });
    debug.bindings += 1;
  }

  bindGlobalListeners();
  if (window.document$ && typeof window.document$.subscribe === "function") {
    // Material: emits on load and after every instant navigation.
    window.document$.subscribe(() => initAll());
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll, { once: true });
  } else {
    initAll();
  }
})();
