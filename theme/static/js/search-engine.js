/*
 * The search engine of the static search page, with no DOM: it reads the
 * index pieces under search/ (docs/search-export-format.md) through an
 * injected fetch and answers exactly like the editors' command line
 * (plugins/union_search/engine.py, highlight.py, export_reader.py):
 * query parsing and planning, matching, BM25F scoring, phrase checks,
 * highlight offsets, snippets and facet counts.  The page (search.js) only
 * reads the URL and the form and renders what this module returns;
 * tests/test_search_engine_parity.py drives this module in Chromium against
 * the Python reader on generated queries.
 *
 * Pieces are cached for the lifetime of a Pieces object (their names are
 * content hashes); each query is evaluated from scratch, so results never
 * depend on earlier queries.
 */

export const FACETS = ["region", "topic", "year"];
export const SORTS = ["relevance", "date"];
export const PARTIAL_LIMIT = 5; // closest partial matches suggested when nothing contains the query
export const LATEST_LIMIT = 5; // newest stories suggested then
const RELATED_TOPICS = 5;
const PATH = "›"; // region paths: 浙江省›台州市›温岭市
const TREE_DEPTH = 3; // 省 › 市 › 县 in the region filter
const CONCEPT_LABELS = { topic: "专题", region: "地区", column: "栏目" };
const MIN_NAME = 2; // concept names have two characters or more
// Longer queries (a pasted paragraph) would need most of the index: ask for fewer words instead.
export const MAX_QUERY_CHARS = 64;
const MAX_IN_FLIGHT = 32; // concurrent piece fetches (see Pieces.limited)
const MAX_DECODED = 4000; // terms whose decoded postings an index keeps (see Index.postings)
const FORMAT = 3; // the export format this module reads
const WORD_CHAR = /[\p{L}\p{N}]/u;
const QUOTES = /[“”„‟「」『』＂]/g;
const TOKEN = /"([^"]*)"?|([^\s":]+):"([^"]*)"?|(\S+)/gu;
// A run that may be pinyin or initials of vocabulary words (looked up as a p key).
const PINYIN_RUN = /^[a-z]{2,}$/;

/** A term's key: the term, a space, its kind (w word, b bigram, u character, p pinyin). */
const termKey = (term, kind) => `${term} ${kind}`;

/** Thrown by Index.parse when the query has more than MAX_QUERY_CHARS word characters. */
export class QueryTooLong extends Error {}

// ---------------------------------------------------------------- strings

/** Compare by code point (the order of the chunk keys), not UTF-16 unit. */
export function compareCodePoints(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a.charCodeAt(i) !== b.charCodeAt(i)) {
      return a.codePointAt(i) < b.codePointAt(i) ? -1 : 1;
    }
  }
  return a.length - b.length;
}

const chars = (text) => Array.from(text);
const isWordChar = (c) => WORD_CHAR.test(c);

/** Maximal runs of word characters (each a string). */
function wordRuns(text) {
  const runs = [];
  let current = "";
  for (const c of text) {
    if (isWordChar(c)) current += c;
    else if (current) { runs.push(current); current = ""; }
  }
  if (current) runs.push(current);
  return runs;
}

/** Per-character folding (NFKC, lowercase, traditional → simplified); keeps length in code points. */
class Folder {
  constructor() {
    this.map = new Map(); // char map (traditional → simplified), empty until loaded
    this.memo = new Map();
  }

  setCharMap(map) {
    this.map = new Map(Object.entries(map));
    this.memo.clear();
  }

  /** NFKC + lowercase only (the char map not applied). */
  static basic(c) {
    let n = c.normalize("NFKC");
    if (chars(n).length !== 1) n = c;
    const lower = n.toLowerCase();
    return chars(lower).length === 1 ? lower : n;
  }

  char(c) {
    let folded = this.memo.get(c);
    if (folded === undefined) {
      const basic = Folder.basic(c);
      folded = this.map.get(basic) ?? basic;
      this.memo.set(c, folded);
    }
    return folded;
  }

  fold(text) {
    let out = "";
    for (const c of text) out += this.char(c);
    return out;
  }
}

// ---------------------------------------------------------------- streams

function base64Bytes(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Unsigned LEB128 varints → array of numbers. */
function varints(bytes) {
  const out = [];
  let value = 0;
  let scale = 1;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    value += (byte & 0x7f) * scale;
    if (byte & 0x80) scale *= 128;
    else { out.push(value); value = 0; scale = 1; }
  }
  return out;
}

/** postings stream → Map(doc → q) */
function decodePostings(bytes, into = new Map()) {
  const numbers = varints(bytes);
  let doc = -1;
  for (let i = 0; i + 1 < numbers.length; i += 2) {
    doc += numbers[i];
    into.set(doc, numbers[i + 1]);
  }
  return into;
}

/** positions stream → Map(doc → positions), keeping only `wanted` docs */
function decodePositions(bytes, wanted, into = new Map()) {
  const numbers = varints(bytes);
  let doc = -1;
  let i = 0;
  while (i < numbers.length) {
    doc += numbers[i++];
    const count = numbers[i++];
    if (wanted.has(doc)) {
      const positions = new Array(count);
      let p = -1;
      for (let k = 0; k < count; k++) { p += numbers[i + k]; positions[k] = p; }
      into.set(doc, positions);
    }
    i += count;
  }
  return into;
}

function decodeDocList(bytes) {
  const docs = [];
  let doc = -1;
  for (const gap of varints(bytes)) { doc += gap; docs.push(doc); }
  return docs;
}

/** A facet value's documents: kind byte 0 = gap-coded list, 1 = bitmap (bit d % 8 of byte d / 8). */
function decodeDocSet(bytes) {
  if (bytes.length === 0) return [];
  if (bytes[0] === 0) return decodeDocList(bytes.subarray(1));
  if (bytes[0] !== 1) throw new Error(`unknown document set kind ${bytes[0]}`);
  const docs = [];
  for (let i = 1; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte) for (let bit = 0; bit < 8; bit++) if (byte & (1 << bit)) docs.push((i - 1) * 8 + bit);
  }
  return docs;
}

// ---------------------------------------------------------------- pieces

/**
 * Fetches index pieces relative to the search/ directory (`base`, a URL)
 * through `fetch` (the browser's by default; any function with its
 * signature will do).  Pieces are memoised for the object's lifetime;
 * `waitMs` accumulates time spent waiting on the network so the page can
 * report compute time separately.
 */
