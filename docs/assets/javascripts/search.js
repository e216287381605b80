// The header search box, backed by Pagefind (generator/search.py writes the index into
// site/pagefind/). Pagefind loads only the index chunks a query needs, so the first search
// fetches a few hundred kilobytes however large the catalogue grows.
//
// The markup is the theme's (overrides/partials/search.html); the behaviour follows the
// theme's: "/" or "s" opens search, arrows move through results, Enter opens one, Escape
// closes. Result text is put on the page as text, never as HTML: an excerpt keeps only its
// <mark> highlights. Results can be narrowed to a tag, leave a tag out and span a range of
// years; papers whose tags the reader hid (shelf.js, loaded from here on every page) are left
// out, with a note saying how many and a way to show them.
(() => {
  // The reader's library (stars, read marks, hidden tags): on every page, with no script tag
  // in 29,000 pages' HTML.
  if (!document.querySelector("script[data-shelf]")) {
    const shelf = document.createElement("script");
    shelf.src = new URL("assets/javascripts/shelf.js", __md_scope).href;
    shelf.dataset.shelf = "";
    document.head.append(shelf);
  }
  const PAGE = 10;
  let pagefind = null;
  let loading = null;
  let current = { results: [], shown: 0, token: 0 };

  const root = () => document.querySelector("[data-md-component=pagefind-search]");
  const toggle = () => document.getElementById("__search");
  const input = () => root()?.querySelector("[data-pagefind-query]");
  const list = () => root()?.querySelector(".md-search-result__list");
  const metaLine = () => root()?.querySelector("[data-pagefind-meta-line]");
  const moreButton = () => root()?.querySelector("[data-pagefind-more]");
  const tagSelect = () => root()?.querySelector("[data-pagefind-tag]");
  const notSelect = () => root()?.querySelector("[data-pagefind-not]");
  const fromSelect = () => root()?.querySelector("[data-pagefind-from]");
  const toSelect = () => root()?.querySelector("[data-pagefind-to]");
  const hiddenNote = () => root()?.querySelector("[data-pagefind-hidden]");
  const filterSelects = () => [tagSelect(), notSelect(), fromSelect(), toSelect()];
  let showHidden = false;

  function load() {
    if (!loading) {
      const url = new URL("pagefind/pagefind.js", __md_scope).href;
      // termSimilarity 3 (Pagefind's default is 1): a word typed whole counts for more than
      // longer words it begins ("REWA" is a name, not "reward"); README, "Known-item search".
      const options = {
        excerptLength: 28,
        baseUrl: new URL(".", __md_scope).pathname,
        ranking: { termSimilarity: 3 },
      };
      const parts = Number(root()?.dataset.pagefindParts || 1);
      loading = import(url)
        .then(async (module) => {
          await module.options(options);
          await module.init();
          // A large catalogue's index is in parts (site/pagefind-2/, ...): one search over all.
          for (let part = 2; part <= parts; part++) {
            await module.mergeIndex(new URL(`pagefind-${part}/`, __md_scope).href, options);
          }
          pagefind = module;
          return module;
        })
        .catch((error) => {
          loading = null;
          throw error;
        });
    }
    return loading;
  }

  // The dialog's markup, the theme's own (overrides/partials/search.html used to hold it):
  // static HTML only; the site's words are set as text and attributes below.
  const DIALOG = `
<label class="md-search__overlay" for="__search"></label>
<div class="md-search__inner" role="search">
<form class="md-search__form" name="search">
<input type="text" class="md-search__input" name="query" autocapitalize="off" autocorrect="off" autocomplete="off" spellcheck="false" data-pagefind-query required>
<label class="md-search__icon md-icon" for="__search"></label>
<nav class="md-search__options">
<button type="reset" class="md-search__icon md-icon" tabindex="-1"></button>
</nav>
</form>
<div class="md-search__output">
<div class="md-search__scrollwrap" tabindex="0" data-md-scrollfix>
<div class="md-search-result" data-pagefind-results>
<div class="pf-filter">
<label>Tag <select data-pagefind-tag aria-label="Only papers with this tag"><option value="">any tag</option></select></label>
<label>not <select data-pagefind-not aria-label="Leave out papers with this tag"><option value="">none</option></select></label>
<label>Years <select data-pagefind-from aria-label="From the year"><option value="">any</option></select></label>
<label>to <select data-pagefind-to aria-label="To the year"><option value="">any</option></select></label>
</div>
<div class="md-search-result__meta pf-hidden" data-pagefind-hidden hidden></div>
<div class="md-search-result__meta" data-pagefind-meta-line></div>
<p class="pf-stale" data-pagefind-stale hidden></p>
<ol class="md-search-result__list" role="presentation"></ol>
<button type="button" class="md-button pf-more" data-pagefind-more hidden>More results</button>
</div>
</div>
</div>
</div>`;

  function build(box) {
    const words = box.dataset;
    const [searchIcon, backIcon, closeIcon] = box.querySelector("template[data-pagefind-icons]")?.content.children ?? [];
    box.insertAdjacentHTML("beforeend", DIALOG);
    const field = box.querySelector("[data-pagefind-query]");
    field.placeholder = words.placeholder || "Search";
    field.setAttribute("aria-label", field.placeholder);
    box.querySelector("label.md-search__icon").append(...[searchIcon, backIcon].filter(Boolean));
    box.querySelector(".md-search__options").setAttribute("aria-label", box.getAttribute("aria-label") || "Search");
    const reset = box.querySelector("button[type=reset]");
    reset.title = words.reset || "Clear";
    reset.setAttribute("aria-label", reset.title);
    if (closeIcon) reset.append(closeIcon);
    box.querySelector("[data-pagefind-meta-line]").textContent = `Type to search ${words.siteName || ""}`.trim();
    if (words.status) noteStaleIndex(box, words.status);
  }

  // Under `mkdocs serve --dirty` the index is the first build's (generator/mkdocs/indexing.py):
  // the server writes how many papers it lacks, and the dialog says so. Pages of a build
  // have no data-status and fetch nothing.
  async function noteStaleIndex(box, url) {
    try {
      const response = await fetch(url, { cache: "no-store" });
      const { missing } = response.ok ? await response.json() : {};
      if (!missing) return;
      const papers = missing === 1 ? "1 paper added since the server started is" : `${missing} papers added since the server started are`;
      const note = box.querySelector("[data-pagefind-stale]");
      note.textContent = `Search uses the index of the server's first build: ${papers} not in it until the next full build (make site) or a restart.`;
      note.hidden = false;
    } catch {
      /* no note: search works as it is */
    }
  }

  // Pagefind indexes each paper as papers/<slug>.html (generator/search.py); its page is
  // papers/<slug>/.
  const pageUrl = (url) => url.replace(/\.html$/, "/");

  // Keep text and <mark> elements of Pagefind's excerpt; drop anything else it might hold.
  function safeExcerpt(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    const out = document.createDocumentFragment();
    const walk = (node, into) => {
      for (const child of node.childNodes) {
        if (child.nodeType === Node.TEXT_NODE) {
          into.append(child.textContent);
        } else if (child.nodeName === "MARK") {
          const mark = document.createElement("mark");
          mark.textContent = child.textContent;
          into.append(mark);
        } else {
          walk(child, into);
        }
      }
    };
    walk(template.content, out);
    return out;
  }

  // Pagefind's excerpt is a window of the paper's text, which starts with its title (then ". ",
  // or " " after a title's own "?" or "!"): a window from there repeated under the result the
  // title it shows just above, highlighted. That part of the title is taken off the excerpt
  // (a title with math is in the text as its source, the meta "source": pagefind.py).
  function withoutTitle(excerpt, title) {
    const text = excerpt.textContent;
    const ends = /[.?!]$/.test(title) ? " " : ". ";
    let cut = 0;
    for (let start = 0; start < title.length && !cut; start = title.indexOf(" ", start) + 1 || title.length) {
      const tail = title.slice(start);
      if (text.startsWith(tail + ends)) cut = tail.length + ends.length;
    }
    for (const node of [...excerpt.childNodes]) {
      if (cut <= 0) break;
      const length = node.textContent.length;
      if (length <= cut) node.remove();
      else node.textContent = node.textContent.slice(cut);
      cut -= length;
    }
    return excerpt;
  }

  // An excerpt cut out of the text reads as cut: "…" where the text goes on after it, and
  // before it where it begins inside a sentence (Pagefind gives the window, not the marks).
  function markCuts(excerpt, content) {
    const plain = (text) => text.replace(/\s+/g, " ").trim();
    const text = plain(excerpt.textContent);
    const whole = plain(content || "");
    const at = text ? whole.indexOf(text) : -1;
    if (at < 0) return excerpt;
    if (at > 0 && !/[.?!:]$/.test(whole.slice(0, at).trimEnd())) excerpt.prepend("… ");
    if (at + text.length < whole.length && !/[.?!]$/.test(text)) excerpt.append(" …");
    return excerpt;
  }

  // The title's words the query asked for, marked as Pagefind marks them in the excerpt: a word
  // that starts with a query's word ("decod" marks "Decoding"), or the query's word but for its
  // last one or two letters ("models" marks "Model", not "Spec" of "FR-Spec" for "speculative");
  // compared as the index has them ("M2" marks "M²").
  function markedTitle(title, query) {
    const wanted = words(query).filter((word) => word.length > 1);
    const stemOf = (word, of) => word.length > 3 && of.startsWith(word) && of.length - word.length <= 2;
    const out = document.createDocumentFragment();
    let last = 0;
    for (const found of title.matchAll(/[\p{L}\p{N}]+/gu)) {
      const word = words(found[0]).join("");
      if (!wanted.some((w) => word.startsWith(w) || stemOf(word, w))) continue;
      const mark = document.createElement("mark");
      mark.textContent = found[0];
      out.append(title.slice(last, found.index), mark);
      last = found.index + found[0].length;
    }
    out.append(title.slice(last));
    return out;
  }

  function resultItem(data) {
    const item = document.createElement("li");
    item.className = "md-search-result__item";
    const link = document.createElement("a");
    link.className = "md-search-result__link";
    link.href = pageUrl(data.url);
    link.tabIndex = -1;
    const article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    const title = document.createElement("h1");
    title.append(markedTitle(data.meta?.title || data.url, current.query));
    const excerpt = document.createElement("p");
    const shown = withoutTitle(safeExcerpt(data.excerpt || ""), data.meta?.source || title.textContent);
    excerpt.append(markCuts(shown, data.content));
    article.append(title, excerpt);
    link.append(article);
    item.append(link, resultFooter(data, title.textContent, item));
    link.addEventListener("click", close);
    return item;
  }

  // Under a result, one line as on a listing's row: its star, its areas, its read mark. Outside
  // the result's link, as a button cannot be inside one; areas are text, not links, as before.
  function resultFooter(data, title, item) {
    const footer = document.createElement("div");
    footer.className = "pf-foot md-typeset";
    // The areas as chips in the line itself, so that it wraps between them as a row's does; the
    // line is a plain box, not a <nav>: one landmark per result, all unnamed, would be noise.
    const tags = data.filters?.tag || [];
    for (const name of tags) {
      const tag = document.createElement("span");
      tag.className = "md-tag";
      tag.textContent = name;
      footer.append(tag);
    }
    const shelf = window.paperShelf;
    const slug = pageUrl(data.url).match(/papers\/([^/]+)\/$/)?.[1];
    if (shelf && slug) {
      // Saved as the dumps write it, as a listing saves it; named as the result shows it.
      const paper = { slug, title: data.meta?.source || title, name: title, areas: tags, topics: data.filters?.topic || [] };
      footer.prepend(shelf.starButton(paper));
      footer.append(shelf.readButton(paper, item));
    }
    return footer;
  }

  // A count as the pages write it (generator/site/pages.py, figure): "5,210 matching papers".
  const figure = (count) => count.toLocaleString("en");

  // Pagefind's index keeps only a word's letters and digits ("D$^2$GS" is indexed as "d2gs"), but
  // its query parser drops only punctuation, so symbols and "_" are taken out of the query here,
  // after compatibility forms are made plain: "D²GS", as titles show it, is "D2GS".
  const asIndexed = (query) => query.normalize("NFKC").replace(/[\p{S}\p{Pc}]/gu, "");

  // Pagefind matches stems and word beginnings, and cannot tell a paper named by the query from
  // one whose title merely shares its stem or starts like it: "BOND" also finds "Why Bonds Fail",
  // "KORE" the Korean benchmarks. Among the first page of results (whose titles are loaded to show
  // them anyway), a title that is the query comes first, then titles that start with it as whole
  // words ("BOND: Aligning LLMs..."), then titles that hold it as whole words; each group keeps
  // Pagefind's order. Later pages follow Pagefind's order.
  const words = (text) => asIndexed(text || "").toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];

  function titleMatch(query, title) {
    const wanted = words(query);
    const have = words(title);
    const at = (start) => wanted.every((word, i) => have[start + i] === word);
    if (!wanted.length) return 0;
    if (at(0)) return wanted.length === have.length ? 3 : 2;
    for (let start = 1; start + wanted.length <= have.length; start++) if (at(start)) return 1;
    return 0;
  }

  function byTitleMatch(query, data) {
    const ranked = data.map((entry, index) => ({ entry, index, match: titleMatch(query, entry.meta?.title) }));
    ranked.sort((a, b) => b.match - a.match || a.index - b.index);
    return ranked.map(({ entry }) => entry);
  }

  async function showMore() {
    const { results, token, query } = current;
    const batch = results.slice(current.shown, current.shown + PAGE);
    let data = await Promise.all(batch.map((result) => result.data()));
    if (token !== current.token) return;
    if (current.shown === 0 && query) data = byTitleMatch(query, data);
    for (const entry of data) list().append(resultItem(entry));
    current.shown += batch.length;
    moreButton().hidden = current.shown >= results.length;
  }

  // "topic:Name" options (a topic, under its area) filter on topics, the others on tags.
  const keyed = (value) => (value.startsWith("topic:") ? { topic: value.slice(6) } : { tag: value });

  // Pagefind's filters for the selects, and the reader's hidden tags unless shown.
  function filters(hiding) {
    const all = [];
    const none = [];
    if (tagSelect().value) all.push(keyed(tagSelect().value));
    if (notSelect().value) none.push(keyed(notSelect().value));
    const from = Number(fromSelect().value || 0);
    const to = Number(toSelect().value || 9999);
    if (fromSelect().value || toSelect().value) {
      const years = [...fromSelect().options].map((option) => option.value).filter((year) => year && year >= from && year <= to);
      all.push({ year: { any: years.length ? years : ["none"] } });
    }
    const hidden = window.paperShelf?.state.hidden ?? { areas: [], topics: [] };
    if (hiding) for (const name of hidden.areas) none.push({ tag: name });
    if (hiding) for (const name of hidden.topics) none.push({ topic: name });
    const out = {};
    if (all.length) out.all = all;
    if (none.length) out.none = none;
    return out;
  }

  function noteHidden(count) {
    const note = hiddenNote();
    note.replaceChildren();
    note.hidden = count === 0;
    if (!count) return;
    const hidden = window.paperShelf.state.hidden;
    const names = [...hidden.areas, ...hidden.topics].join(", ");
    note.append(`${figure(count)} ${count === 1 ? "paper" : "papers"} ${showHidden ? "shown although hidden" : "hidden"} (not interested: ${names}). `);
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "shelf-link";
    toggle.textContent = showHidden ? "Hide them again" : "Show them";
    toggle.addEventListener("click", () => {
      showHidden = !showHidden;
      search();
    });
    note.append(toggle);
  }

  async function search() {
    const query = input().value.trim();
    const token = ++current.token;
    const narrowed = filterSelects().some((select) => select.value);
    if (!query && !narrowed) {
      noteHidden(0);
      list().replaceChildren();
      metaLine().textContent = "Type to search";
      moreButton().hidden = true;
      return;
    }
    try {
      await load();
    } catch {
      metaLine().textContent = "The search index is not built yet: run `make site` (or `mkdocs build`) once.";
      return;
    }
    const hidden = window.paperShelf?.state.hidden;
    const hiding = Boolean(hidden && hidden.areas.length + hidden.topics.length);
    const terms = query ? asIndexed(query) || query : null;
    const response = await pagefind.search(terms, { filters: filters(hiding && !showHidden) });
    let hiddenCount = 0;
    if (hiding) {
      const other = await pagefind.search(terms, { filters: filters(showHidden) });
      hiddenCount = Math.abs((other?.results.length ?? 0) - (response?.results.length ?? 0));
    }
    if (token !== current.token || !response) return;
    noteHidden(hiddenCount);
    current = { results: response.results, shown: 0, token, query };
    list().replaceChildren();
    const count = response.results.length;
    metaLine().textContent =
      count === 0 ? "No matching papers" : count === 1 ? "1 matching paper" : `${figure(count)} matching papers`;
    await showMore();
  }

  let tagsLoading = null;
  function fillTags() {
    tagsLoading ??= (async () => {
      const select = tagSelect();
      try {
        await load();
        const filters = await pagefind.filters();
        const byCount = (key) => Object.entries(filters[key] || {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
        const tags = byCount("tag");
        const topics = byCount("topic");
        for (const into of [select, notSelect()]) {
          for (const [name, count] of tags) into.append(new Option(`${name} (${figure(count)})`, name));
          if (topics.length) {
            const group = document.createElement("optgroup");
            group.label = "Topics";
            for (const [name, count] of topics) group.append(new Option(`${name} (${figure(count)})`, `topic:${name}`));
            into.append(group);
          }
        }
        const years = Object.keys(filters.year || {}).sort();
        for (const into of [fromSelect(), toSelect()]) for (const year of years) into.append(new Option(year, year));
        if (tags.length === 0) select.closest(".pf-filter").hidden = true;
      } catch {
        tagsLoading = null; /* no index yet: search() says so */
      }
    })();
    return tagsLoading;
  }

  // The theme follows the toggle's change event (below 960 px it locks the page's scrolling
  // while search is open, so the dialog's overlay does not widen the page): flip it as a
  // click on its label would, as the theme's own "/" does.
  function setOpen(on) {
    const box = toggle();
    if (!box || box.checked === on) return;
    box.checked = on;
    box.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // The field takes focus and gives it up with the toggle (its change listener, in bind).
  const open = () => setOpen(true);
  const close = () => setOpen(false);

  function links() {
    return [...list().querySelectorAll(".md-search-result__link")];
  }

  function onKey(event) {
    const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement?.tagName);
    const searching = toggle()?.checked;
    if (!searching) {
      if (!typing && !event.ctrlKey && !event.metaKey && !event.altKey && ["/", "s", "S", "f", "F"].includes(event.key)) {
        event.preventDefault();
        open();
      }
      return;
    }
    const all = links();
    const index = all.indexOf(document.activeElement);
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!all.length) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      const next = index + step;
      if (next < 0) input().focus();
      else all[Math.min(next, all.length - 1)].focus();
    } else if (event.key === "Enter" && document.activeElement === input()) {
      event.preventDefault();
      if (all.length) all[0].click();
    }
  }

  let timer = 0;
  let keysBound = false;
  function bind() {
    const box = root();
    if (!box || box.dataset.bound) return;
    box.dataset.bound = "true";
    build(box);
    input().addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(search, 120);
    });
    input().addEventListener("focus", () => setOpen(true));
    // A tap on the header's search button (a label of the toggle) opens the dialog: its field
    // takes focus then, so a phone shows its keyboard at once, as the theme's own search does.
    toggle().addEventListener("change", () => {
      if (toggle().checked) input().focus();
      else input().blur();
    });
    // The tag list is Pagefind's filter index (about 150 KB at 28,000 papers): fetched only
    // when a reader reaches for it, so a first query stays small.
    for (const select of filterSelects()) {
      for (const event of ["focus", "pointerdown", "keydown"]) select.addEventListener(event, fillTags);
      select.addEventListener("change", search);
    }
    box.querySelector("form").addEventListener("submit", (event) => event.preventDefault());
    box.querySelector("button[type=reset]").addEventListener("click", () => {
      input().value = "";
      for (const select of filterSelects()) select.value = "";
      search();
      input().focus();
    });
    moreButton().addEventListener("click", showMore);
    if (!keysBound) document.addEventListener("keydown", onKey, true);
    keysBound = true;
  }

  if (typeof document$ !== "undefined") document$.subscribe(bind);
  else document.addEventListener("DOMContentLoaded", bind);
})();
