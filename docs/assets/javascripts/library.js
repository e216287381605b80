// The Library page: saved papers by list and by tag, recommendations, papers new since the
// last visit, hidden tags, read marks, export and import. The library itself is shelf.js's
// (localStorage); this page alone fetches library/data.json (generator/site/library.py),
// the related-papers graph and each paper's tags, and a few of library/titles/*.json.
(() => {
  const DATA_FORMAT = "hf-papers-atlas-library-data";
  const TOP = 10;
  // A link from a saved paper counts 1, 2, 4 or 8 by its strength (0 to 3). Besides links count
  // a path through a paper linked to a saved one (HOP times both links' weights, the first
  // averaged over the saved papers), and each tag shared (TOPIC times the share of saved
  // papers that have it).
  const WEIGHTS = { hop: 0.1, topic: 0.25 };
  const linkWeight = (strength) => 2 ** strength;
  // Papers linked to a saved one are always listed before the others, which only paths
  // through the linked papers rank.
  const NEW_DUMPS = 5; // dumps whose papers "New since your last visit" lists
  const SYMBOLS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  const TOPIC_SYMBOLS = "!#$%&'()*+,-./:;<=>?@[]^_`{|}~";

  const bytes = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

  // FNV-1a of the slug's UTF-8, its low 16 bits: generator/site/library.py's slug_hash.
  function slugHash(slug) {
    let value = 0x811c9dc5;
    for (const byte of new TextEncoder().encode(slug)) value = Math.imul(value ^ byte, 0x01000193) >>> 0;
    return value & 0xffff;
  }

  // library/data.json as arrays: areas and topics per paper, links both ways with strengths.
  // The slug hashes and links are decoded when first read: a library with nothing saved never
  // reads them, and decoding them was most of the page's work on a phone.
  function decode(data) {
    if (data?.format !== DATA_FORMAT || data.version !== 3) throw new Error("library/data.json is not in the format this page reads");
    const [areas, topics] = decodeTags(data);
    let hashes = null;
    let links = null;
    const dumps = data.dumps.map(([stem, label, first, count]) => ({ stem, label, first, count }));
    return {
      n: data.papers, titleChunk: data.titleChunk, areas, topics, dumps,
      get hashes() {
        hashes ??= decodeHashes(data);
        return hashes;
      },
      get links() {
        links ??= decodeLinks(data);
        return links;
      },
      areaNames: data.areas.map(([name]) => name), areaSlugs: data.areas.map(([, slug]) => slug), topicNames: data.topics, topicAreas: data.topicAreas,
    };
  }

  // The papers with each 16-bit slug hash (a saved paper is found by its slug's).
  function decodeHashes(data) {
    const raw = bytes(data.hashes);
    const hashes = new Map();
    for (let i = 0; i < data.papers; i++) {
      const hash = (raw[2 * i] << 8) | raw[2 * i + 1];
      hashes.has(hash) ? hashes.get(hash).push(i) : hashes.set(hash, [i]);
    }
    return hashes;
  }

  // Each paper's areas, each followed by its topics among that area's (library.py's tag_symbols).
  // (All symbols are ASCII: a table by character code finds each one's place.)
  const symbolIndex = (symbols) => {
    const index = new Int8Array(128).fill(-1);
    for (let i = 0; i < symbols.length; i++) index[symbols.charCodeAt(i)] = i;
    return index;
  };
  const AREA_INDEX = symbolIndex(SYMBOLS);
  const TOPIC_INDEX = symbolIndex(TOPIC_SYMBOLS);
  function decodeTags(data) {
    const areaTopics = data.areas.map(() => []);
    data.topicAreas.forEach((area, t) => areaTopics[area].push(t));
    const areas = [];
    const topics = [];
    for (const text of data.paperTags.split(" ")) {
      const mine = [];
      const theirs = [];
      for (let c = 0; c < text.length; c++) {
        const code = text.charCodeAt(c);
        if (AREA_INDEX[code] >= 0) mine.push(AREA_INDEX[code]);
        else theirs.push(areaTopics[mine[mine.length - 1]][TOPIC_INDEX[code]]);
      }
      areas.push(mine);
      topics.push(theirs);
    }
    return [areas, topics];
  }

  // Each paper's links, both ways, as [paper, strength]: Golomb-Rice coded gaps from the paper.
  function decodeLinks(data) {
    const n = data.papers;
    const links = Array.from({ length: n }, () => []);
    const gaps = bytes(data.linkGaps);
    const k = data.linkRice;
    let bit = 0;
    const read = () => (gaps[bit >> 3] >> (7 - (bit++ & 7))) & 1;
    let edge = 0;
    for (let i = 0; i < n; i++) {
      let previous = i;
      for (let c = 0; c < data.linkCounts[i]; c++) {
        let quotient = 0;
        while (read()) quotient++;
        let rest = 0;
        for (let b = 0; b < k; b++) rest = (rest << 1) | read();
        const j = previous + ((quotient << k) | rest) + 1;
        previous = j;
        const strength = Number(data.strengths[edge++]);
        links[i].push([j, strength]);
        links[j].push([i, strength]);
      }
    }
    return links;
  }

  // The dump a paper was first seen in.
  function dumpOf(model, i) {
    let low = 0;
    let high = model.dumps.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (model.dumps[mid].first <= i) low = mid;
      else high = mid - 1;
    }
    return model.dumps[low];
  }

  const yearOf = (model, i) => dumpOf(model, i).label.match(/(\d{4})$/)?.[1] ?? null;

  // A saved paper's links: the graph's, joined by its ten closest papers (`near`, from
  // library/near/*.json.gz, numbers times 4 plus strengths) where the page has them.
  function linksOf(model, s, near) {
    const mine = new Map(model.links[s]);
    for (const code of near?.get(s) ?? []) {
      const j = code >> 2;
      mine.set(j, Math.max(mine.get(j) ?? 0, code & 3));
    }
    return mine;
  }

  // Recommendations for the saved papers (numbers): papers the saved ones are linked to,
  // by how many and how strongly, then papers linked to those (HOP), plus the tags they
  // share with the saved set (TOPIC). Papers in `exclude` are left out; `near` holds the saved
  // papers' closest (nearOf). The same function runs in bench/bench_library.py.
  function recommend(model, saved, { exclude = new Set(), top = TOP, near = new Map(), weights: { hop, topic } = WEIGHTS } = {}) {
    if (!saved.length) return [];
    const savedSet = new Set(saved);
    const found = new Map();
    const entry = (j) => {
      if (!found.has(j)) found.set(j, { paper: j, links: 0, via: [], close: [], second: 0, shared: [] });
      return found.get(j);
    };
    for (const s of saved) {
      const listed = new Set(model.links[s].map(([j]) => j));
      for (const [j, strength] of linksOf(model, s, near)) {
        if (savedSet.has(j)) continue;
        const e = entry(j);
        e.links += linkWeight(strength);
        // Linked in the graph (one lists the other as related), or only among its closest.
        (listed.has(j) ? e.via : e.close).push(s);
      }
    }
    for (const [j, e] of [...found]) {
      const weight = e.links / saved.length;
      for (const [k, strength] of model.links[j]) if (!savedSet.has(k) && k !== j) entry(k).second += hop * linkWeight(strength) * weight;
    }
    const share = new Map();
    for (const s of saved) for (const area of model.areas[s]) share.set(`a${area}`, (share.get(`a${area}`) ?? 0) + 1 / saved.length);
    for (const s of saved) for (const topic of model.topics[s]) share.set(`t${topic}`, (share.get(`t${topic}`) ?? 0) + 1 / saved.length);
    const out = [];
    for (const e of found.values()) {
      if (exclude.has(e.paper)) continue;
      let topical = 0;
      for (const key of [...model.areas[e.paper].map((a) => `a${a}`), ...model.topics[e.paper].map((t) => `t${t}`)]) {
        if (!share.has(key)) continue;
        topical += topic * share.get(key);
        e.shared.push(key[0] === "a" ? model.areaNames[Number(key.slice(1))] : model.topicNames[Number(key.slice(1))]);
      }
      e.score = (e.links || e.second) + topical;
      out.push(e);
    }
    // Papers a saved one links to come first, then the others, each by score.
    out.sort((a, b) => Math.sign(b.links) - Math.sign(a.links) || b.score - a.score || a.paper - b.paper);
    return out.slice(0, top);
  }

  // Recommendations drawn across the saved papers: with papers saved on several subjects, one
  // saved paper with many close neighbours would otherwise fill the list. Each saved paper (the
  // first a recommendation is linked to, or among the closest to) gets at most its share of the
  // `top` places while the others have candidates; ranks keep their order, and what waited
  // fills the places left. A generator: the page fetches titles only for what it shows.
  function* spread(ranked, savedCount, top = TOP) {
    const cap = savedCount > 1 ? Math.ceil(top / savedCount) : Infinity;
    const taken = new Map();
    const waiting = [];
    for (const rec of ranked) {
      const source = rec.via[0] ?? rec.close[0] ?? -1;
      if ((taken.get(source) ?? 0) >= cap) waiting.push(rec);
      else if (yield rec) taken.set(source, (taken.get(source) ?? 0) + 1);
    }
    yield* waiting;
  }

  window.paperLibrary = { decode, recommend, spread, slugHash, dumpOf };

  const box = document.querySelector(".library[data-library]");
  if (!box) return; // loaded by the benchmark, not the page

  const rootUrl = new URL(box.dataset.root, location.href);
  const chunkCache = new Map();

  // A file kept gzipped in the site, unzipped here unless the server already did.
  async function gunzippedJson(response) {
    const bytes = await response.arrayBuffer();
    const head = new Uint8Array(bytes, 0, Math.min(2, bytes.byteLength));
    if (head[0] !== 0x1f || head[1] !== 0x8b) return JSON.parse(new TextDecoder().decode(bytes));
    return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).json();
  }

  // Paper i's row of a chunked file, library/<folder>/<k>.json.gz with the rows of papers
  // k * titleChunk onwards, each file fetched once: "titles" (slug and title) and "near" (its
  // closest papers, as numbers times 4 plus strengths).
  async function chunkRow(model, folder, i) {
    const key = `${folder}/${Math.floor(i / model.titleChunk)}`;
    if (!chunkCache.has(key)) {
      chunkCache.set(
        key,
        fetch(new URL(`library/${key}.json.gz`, rootUrl))
          .then((response) => (response.ok ? gunzippedJson(response) : []))
          .catch(() => []),
      );
    }
    return (await chunkCache.get(key))[i % model.titleChunk];
  }

  // The closest papers of each of `papers` (numbers), for recommend.
  async function nearOf(model, papers) {
    const rows = await Promise.all(papers.map((i) => chunkRow(model, "near", i)));
    return new Map(papers.map((i, n) => [i, rows[n] ?? []]));
  }

  async function paperAt(model, i) {
    const [slug, title] = (await chunkRow(model, "titles", i)) ?? [];
    if (!slug || !(model.hashes.get(slugHash(slug)) ?? []).includes(i)) return null;
    return { slug, title, areas: model.areas[i].map((a) => model.areaNames[a]) };
  }

  // Saved slugs to paper numbers: by hash, then by the areas saved with them, then by the
  // titles' files of the papers left.
  async function resolve(model, saved) {
    const numbers = new Map();
    for (const paper of saved) {
      let candidates = model.hashes.get(slugHash(paper.slug)) ?? [];
      if (candidates.length > 1) {
        const same = (i) => model.areas[i].map((a) => model.areaNames[a]).sort().join("\n") === [...paper.areas].sort().join("\n");
        candidates = candidates.filter(same).length ? candidates.filter(same) : candidates;
      }
      if (candidates.length > 1) {
        const checked = await Promise.all(candidates.map(async (i) => ((await paperAt(model, i))?.slug === paper.slug ? i : null)));
        candidates = checked.filter((i) => i !== null);
      }
      if (candidates.length === 1) numbers.set(paper.slug, candidates[0]);
    }
    return numbers;
  }

  // -- the page ---------------------------------------------------------------------------------

  const shelf = () => window.paperShelf;
  const el = (tag, props = {}, ...children) => {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children.filter((child) => child !== null && child !== undefined));
    return node;
  };
  const button = (text, key, onClick, className = "md-button") => {
    const b = el("button", { type: "button", className, textContent: text });
    b.dataset.key = key;
    b.addEventListener("click", onClick);
    return b;
  };
  let readable = new Map(); // slug -> title with its math in Unicode, for saved titles holding TeX
  const titleOf = (paper) => readable.get(paper.slug) ?? paper.title;
  const paperLink = (paper) => el("a", { href: new URL(`papers/${paper.slug}/`, rootUrl).href, textContent: titleOf(paper) });

  // A star saves a title's math as the dumps write it ($TeX$, shelf.js titleText): shown here
  // as the site's tabs and feeds show it, in Unicode, from the titles' files (one per 32 papers,
  // fetched only for the saved titles that hold TeX).
  async function readableTitles(saved, numbers) {
    const math = saved.filter((paper) => /[$\\]/.test(paper.title) && numbers.has(paper.slug));
    const found = await Promise.all(math.map((paper) => paperAt(model, numbers.get(paper.slug))));
    return new Map(found.filter(Boolean).map((paper) => [paper.slug, paper.title]));
  }

  let model = null;
  let modelError = null;
  let message = null; // { text, kind }
  let confirmClear = false;

  function say(text, kind = "status") {
    message = { text, kind };
  }

  function savedItem(saved) {
    const paper = { ...saved, name: titleOf(saved) }; // the buttons' names say it too
    const star = shelf().starButton(paper);
    const read = shelf().readButton(paper, null);
    star.dataset.key = `star:${paper.slug}`;
    read.dataset.key = `read:${paper.slug}`;
    return el("li", {}, star, " ", paperLink(paper), " ", read);
  }

  function listsSection(state) {
    const out = [el("h3", { textContent: "By list" })];
    const byList = new Map(state.lists.map((name) => [name, []]));
    const unfiled = [];
    for (const paper of state.saved) {
      paper.lists.forEach((name) => byList.get(name)?.push(paper));
      if (!paper.lists.length) unfiled.push(paper);
    }
    for (const [name, papers] of byList) {
      out.push(
        el("h4", { textContent: `${name} (${papers.length})` }),
        el("p", { className: "library-actions" }, button(`Delete the list “${name}”`, `delete-list:${name}`, () => {
          state.lists = state.lists.filter((list) => list !== name);
          for (const paper of state.saved) paper.lists = paper.lists.filter((list) => list !== name);
          shelf().save();
        })),
      );
      if (papers.length) out.push(el("ul", {}, ...papers.map(savedItem)));
    }
    if (unfiled.length) out.push(el("h4", { textContent: `In no list (${unfiled.length})` }), el("ul", {}, ...unfiled.map((paper) => {
      const item = savedItem(paper);
      if (state.lists.length) {
        const select = el("select", { ariaLabel: `Add “${titleOf(paper)}” to a list` }, el("option", { value: "", textContent: "Add to list…" }), ...state.lists.map((name) => el("option", { value: name, textContent: name })));
        select.dataset.key = `file:${paper.slug}`;
        select.addEventListener("change", () => select.value && shelf().fileIn(paper.slug, select.value, true));
        item.append(" ", select);
      }
      return item;
    })));
    const field = el("input", { type: "text", placeholder: "Name of a new list", ariaLabel: "Name of a new list" });
    field.dataset.key = "new-list";
    const form = el("form", { className: "library-actions" }, field, el("button", { type: "submit", className: "md-button", textContent: "Create list" }));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const name = field.value.trim();
      if (name && !state.lists.includes(name)) {
        state.lists.push(name);
        shelf().save();
      }
    });
    out.push(form);
    return out;
  }

  function tagsSection(state, numbers) {
    const byArea = new Map();
    for (const paper of state.saved) {
      const i = numbers.get(paper.slug);
      const areas = model && i !== undefined ? model.areas[i].map((a) => model.areaNames[a]) : paper.areas;
      for (const name of areas.length ? areas : ["No tag"]) byArea.set(name, [...(byArea.get(name) ?? []), paper]);
    }
    const out = [el("h3", { textContent: "By tag" })];
    for (const [name, papers] of [...byArea].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))) {
      out.push(el("h4", { textContent: `${name} (${papers.length})` }), el("ul", {}, ...papers.map(savedItem)));
    }
    return out;
  }

  async function recommendationsSection(state, numbers) {
    const out = [el("h2", { id: "recommended", textContent: "Recommended for you" })];
    if (modelError) return [...out, el("p", { textContent: modelError })];
    if (!state.saved.length) return [...out, el("p", { textContent: "Save papers (☆) and the papers most related to them appear here." })];
    const saved = state.saved.map((paper) => numbers.get(paper.slug)).filter((i) => i !== undefined);
    const exclude = new Set();
    const readSet = new Set(state.read);
    const hiddenAreas = new Set(state.hidden.areas);
    const hiddenTopics = new Set(state.hidden.topics);
    const bySlug = new Map(state.saved.map((paper) => [numbers.get(paper.slug), paper]));
    for (let i = 0; i < model.n; i++) {
      if (model.areas[i].some((a) => hiddenAreas.has(model.areaNames[a])) || model.topics[i].some((t) => hiddenTopics.has(model.topicNames[t]))) exclude.add(i);
    }
    // Read papers are left out by slug once their titles are known: ask for more than TOP.
    const ranked = recommend(model, saved, { exclude, top: TOP * 3, near: await nearOf(model, saved) });
    const items = [];
    const order = spread(ranked, saved.length);
    let shown = false;
    while (items.length < TOP) {
      const next = order.next(shown); // tells spread whether the last one was shown
      if (next.done) break;
      const rec = next.value;
      const paper = await paperAt(model, rec.paper);
      shown = Boolean(paper) && !readSet.has(paper.slug);
      if (!shown) continue;
      const why = [];
      const named = (papers) => papers.slice(0, 3).map((s) => `“${titleOf(bySlug.get(s))}”`).join(", ") + (papers.length > 3 ? ", …" : "");
      if (rec.via.length) why.push(`related to ${rec.via.length} of your saved papers: ${named(rec.via)}`);
      if (rec.close.length) why.push(`among the closest papers to ${rec.close.length === 1 ? "your saved" : `${rec.close.length} of your saved papers:`} ${named(rec.close)}`);
      if (!rec.via.length && !rec.close.length) why.push("related to papers related to your saved ones");
      if (rec.shared.length) why.push(`shares ${rec.shared.slice(0, 3).join(", ")}`);
      const item = savedItem(paper);
      item.append(el("br"), el("span", { className: "library-why", textContent: why.join("; ") }));
      items.push(item);
    }
    if (!items.length) return [...out, el("p", { textContent: "No recommendations: every paper related to your saved ones is saved, read or hidden." })];
    return [...out, el("ol", { className: "library-recommended" }, ...items)];
  }

  async function newSection(state, numbers) {
    const out = [el("h2", { id: "new", textContent: "New since your last visit" })];
    if (!model) return out;
    const since = state.visit.since;
    if (!since) return [...out, el("p", { textContent: "This is your first visit to this page in this browser: from now on, papers of the dumps added since your last visit are listed here." })];
    const fresh = model.dumps.filter((dump) => dump.stem > since);
    if (!fresh.length) return [...out, el("p", { textContent: "No dump was added since your last visit." })];
    out.push(el("p", { textContent: `${fresh.length} dump${fresh.length === 1 ? "" : "s"} added since your last visit, ${shelf().figure(fresh.reduce((n, dump) => n + dump.count, 0))} new papers:` }));
    const saved = state.saved.map((paper) => numbers.get(paper.slug)).filter((i) => i !== undefined);
    const hidden = new Set(state.hidden.areas);
    const list = el("ul");
    const near = await nearOf(model, saved);
    for (const dump of fresh.slice(-NEW_DUMPS).reverse()) {
      const mine = recommend(model, saved, { top: model.n, near }).filter((rec) => rec.paper >= dump.first && rec.paper < dump.first + dump.count);
      const items = [];
      for (const rec of mine.slice(0, 5)) {
        const paper = await paperAt(model, rec.paper);
        if (paper && !paper.areas.some((name) => hidden.has(name))) items.push(savedItem(paper));
      }
      list.append(
        el("li", {}, el("a", { href: new URL(`dumps/${dump.stem}/`, rootUrl).href, textContent: `${dump.label}: ${dump.count} new papers` }), items.length ? el("ul", {}, ...items) : null),
      );
    }
    out.push(list);
    return out;
  }

  function hiddenSection(state) {
    const out = [el("h2", { id: "hidden", textContent: "Not interested" })];
    const names = [...state.hidden.areas.map((name) => ["areas", name]), ...state.hidden.topics.map((name) => ["topics", name])];
    out.push(el("p", { textContent: names.length ? "Papers with these tags are left out of listings, search results and recommendations (a note says how many, with a way to show them):" : "No tag is hidden. Papers with a hidden tag are left out of listings, search results and recommendations." }));
    if (names.length)
      out.push(el("ul", {}, ...names.map(([kind, name]) => el("li", {}, `${name} `, button("Show again", `unhide:${name}`, () => shelf().setHidden(kind, name, false), "shelf-link")))));
    if (model) {
      const options = (names, hidden, kind) => names.filter((name) => !hidden.includes(name)).map((name) => el("option", { value: `${kind}:${name}`, textContent: name }));
      const topics = options(model.topicNames, state.hidden.topics, "topics");
      const select = el(
        "select",
        { ariaLabel: "A tag to hide" },
        el("option", { value: "", textContent: "Choose a tag…" }),
        ...options(model.areaNames, state.hidden.areas, "areas"),
        topics.length ? el("optgroup", { label: "Topics" }, ...topics) : null,
      );
      select.dataset.key = "hide-select";
      const form = el("form", { className: "library-actions" }, select, el("button", { type: "submit", className: "md-button", textContent: "Hide this tag" }));
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const [kind, ...name] = select.value.split(":");
        if (select.value) shelf().setHidden(kind, name.join(":"), true);
        if (kind === "topics") hideTopicPage(name.join(":"));
      });
      out.push(form);
    }
    return out;
  }

  // Keeps a topic's page with it when it is hidden here, so listings can leave its papers out:
  // found on its area's page (shelf.js recordTopicPage). Failing, listings look it up later.
  function hideTopicPage(name) {
    const area = model.topicAreas[model.topicNames.indexOf(name)];
    shelf().recordTopicPage(name, `tags/${model.areaSlugs[area]}/`).catch(() => {});
  }

  function readSection(state) {
    return [
      el("h2", { id: "read", textContent: "Read" }),
      el("p", { className: "library-actions" }, `${shelf().figure(state.read.length)} paper${state.read.length === 1 ? "" : "s"} marked read (opened, or marked by hand). `, state.read.length ? button("Forget all read marks", "forget-read", () => shelf().setRead([...state.read], false)) : null),
    ];
  }

  function download(name, type, text) {
    const link = el("a", { href: URL.createObjectURL(new Blob([text], { type })), download: name });
    document.body.append(link);
    link.click();
    setTimeout(() => {
      URL.revokeObjectURL(link.href);
      link.remove();
    }, 0);
  }

  function markdown(state) {
    const line = (paper) => `- [${paper.title.replace(/([\[\]\\])/g, "\\$1")}](${new URL(`papers/${paper.slug}/`, rootUrl).href})`;
    const parts = ["# My library", ""];
    for (const name of state.lists) {
      const papers = state.saved.filter((paper) => paper.lists.includes(name));
      parts.push(`## ${name}`, "", ...papers.map(line), "");
    }
    const unfiled = state.saved.filter((paper) => !paper.lists.length);
    if (unfiled.length) parts.push(state.lists.length ? "## In no list" : "## Saved papers", "", ...unfiled.map(line), "");
    return parts.join("\n");
  }

  function bibtex(state, numbers) {
    const escape = (text) => text.replace(/([{}\\&%$#_])/g, "\\$1");
    const parts = [
      "% Saved papers from " + document.title.replace(/^.*? - /, "") + ".",
      "% No authors: the site's data (Hugging Face's daily papers pages as pasted) has titles and abstracts only.",
      "% year: the year of the first dump that listed the paper, where its date has one.",
      "",
    ];
    for (const paper of state.saved) {
      const i = numbers.get(paper.slug);
      const year = model && i !== undefined ? yearOf(model, i) : null;
      parts.push(
        `@misc{${paper.slug},`,
        `  title = {{${escape(paper.title)}}},`,
        ...(year ? [`  year = {${year}},`] : []),
        `  url = {${new URL(`papers/${paper.slug}/`, rootUrl).href}},`,
        `  note = {No authors in the source data},`,
        "}",
        "",
      );
    }
    return parts.join("\n");
  }

  function merge(state, incoming) {
    const next = structuredClone(state);
    for (const paper of incoming.saved) {
      const have = next.saved.find((entry) => entry.slug === paper.slug);
      if (have) have.lists = [...new Set([...have.lists, ...paper.lists])];
      else next.saved.push(structuredClone(paper));
    }
    next.lists = [...new Set([...next.lists, ...incoming.lists, ...incoming.saved.flatMap((paper) => paper.lists)])];
    next.read = [...new Set([...next.read, ...incoming.read])];
    for (const key of ["areas", "topics"]) next.hidden[key] = [...new Set([...next.hidden[key], ...incoming.hidden[key]])];
    next.hidden.topicPages = { ...incoming.hidden.topicPages, ...next.hidden.topicPages };
    next.visit = next.visit.seen ? next.visit : incoming.visit;
    return next;
  }

  async function importFile(file) {
    const text = await file.text();
    let value;
    try {
      value = JSON.parse(text);
    } catch (error) {
      say(`Nothing was imported: “${file.name}” is not JSON (${error.message}). Your library is unchanged.`, "alert");
      return render();
    }
    try {
      const incoming = shelf().upgrade(value);
      const state = shelf().state;
      const before = state.saved.length;
      shelf().replace(merge(state, incoming));
      const added = shelf().state.saved.length - before;
      say(`Imported “${file.name}”: ${added} saved paper${added === 1 ? "" : "s"} added (${incoming.saved.length} in the file), ${incoming.lists.length} list${incoming.lists.length === 1 ? "" : "s"}, ${incoming.read.length} read mark${incoming.read.length === 1 ? "" : "s"}, ${incoming.hidden.areas.length + incoming.hidden.topics.length} hidden tag${incoming.hidden.areas.length + incoming.hidden.topics.length === 1 ? "" : "s"}.`);
    } catch (error) {
      if (!(error instanceof shelf().LibraryError)) throw error;
      say(`Nothing was imported: “${file.name}” is not a library this page can read: ${error.message}. Your library is unchanged.`, "alert");
    }
    render();
  }

  function exportSection(state, numbers) {
    const file = el("input", { type: "file", accept: "application/json,.json", className: "library-file" });
    file.dataset.key = "import";
    file.id = "library-import";
    file.addEventListener("change", () => file.files[0] && importFile(file.files[0]));
    const stamp = "library";
    const out = [
      el("h2", { id: "export", textContent: "Export and import" }),
      el("p", { textContent: "The library is in this browser only. Export it as JSON to keep a copy or to move it to another browser, then import it there (imported papers, lists, read marks and hidden tags are added to what is here). Markdown gives the saved papers' titles with links; BibTeX gives title, year where known and URL, and no authors: the site does not have them." }),
      el(
        "p",
        { className: "library-actions" },
        button("Export JSON", "export-json", () => download(`${stamp}.json`, "application/json", JSON.stringify(shelf().state, null, 2) + "\n")),
        button("Export Markdown", "export-md", () => download(`${stamp}.md`, "text/markdown", markdown(shelf().state))),
        button("Export BibTeX", "export-bib", () => download(`${stamp}.bib`, "application/x-bibtex", bibtex(shelf().state, numbers))),
        el("label", { htmlFor: "library-import", textContent: "Import JSON: " }),
        file,
      ),
    ];
    const clear = confirmClear
      ? [
          el("span", { textContent: "Delete every saved paper, list, read mark and hidden tag from this browser? " }),
          button("Yes, clear the library", "clear-yes", () => {
            confirmClear = false;
            shelf().replace(shelf().upgrade({ format: shelf().FORMAT, version: shelf().VERSION }));
            say("The library was cleared.");
            render();
          }),
          button("Cancel", "clear-no", () => {
            confirmClear = false;
            render();
          }),
        ]
      : [button("Clear the library", "clear", () => {
          confirmClear = true;
          render();
        })];
    out.push(el("p", { className: "library-actions" }, ...clear));
    void state;
    return out;
  }

  // Values of the store this page could not read, kept aside by shelf.js.
  function keptSection() {
    const out = [];
    const problem = shelf().problem;
    if (problem && !problem.raw) out.push(el("p", { className: "library-message", role: "alert", textContent: problem.message }));
    for (let k = 0; k < localStorage.length; k++) {
      const key = localStorage.key(k);
      if (!key?.startsWith(`${shelf().KEY}.unreadable`)) continue;
      const raw = localStorage.getItem(key);
      out.push(
        el(
          "div",
          { className: "library-message", role: "alert" },
          el("p", { textContent: `A library stored in this browser could not be read, so it was kept as it was, under the storage key “${key}” (${shelf().figure(raw.length)} characters), and nothing was deleted. Download it to repair it or import it once it is repaired.` }),
          el("p", { className: "library-actions" }, button("Download the unreadable copy", `kept-get:${key}`, () => download("library-unreadable.json", "application/json", raw)), button("Delete the unreadable copy", `kept-drop:${key}`, () => {
            localStorage.removeItem(key);
            render();
          })),
        ),
      );
    }
    return out;
  }

  let rendering = Promise.resolve();
  function render() {
    rendering = rendering.then(renderNow, renderNow);
    return rendering;
  }

  async function renderNow() {
    const state = shelf().state;
    const numbers = model ? await resolve(model, state.saved) : new Map();
    readable = model ? await readableTitles(state.saved, numbers) : new Map();
    const parts = [];
    parts.push(...keptSection());
    if (message) parts.push(el("p", { className: "library-message", role: message.kind, textContent: message.text }));
    parts.push(...(await recommendationsSection(state, numbers)));
    parts.push(...(await newSection(state, numbers)));
    parts.push(el("h2", { id: "saved", tabIndex: -1, textContent: `Saved papers (${state.saved.length})` }));
    if (!state.saved.length) parts.push(el("p", { textContent: "Nothing saved yet: press ☆ beside a paper in any list, in search results or on its page." }));
    parts.push(...listsSection(state));
    if (state.saved.length) parts.push(...tagsSection(state, numbers));
    parts.push(...hiddenSection(state), ...readSection(state), ...exportSection(state, numbers));
    const focused = box.contains(document.activeElement) ? document.activeElement.dataset.key : undefined;
    box.replaceChildren(...parts);
    box.setAttribute("aria-busy", "false");
    // Keep the keyboard where it was: on the element with the same key (a paper's star follows
    // the paper from the recommendations to the saved papers), else on the saved papers' heading.
    if (focused) (box.querySelector(`[data-key="${CSS.escape(focused)}"]`) ?? box.querySelector("#saved"))?.focus();
  }

  function visit() {
    const state = shelf().state;
    const newest = model?.dumps.at(-1)?.stem;
    if (!newest) return;
    if (!state.visit.seen) state.visit = { seen: newest, since: null };
    else if (newest > state.visit.seen) state.visit = { seen: newest, since: state.visit.seen };
    else return;
    shelf().save();
  }

  async function start() {
    box.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(new URL(box.dataset.library, location.href));
      model = decode(await response.json());
    } catch (error) {
      modelError = `Recommendations are not available: the library's data could not be loaded (${error.message}).`;
    }
    visit();
    let queued = false;
    shelf().onChange(() => {
      if (queued) return;
      queued = true;
      queueMicrotask(() => {
        queued = false;
        render();
      });
    });
    render();
  }

  if (window.paperShelf) start();
  else document.addEventListener("papershelf:ready", start, { once: true });
})();