export class Pieces {
  constructor(base, { fetch: fetchFn = globalThis.fetch, maxInFlight = MAX_IN_FLIGHT } = {}) {
    this.base = base;
    this.request = (url, init) => fetchFn(url, init); // called unbound: window.fetch needs no receiver
    this.maxInFlight = maxInFlight;
    this.memo = new Map();
    this.waitMs = 0; // wall time during which at least one wait() was pending
    this.waiting = 0;
    this.waitStart = 0;
    this.inFlight = 0;
    this.queued = []; // starts of fetches waiting for a free slot
  }

  fetch(name, kind) {
    let promise = this.memo.get(name);
    if (!promise) {
      const url = new URL(name, this.base);
      const init = name === "manifest.json" ? { cache: "no-cache" } : {};
      promise = this.limited(() => this.request(url, init).then((response) => {
        if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
        if (kind === "bin") return response.arrayBuffer().then((b) => new Uint8Array(b));
        return kind === "text" ? response.text() : response.json();
      }));
      promise.catch(() => this.memo.delete(name)); // a failed fetch may be retried by the next query
      this.memo.set(name, promise);
    }
    return promise;
  }

  /**
   * Run `start` (which returns a promise) once fewer than maxInFlight are
   * running.  Thousands of simultaneous fetches (a page listing every result
   * of a common word) make Chromium fail them with "Failed to fetch".
   */
  limited(start) {
    return new Promise((resolve, reject) => {
      const run = () => {
        this.inFlight++;
        start().then(resolve, reject).finally(() => {
          this.inFlight--;
          const next = this.queued.shift();
          if (next) next();
        });
      };
      if (this.inFlight < this.maxInFlight) run();
      else this.queued.push(run);
    });
  }

  /** Await promises, counting the wait as network time (overlapping waits count once). */
  async wait(promises) {
    if (this.waiting++ === 0) this.waitStart = performance.now();
    try {
      return await Promise.all(promises);
    } finally {
      if (--this.waiting === 0) this.waitMs += performance.now() - this.waitStart;
    }
  }
}

/**
 * Open the export: fetch the manifest, check its format, start loading the
 * synonyms (the first query's chunks load meanwhile).  Each call gives a fresh
 * Index; pieces already fetched through `pieces` are not fetched again.
 */
export async function openIndex(pieces) {
  const [manifest] = await pieces.wait([pieces.fetch("manifest.json", "json")]);
  if (manifest.format !== FORMAT) throw new Error(`unsupported search index format ${manifest.format}`);
  const index = new Index(pieces, manifest);
  index.synonymsReady = index.loadSynonyms();
  return index;
}

// ---------------------------------------------------------------- index

/** A sorted [first key, file] list: the file whose range holds a key. */
class Listing {
  constructor(rows) {
    this.firsts = rows.map((row) => row[0]);
    this.files = rows.map((row) => row[1]);
  }

  /** The file of the last row whose first key is <= key (null when key sorts before all). */
  find(key) {
    let lo = 0;
    let hi = this.firsts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareCodePoints(this.firsts[mid], key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? null : this.files[lo - 1];
  }
}

/**
 * The export as seen by one page: manifest, char map, synonyms, term lookup,
 * and the query operations (parse, search, display, facet selection).
 */
class Index {
  constructor(pieces, manifest) {
    this.pieces = pieces;
    this.manifest = manifest;
    this.docCount = manifest.doc_count;
    this.maxWord = manifest.max_query_word;
    this.bm25 = manifest.bm25;
    // Two-level term index: manifest.pages → index page {chunks} → chunk {terms}.
    // (An export listing manifest.chunks directly is read as one index page.)
    this.indexPages = manifest.pages ? new Listing(manifest.pages) : null;
    this.pageChunks = new Map(); // index page file → Listing of its chunks
    if (!manifest.pages) this.pageChunks.set("", new Listing(manifest.chunks || []));
    this.filterNames = new Map(Object.entries(manifest.filters));
    this.folder = new Folder();
    this.synonyms = new Map();
    this.synonymsReady = Promise.resolve();
    this.charMapLoaded = false;
    this.chunks = new Map(); // chunk file → Map(key → entry)
    this.decoded = new Map(); // key → its postings, Map(doc → q), decoded once (see postings)
    this.facetData = null;
    this.conceptShards = (manifest.concepts && manifest.concepts.shards) || [];
    this.conceptData = new Map(); // shard file → {concepts, names}
  }

  async loadSynonyms() {
    const [data] = await this.pieces.wait([this.pieces.fetch(this.manifest.synonyms)]);
    for (const group of data.groups) {
      for (const word of group) {
        const alternatives = this.synonyms.get(word) || [word];
        for (const other of group) if (!alternatives.includes(other)) alternatives.push(other);
        this.synonyms.set(word, alternatives);
      }
    }
  }

  async loadCharMap() {
    if (this.charMapLoaded) return;
    const [data] = await this.pieces.wait([this.pieces.fetch(this.manifest.charmap)]);
    this.folder.setCharMap(data.map);
    this.charMapLoaded = true;
  }

  /** Fold text as the index does (the char map applies once loaded: see parse). */
  fold(text) {
    return this.folder.fold(text);
  }

  expand(word) {
    return this.synonyms.get(word) || [word];
  }

  pageFor(key) {
    return this.indexPages ? this.indexPages.find(key) : "";
  }

  /** The chunk file holding `key` (undefined while its index page is not loaded, null if none). */
  chunkFor(key) {
    const page = this.pageFor(key);
    if (page === null) return null;
    const listing = this.pageChunks.get(page);
    return listing ? listing.find(key) : undefined;
  }

  /** Fetch (in parallel) the index pages, then the chunks, holding `keys`. */
  async loadKeys(keys) {
    const pages = [...new Set([...keys].map((k) => this.pageFor(k)))]
      .filter((page) => page !== null && !this.pageChunks.has(page));
    const loadedPages = await this.pieces.wait(pages.map((f) => this.pieces.fetch(f, "json")));
    pages.forEach((page, i) => {
      if (!this.pageChunks.has(page)) this.pageChunks.set(page, new Listing(loadedPages[i].chunks));
    });
    const files = [...new Set([...keys].map((k) => this.chunkFor(k)))]
      .filter((file) => file && !this.chunks.has(file));
    const loaded = await this.pieces.wait(files.map((f) => this.pieces.fetch(f, "json")));
    files.forEach((file, i) => {
      if (!this.chunks.has(file)) this.chunks.set(file, new Map(loaded[i].terms.map((e) => [e[0], e])));
    });
  }

