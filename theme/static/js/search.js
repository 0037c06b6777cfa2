/*
 * The search page (search.html): reads the query and filters from the URL and
 * the form, asks the engine (search-engine.js, no DOM) and renders what it
 * returns.  Everything untrusted (the query, every indexed string) reaches the
 * page through textContent / text nodes, never as markup.
 */
import { FACETS, MAX_QUERY_CHARS, Pieces, QueryTooLong, compareCodePoints, openIndex } from "./search-engine.js";

const PAGE_SIZE = 10;
const FACET_LABELS = { region: "地区", topic: "专题", year: "年份" };
const FACET_SHOWN = 12; // values listed before "show all"

// ---------------------------------------------------------------- page state (URL)

function readState(search) {
  const params = new URLSearchParams(search);
  const filters = new Map();
  for (const facet of FACETS) {
    const values = params.getAll(facet).map((v) => v.trim()).filter(Boolean);
    if (values.length) filters.set(facet, [...new Set(values)]);
  }
  const page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
  return { q: params.get("q") || "", filters, page };
}

function stateSearch(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const facet of FACETS) for (const value of state.filters.get(facet) || []) params.append(facet, value);
  if (state.page > 1) params.set("page", String(state.page));
  const text = params.toString();
  return text ? "?" + text : location.pathname.split("/").pop() || "?";
}

// ---------------------------------------------------------------- rendering helpers

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Append `text` to `parent` with <mark> elements around `marks` (code point offsets). */
function appendMarked(parent, text, marks) {
  const textChars = Array.from(text);
  let last = 0;
  for (const [start, end] of marks) {
    if (start > last) parent.append(textChars.slice(last, start).join(""));
    parent.append(el("mark", null, textChars.slice(start, end).join("")));
    last = end;
  }
  if (last < textChars.length) parent.append(textChars.slice(last).join(""));
}

/** 2023-05-01 → 2023年5月1日 (the site's date format); anything else as is. */
function displayDate(iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return match ? `${match[1]}年${Number(match[2])}月${Number(match[3])}日` : iso;
}

// ---------------------------------------------------------------- the page

class SearchPage {
  constructor(root) {
    this.root = root;
    this.results = root.querySelector("[data-search-results]");
    this.status = root.querySelector("[data-search-status]");
    this.list = root.querySelector("[data-search-list]");
    this.pager = root.querySelector("[data-search-pager]");
    this.active = root.querySelector("[data-search-active]");
    this.facetPanel = root.querySelector("[data-search-facets]");
    this.facetBody = root.querySelector("[data-search-facet-body]");
    this.siteRoot = new URL(root.dataset.siteRoot || "./", document.baseURI);
    this.pieces = new Pieces(new URL(root.dataset.index || "search/", document.baseURI));
    this.inputs = [...document.querySelectorAll('form[role="search"] input[name="q"]')];
    this.generation = 0;
    this.index = null;
    this.state = readState(location.search);
  }

