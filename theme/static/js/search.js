/*
 * The search page (search.html): reads the query and filters from the URL and
 * the form, asks the engine (search-engine.js, no DOM) and renders what it
 * returns.  Everything untrusted (the query, every indexed string) reaches the
 * page through textContent / text nodes, never as markup.
 */
import { FACETS, MAX_QUERY_CHARS, Pieces, QueryTooLong, SORTS, openIndex } from "./search-engine.js";

const PAGE_SIZE = 10;
export const FACET_LABELS = { region: "地区", topic: "专题", year: "年份" };
// The filter panel starts open where the layout has a side column (search.css: 60rem).
const WIDE = "(min-width: 60rem)";

// ---------------------------------------------------------------- page state (URL)

function readState(search) {
  const params = new URLSearchParams(search);
  const filters = new Map();
  for (const facet of FACETS) {
    const values = params.getAll(facet).map((v) => v.trim()).filter(Boolean);
    if (values.length) filters.set(facet, [...new Set(values)]);
  }
  const page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
  const sort = SORTS.includes(params.get("sort")) ? params.get("sort") : SORTS[0];
  return { q: params.get("q") || "", filters, page, sort };
}

export function stateSearch(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const facet of FACETS) for (const value of state.filters.get(facet) || []) params.append(facet, value);
  if (state.sort && state.sort !== SORTS[0]) params.set("sort", state.sort);
  if (state.page > 1) params.set("page", String(state.page));
  const text = params.toString();
  return text ? "?" + text : location.pathname.split("/").pop() || "?";
}

// ---------------------------------------------------------------- rendering helpers