  /** The chunk entry of a key (its chunk must be loaded), or null. */
  entry(key) {
    const file = this.chunkFor(key);
    const chunk = file && this.chunks.get(file);
    return (chunk && chunk.get(key)) || null;
  }

  isWord(term) {
    const entry = this.entry(termKey(term, "w"));
    return Boolean(entry && entry[1] > 0);
  }

  /** The vocabulary words spelled `letters` (p entry [key, n, [word, …]]; its chunk must be loaded). */
  pinyinWords(letters) {
    const entry = this.entry(termKey(letters, "p"));
    return entry && Array.isArray(entry[2]) ? entry[2].map(String) : [];
  }

  /**
   * Postings of several keys, fetching segmented streams in parallel: Map(key → Map(doc → q)).
   * A key's postings are decoded once per index and kept (pieces never change; callers only
   * read the maps), so a query repeated or refined does not decode them again.
   */
  async postings(keys) {
    const result = new Map();
    const waits = [];
    if (this.decoded.size > MAX_DECODED) this.decoded.clear(); // a long session: start over
    for (const key of new Set(keys)) {
      const known = this.decoded.get(key);
      if (known) { result.set(key, known); continue; }
      const entry = this.entry(key);
      if (!entry) { result.set(key, new Map()); continue; }
      const stream = entry[2];
      if (typeof stream === "string") {
        const map = decodePostings(base64Bytes(stream));
        this.decoded.set(key, map);
        result.set(key, map);
        continue;
      }
      const files = stream.segments.map((s) => s[2]);
      waits.push(Promise.all(files.map((f) => this.pieces.fetch(f, "bin"))).then((parts) => {
        const map = new Map();
        for (const bytes of parts) decodePostings(bytes, map);
        this.decoded.set(key, map);
        result.set(key, map);
      }));
    }
    await this.pieces.wait(waits);
    return result;
  }