  start() {
    for (const form of document.querySelectorAll('form[role="search"]')) {
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const q = new FormData(form).get("q") || "";
        if (window.matchMedia("(pointer: coarse)").matches) document.activeElement.blur(); // close the phone keyboard
        this.navigate({ q: String(q).trim(), filters: this.state.filters, page: 1 });
      });
    }
    this.facetPanel.addEventListener("toggle", () => {
      if (this.facetPanel.open) this.run(this.state, { keepStatus: true });
    });
    window.addEventListener("popstate", () => this.run(readState(location.search)));
    this.run(this.state);
  }

  navigate(state) {
    const url = stateSearch(state);
    if (new URL(url, location.href).href === location.href) history.replaceState(null, "", url);
    else history.pushState(null, "", url);
    this.run(readState(location.search));
  }

  /** The index, opened once per page (again after a failure). */
  loadIndex() {
    if (!this.index) {
      this.index = openIndex(this.pieces);
      this.index.then((index) => index.synonymsReady).catch(() => { this.index = null; });
    }
    return this.index;
  }

  setBusy(state) {
    this.results.dataset.searchState = state;
    this.results.setAttribute("aria-busy", state === "loading" ? "true" : "false");
  }

  async run(state, options = {}) {
    const generation = ++this.generation;
    const current = () => generation === this.generation;
    this.state = state;
    for (const input of this.inputs) input.value = state.q;
    document.title = state.q ? `${state.q} - 搜索 - ${this.root.dataset.siteName || ""}` : this.root.dataset.pageTitle || document.title;
    const started = performance.now();
    const waitedBefore = this.pieces.waitMs;
    this.setBusy("loading");
    if (!options.keepStatus) this.status.textContent = state.q || state.filters.size ? "正在搜索…" : "";
    try {
      const index = await this.loadIndex();
      if (!current()) return;
      const query = await index.parse(state.q, state.filters);
      if (!current()) return;
      this.renderActiveFilters(state);
      if (query.empty) {
        this.renderEmpty(state);
      } else {
        const counts = query.filters.size > 0 || this.facetPanel.open;
        const result = await index.search(query, { counts });
        const pages = Math.max(1, Math.ceil(result.hits.length / PAGE_SIZE));
        const page = Math.min(state.page, pages);
        if (!current()) return;
        const shown = await index.display(result.hits.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE));
        if (!current()) return;
        this.renderResults(state, result.hits.length, shown, page, pages);
        this.renderFacets(index, state, query, result.counts);
      }
      this.finish(started, waitedBefore);
    } catch (error) {
      if (!current()) return;
      this.list.replaceChildren();
      this.pager.replaceChildren();
      if (error instanceof QueryTooLong) {
        this.status.textContent = `搜索词太长：请用不超过 ${MAX_QUERY_CHARS} 个字的关键词。`;
        this.results.dataset.searchTotal = "0";
        this.finish(started, waitedBefore);
        return;
      }
      this.status.textContent = "搜索索引无法加载，请稍后重试。（" + (error && error.message ? error.message : String(error)) + "）";
      this.setBusy("error");
    }
  }

  finish(started, waitedBefore) {
    const total = performance.now() - started;
    const waited = this.pieces.waitMs - waitedBefore;
    this.results.dataset.searchMs = total.toFixed(1);
    this.results.dataset.searchComputeMs = Math.max(0, total - waited).toFixed(1);
    this.setBusy("done");
  }

  renderEmpty(state) {
    this.list.replaceChildren();
    this.pager.replaceChildren();
    this.facetBody.replaceChildren();
    this.results.dataset.searchTotal = "0";
    this.status.textContent = state.q ? "请输入要搜索的文字（标点和空格会被忽略）。" : "请输入要搜索的词语，例如 工资集体协商、爱心驿站。";
  }

  renderResults(state, total, shown, page, pages) {
    this.results.dataset.searchTotal = String(total);
    const label = !state.q ? "筛选条件" : state.q.includes('"') ? state.q : `“${state.q}”`;
    this.status.textContent = total
      ? `${label}：找到 ${total} 篇文章` + (pages > 1 ? `，第 ${page}/${pages} 页` : "")
      : `${label}：没有找到文章。试试更短的词，或去掉筛选条件。`;
    this.list.replaceChildren(...shown.map((result) => this.resultItem(result)));
    this.list.start = (page - 1) * PAGE_SIZE + 1;
    this.renderPager(state, page, pages);
  }

  resultItem(result) {
    const item = el("li", "search-result");
    item.dataset.doc = String(result.doc);
    const heading = el("h2", "search-result__title");
    const link = el("a");
    link.href = new URL(result.url, this.siteRoot).href;
    appendMarked(link, result.title, result.titleMarks);
    heading.append(link);
    const meta = el("p", "search-result__meta");
    if (result.date) {
      const time = el("time", null, displayDate(result.date));
      time.dateTime = result.date;
      meta.append(time);
    }
    for (const region of result.regions) {
      const tag = el("span", "search-result__tag", region.split("›").pop()); // 浙江省›台州市›黄岩区 → 黄岩区
      tag.title = region;
      meta.append(tag);
    }
    for (const topic of result.topics) meta.append(el("span", "search-result__tag", topic));
    const cut = result.snippet;
    const text = el("p", "search-result__snippet");
    if (cut.before) text.append("…");
    appendMarked(text, cut.text, cut.marks);
    if (cut.after) text.append("…");
    if (!result.credited && result.terms.length) item.classList.add("search-result--partial");
    item.append(heading, meta, text);
    return item;
  }

  pageLink(state, page, text, current) {
    const link = el("a", "search-pager__link", text);
    link.href = stateSearch({ ...state, page });
    if (current) link.setAttribute("aria-current", "page");
    link.addEventListener("click", (event) => {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      this.navigate({ ...state, page });
      this.status.focus(); // the link is about to be replaced: keep keyboard users at the new page's top
    });
    return link;
  }

  renderPager(state, page, pages) {
    if (pages <= 1) { this.pager.replaceChildren(); return; }
    const parts = [];
    if (page > 1) parts.push(this.pageLink(state, page - 1, "上一页", false));
    const first = Math.max(1, Math.min(page - 2, pages - 4));
    for (let p = first; p <= Math.min(pages, first + 4); p++) parts.push(this.pageLink(state, p, String(p), p === page));
    if (page < pages) parts.push(this.pageLink(state, page + 1, "下一页", false));
    this.pager.replaceChildren(...parts);
  }

  renderFacets(index, state, query, counts) {
    if (!counts) { this.facetBody.replaceChildren(el("p", "search-facets__hint", "展开后按地区、专题和年份筛选结果。")); return; }
    const groups = [];
    for (const facet of FACETS) {
      const active = index.selected(facet, query.filters.get(facet) || []);
      const fromUrl = index.selected(facet, (state.filters.get(facet) || []).map((v) => index.fold(v)));
      const values = counts.get(facet).filter((v) => (v.count > 0 || active.has(v.folded)) && !(facet === "region" && v.name.includes("›")));
      values.sort(facet === "year"
        ? (a, b) => compareCodePoints(b.name, a.name)
        : (a, b) => (b.count - a.count) || compareCodePoints(a.name, b.name));
      if (!values.length) continue;
      const fieldset = el("fieldset", "search-facet");
      fieldset.append(el("legend", "search-facet__legend", FACET_LABELS[facet]));
      const list = el("ul", "search-facet__list");
      values.forEach((value, i) => {
        const item = el("li", "search-facet__item");
        if (i >= FACET_SHOWN && !active.has(value.folded)) item.hidden = true;
        const label = el("label", "search-facet__label");
        const box = el("input");
        box.type = "checkbox";
        box.name = facet;
        box.value = value.name;
        box.checked = active.has(value.folded);
        box.disabled = box.checked && !fromUrl.has(value.folded); // typed into the query as name:value
        box.addEventListener("change", () => this.toggleFilter(facet, value.name, box.checked));
        label.append(box, el("span", "search-facet__name", value.name), el("span", "search-facet__count", String(value.count)));
        item.append(label);
        list.append(item);
      });
      fieldset.append(list);
      if (values.length > FACET_SHOWN) {
        const more = el("button", "search-facet__more", `显示全部 ${values.length} 项`);
        more.type = "button";
        more.addEventListener("click", () => {
          for (const item of list.children) item.hidden = false;
          more.remove();
        });
        fieldset.append(more);
      }
      groups.push(fieldset);
    }
    if (!groups.length) groups.push(el("p", "search-facets__hint", "没有可用的筛选项。"));
    this.facetBody.replaceChildren(...groups);
  }

  /** Chips for the filters in the URL, each removable (also when the filter panel is closed). */
  renderActiveFilters(state) {
    const chips = [];
    for (const [facet, values] of state.filters) {
      for (const value of values) {
        const chip = el("button", "search-active__chip");
        chip.type = "button";
        chip.append(el("span", "search-active__facet", FACET_LABELS[facet] + "："), value, el("span", "search-active__x", "×"));
        chip.setAttribute("aria-label", `取消筛选 ${FACET_LABELS[facet]} ${value}`);
        chip.addEventListener("click", () => this.toggleFilter(facet, value, false));
        chips.push(chip);
      }
    }
    this.active.replaceChildren(...chips);
    this.active.hidden = chips.length === 0;
  }

  toggleFilter(facet, name, on) {
    const filters = new Map([...this.state.filters].map(([f, v]) => [f, [...v]]));
    const values = (filters.get(facet) || []).filter((v) => v !== name);
    if (on) values.push(name);
    if (values.length) filters.set(facet, values); else filters.delete(facet);
    this.navigate({ q: this.state.q, filters, page: 1 });
  }
}

// A module runs after the document is parsed (deferred), so the page is there.
const root = document.querySelector("[data-search-page]");
if (root) new SearchPage(root).start();