export function el(tag, className, text) {
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
export function displayDate(iso) {
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
    this.related = root.querySelector("[data-search-related]");
    this.relatedList = root.querySelector("[data-search-related-list]");
    this.suggestions = root.querySelector("[data-search-suggestions]");
    this.pager = root.querySelector("[data-search-pager]");
    this.active = root.querySelector("[data-search-active]");
    this.sortBox = root.querySelector("[data-search-sort]");
    this.facetPanel = root.querySelector("[data-search-facets]");
    this.facetBody = root.querySelector("[data-search-facet-body]");
    this.siteRoot = new URL(root.dataset.siteRoot || "./", document.baseURI);
    this.pieces = new Pieces(new URL(root.dataset.index || "search/", document.baseURI));
    this.inputs = [...document.querySelectorAll('form[role="search"] input[name="q"]')];
    this.generation = 0;
    this.index = null;
    this.last = null; // {index, state, query, result} of the last completed run (for the filter panel)
    this.state = readState(location.search);
  }

  start() {
    for (const form of document.querySelectorAll('form[role="search"]')) {
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const q = new FormData(form).get("q") || "";
        if (window.matchMedia("(pointer: coarse)").matches) document.activeElement.blur(); // close the phone keyboard
        this.navigate({ ...this.state, q: String(q).trim(), page: 1 });
      });
    }
    this.sortBox.addEventListener("change", () => this.navigate({ ...this.state, sort: this.sortBox.value, page: 1 }));
    if (window.matchMedia(WIDE).matches) this.facetPanel.open = true;
    this.facetPanel.addEventListener("toggle", () => {
      if (this.facetPanel.open && this.last && !this.last.counted) this.countFacets(this.last);
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

  async run(state) {
    const generation = ++this.generation;
    const current = () => generation === this.generation;
    this.state = state;
    this.last = null;
    for (const input of this.inputs) input.value = state.q;
    this.sortBox.value = state.sort;
    document.title = state.q ? `${state.q} - 搜索 - ${this.root.dataset.siteName || ""}` : this.root.dataset.pageTitle || document.title;
    const started = performance.now();
    const waitedBefore = this.pieces.waitMs;
    this.setBusy("loading");
    this.facetPanel.dataset.facetsState = "loading";
    this.status.textContent = state.q || state.filters.size ? "正在搜索…" : "";
    try {
      const index = await this.loadIndex();
      if (!current()) return;
      const query = await index.parse(state.q, state.filters);
      if (!current()) return;
      this.renderActiveFilters(state);
      if (query.empty) {
        this.renderEmpty(state);
        this.facetPanel.dataset.facetsState = "done";
      } else {
        // Filters need the facets anyway: count them now; otherwise results first, counts after.
        const result = await index.search(query, { counts: query.filters.size > 0, sort: state.sort });
        if (!current()) return;
        const listed = [...result.hits.map((hit) => ["hit", hit]), ...result.related.map((hit) => ["related", hit])];
        const pages = Math.max(1, Math.ceil(listed.length / PAGE_SIZE));
        const page = Math.min(state.page, pages);
        const slice = listed.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
        const suggest = !result.hits.length && query.parts.length > 0;
        const [shown, partial, latest, panel] = await Promise.all([
          index.display(slice.map(([, hit]) => hit)),
          suggest ? index.display(result.partial) : [],
          suggest ? index.display(result.latest) : [],
          suggest ? this.panel() : null,
        ]);
        if (!current()) return;
        const hits = shown.filter((_, i) => slice[i][0] === "hit");
        const related = shown.filter((_, i) => slice[i][0] === "related");
        this.renderResults(state, result, hits, related, page, pages);
        if (panel) panel.renderSuggestions(this, state, partial, latest);
        else { this.suggestions.replaceChildren(); this.suggestions.hidden = true; }
        this.last = { index, state, query, result, counted: false };
        if (result.counts) this.drawFacets(this.last, Promise.resolve(result.counts));
        else if (this.facetPanel.open) this.countFacets(this.last);
        else {
          this.facetBody.replaceChildren(el("p", "search-facets__hint", "展开后按地区、专题和年份筛选结果。"));
          this.facetPanel.dataset.facetsState = "done";
        }
      }
      this.finish(started, waitedBefore);
    } catch (error) {
      if (!current()) return;
      this.list.replaceChildren();
      this.pager.replaceChildren();
      this.related.hidden = true;
      this.suggestions.hidden = true;
      if (error instanceof QueryTooLong) {
        this.status.textContent = `搜索词太长：请用不超过 ${MAX_QUERY_CHARS} 个字的关键词。`;
        this.results.dataset.searchTotal = "0";
        this.results.dataset.searchRelatedTotal = "0";
        this.facetPanel.dataset.facetsState = "done";
        this.finish(started, waitedBefore);
        return;
      }
      this.status.textContent = "搜索索引无法加载，请稍后重试。（" + (error && error.message ? error.message : String(error)) + "）";
      this.setBusy("error");
    }
  }

  /** The module drawing the filter panel and the suggestions (search-panel.js), loaded once when needed. */
  panel() {
    if (!this.panelModule) {
      this.panelModule = import("./search-panel.js");
      this.panelModule.catch(() => { this.panelModule = null; });
    }
    return this.panelModule;
  }

  /** Facet counts after the results are on screen (the facets file is not part of a first query). */
  countFacets(last) {
    return this.drawFacets(last, last.result.countFacets());
  }

  async drawFacets(last, counting) {
    last.counted = true;
    this.facetPanel.dataset.facetsState = "loading";
    try {
      const [counts, panel] = await Promise.all([counting, this.panel()]);
      if (this.last !== last) return;
      panel.renderFacets(this, last, counts);
    } catch (error) {
      if (this.last !== last) return;
      last.counted = false;
      this.facetBody.replaceChildren(el("p", "search-facets__hint", "筛选项无法加载，请稍后重试。"));
      this.facetPanel.dataset.facetsState = "error";
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
    this.sortBox.closest(".search-toolbar").hidden = true;
    this.list.replaceChildren();
    this.pager.replaceChildren();
    this.facetBody.replaceChildren();
    this.related.hidden = true;
    this.suggestions.hidden = true;
    this.results.dataset.searchTotal = "0";
    this.results.dataset.searchRelatedTotal = "0";
    this.status.textContent = state.q ? "请输入要搜索的文字（标点和空格会被忽略）。" : "请输入要搜索的词语，例如 工资集体协商、爱心驿站。";
  }

  renderResults(state, result, hits, related, page, pages) {
    const total = result.hits.length;
    const extra = result.related.length;
    this.results.dataset.searchTotal = String(total);
    this.results.dataset.searchRelatedTotal = String(extra);
    const label = !state.q ? "筛选条件" : state.q.includes('"') ? state.q : `“${state.q}”`;
    let text = total
      ? `${label}：找到 ${total} 篇文章` + (state.sort === "date" ? "，按时间排序" : "")
      : state.q ? `没有找到包含${label}的文章` : `${label}：没有找到文章`;
    if (state.filters.size && !total) text += "（在所选筛选条件下）";
    if (extra) text += `；另有 ${extra} 篇相关文章（按专题、地区或栏目）`;
    if (pages > 1) text += `，第 ${page}/${pages} 页`;
    this.status.textContent = text + "。";
    this.sortBox.closest(".search-toolbar").hidden = total + extra < 2; // nothing to order
    this.list.replaceChildren(...hits.map((shown) => this.resultItem(shown, "h2")));
    this.list.start = (page - 1) * PAGE_SIZE + 1;
    this.list.hidden = hits.length === 0;
    this.relatedList.replaceChildren(...related.map((shown) => this.resultItem(shown, "h3")));
    this.relatedList.start = Math.max(1, (page - 1) * PAGE_SIZE + 1 - total);
    this.related.hidden = related.length === 0;
    this.renderPager(state, page, pages);
  }

  resultItem(result, heading = "h2") {
    const item = el("li", "search-result");
    item.dataset.doc = String(result.doc);
    const title = el(heading, "search-result__title");
    const link = el("a");
    link.href = new URL(result.url, this.siteRoot).href;
    appendMarked(link, result.title, result.titleMarks);
    title.append(link);
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
    item.append(title, meta);
    if (result.reasons.length) {
      item.classList.add("search-result--related");
      const why = el("p", "search-result__why");
      result.reasons.forEach((reason, i) => why.append(...(i ? ["；"] : []), el("span", "search-result__reason", reason)));
      item.append(why);
    }
    if (result.pieces.length) {
      item.classList.add("search-result--partial");
      const why = el("p", "search-result__why", "部分匹配：含");
      result.pieces.forEach((piece, i) => why.append(...(i ? ["、"] : []), el("mark", null, piece)));
      why.append(result.pieces.length > 1 ? "，但不相连" : "，不含完整的搜索词");
      item.append(why);
    }
    const cut = result.snippet;
    const text = el("p", "search-result__snippet");
    if (cut.before) text.append("…");
    appendMarked(text, cut.text, cut.marks);
    if (cut.after) text.append("…");
    item.append(text);
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

  /** Chips for the filters in the URL, each removable (also when the filter panel is closed). */
  renderActiveFilters(state) {
    const chips = [];
    for (const [facet, values] of state.filters) {
      for (const value of values) {
        const chip = el("button", "search-active__chip");
        chip.type = "button";
        const shown = facet === "region" ? value.split("›").pop() : value;
        chip.append(el("span", "search-active__facet", FACET_LABELS[facet] + "："), shown, el("span", "search-active__x", "×"));
        chip.title = value;
        chip.setAttribute("aria-label", `取消筛选 ${FACET_LABELS[facet]} ${value}`);
        chip.addEventListener("click", () => this.setFilters(facet, [], [value]));
        chips.push(chip);
      }
    }
    this.active.replaceChildren(...chips);
    this.active.hidden = chips.length === 0;
  }

  /** Add `add` to and remove `remove` from the URL's values of `facet`, back to page 1. */
  setFilters(facet, add, remove) {
    const filters = new Map([...this.state.filters].map(([f, v]) => [f, [...v]]));
    const values = (filters.get(facet) || []).filter((v) => !remove.includes(v));
    for (const value of add) if (!values.includes(value)) values.push(value);
    if (values.length) filters.set(facet, values); else filters.delete(facet);
    this.navigate({ ...this.state, filters, page: 1 });
  }
}

// A module runs after the document is parsed (deferred), so the page is there.
const root = document.querySelector("[data-search-page]");
if (root) new SearchPage(root).start();