  /** Positions of bigram keys for the `docs` only (fetching just the segments covering them). */
  async positions(keys, docs) {
    const result = new Map();
    const sorted = [...docs].sort((a, b) => a - b);
    const covers = (first, last) => {
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid] < first) lo = mid + 1; else hi = mid; }
      return lo < sorted.length && sorted[lo] <= last;
    };
    const waits = [];
    for (const key of new Set(keys)) {
      const entry = this.entry(key);
      const stream = entry ? entry[3] : undefined;
      if (!stream) { result.set(key, new Map()); continue; }
      if (typeof stream === "string") { result.set(key, decodePositions(base64Bytes(stream), docs)); continue; }
      const files = stream.segments.filter((s) => covers(s[0], s[1])).map((s) => s[2]);
      waits.push(Promise.all(files.map((f) => this.pieces.fetch(f, "bin"))).then((parts) => {
        const map = new Map();
        for (const bytes of parts) decodePositions(bytes, docs, map);
        result.set(key, map);
      }));
    }
    await this.pieces.wait(waits);
    return result;
  }

  /** facet → Map(folded value → {name, docs: Set}) */
  async facets() {
    if (!this.facetData) {
      const [data] = await this.pieces.wait([this.pieces.fetch(this.manifest.facets, "json")]);
      const facets = new Map();
      facets.byDoc = new Map(); // facet → per document, the folded values it carries (for counting)
      for (const facet of FACETS) {
        const values = new Map();
        const byDoc = [];
        for (const [folded, name, docs] of data[facet] || []) {
          const list = decodeDocSet(base64Bytes(docs));
          values.set(folded, { name, docs: new Set(list) });
          for (const doc of list) (byDoc[doc] || (byDoc[doc] = [])).push(folded);
        }
        facets.set(facet, values);
        facets.byDoc.set(facet, byDoc);
      }
      this.facetData = facets;
    }
    return this.facetData;
  }

  /** Fetch the concept shards that may hold `names` (folded; shorter than MIN_NAME: none). */
  async loadConceptShards(names) {
    if (!this.conceptShards.length) return;
    const files = [...new Set(names.filter((name) => chars(name).length >= MIN_NAME)
      .map((name) => this.conceptShards[shardOf(name, this.conceptShards.length)]))]
      .filter((file) => !this.conceptData.has(file));
    const loaded = await this.pieces.wait(files.map((file) => this.pieces.fetch(file, "json")));
    files.forEach((file, i) => this.conceptData.set(file, loaded[i]));
  }

  /**
   * The topics, regions and columns `name` (folded) names (concepts.py:
   * ConceptReader.named): [{kind, value, label, docs: Set}], their document
   * sets fetched when not inline.
   */
  async concepts(name) {
    if (chars(name).length < MIN_NAME || !this.conceptShards.length) return [];
    await this.loadConceptShards([name]);
    const shard = this.conceptData.get(this.conceptShards[shardOf(name, this.conceptShards.length)]);
    const entries = (shard.names[name] || []).map((i) => shard.concepts[i]);
    const sets = await this.pieces.wait(entries.map(([, , ref]) => (typeof ref === "string"
      ? Promise.resolve(base64Bytes(ref)) : this.pieces.fetch(ref.piece, "bin"))));
    return entries.map(([kind, value], i) => ({
      kind, value, label: `${CONCEPT_LABELS[kind]}：${value}`, docs: new Set(decodeDocSet(sets[i])),
    }));
  }

  /**
   * The display fragments of `docs` (docmap first, then one fragment each).  A
   * fragment holds its body's first characters (`head`); the rest, a piece of
   * its own, is fetched only when the snippet of a hit needs it (headDecidesSnippet).
   */
  async fragments(docs) {
    const starts = this.manifest.docmaps.map((d) => d[0]);
    const mapFile = (doc) => {
      let i = starts.length - 1;
      while (i > 0 && starts[i] > doc) i--;
      return this.manifest.docmaps[i][1];
    };
    const maps = await this.pieces.wait(docs.map((d) => this.pieces.fetch(mapFile(d), "json")));
    return this.pieces.wait(docs.map((d, i) =>
      this.pieces.fetch(maps[i].fragments[d - maps[i].first], "json")));
  }

  // ------------------------------------------------------------ the query operations

  /**
   * Fold and parse `text`, add the filters `extra` (Map facet → values, e.g.
   * from the URL), and load the chunks the query needs.  Returns
   * {parts: [{runs, phrase}], filters: Map(facet → folded values), empty}.
   * The char map is fetched only when some query character may be
   * traditional.  Indexed text is folded, so a character inside an indexed
   * net term (bigram, character) is already in folded form and the char map cannot
   * change it: when every run's net terms exist, folding without the char
   * map gives the same query.
   */
  async parse(text, extra = new Map()) {
    const build = () => {
      const query = parseQuery(this.fold(text), this.filterNames);
      for (const [facet, values] of extra) {
        for (const value of values) addFilter(query.filters, facet, this.fold(value));
      }
      query.empty = !query.parts.length && !query.filters.size;
      return query;
    };
    let query = build();
    const runs = query.parts.flatMap((p) => p.runs);
    if (runs.reduce((n, run) => n + chars(run).length, 0) > MAX_QUERY_CHARS) throw new QueryTooLong();
    // Keys without synonyms first (and the pinyin keys of pinyin runs), in parallel with the
    // synonym table and the concept shards; then the synonyms' keys and the keys of the words
    // the pinyin runs spell.
    await Promise.all([this.loadKeys(candidateKeys(this, runs)), this.synonymsReady,
      this.loadConceptShards(conceptNames(query))]);
    await this.loadKeys([...candidateKeys(this, runs), ...spelledKeys(this, runs)]);
    if (this.charMapLoaded) return query;
    // (ASCII letters are never traditional characters: pinyin runs need no char map either.)
    const netTermsExist = runs.every((run) => PINYIN_RUN.test(run) ||
      netTermsOf(chars(run)).every((term) => this.entry(netKey(term))));
    if (query.filters.size || !netTermsExist) {
      await this.loadCharMap();
      query = build();
      const folded = query.parts.flatMap((p) => p.runs);
      await Promise.all([this.loadKeys(candidateKeys(this, folded)), this.loadConceptShards(conceptNames(query))]);
      await this.loadKeys(spelledKeys(this, folded));
    }
    return query;
  }

  /**
   * Evaluate a parsed query: {hits: [{doc, credited, score, rank, terms}]
   * (the stories containing the query, best or newest first: `sort` is
   * "relevance" or "date"), related (concept matches, each with `reasons`,
   * ranked after the hits), partial (部分匹配, each with its found `pieces`)
   * and latest (when there is no hit), counts (facet counts and counts.tree,
   * the region tree, when `counts`, else null), countFacets() (the same
   * counts, later), selectedBy (facet → Map(filter value → the folded facet
   * values it chose))}.  The facets file is fetched only when filtering or counting.
   */
  async search(query, { counts = false, sort = "relevance" } = {}) {
    const facets = query.filters.size || counts ? await this.facets() : new Map();
    const result = await evaluate(this, query, facets, sort);
    return {
      hits: result.hits, related: result.related, partial: result.partial, latest: result.latest,
      selectedBy: result.selectedBy,
      counts: counts ? facetCounts(facets, result) : null,
      // the same counts later (results first, then the filter panel): fetches the facets if needed
      countFacets: async () => facetCounts(await this.facets(), result),
    };
  }

  /**
   * What a result list shows for `hits`: each hit's doc, credited and
   * highlight terms, its document's fragment fields, the marks of its title,
   * and its snippet ({text, marks, before, after}; a partial match's shows a
   * window around each piece found, joined by …), its `reasons` (concept
   * matches) and found `pieces` (partial matches); marks
   * are [start, end] offsets in code points.  Highlighting folds the
   * documents' own text, which may hold traditional characters even when the
   * query has none: the char map is loaded for it.
   */
  async display(hits) {
    const [fragments] = await Promise.all([
      this.fragments(hits.map((h) => h.doc)),
      hits.length ? this.loadCharMap() : null,
    ]);
    const settings = this.manifest.snippet;
    const bodies = await this.pieces.wait(hits.map((hit, i) => {
      const { head, rest } = fragments[i];
      // a partial match's snippet shows each piece's first occurrence: it needs the whole body
      const partial = hit.pieces && hit.pieces.length;
      if (!rest || (!partial && headDecidesSnippet(this.folder, String(head || ""), hit.terms, settings))) {
        return String(head || "");
      }
      return this.pieces.fetch(rest, "text").then((text) => String(head || "") + text);
    }));
    return hits.map((hit, i) => {
      const fragment = fragments[i];
      const title = String(fragment.title || "");
      return {
        doc: hit.doc,
        credited: hit.credited,
        terms: hit.terms,
        url: String(fragment.url || ""),
        title,
        titleMarks: findMarks(this.folder, title, hit.terms),
        date: String(fragment.date || ""),
        regions: (fragment.regions || []).map(String),
        topics: (fragment.topics || []).map(String),
        reasons: hit.reasons || [],
        pieces: (hit.pieces || []).map((terms) => terms[0]),
        snippet: hit.pieces && hit.pieces.length
          ? partSnippet(this.folder, bodies[i], hit.pieces, settings)
          : snippet(this.folder, bodies[i], hit.terms, settings),
      };
    });
  }
}

// ---------------------------------------------------------------- query parsing

/** {parts: [{runs, phrase}], filters: Map(facet → [folded values])}; `folded` already folded. */
function parseQuery(folded, filterNames) {
  const query = { parts: [], filters: new Map() };
  const text = folded.replace(QUOTES, '"');
  for (const match of text.matchAll(TOKEN)) {
    const [whole, phrase, quotedName, quotedValue, word] = match;
    if (phrase !== undefined) {
      const runs = wordRuns(phrase);
      if (runs.length) query.parts.push({ runs, phrase: true });
      continue;
    }
    let name = "";
    let value = "";
    if (quotedName !== undefined) { name = quotedName; value = quotedValue; }
    else if (word.includes(":")) {
      const at = word.indexOf(":");
      name = word.slice(0, at);
      value = word.slice(at + 1);
    }
    const facet = filterNames.get(name.trim());
    if (facet && value.trim()) {
      addFilter(query.filters, facet, value.trim());
      continue;
    }
    for (const run of wordRuns(whole)) query.parts.push({ runs: [run], phrase: false });
  }
  return query;
}

