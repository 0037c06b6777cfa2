/*
 * The search page's parts that most first queries never need, loaded on demand
 * by search.js: the filter panel (facet lists and the 省 › 市 › 县 region tree,
 * drawn after the results) and the suggestions shown when no story contains
 * the query.  DOM APIs and textContent only, like the page module.
 */
import { FACETS, compareCodePoints, relatedTopics } from "./search-engine.js";
import { FACET_LABELS, displayDate, el, stateSearch } from "./search.js";

const FACET_SHOWN = 12; // values listed before "show all"

// ---------------------------------------------------------------- suggestions

/** When nothing contains the query: 部分匹配, related topics, the latest stories. */
export function renderSuggestions(page, state, partial, latest) {
  const parts = [];
  if (partial.length) {
    const section = el("section", "search-suggest search-suggest--partial");
    section.dataset.searchPartial = "";
    section.append(el("h2", "search-suggest__title", "部分匹配"),
      el("p", "search-suggest__note", "以下文章含有搜索词的一部分（分开出现），不是完整匹配："));
    const list = el("ol", "search-list search-list--partial");
    list.append(...partial.map((shown) => page.resultItem(shown, "h3")));
    section.append(list);
    parts.push(section);
  }
  const topics = relatedTopics(partial);
  if (topics.length) {
    const section = el("section", "search-suggest search-suggest--topics");
    section.dataset.searchTopics = "";
    section.append(el("h2", "search-suggest__title", "相关专题"));
    const list = el("ul", "search-suggest__chips");
    for (const topic of topics) {
      const link = el("a", "search-suggest__chip", topic);
      link.href = stateSearch({ q: "", filters: new Map([["topic", [topic]]]), page: 1, sort: "date" });
      const item = el("li");
      item.append(link);
      list.append(item);
    }
    section.append(list);
    parts.push(section);
  }
  if (latest.length) {
    const section = el("section", "search-suggest search-suggest--latest");
    section.dataset.searchLatest = "";
    section.append(el("h2", "search-suggest__title", state.filters.size ? "所选范围内的最新文章" : "最新文章"));
    const list = el("ul", "search-suggest__latest");
    for (const shown of latest) {
      const item = el("li");
      const link = el("a", null, shown.title);
      link.href = new URL(shown.url, page.siteRoot).href;
      item.append(link);
      if (shown.date) {
        const time = el("time", "search-suggest__date", displayDate(shown.date));
        time.dateTime = shown.date;
        item.append(" ", time);
      }
      list.append(item);
    }
    section.append(list);
    parts.push(section);
  }
  page.suggestions.replaceChildren(...parts);
  page.suggestions.hidden = parts.length === 0;
}

// ---------------------------------------------------------------- filter panel

export function renderFacets(page, last, counts) {
  last.counted = true;
  const groups = [];
  for (const facet of FACETS) {
    const fieldset = el("fieldset", "search-facet");
    fieldset.dataset.facet = facet;
    fieldset.append(el("legend", "search-facet__legend", FACET_LABELS[facet]));
    if (facet === "region") {
      if (!counts.tree.length) continue;
      fieldset.append(regionTree(page, last, counts.tree, 0));
      groups.push(fieldset);
      continue;
    }
    const values = counts.get(facet)
      .map((value) => ({ ...value, by: filtersSelecting(last, facet, (v, chosen) => chosen.has(value.folded)) }))
      .filter((value) => value.count > 0 || value.by.checked);
    values.sort(facet === "year"
      ? (a, b) => compareCodePoints(b.name, a.name)
      : (a, b) => (b.count - a.count) || compareCodePoints(a.name, b.name));
    if (!values.length) continue;
    const list = el("ul", "search-facet__list");
    values.forEach((value, i) => {
      const item = el("li", "search-facet__item");
      if (i >= FACET_SHOWN && !value.by.checked) item.hidden = true;
      item.append(facetBox(page, facet, value.name, value.name, value.count, value.by));
      list.append(item);
    });
    fieldset.append(list);
    if (values.length > FACET_SHOWN) fieldset.append(moreButton(list, values.length));
    groups.push(fieldset);
  }
  if (!groups.length) groups.push(el("p", "search-facets__hint", "没有可用的筛选项。"));
  page.facetBody.replaceChildren(...groups);
  page.facetPanel.dataset.facetsState = "done";
}

/**
 * The filters that select a facet value or region node: {url: the URL's values
 * (removed when it is unchecked), typed: whether one typed into the query does,
 * checked}.  `selects(value, chosen)` gets a folded filter value and the folded
 * facet values it chose.
 */
function filtersSelecting(last, facet, selects) {
  const { index, state, query, result } = last;
  const url = state.filters.get(facet) || [];
  const fromUrl = new Set(url.map((v) => index.fold(v)));
  const chosen = result.selectedBy.get(facet) || new Map();
  const hit = (v) => selects(v, chosen.get(v) || new Set());
  const by = {
    url: url.filter((v) => hit(index.fold(v))),
    typed: (query.filters.get(facet) || []).some((v) => !fromUrl.has(v) && hit(v)),
  };
  by.checked = by.url.length > 0 || by.typed;
  return by;
}

/** A checkbox for one filter value: checking adds `value` to the URL, unchecking removes the
 * URL values that select it; one selected only by the query text (region:…) is fixed. */
function facetBox(page, facet, value, name, count, by) {
  const label = el("label", "search-facet__label");
  const box = el("input");
  box.type = "checkbox";
  box.name = facet;
  box.value = value;
  box.checked = by.checked;
  box.disabled = by.checked && !by.url.length;
  box.addEventListener("change", () => {
    if (box.checked) page.setFilters(facet, [value], []);
    else page.setFilters(facet, [], by.url);
  });
  label.append(box, el("span", "search-facet__name", name), el("span", "search-facet__count", String(count)));
  return label;
}

function moreButton(list, count) {
  const more = el("button", "search-facet__more", `显示全部 ${count} 项`);
  more.type = "button";
  more.addEventListener("click", () => {
    for (const item of list.children) item.hidden = false;
    more.remove();
  });
  return more;
}

/**
 * The region filter: 省 › 市 › 县 as nested lists, each node with its count.  A node is
 * checked by its own path (region=浙江省›台州市) or by a name or short name that chooses
 * it (region=温岭); its value in the URL is its path.
 */
function regionTree(page, last, nodes, depth) {
  const list = el("ul", depth ? "search-tree search-tree--nested" : "search-tree");
  nodes.forEach((node, i) => {
    const path = last.index.fold(node.path);
    const name = last.index.fold(node.name);
    const by = filtersSelecting(last, "region",
      (v, chosen) => v === path || (!v.includes("›") && chosen.has(name)));
    const item = el("li", "search-tree__item");
    if (i >= FACET_SHOWN && !by.checked) item.hidden = true;
    const box = facetBox(page, "region", node.path, node.name, node.count, by);
    box.title = node.path;
    item.append(box);
    if (node.children.length) item.append(regionTree(page, last, node.children, depth + 1));
    list.append(item);
  });
  if (nodes.length <= FACET_SHOWN) return list;
  const wrap = el("div", "search-tree__more");
  wrap.append(list, moreButton(list, nodes.length));
  return wrap;
}
