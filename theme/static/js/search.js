/*
 * Static search page (search.html): reads the index pieces under search/
 * (format: docs/search-export-format.md) and ranks exactly like the editors'
 * command line (plugins/union_search/engine.py, export_reader.py).
 *
 * Plain script, no framework, no globals.  Everything untrusted (the query,
 * every indexed string) reaches the page through textContent / text nodes.
 * Pieces are cached for the page's lifetime (their names are content hashes);
 * each query is evaluated from scratch, so results never depend on earlier
 * queries.
 */
"use strict";
(() => {
  const PAGE_SIZE = 10;
  const MAX_IN_FLIGHT = 32; // concurrent piece fetches (see Pieces.limited)
  const FACETS = ["region", "topic", "year"];
  const FACET_LABELS = { region: "地区", topic: "专题", year: "年份" };
  const FACET_SHOWN = 12; // values listed before "show all"
  // Longer queries (a pasted paragraph) would need most of the index: ask for fewer words instead.
  const MAX_QUERY_CHARS = 64;
  const WORD_CHAR = /[\p{L}\p{N}]/u;
  const QUOTES = /[“”„‟「」『』＂]/g;
  const TOKEN = /"([^"]*)"?|([^\s":]+):"([^"]*)"?|(\S+)/gu;
  // A run that may be pinyin or initials of vocabulary words (looked up as a p: key).
  const PINYIN_RUN = /^[a-z]{2,}$/;

  // ---------------------------------------------------------------- strings

  /** Compare by code point (the order of the chunk keys), not UTF-16 unit. */
  function compareCodePoints(a, b) {
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
   * Fetches index pieces relative to the search/ directory.  Content-hashed
   * pieces are memoised for the page's lifetime; `waitMs` accumulates time spent
   * waiting on the network so the page can report compute time separately.
   */
  class Pieces {
    constructor(base) {
      this.base = base;
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
        promise = this.limited(() => fetch(url, init).then((response) => {
          if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
          return kind === "bin" ? response.arrayBuffer().then((b) => new Uint8Array(b)) : response.json();
        }));
        promise.catch(() => this.memo.delete(name)); // a failed fetch may be retried by the next query
        this.memo.set(name, promise);
      }
      return promise;
    }

    /**
     * Run `start` (which returns a promise) once fewer than MAX_IN_FLIGHT are
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
        if (this.inFlight < MAX_IN_FLIGHT) run();
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

  /** The export as seen by one page: manifest, char map, synonyms, term lookup. */
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
      this.filters = new Map(Object.entries(manifest.filters));
      this.folder = new Folder();
      this.synonyms = new Map();
      this.charMapLoaded = false;
      this.chunks = new Map(); // chunk file → Map(key → entry)
      this.facetData = null;
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
      const entry = this.entry("w:" + term);
      return Boolean(entry && entry[1] > 0);
    }

    /** The vocabulary words spelled `letters` (p: entry [key, n, [word, …]]; its chunk must be loaded). */
    pinyinWords(letters) {
      const entry = this.entry("p:" + letters);
      return entry && Array.isArray(entry[2]) ? entry[2].map(String) : [];
    }

    /** Postings of several keys, fetching segmented streams in parallel: Map(key → Map(doc → q)). */
    async postings(keys) {
      const result = new Map();
      const waits = [];
      for (const key of new Set(keys)) {
        const entry = this.entry(key);
        if (!entry) { result.set(key, new Map()); continue; }
        const stream = entry[2];
        if (typeof stream === "string") { result.set(key, decodePostings(base64Bytes(stream))); continue; }
        const files = stream.segments.map((s) => s[2]);
        waits.push(Promise.all(files.map((f) => this.pieces.fetch(f, "bin"))).then((parts) => {
          const map = new Map();
          for (const bytes of parts) decodePostings(bytes, map);
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

    /** The display fragments of `docs` (docmap first, then one fragment each). */
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
  }

  // ---------------------------------------------------------------- query parsing

  /** {parts: [{runs, phrase}], filters: Map(facet → [folded values])}; `text` already folded. */
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

  // ---------------------------------------------------------------- matching and ranking

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

  const netKey = (term) => (chars(term).length === 1 ? "u:" : "b:") + term;

  /** Every key whose presence or postings the runs may need (before segmentation). */
  function candidateKeys(index, runs) {
    const keys = new Set();
    for (const run of runs) {
      const cs = chars(run);
      for (const alt of index.expand(run)) keys.add("w:" + alt);
      for (let i = 0; i < cs.length; i++) {
        for (let j = i + 1; j <= Math.min(cs.length, i + index.maxWord); j++) {
          const sub = cs.slice(i, j).join("");
          for (const alt of index.expand(sub)) keys.add("w:" + alt);
        }
      }
      for (const gram of netTermsOf(cs)) keys.add(netKey(gram));
      if (PINYIN_RUN.test(run)) keys.add("p:" + run);
    }
    return keys;
  }

  /** The w: keys of the words that pinyin runs spell (their p: chunks must be loaded). */
  function spelledKeys(index, runs) {
    const keys = new Set();
    for (const run of runs) {
      if (PINYIN_RUN.test(run)) for (const word of index.pinyinWords(run)) keys.add("w:" + word);
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

  function idf(n, df) {
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  function termScore(bm25, idfValue, qSum) {
    const tf = qSum / bm25.q_scale;
    return idfValue * tf * (bm25.k1 + 1) / (bm25.k1 + tf);
  }

  /** Offsets of the bigrams that pin every character of a run: 0, 2, 4, … and the last one. */
  function coveringOffsets(length) {
    const offsets = [];
    for (let k = 0; k < length - 1; k += 2) offsets.push(k);
    if (offsets[offsets.length - 1] !== length - 2) offsets.push(length - 2);
    return offsets;
  }

  /**
   * Documents containing the run as a substring (Ctrl-F truth).  Documents in
   * `already` match anyway, so positions are fetched only for the others.
   */
  async function netDocs(index, plan, postings, already) {
    const lists = plan.grams.map((g) => postings.get(netKey(g)));
    let candidates = new Set(lists[0].keys());
    for (const list of lists.slice(1)) candidates = new Set([...candidates].filter((d) => list.has(d)));
    if (plan.chars.length <= 2) return candidates;
    const toCheck = new Set([...candidates].filter((d) => !already.has(d)));
    const found = new Set([...candidates].filter((d) => already.has(d)));
    if (!toCheck.size) return found;
    const offsets = coveringOffsets(plan.chars.length);
    const keys = offsets.map((k) => "b:" + plan.chars[k] + plan.chars[k + 1]);
    const positions = await index.positions(keys, toCheck);
    for (const doc of toCheck) {
      const starts = positions.get(keys[0]).get(doc) || [];
      const later = offsets.slice(1).map((k, i) => [k, new Set(positions.get(keys[i + 1]).get(doc) || [])]);
      if (starts.some((start) => later.every(([k, pins]) => pins.has(start + k)))) found.add(doc);
    }
    return found;
  }

  /** doc → {credited, score, terms} for one run. */
  async function evaluateRun(index, plan, phrase, postings) {
    const groups = plan.words.map((alternatives, i) => {
      if (!alternatives.length) return postings.get("u:" + plan.pieces[i]);
      const merged = new Map();
      for (const alt of alternatives) {
        for (const [doc, q] of postings.get("w:" + alt)) merged.set(doc, (merged.get(doc) || 0) + q);
      }
      return merged;
    });
    let wordDocs = new Set(groups.length ? groups[0].keys() : []);
    for (const group of groups.slice(1)) wordDocs = new Set([...wordDocs].filter((d) => group.has(d)));
    const net = await netDocs(index, plan, postings, phrase ? new Set() : wordDocs);
    const matched = phrase ? net : new Set([...wordDocs, ...net]);
    const credited = phrase ? new Set([...wordDocs].filter((d) => net.has(d))) : wordDocs;
    const n = index.docCount;
    const bm25 = index.bm25;
    const idfs = groups.map((g) => idf(n, g.size));
    const gramPostings = plan.grams.map((g) => postings.get(netKey(g)));
    const gramIdfs = gramPostings.map((p) => idf(n, p.size));
    const wordTerms = plan.words.flat();
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

  /**
   * Evaluate a parsed query: {hits (ranked, filters applied), matched (text
   * matches before filters, for facet counts), allowedBy (facet → Set)}.
   */
  async function evaluate(index, query, facets) {
    const allowedBy = new Map();
    for (const [facet, values] of query.filters) {
      const docs = new Set();
      for (const value of values) {
        for (const folded of selectedValues(facets, facet, value)) {
          for (const doc of facets.get(facet).get(folded).docs) docs.add(doc);
        }
      }
      allowedBy.set(facet, docs);
    }
    let matched;
    if (!query.parts.length) {
      matched = new Map();
      for (let doc = 0; doc < index.docCount; doc++) matched.set(doc, { doc, credited: 0, score: 0, terms: [] });
    } else {
      const runs = query.parts.flatMap((p) => p.runs);
      const plans = new Map(runs.map((run) => [run, planRun(index, run)]));
      const keys = [];
      for (const plan of plans.values()) {
        plan.words.forEach((alts, i) => {
          if (!alts.length) keys.push("u:" + plan.pieces[i]);
          for (const alt of alts) keys.push("w:" + alt);
        });
        for (const gram of plan.grams) keys.push(netKey(gram));
      }
      await index.loadKeys(keys); // u: chunks of out-of-vocabulary characters, if any
      const postings = await index.postings(keys);
      matched = null;
      for (const part of query.parts) {
        let partHits = null;
        for (const run of part.runs) {
          const runHits = await evaluateRun(index, plans.get(run), part.phrase, postings);
          partHits = combine(partHits, runHits, Math.min);
        }
        matched = combine(matched, partHits, (a, b) => a + b);
      }
    }
    const passes = (doc, except) => {
      for (const [facet, docs] of allowedBy) if (facet !== except && !docs.has(doc)) return false;
      return true;
    };
    const hits = [...matched.values()].filter((hit) => passes(hit.doc, null));
    const grain = index.bm25.score_grain;
    for (const hit of hits) hit.rank = Math.floor(hit.score * grain + 0.5);
    hits.sort((a, b) => (b.credited - a.credited) || (b.rank - a.rank) || (a.doc - b.doc));
    return { hits, matched, allowedBy, passes };
  }

  /** Folded facet values a filter value selects: the equal one, else every one containing it. */
  function selectedValues(facets, facet, value) {
    const known = facets.get(facet) || new Map();
    if (known.has(value)) return [value];
    return [...known.keys()].filter((folded) => folded.includes(value));
  }

  /** Facet counts: each facet counted over the text matches passing the *other* facets' filters. */
  function facetCounts(facets, result) {
    const counts = new Map();
    for (const facet of FACETS) {
      const values = facets.get(facet) || new Map();
      const byDoc = facets.byDoc.get(facet);
      const tally = new Map([...values.keys()].map((folded) => [folded, 0]));
      for (const doc of result.matched.keys()) {
        if (!result.passes(doc, facet)) continue;
        for (const folded of byDoc[doc] || []) tally.set(folded, tally.get(folded) + 1);
      }
      counts.set(facet, [...values].map(([folded, { name }]) => ({ folded, name, count: tally.get(folded) })));
    }
    return counts;
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

  /** Append `text` to `parent` with <mark> elements around `marks` (code point offsets). */
  function appendMarked(parent, textChars, marks) {
    let last = 0;
    for (const [start, end] of marks) {
      if (start > last) parent.append(textChars.slice(last, start).join(""));
      const mark = document.createElement("mark");
      mark.textContent = textChars.slice(start, end).join("");
      parent.append(mark);
      last = end;
    }
    if (last < textChars.length) parent.append(textChars.slice(last).join(""));
  }

  function snippet(folder, body, terms, settings) {
    const flat = chars((body || "").replace(/\n/g, " "));
    const marks = findMarks(folder, flat.join(""), terms);
    const start = marks.length ? Math.max(0, marks[0][0] - settings.lead) : 0;
    let end = Math.min(flat.length, start + settings.chars);
    for (const [s, e] of marks) if (s < end && end < e) end = e; // never cut a mark in two
    const inside = marks
      .filter(([s, e]) => s < end && e > start)
      .map(([s, e]) => [Math.max(s, start) - start, Math.min(e, end) - start]);
    return { chars: flat.slice(start, end), marks: inside, before: start > 0, after: end < flat.length };
  }

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

  class QueryTooLong extends Error {}

  // ---------------------------------------------------------------- rendering helpers

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
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

    async start() {
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

    async loadIndex() {
      if (!this.index) {
        const loading = (async () => {
          const [manifest] = await this.pieces.wait([this.pieces.fetch("manifest.json", "json")]);
          if (manifest.format !== 2) throw new Error(`unsupported search index format ${manifest.format}`);
          const index = new Index(this.pieces, manifest);
          // the first query's chunks load while the synonyms arrive (see parse)
          index.synonymsReady = index.loadSynonyms();
          index.synonymsReady.catch(() => { this.index = null; });
          return index;
        })();
        this.index = loading;
        loading.catch(() => { this.index = null; });
      }
      return this.index;
    }

    setBusy(state) {
      this.results.dataset.searchState = state;
      this.results.setAttribute("aria-busy", state === "loading" ? "true" : "false");
    }

    async run(state, options = {}) {
      const generation = ++this.generation;
      this.state = state;
      for (const input of this.inputs) input.value = state.q;
      document.title = state.q ? `${state.q} - 搜索 - ${this.root.dataset.siteName || ""}` : this.root.dataset.pageTitle || document.title;
      const started = performance.now();
      const waitedBefore = this.pieces.waitMs;
      this.setBusy("loading");
      if (!options.keepStatus) this.status.textContent = state.q || state.filters.size ? "正在搜索…" : "";
      try {
        const index = await this.loadIndex();
        if (generation !== this.generation) return;
        const query = await this.parse(index, state);
        if (generation !== this.generation) return;
        this.renderActiveFilters(state);
        if (!query.parts.length && !query.filters.size) {
          this.renderEmpty(state);
          this.finish(started, waitedBefore);
          return;
        }
        const wantFacets = query.filters.size > 0 || this.facetPanel.open;
        const facets = wantFacets ? await index.facets() : new Map();
        const result = await evaluate(index, query, facets);
        if (generation !== this.generation) return;
        const pages = Math.max(1, Math.ceil(result.hits.length / PAGE_SIZE));
        const page = Math.min(state.page, pages);
        const shown = result.hits.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
        // Highlighting folds the documents' own text, which may hold traditional
        // characters even when the query has none: the char map is needed then.
        const [fragments] = await Promise.all([
          index.fragments(shown.map((h) => h.doc)),
          shown.length ? index.loadCharMap() : null,
        ]);
        if (generation !== this.generation) return;
        this.renderResults(index, state, result, shown, fragments, page, pages);
        this.renderFacets(index, state, query, wantFacets ? facetCounts(facets, result) : null);
        this.finish(started, waitedBefore);
      } catch (error) {
        if (generation !== this.generation) return;
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

    /**
     * Fold, parse and load the chunks the query needs.  The char map is fetched
     * only when some query character may be traditional.  Indexed text is
     * folded, so a character inside an indexed net term (b:xy, u:x) is already
     * in folded form and the char map cannot change it: when every run's net
     * terms exist, folding without the char map gives the same query.
     */
    async parse(index, state) {
      const length = query => query.parts.flatMap((p) => p.runs).reduce((n, run) => n + chars(run).length, 0);
      const build = () => {
        const query = parseQuery(index.folder.fold(state.q), index.filters);
        for (const [facet, values] of state.filters) {
          for (const value of values) addFilter(query.filters, facet, index.folder.fold(value));
        }
        return query;
      };
      let query = build();
      if (length(query) > MAX_QUERY_CHARS) throw new QueryTooLong();
      const runs = query.parts.flatMap((p) => p.runs);
      // Keys without synonyms first (and p: keys of pinyin runs), in parallel with the synonym
      // table; then the synonyms' keys and the w: keys of the words the pinyin runs spell.
      await Promise.all([index.loadKeys(candidateKeys(index, runs)), index.synonymsReady]);
      await index.loadKeys([...candidateKeys(index, runs), ...spelledKeys(index, runs)]);
      if (index.charMapLoaded) return query;
      // (ASCII letters are never traditional characters: pinyin runs need no char map either.)
      const netTermsExist = query.parts.every((part) => part.runs.every((run) => PINYIN_RUN.test(run) ||
        netTermsOf(chars(run)).every((term) => index.entry(netKey(term)))));
      if (query.filters.size || !netTermsExist) {
        await index.loadCharMap();
        query = build();
        const folded = query.parts.flatMap((p) => p.runs);
        await index.loadKeys(candidateKeys(index, folded));
        await index.loadKeys(spelledKeys(index, folded));
      }
      return query;
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

    renderResults(index, state, result, shown, fragments, page, pages) {
      const total = result.hits.length;
      this.results.dataset.searchTotal = String(total);
      const label = !state.q ? "筛选条件" : state.q.includes('"') ? state.q : `“${state.q}”`;
      this.status.textContent = total
        ? `${label}：找到 ${total} 篇文章` + (pages > 1 ? `，第 ${page}/${pages} 页` : "")
        : `${label}：没有找到文章。试试更短的词，或去掉筛选条件。`;
      const items = shown.map((hit, i) => this.resultItem(index, hit, fragments[i]));
      this.list.replaceChildren(...items);
      this.list.start = (page - 1) * PAGE_SIZE + 1;
      this.renderPager(state, page, pages);
    }

    resultItem(index, hit, fragment) {
      const item = el("li", "search-result");
      item.dataset.doc = String(hit.doc);
      const heading = el("h2", "search-result__title");
      const link = el("a");
      link.href = new URL(String(fragment.url || ""), this.siteRoot).href;
      const title = chars(String(fragment.title || ""));
      appendMarked(link, title, findMarks(index.folder, title.join(""), hit.terms));
      heading.append(link);
      const meta = el("p", "search-result__meta");
      if (fragment.date) {
        const time = el("time", null, displayDate(String(fragment.date)));
        time.dateTime = String(fragment.date);
        meta.append(time);
      }
      for (const region of (fragment.regions || []).map(String)) {
        const tag = el("span", "search-result__tag", region.split("›").pop()); // 浙江省›台州市›黄岩区 → 黄岩区
        tag.title = region;
        meta.append(tag);
      }
      for (const topic of (fragment.topics || []).map(String)) meta.append(el("span", "search-result__tag", topic));
      const cut = snippet(index.folder, String(fragment.body || ""), hit.terms, index.manifest.snippet);
      const text = el("p", "search-result__snippet");
      if (cut.before) text.append("…");
      appendMarked(text, cut.chars, cut.marks);
      if (cut.after) text.append("…");
      if (!hit.credited && hit.terms.length) item.classList.add("search-result--partial");
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
        const selectedBy = (values) => new Set(values.flatMap((v) => selectedValues(index.facetData, facet, v)));
        const active = selectedBy(query.filters.get(facet) || []);
        const fromUrl = selectedBy((state.filters.get(facet) || []).map((v) => index.folder.fold(v)));
        let values = counts.get(facet).filter((v) => (v.count > 0 || active.has(v.folded)) && !(facet === "region" && v.name.includes("›")));
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

  function boot() {
    const root = document.querySelector("[data-search-page]");
    if (root) new SearchPage(root).start();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