function addFilter(filters, facet, value) {
  if (!filters.has(facet)) filters.set(facet, []);
  if (!filters.get(facet).includes(value)) filters.get(facet).push(value);
}

// ---------------------------------------------------------------- query planning

/** Fewest pieces, each a vocabulary word or one character; longest first piece among ties. */
function segmentRun(runChars, isWord, maxWord) {
  const n = runChars.length;
  const best = new Array(n + 1).fill(0);
  const choice = new Array(n + 1).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    best[i] = n + 1;
    for (let j = Math.min(n, i + maxWord); j > i; j--) {
      if (j - i > 1 && !isWord(runChars.slice(i, j).join(""))) continue;
      if (1 + best[j] < best[i]) { best[i] = 1 + best[j]; choice[i] = j; }
    }
  }
  const pieces = [];
  for (let i = 0; i < n; i = choice[i]) pieces.push(runChars.slice(i, choice[i]).join(""));
  return pieces;
}

function netTermsOf(runChars) {
  if (runChars.length === 1) return [runChars[0]];
  const seen = [];
  for (let i = 0; i + 1 < runChars.length; i++) {
    const gram = runChars[i] + runChars[i + 1];
    if (!seen.includes(gram)) seen.push(gram);
  }
  return seen;
}

const netKey = (term) => termKey(term, chars(term).length === 1 ? "u" : "b");

/** Every key whose presence or postings the runs may need (before segmentation). */
function candidateKeys(index, runs) {
  const keys = new Set();
  for (const run of runs) {
    const cs = chars(run);
    for (const alt of index.expand(run)) keys.add(termKey(alt, "w"));
    for (let i = 0; i < cs.length; i++) {
      for (let j = i + 1; j <= Math.min(cs.length, i + index.maxWord); j++) {
        const sub = cs.slice(i, j).join("");
        for (const alt of index.expand(sub)) keys.add(termKey(alt, "w"));
      }
    }
    for (const gram of netTermsOf(cs)) keys.add(netKey(gram));
    if (PINYIN_RUN.test(run)) keys.add(termKey(run, "p"));
  }
  return keys;
}

/** The word keys of the words that pinyin runs spell (their pinyin chunks must be loaded). */
function spelledKeys(index, runs) {
  const keys = new Set();
  for (const run of runs) {
    if (PINYIN_RUN.test(run)) for (const word of index.pinyinWords(run)) keys.add(termKey(word, "w"));
  }
  return keys;
}

/** A run cut into query words with their vocabulary alternatives ([] = out of vocabulary). */
function planRun(index, run) {
  const cs = chars(run);
  const isWord = (t) => index.isWord(t);
  if (PINYIN_RUN.test(run)) {
    // Pinyin or initials (gzjtxs → 工资集体协商): one query word, the run itself first if it is a word.
    const spelled = index.pinyinWords(run).filter(isWord);
    if (spelled.length) {
      const alternatives = (isWord(run) ? [run] : []).concat(spelled);
      return { text: run, chars: cs, pieces: [run], words: [alternatives], grams: netTermsOf(cs) };
    }
  }
  const synonyms = index.expand(run);
  if (synonyms.length > 1) {
    const alternatives = synonyms.filter(isWord);
    if (alternatives.length) return { text: run, chars: cs, pieces: [run], words: [alternatives], grams: netTermsOf(cs) };
  }
  const pieces = segmentRun(cs, isWord, index.maxWord);
  const words = pieces.map((piece) =>
    (chars(piece).length === 1 && !isWord(piece)) ? [] : index.expand(piece).filter(isWord));
  return { text: run, chars: cs, pieces, words, grams: netTermsOf(cs) };
}

// ---------------------------------------------------------------- matching and ranking

function idf(n, df) {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

function termScore(bm25, idfValue, qSum) {
  const tf = qSum / bm25.q_scale;
  return idfValue * tf * (bm25.k1 + 1) / (bm25.k1 + tf);
}

/**
 * Bigram offsets whose positions prove the run, in stages (engine.py:
 * verification_stages): the two rarest bigrams first, then one more at a time
 * in order of document frequency, until the offsets checked pin every
 * character.  The common bigrams are then fetched for the few documents still
 * possible, or not at all.
 */
function verificationStages(runChars, df) {
  const grams = [];
  for (let k = 0; k + 1 < runChars.length; k++) {
    const gram = runChars[k] + runChars[k + 1];
    if (!grams.includes(gram)) grams.push(gram);
  }
  grams.sort((a, b) => (df(a) - df(b)) || compareCodePoints(a, b));
  const stages = [];
  const pinned = new Set();
  for (let i = 0; i < grams.length; i++) {
    const offsets = [];
    for (let k = 0; k + 1 < runChars.length; k++) if (runChars[k] + runChars[k + 1] === grams[i]) offsets.push(k);
    if (i === 1) stages[0].push(...offsets);
    else stages.push(offsets);
    for (const k of offsets) { pinned.add(k); pinned.add(k + 1); }
    if (i >= 1 && pinned.size === runChars.length) break;
  }
  return stages;
}

/**
 * Documents containing the run as a substring (Ctrl-F truth).  Documents in
 * `already` match anyway, so positions are fetched only for the others, stage
 * by stage (verificationStages), for the documents still possible only.
 */
async function netDocs(index, plan, postings, already) {
  const lists = plan.grams.map((g) => postings.get(netKey(g)));
  let candidates = new Set(lists[0].keys());
  for (const list of lists.slice(1)) candidates = new Set([...candidates].filter((d) => list.has(d)));
  if (plan.chars.length <= 2) return candidates;
  const found = new Set([...candidates].filter((d) => already.has(d)));
  const starts = new Map([...candidates].filter((d) => !already.has(d)).map((d) => [d, null]));
  const cs = plan.chars;
  const gramAt = (k) => cs[k] + cs[k + 1];
  for (const stage of verificationStages(cs, (gram) => postings.get(netKey(gram)).size)) {
    if (!starts.size) break;
    const keys = [...new Set(stage.map((k) => netKey(gramAt(k))))];
    const positions = await index.positions(keys, new Set(starts.keys()));
    for (const [doc, before] of [...starts]) {
      let possible = before;
      for (const k of stage) {
        const at = new Set();
        for (const p of positions.get(netKey(gramAt(k))).get(doc) || []) if (p >= k) at.add(p - k);
        possible = possible === null ? at : new Set([...possible].filter((p) => at.has(p)));
      }
      if (possible.size) starts.set(doc, possible);
      else starts.delete(doc);
    }
  }
  for (const doc of starts.keys()) found.add(doc);
  return found;
}

/** doc → summed q of query word `i`'s alternatives (or of its character, out of vocabulary). */
function wordGroup(plan, i, postings) {
  const alternatives = plan.words[i];
  if (!alternatives.length) return postings.get(netKey(plan.pieces[i]));
  const merged = new Map();
  for (const alt of alternatives) {
    for (const [doc, q] of postings.get(termKey(alt, "w"))) merged.set(doc, (merged.get(doc) || 0) + q);
  }
  return merged;
}

/** doc → {credited, score, terms} for one run. */
async function evaluateRun(index, plan, phrase, postings) {
  const groups = plan.words.map((_, i) => wordGroup(plan, i, postings));
  let wordDocs = new Set(groups.length ? groups[0].keys() : []);
  for (const group of groups.slice(1)) wordDocs = new Set([...wordDocs].filter((d) => group.has(d)));
  // A run cut into several words matches only where it is written whole (火星 is not 火 … 星).
  const exact = phrase || plan.pieces.length > 1;
  const net = await netDocs(index, plan, postings, exact ? new Set() : wordDocs);
  const matched = exact ? net : new Set([...wordDocs, ...net]);
  const credited = exact ? new Set([...wordDocs].filter((d) => net.has(d))) : wordDocs;
  const n = index.docCount;
  const bm25 = index.bm25;
  const idfs = groups.map((g) => idf(n, g.size));
  const gramPostings = plan.grams.map((g) => postings.get(netKey(g)));
  const gramIdfs = gramPostings.map((p) => idf(n, p.size));
  const wordTerms = plan.pieces.length === 1 ? plan.words[0] : []; // several words: the run is marked whole
  const hits = new Map();
  for (const doc of matched) {
    let score = 0;
    let terms;
    if (credited.has(doc)) {
      for (let i = 0; i < groups.length; i++) score += termScore(bm25, idfs[i], groups[i].get(doc));
      terms = [plan.text, ...wordTerms];
    } else {
      for (let i = 0; i < plan.grams.length; i++) score += termScore(bm25, gramIdfs[i], gramPostings[i].get(doc) || 0);
      terms = [plan.text];
    }
    hits.set(doc, { doc, credited: credited.has(doc) ? 1 : 0, score, terms });
  }
  return hits;
}

/** Intersect `hits` with `other` (both doc → hit), combining with `credit`. */
function combine(hits, other, credit) {
  if (hits === null) return other;
  const result = new Map();
  for (const [doc, hit] of hits) {
    const more = other.get(doc);
    if (!more) continue;
    hit.credited = credit(hit.credited, more.credited);
    hit.score += more.score;
    hit.terms = hit.terms.concat(more.terms);
    result.set(doc, hit);
  }
  return result;
}

// Document ids run oldest first (date, then URL descending): a higher id is newer.
const newer = (a, b) => b.doc - a.doc;

/** Documents newest first, `count` at most, that `keep` keeps. */
function newestDocs(docCount, count, keep) {
  const docs = [];
  for (let doc = docCount - 1; doc >= 0 && docs.length < count; doc--) if (keep(doc)) docs.push(doc);
  return docs;
}

/** Rank hits in place: relevance (whole-word parts, score, newest) or date (newest first). */
function rank(hits, bm25, sort) {
  const grain = bm25.score_grain;
  for (const hit of hits) hit.rank = Math.floor(hit.score * grain + 0.5);
  if (sort === "date") hits.sort(newer);
  else hits.sort((a, b) => (b.credited - a.credited) || (b.rank - a.rank) || newer(a, b));
  return hits;
}

const newHit = (doc) => ({ doc, credited: 0, score: 0, rank: 0, terms: [], reasons: [], pieces: [] });

/**
 * Evaluate a parsed query (engine.py: respond): {hits (the stories containing
 * the query, ranked, filters applied), related (concept matches, ranked after),
 * partial and latest (suggestions when there is no hit), listed (every doc
 * matched before filters, for facet counts), passes(doc, exceptFacet)}.
 */
async function evaluate(index, query, facets, sort) {
  const allowedBy = new Map();
  const selectedBy = new Map(); // facet → Map(filter value → Set of the facet values it chose)
  for (const [facet, values] of query.filters) {
    const docs = new Set();
    selectedBy.set(facet, new Map());
    for (const value of values) {
      let chosen = selectedValues(facets, facet, value);
      if (chosen === null) { // a short name? (fetches a concept shard only now)
        const aliases = facet === "region" || facet === "topic"
          ? (await index.concepts(value)).filter((c) => c.kind === facet).map((c) => index.fold(c.value))
          : [];
        chosen = selectedValues(facets, facet, value, aliases);
      }
      selectedBy.get(facet).set(value, new Set(chosen));
      for (const folded of chosen) for (const doc of facets.get(facet).get(folded).docs) docs.add(doc);
    }
    allowedBy.set(facet, docs);
  }
  const passes = (doc, except) => {
    for (const [facet, docs] of allowedBy) if (facet !== except && !docs.has(doc)) return false;
    return true;
  };
  const empty = { related: [], partial: [], latest: [], passes, selectedBy };
  if (!query.parts.length) {
    const listed = new Set(newestDocs(index.docCount, index.docCount, () => true));
    const hits = [...listed].filter((doc) => passes(doc, null)).map(newHit);
    return { ...empty, hits: rank(hits, index.bm25, sort), listed };
  }
  const runs = query.parts.flatMap((p) => p.runs);
  const plans = new Map(runs.map((run) => [run, planRun(index, run)]));
  const keys = [];
  for (const plan of plans.values()) {
    plan.words.forEach((alts, i) => {
      if (!alts.length) keys.push(termKey(plan.pieces[i], "u"));
      for (const alt of alts) keys.push(termKey(alt, "w"));
    });
    for (const gram of plan.grams) keys.push(netKey(gram));
  }
  await index.loadKeys(keys); // character chunks of out-of-vocabulary characters, if any
  const postings = await index.postings(keys);
  const perPart = [];
  for (const part of query.parts) {
    let partHits = null;
    for (const run of part.runs) {
      const runHits = await evaluateRun(index, plans.get(run), part.phrase, postings);
      partHits = combine(partHits, runHits, Math.min);
    }
    perPart.push(partHits);
  }
  const matched = new Map(); // the stories containing every part, before filters
  for (const doc of perPart[0].keys()) {
    if (!perPart.every((found) => found.has(doc))) continue;
    const hit = newHit(doc);
    for (const found of perPart) {
      const part = found.get(doc);
      hit.credited += part.credited;
      hit.score += part.score;
      hit.terms = hit.terms.concat(part.terms);
    }
    matched.set(doc, hit);
  }
  const hits = rank([...matched.values()].filter((hit) => passes(hit.doc, null)), index.bm25, sort);
  const concepts = await conceptHits(index, query, perPart, matched);
  const related = rank([...concepts.values()].filter((hit) => passes(hit.doc, null)), index.bm25, sort);
  const listed = new Set([...matched.keys(), ...concepts.keys()]);
  if (hits.length) return { ...empty, hits, related, listed };
  const allowed = (doc) => passes(doc, null);
  const partial = runs.some((run) => chars(run).length > 1) ? partialHits(index, plans, postings, allowed) : [];
  const latest = newestDocs(index.docCount, LATEST_LIMIT, allowed).map(newHit);
  return { ...empty, hits, related, partial, latest, listed };
}

// ---------------------------------------------------------------- concept matches

/**
 * doc → hit for the stories (not in `matched`) that satisfy every part, some
 * only through a topic, region or column the part names; `reasons` name those
 * concepts (专题：疫情防控).  Filters are applied by the caller.
 */
async function conceptHits(index, query, perPart, matched) {
  const named = [];
  for (const part of query.parts) named.push(await index.concepts(part.runs.join("")));
  const hits = new Map();
  if (!named.some((concepts) => concepts.length)) return hits;
  let candidates = null;
  perPart.forEach((found, i) => {
    const satisfied = new Set(found.keys());
    for (const concept of named[i]) for (const doc of concept.docs) satisfied.add(doc);
    candidates = candidates === null ? satisfied : new Set([...candidates].filter((d) => satisfied.has(d)));
  });
  for (const doc of candidates) {
    if (matched.has(doc)) continue;
    const hit = newHit(doc);
    perPart.forEach((found, i) => {
      const part = found.get(doc);
      if (part) {
        hit.credited += part.credited;
        hit.score += part.score;
        hit.terms = hit.terms.concat(part.terms);
      } else {
        for (const concept of named[i]) {
          if (concept.docs.has(doc) && !hit.reasons.includes(concept.label)) hit.reasons.push(concept.label);
        }
      }
    });
    hits.set(doc, hit);
  }
  return hits;
}

// ---------------------------------------------------------------- partial matches

const ASCII = /^[\x00-\x7f]$/;

/**
 * The closest partial matches (部分匹配) when nothing contains the query: the
 * stories holding the most of its query words and characters apart, then by
 * their BM25F score; at most PARTIAL_LIMIT.  A letter or digit alone is no piece.
 */
function partialHits(index, plans, postings, allowed) {
  const seen = new Set();
  const hits = new Map();
  const n = index.docCount;
  for (const plan of plans.values()) {
    plan.pieces.forEach((piece, i) => {
      if (seen.has(piece) || (chars(piece).length === 1 && ASCII.test(piece))) return;
      seen.add(piece);
      const group = wordGroup(plan, i, postings);
      const terms = [...new Set([piece, ...plan.words[i]])];
      const idfValue = idf(n, group.size);
      for (const [doc, q] of group) {
        if (!allowed(doc)) continue;
        let hit = hits.get(doc);
        if (!hit) hits.set(doc, hit = newHit(doc));
        hit.credited += 1;
        hit.score += termScore(index.bm25, idfValue, q);
        hit.pieces.push(terms);
        hit.terms = hit.terms.concat(terms);
      }
    });
  }
  return rank([...hits.values()], index.bm25, "relevance").slice(0, PARTIAL_LIMIT);
}

/** Topics to suggest beside partial matches: theirs, most frequent first, then by first appearance. */
export function relatedTopics(shown) {
  const counts = new Map();
  for (const result of shown) for (const topic of new Set(result.topics)) counts.set(topic, (counts.get(topic) || 0) + 1);
  const order = [...counts.keys()];
  return order.sort((a, b) => (counts.get(b) - counts.get(a)) || (order.indexOf(a) - order.indexOf(b))).slice(0, RELATED_TOPICS);
}

// ---------------------------------------------------------------- facets

/**
 * Folded facet values a filter value selects (facets.py: select_values): a
 * region path selects itself and the paths under it, any other value the equal
 * one; else the values it is a short name of (`aliases`; null when not looked
 * up yet: then null is returned when the first rule selects nothing); else
 * every value containing it.
 */
function selectedValues(facets, facet, value, aliases = null) {
  const known = facets.get(facet) || new Map();
  if (value.includes(PATH)) {
    const chosen = [...known.keys()].filter((v) => v === value || v.startsWith(value + PATH));
    if (chosen.length) return chosen;
  } else if (known.has(value)) return [value];
  if (aliases === null) return null; // the caller looks the short names up, then asks again
  const short = aliases.filter((alias) => known.has(alias));
  if (short.length) return short;
  return [...known.keys()].filter((folded) => folded.includes(value));
}

/**
 * Facet counts: facet → [{folded, name, count}] in file order, each facet
 * counted over the listed stories (hits and concept matches) passing the
 * *other* facets' filters; plus "tree": the region tree over the same stories.
 */
function facetCounts(facets, result) {
  const counts = new Map();
  for (const facet of FACETS) {
    const values = facets.get(facet) || new Map();
    const byDoc = facets.byDoc.get(facet);
    const tally = new Map([...values.keys()].map((folded) => [folded, 0]));
    const counted = [...result.listed].filter((doc) => result.passes(doc, facet));
    for (const doc of counted) {
      for (const folded of byDoc[doc] || []) tally.set(folded, tally.get(folded) + 1);
    }
    counts.set(facet, [...values].map(([folded, { name }]) => ({ folded, name, count: tally.get(folded) })));
    if (facet === "region") counts.tree = regionTree(values, new Set(counted));
  }
  return counts;
}

/**
 * 省 › 市 › 县 nodes [{name, path, count, children}] with the number of `docs`
 * under each (facets.py: region_tree).  A province counts the documents of its
 * name's value; a city or county those with a region path through it.
 */
export function regionTree(values, docs) {
  const byName = new Map([...values.values()].map((v) => [v.name, v.docs]));
  const names = [...byName.keys()];
  const paths = names.filter((name) => name.includes(PATH));
  const inside = new Set(paths.flatMap((path) => path.split(PATH).slice(1)));
  const roots = new Set([...paths.map((path) => path.split(PATH)[0]),
    ...names.filter((name) => !name.includes(PATH) && !inside.has(name))]);
  const under = new Map(); // node path → Set of docs
  const add = (key, doc) => { if (!under.has(key)) under.set(key, new Set()); under.get(key).add(doc); };
  for (const root of roots) {
    if (!byName.has(root)) continue;
    for (const doc of byName.get(root)) if (docs.has(doc)) add(root, doc);
  }
  for (const path of paths) {
    const levels = path.split(PATH);
    for (const doc of byName.get(path)) {
      if (!docs.has(doc)) continue;
      for (let depth = 2; depth <= Math.min(levels.length, TREE_DEPTH); depth++) add(levels.slice(0, depth).join(PATH), doc);
    }
  }
  const nodes = (prefix) => [...under.keys()]
    .filter((key) => {
      const levels = key.split(PATH);
      return levels.length === (prefix ? prefix.split(PATH).length + 1 : 1) && (!prefix || key.startsWith(prefix + PATH));
    })
    .map((key) => ({ name: key.split(PATH).pop(), path: key, count: under.get(key).size, children: nodes(key) }))
    .sort((a, b) => (b.count - a.count) || compareCodePoints(a.name, b.name));
  return nodes("");
}

// ---------------------------------------------------------------- highlighting

/** Leftmost-longest non-overlapping occurrences of `terms` in folded `text`: [[start, end]] in code points. */
function findMarks(folder, text, terms) {
  const ordered = [...new Set(terms.filter(Boolean))]
    .map((t) => chars(t))
    .sort((a, b) => (b.length - a.length) || compareCodePoints(a.join(""), b.join("")));
  if (!ordered.length) return [];
  const folded = chars(text).map((c) => folder.char(c));
  const firsts = new Set(ordered.map((t) => t[0]));
  const marks = [];
  let i = 0;
  while (i < folded.length) {
    let hit = null;
    if (firsts.has(folded[i])) {
      hit = ordered.find((t) => t.every((c, k) => folded[i + k] === c));
    }
    if (hit) { marks.push([i, i + hit.length]); i += hit.length; } else i += 1;
  }
  return marks;
}

/**
 * Whether the snippet of a body can be cut from its first characters (`head`)
 * alone (export_reader.head_decides_snippet): a mark starting at p is certain
 * once p plus the longest term is within the head; the snippet needs its first
 * mark and every mark before its end, strictly inside the head so that it is
 * cut and ends ("…") exactly as it would be on the whole body.
 */
function headDecidesSnippet(folder, head, terms, settings) {
  const longest = Math.max(0, ...terms.filter(Boolean).map((t) => chars(t).length));
  const flat = chars(head.replace(/\n/g, " "));
  if (!longest) return settings.chars < flat.length; // filters only: the snippet is the body's opening
  const marks = findMarks(folder, flat.join(""), terms);
  if (!marks.length || marks[0][0] + longest > flat.length) return false;
  const start = Math.max(0, marks[0][0] - settings.lead);
  let end = start + settings.chars;
  for (const [s, e] of marks) if (s < end && end < e) end = e;
  return end + longest <= flat.length;
}

/** A window of the body around its first mark (the opening when nothing matches there). */
function snippet(folder, body, terms, settings) {
  const flat = chars(body.replace(/\n/g, " "));
  const marks = findMarks(folder, flat.join(""), terms);
  const start = marks.length ? Math.max(0, marks[0][0] - settings.lead) : 0;
  let end = Math.min(flat.length, start + settings.chars);
  for (const [s, e] of marks) if (s < end && end < e) end = e; // never cut a mark in two
  const inside = marks
    .filter(([s, e]) => s < end && e > start)
    .map(([s, e]) => [Math.max(s, start) - start, Math.min(e, end) - start]);
  return { text: flat.slice(start, end).join(""), marks: inside, before: start > 0, after: end < flat.length };
}

/**
 * A partial match's snippet (highlight.py: make_part_snippet): a window around
 * the first occurrence of each piece found, windows joined by …, so that every
 * matched piece shows highlighted; the usual snippet when no piece is in the body.
 */
function partSnippet(folder, body, pieces, settings) {
  const terms = pieces.flat();
  const flat = chars(body.replace(/\n/g, " "));
  const folded = flat.map((c) => folder.char(c));
  const marks = findMarks(folder, flat.join(""), terms);
  const anchors = [];
  for (const piece of pieces) {
    const first = marks.find(([s, e]) => piece.includes(folded.slice(s, e).join("")));
    if (first && !anchors.includes(first)) anchors.push(first);
  }
  if (!anchors.length) return snippet(folder, body, terms, settings);
  anchors.sort((a, b) => (a[0] - b[0]) || (a[1] - b[1]));
  const windows = [];
  for (const [markStart, markEnd] of anchors) {
    const start = Math.max(0, markStart - settings.part_lead);
    let end = Math.max(markEnd, Math.min(flat.length, start + settings.part_chars));
    for (const [s, e] of marks) if (s < end && end < e) end = e; // never cut a mark in two
    const last = windows[windows.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else windows.push([start, end]);
  }
  let text = [];
  const inside = [];
  windows.forEach(([start, end], number) => {
    if (number) text.push("…");
    const base = text.length;
    for (const [s, e] of marks) {
      if (s < end && e > start) inside.push([Math.max(s, start) - start + base, Math.min(e, end) - start + base]);
    }
    text = text.concat(flat.slice(start, end));
  });
  return { text: text.join(""), marks: inside, before: windows[0][0] > 0, after: windows[windows.length - 1][1] < flat.length };
}

/** FNV-1a (32 bit) of the UTF-8 bytes of `name`, modulo `count` (concepts.py: shard_of). */
function shardOf(name, count) {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(name)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h % count;
}

/** The names a query's parts may name concepts by (their runs joined). */
function conceptNames(query) {
  return query.parts.map((part) => part.runs.join(""));
}
