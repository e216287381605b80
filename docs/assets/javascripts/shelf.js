// A reader's library, kept in this browser's localStorage and nowhere else: saved papers
// (a star on paper pages, listings and search results), named lists, read marks and hidden
// tags. search.js loads this script on every page; the Library page's library.js builds on
// it through window.paperShelf. Every button is made here, so with JavaScript off the pages
// read as they were written, with nothing that does not work.
//
// The store is one JSON value (FORMAT, version VERSION). A value this script cannot read is
// kept aside under its own key, never overwritten, and the reader is told.
(() => {
  const FORMAT = "hf-papers-atlas-library";
  const VERSION = 1;
  // Older versions of the store, each brought one step forward: a later release adds
  // MIGRATIONS[1] to turn a version 1 store into version 2, and so on.
  const MIGRATIONS = {};
  const root = new URL(".", typeof __md_scope === "undefined" ? location.href : __md_scope);
  const KEY = `${root.pathname}.library`;
  const TOPIC_PAGE = /^tags\/[a-z0-9-]+\/[a-z0-9-]+\/$/; // a topic's page, relative to the root

  const empty = () => ({
    format: FORMAT,
    version: VERSION,
    saved: [],
    lists: [],
    read: [],
    hidden: { areas: [], topics: [], topicPages: {} },
    visit: { seen: null, since: null },
  });

  const strings = (value) => Array.isArray(value) && value.every((x) => typeof x === "string");

  class LibraryError extends Error {}

  // A store or an imported file as a version VERSION library, or a LibraryError saying why not.
  function upgrade(value) {
    if (!value || typeof value !== "object" || Array.isArray(value)) throw new LibraryError("it is not a JSON object");
    if (value.format !== FORMAT) throw new LibraryError(`it is not a library of this site (its "format" is not "${FORMAT}")`);
    let data = value;
    if (!Number.isInteger(data.version) || data.version < 1) throw new LibraryError("its version is missing or not a whole number");
    if (data.version > VERSION) throw new LibraryError(`it was made by a newer version of this site (library version ${data.version}; this page reads up to ${VERSION})`);
    while (data.version < VERSION) data = MIGRATIONS[data.version](data);
    const out = empty();
    const saved = data.saved ?? [];
    if (!Array.isArray(saved)) throw new LibraryError('"saved" is not a list');
    for (const [n, paper] of saved.entries()) {
      if (!paper || typeof paper.slug !== "string" || !/^[a-z0-9][a-z0-9-]*$/.test(paper.slug))
        throw new LibraryError(`saved paper ${n + 1} has no valid "slug"`);
      if (typeof paper.title !== "string") throw new LibraryError(`saved paper ${n + 1} has no "title"`);
      for (const key of ["areas", "topics", "lists"])
        if (paper[key] !== undefined && !strings(paper[key])) throw new LibraryError(`saved paper ${n + 1}: "${key}" is not a list of names`);
      out.saved.push({ slug: paper.slug, title: paper.title, areas: paper.areas ?? [], topics: paper.topics ?? [], lists: paper.lists ?? [] });
    }
    for (const key of ["lists", "read"]) {
      if (data[key] !== undefined && !strings(data[key])) throw new LibraryError(`"${key}" is not a list of names`);
      out[key] = [...new Set(data[key] ?? [])];
    }
    for (const key of ["areas", "topics"]) {
      const names = data.hidden?.[key] ?? [];
      if (!strings(names)) throw new LibraryError(`"hidden.${key}" is not a list of names`);
      out.hidden[key] = [...new Set(names)];
    }
    out.hidden.topicPages = knownTopicPages(data.hidden?.topicPages, out.hidden.topics);
    if (data.visit && typeof data.visit === "object")
      for (const key of ["seen", "since"]) out.visit[key] = typeof data.visit[key] === "string" ? data.visit[key] : null;
    return out;
  }

  // The hidden topics' pages a store names (a library stored before they were kept names none;
  // one not of this site's form is left out): they are found again when needed.
  function knownTopicPages(pages, topics) {
    const out = {};
    if (!pages || typeof pages !== "object") return out;
    for (const name of topics) if (typeof pages[name] === "string" && TOPIC_PAGE.test(pages[name])) out[name] = pages[name];
    return out;
  }

  let problem = null; // what went wrong reading the store, for the Library page to say
  let state = empty();

  function load() {
    let raw = null;
    try {
      raw = localStorage.getItem(KEY);
    } catch {
      problem = { message: "This browser does not let the page use its storage, so nothing you save here is kept." };
      return;
    }
    if (raw === null) return;
    try {
      state = upgrade(JSON.parse(raw));
      problem = null;
    } catch (error) {
      // Keep the unreadable value under a key of its own before anything is written.
      let aside = `${KEY}.unreadable`;
      for (let n = 2; localStorage.getItem(aside) !== null && localStorage.getItem(aside) !== raw; n++) aside = `${KEY}.unreadable-${n}`;
      try {
        localStorage.setItem(aside, raw);
      } catch {
        /* then the main key is left as it is: see save() */
      }
      const why = error instanceof LibraryError ? error.message : "it is not valid JSON";
      problem = { message: `The library stored in this browser could not be read (${why}). It was kept as it was, under the storage key "${aside}", and nothing was deleted; this page starts an empty library.`, aside, raw };
      state = empty();
    }
  }

  // What to redraw when the library changes: each function with the element it draws, if
  // any; an element no longer on the page is forgotten.
  const listeners = new Map();
  const watch = (node, draw) => {
    listeners.set(draw, node);
    draw();
  };
  function notify() {
    for (const [draw, node] of [...listeners]) {
      if (node && !node.isConnected) listeners.delete(draw);
      else draw();
    }
  }
  function save() {
    if (problem?.raw !== undefined && localStorage.getItem(problem.aside) !== problem.raw) return; // not kept aside: never overwrite it
    try {
      localStorage.setItem(KEY, JSON.stringify(state));
    } catch {
      problem = { message: "The library could not be saved: this browser's storage is full or switched off." };
    }
    notify();
  }

  load();
  addEventListener("storage", (event) => {
    if (event.key !== KEY) return;
    load();
    notify();
  });

  const savedEntry = (slug) => state.saved.find((paper) => paper.slug === slug);
  const isRead = (slug) => state.read.includes(slug);

  function toggleSaved(paper) {
    const index = state.saved.findIndex((entry) => entry.slug === paper.slug);
    if (index >= 0) state.saved.splice(index, 1);
    else state.saved.push({ slug: paper.slug, title: paper.title, areas: paper.areas ?? [], topics: paper.topics ?? [], lists: [] });
    save();
    return index < 0;
  }

  function setRead(slugs, read) {
    const set = new Set(state.read);
    for (const slug of slugs) read ? set.add(slug) : set.delete(slug);
    state.read = [...set];
    save();
  }

  // `page`: a topic's page (tags/<area>/<topic>/), kept so listings can find its papers.
  function setHidden(kind, name, hidden, page = null) {
    const names = new Set(state.hidden[kind]);
    hidden ? names.add(name) : names.delete(name);
    state.hidden[kind] = [...names];
    if (kind === "topics" && !hidden) delete state.hidden.topicPages[name];
    if (kind === "topics" && hidden && TOPIC_PAGE.test(page ?? "")) state.hidden.topicPages[name] = page;
    save();
  }

  // Why a paper with these areas and topics is hidden: the hidden names it has, or none.
  const hiddenBy = (areas, topics = []) => [
    ...areas.filter((name) => state.hidden.areas.includes(name)),
    ...topics.filter((name) => state.hidden.topics.includes(name)),
  ];

  // -- buttons --------------------------------------------------------------------------------

  // A count as the pages write it (generator/site/pages.py, figure), "1,204": for library.js too.
  const figure = (count) => count.toLocaleString("en");

  const slugOf = (href) => new URL(href, location.href).pathname.match(/\/papers\/([^/]+)\/$/)?.[1] ?? null;

  // What a paper's buttons are named by: its title as a reader sees it. ``paper.title`` is what
  // is saved, as the dumps write it ($TeX$, titleText); a title with math also comes with its
  // math in Unicode (``name``: a listing's link or a paper's heading has it as data-t).
  const nameOf = (paper) => paper.name || paper.title;

  function starButton(paper) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "shelf-star";
    const show = () => {
      const saved = Boolean(savedEntry(paper.slug));
      button.setAttribute("aria-pressed", String(saved));
      button.textContent = saved ? "★" : "☆";
      button.title = saved ? "Saved in your library: press to remove" : "Save to your library";
      button.setAttribute("aria-label", `${saved ? "Saved" : "Save"}: ${nameOf(paper)}`);
    };
    button.addEventListener("click", (event) => {
      event.preventDefault();
      event.stopPropagation();
      toggleSaved(paper);
    });
    watch(button, show);
    return button;
  }

  // A paper's read mark; ``words`` are its text when read and when not (a listing's row says
  // "read" and "mark read", a paper page's bar "Read" and "Mark read", beside "Save").
  function readButton(paper, row, words = ["read", "mark read"]) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "shelf-read";
    const show = () => {
      const read = isRead(paper.slug);
      row?.classList.toggle("shelf-is-read", read);
      button.setAttribute("aria-pressed", String(read));
      // The name a screen reader gives starts with the visible words (WCAG's label in name).
      const mark = document.createElement("span");
      mark.ariaHidden = "true";
      mark.textContent = read ? "✓ " : "";
      const which = document.createElement("span");
      which.className = "shelf-sr";
      which.textContent = `: ${nameOf(paper)}`;
      button.replaceChildren(mark, read ? words[0] : words[1], which);
      button.title = read ? "Marked read: press to mark unread" : "Mark read";
    };
    button.addEventListener("click", (event) => {
      event.preventDefault();
      event.stopPropagation();
      setRead([paper.slug], !isRead(paper.slug));
    });
    watch(button, show);
    return button;
  }

  // A title as the dumps write it, its math as $TeX$, whether KaTeX has typeset it yet or not
  // (typeset, an element's text holds each formula twice over). The Library page shows such
  // titles with their math in Unicode, from the titles' files (library.js, readableTitles).
  function titleText(element) {
    const copy = element.cloneNode(true);
    for (const math of copy.querySelectorAll(".arithmatex")) {
      const source = math.querySelector('annotation[encoding="application/x-tex"]')?.textContent;
      const tex = source ?? math.textContent.trim().replace(/^\\[([]|\\[)\]]$/g, "");
      math.replaceWith(`$${tex.trim()}$`); // KaTeX's annotation may hold spaces at its ends
    }
    return copy.textContent.trim().replace(/\s+/g, " ");
  }

  // A row of a listing: <li><a href=".../papers/<slug>/">title</a> <a class="paper-tag">...</a></li>,
  // or <li data-a="3 17"> where the list names its areas by number in data-areas (listings.py).
  function rowPaper(row, pageArea, table = []) {
    const link = row.querySelector("a[href*='papers/']");
    const slug = link && slugOf(link.href);
    if (!slug) return null;
    const areas = [...row.querySelectorAll("a.paper-tag")].map((a) => a.textContent.trim());
    for (const number of (row.dataset.a ?? "").split(" ")) if (table[number]) areas.push(table[number]);
    if (pageArea && !areas.includes(pageArea)) areas.push(pageArea);
    const topics = [...row.querySelectorAll("a.paper-topic")].map((a) => a.textContent.trim());
    return { slug, title: titleText(link), name: link.dataset.t, areas, topics };
  }

  // The tag page's own tag (its rows leave it out), or null on other pages.
  function pageArea() {
    if (!/\/tags\/[^/]+\/(\d+\/)?$/.test(location.pathname)) return null;
    return document.querySelector(".md-content h1")?.textContent.trim() ?? null;
  }

  function areaTable(list) {
    try {
      return JSON.parse(list.dataset.areas ?? "[]");
    } catch {
      return [];
    }
  }

  // A listing's rows get their buttons a batch at a time: a screenful at once, then ROWS_A_TASK
  // a task, so a 400-row page is never held by one long task of buttons and the layout after.
  const FIRST_ROWS = 40;
  const ROWS_A_TASK = 60;

  function addButtons(rows, from) {
    const to = Math.min(rows.length, from + (from === 0 ? FIRST_ROWS : ROWS_A_TASK));
    for (const [row, paper] of rows.slice(from, to)) {
      row.classList.add("shelf-row");
      // No spaces around the buttons: their margins, which the space kept for them matches
      // (papers.css), so decorating a listing moves nothing on it.
      row.prepend(starButton(paper));
      row.append(readButton(paper, row));
    }
    if (to < rows.length) setTimeout(() => addButtons(rows, to));
  }

  function decorateList(list, area) {
    const rows = [];
    const table = areaTable(list);
    for (const row of list.querySelectorAll(":scope > li")) {
      const paper = rowPaper(row, area, table);
      if (paper) rows.push([row, paper]);
    }
    if (!rows.length) return;
    addButtons(rows, 0);
    const note = document.createElement("p");
    note.className = "shelf-hidden-note";
    note.setAttribute("role", "status");
    list.before(note);
    let showing = false;
    const topic = pageTopic()?.name;
    const show = () => {
      fetchHiddenTopics(topic);
      let count = 0;
      const names = new Set();
      for (const [row, paper] of rows) {
        // On a hidden tag's own page, its papers stay: the reader went there on purpose.
        const by = hiddenBy(paper.areas, [...paper.topics, ...hiddenTopicsListing(paper.slug)]).filter((name) => name !== area && name !== topic);
        row.hidden = by.length > 0 && !showing;
        row.classList.toggle("shelf-hidden-shown", by.length > 0 && showing);
        if (by.length) count++;
        by.forEach((name) => names.add(name));
      }
      note.replaceChildren();
      note.hidden = count === 0;
      if (!count) return;
      const which = [...names].sort().join(", ");
      note.append(
        `${figure(count)} paper${count === 1 ? "" : "s"} ${showing ? "shown although hidden" : "hidden"} (not interested: ${which}). `,
      );
      const toggle = document.createElement("button");
      toggle.type = "button";
      toggle.className = "shelf-link";
      toggle.textContent = showing ? "Hide them again" : "Show them";
      toggle.addEventListener("click", () => {
        showing = !showing;
        show();
      });
      note.append(toggle);
    };
    watch(note, show);
  }

  function dumpButton(list) {
    const rows = [...list.querySelectorAll(":scope > li")].map((row) => rowPaper(row, null)).filter(Boolean);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "md-button shelf-dump-read";
    const show = () => {
      const all = rows.every((paper) => isRead(paper.slug));
      button.textContent = all ? "Mark this dump unread" : "Mark this dump read";
    };
    button.addEventListener("click", () => setRead(rows.map((paper) => paper.slug), !rows.every((paper) => isRead(paper.slug))));
    watch(button, show);
    document.querySelector(".dump-nav")?.append(button);
  }

  function hideAreaButton(area) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "md-button shelf-hide-area";
    const show = () => {
      const hidden = state.hidden.areas.includes(area);
      button.setAttribute("aria-pressed", String(hidden));
      button.textContent = hidden ? `Hidden elsewhere: show “${area}” again` : `Not interested: hide “${area}” elsewhere`;
    };
    button.addEventListener("click", () => setHidden("areas", area, !state.hidden.areas.includes(area)));
    watch(button, show);
    const facts = document.querySelector(".tag-facts");
    if (facts) facts.after(button);
  }

  // -- hidden topics in listings ----------------------------------------------------------------
  // Listing rows name their areas but not their topics (no bytes to spare: README, "Your
  // library"). So for a reader who has hidden topics, and only then, each hidden topic's own
  // pages (tags/<area>/<topic>/ and its pager's pages, cached by the browser) say which papers
  // it holds. A page that cannot be fetched hides nothing and breaks nothing.

  const topicMembers = new Map(); // hidden topic -> the slugs its pages list, once fetched
  const topicRequests = new Set(); // hidden topics asked for on this page

  // The names of the hidden topics whose pages list this paper.
  const hiddenTopicsListing = (slug) => state.hidden.topics.filter((name) => topicMembers.get(name)?.has(slug));

  // A page of this site, relative to its root ("tags/x/y/"), or null if it is elsewhere.
  function sitePath(href, base) {
    const url = new URL(href, base);
    return url.origin === root.origin && url.pathname.startsWith(root.pathname) ? url.pathname.slice(root.pathname.length) : null;
  }

  async function fetchPage(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return new DOMParser().parseFromString(await response.text(), "text/html");
  }

  // The slugs a topic's listing holds: its first page, then the others its pager links to.
  async function topicPageSlugs(page) {
    const first = new URL(page, root).href;
    const firstDoc = await fetchPage(first);
    const others = [...new Set([...firstDoc.querySelectorAll("nav.pager a[href]")].map((a) => new URL(a.getAttribute("href"), first).href))].filter((url) => url !== first);
    const docs = [[first, firstDoc], ...(await Promise.all(others.map(async (url) => [url, await fetchPage(url)])))];
    const slugs = new Set();
    for (const [url, doc] of docs)
      for (const link of doc.querySelectorAll("ol.paper-list > li > a[href*='papers/']")) {
        const slug = new URL(link.getAttribute("href"), url).pathname.match(/\/papers\/([^/]+)\/$/)?.[1];
        if (slug) slugs.add(slug);
      }
    return slugs;
  }

  // A topic's page, found among the topics its area's page lists (or, without an area, the
  // tags index's, which lists every topic under its area; failing that, every area's page):
  // for a library stored before pages were kept.
  async function findTopicPage(name, areaPage = null) {
    let areas = areaPage ? [areaPage] : [];
    if (!areaPage) {
      const index = new URL("tags/", root).href;
      const doc = await fetchPage(index);
      for (const link of doc.querySelectorAll(".tag-table-topics a[href]"))
        if (link.textContent.trim() === name) {
          const page = sitePath(link.getAttribute("href"), index);
          if (TOPIC_PAGE.test(page ?? "")) return page;
        }
      areas = [...doc.querySelectorAll(".md-content a[href]")].map((a) => sitePath(a.getAttribute("href"), index)).filter((path) => /^tags\/[a-z0-9-]+\/$/.test(path ?? ""));
    }
    for (const area of new Set(areas)) {
      const url = new URL(area, root).href;
      const doc = await fetchPage(url);
      for (const link of doc.querySelectorAll(".tag-topics a[href]"))
        if (link.firstChild?.textContent.trim() === name) {
          const page = sitePath(link.getAttribute("href"), url);
          if (TOPIC_PAGE.test(page ?? "")) return page;
        }
    }
    return null;
  }

  // Keeps a hidden topic's page in the library once found (the Library page hides topics by
  // name, and knows their area).
  async function recordTopicPage(name, areaPage = null) {
    const page = await findTopicPage(name, areaPage);
    if (page && state.hidden.topics.includes(name) && state.hidden.topicPages[name] !== page) {
      state.hidden.topicPages[name] = page;
      save();
    }
    return page;
  }

  // Asks once per page for the papers of each hidden topic (but the page's own), and redraws
  // the listings when they come.
  function fetchHiddenTopics(own) {
    for (const name of state.hidden.topics) {
      if (name === own || topicRequests.has(name)) continue;
      topicRequests.add(name);
      (async () => {
        const page = state.hidden.topicPages[name] ?? (await recordTopicPage(name));
        if (!page) return;
        topicMembers.set(name, await topicPageSlugs(page));
        notify();
      })().catch(() => {
        /* not fetched: its papers stay in the listing */
      });
    }
  }

  // A topic's page (tags/<area>/<topic>/, or a later page of it): the topic and its first page.
  function pageTopic() {
    const path = sitePath(location.href, location.href)?.match(/^(tags\/[a-z0-9-]+\/(?!\d+\/)[a-z0-9-]+\/)(\d+\/)?$/)?.[1];
    const name = document.querySelector(".md-content h1")?.textContent.trim();
    return path && name ? { name, page: path } : null;
  }

  function hideTopicButton(topic) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "md-button shelf-hide-area";
    const show = () => {
      const hidden = state.hidden.topics.includes(topic.name);
      button.setAttribute("aria-pressed", String(hidden));
      button.textContent = hidden ? `Hidden elsewhere: show “${topic.name}” again` : `Not interested: hide “${topic.name}” elsewhere`;
    };
    button.addEventListener("click", () => setHidden("topics", topic.name, !state.hidden.topics.includes(topic.name), topic.page));
    watch(button, show);
    const facts = document.querySelector(".tag-facts");
    if (facts) facts.after(button);
  }

  function decoratePaperPage(title) {
    const slug = slugOf(location.href);
    if (!slug) return;
    const areas = [...document.querySelectorAll(".md-content .md-tags .md-tag")].map((a) => a.textContent.trim());
    const paper = { slug, title: titleText(title), name: title.dataset.t, areas, topics: [] };
    if (!isRead(slug)) setRead([slug], true); // opened: read
    const bar = document.createElement("div");
    bar.className = "shelf-bar";
    const star = starButton(paper);
    const label = document.createElement("span");
    const showLabel = () => {
      label.textContent = savedEntry(slug) ? "Saved" : "Save";
    };
    watch(label, showLabel);
    star.append(label);
    star.classList.add("md-button");
    const read = readButton(paper, null, ["Read", "Mark read"]);
    read.classList.add("md-button");
    bar.append(star, read);
    bar.append(listsControl(slug));
    title.after(bar);
  }

  // The named lists a saved paper is filed in, as checkboxes, and a field for a new list.
  function listsControl(slug) {
    const details = document.createElement("details");
    details.className = "shelf-lists";
    const summary = document.createElement("summary");
    summary.textContent = "Lists";
    const body = document.createElement("div");
    details.append(summary, body);
    const show = () => {
      const entry = savedEntry(slug);
      details.hidden = !entry;
      if (!entry) return;
      summary.textContent = entry.lists.length ? `Lists: ${entry.lists.join(", ")}` : "Add to a list";
      body.replaceChildren();
      for (const name of state.lists) {
        const label = document.createElement("label");
        const box = document.createElement("input");
        box.type = "checkbox";
        box.checked = entry.lists.includes(name);
        box.addEventListener("change", () => fileIn(slug, name, box.checked));
        label.append(box, ` ${name}`);
        body.append(label);
      }
      const form = document.createElement("form");
      const field = document.createElement("input");
      field.type = "text";
      field.placeholder = "New list";
      field.setAttribute("aria-label", "Name of a new list");
      const add = document.createElement("button");
      add.type = "submit";
      add.className = "md-button";
      add.textContent = "Add";
      form.append(field, add);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const name = field.value.trim();
        if (!name) return;
        if (!state.lists.includes(name)) state.lists.push(name);
        fileIn(slug, name, true);
        details.open = true;
      });
      body.append(form);
    };
    watch(details, show);
    return details;
  }

  function fileIn(slug, name, inList) {
    const entry = savedEntry(slug);
    if (!entry) return;
    const names = new Set(entry.lists);
    inList ? names.add(name) : names.delete(name);
    entry.lists = state.lists.filter((list) => names.has(list));
    save();
  }

  function libraryTab() {
    const href = new URL("library/", root).href;
    const here = location.href.split(/[?#]/)[0] === href;
    for (const list of document.querySelectorAll(".md-tabs__list, .md-nav--primary > .md-nav__list")) {
      if (list.querySelector("[data-shelf-tab]")) continue;
      const tabs = list.classList.contains("md-tabs__list");
      const item = document.createElement("li");
      item.className = tabs ? "md-tabs__item" : "md-nav__item";
      item.dataset.shelfTab = "";
      if (here) item.classList.add(tabs ? "md-tabs__item--active" : "md-nav__item--active");
      const link = document.createElement("a");
      link.className = tabs ? "md-tabs__link" : "md-nav__link";
      link.href = href;
      link.textContent = "Library";
      if (here) link.setAttribute("aria-current", "page");
      item.append(link);
      const last = list.lastElementChild;
      list.insertBefore(item, last); // before Contributing
    }
  }

  function decorate() {
    libraryTab();
    const title = document.querySelector("h1.paper-title");
    if (title && !title.nextElementSibling?.classList.contains("shelf-bar")) decoratePaperPage(title);
    const area = pageArea();
    if (area && !document.querySelector(".shelf-hide-area")) hideAreaButton(area);
    const topic = pageTopic();
    if (topic && !document.querySelector(".shelf-hide-area")) hideTopicButton(topic);
    for (const list of document.querySelectorAll("ol.paper-list:not([data-shelf])")) {
      list.dataset.shelf = "";
      decorateList(list, area);
      if (/\/dumps\/[^/]+\/$/.test(location.pathname)) dumpButton(list);
    }
  }

  window.paperShelf = {
    figure,
    FORMAT,
    VERSION,
    KEY,
    LibraryError,
    upgrade,
    get state() {
      return state;
    },
    get problem() {
      return problem;
    },
    replace(next) {
      state = next;
      problem = null;
      save();
    },
    save,
    onChange: (listener) => listeners.set(listener, null),
    savedEntry,
    isRead,
    toggleSaved,
    setRead,
    setHidden,
    recordTopicPage,
    hiddenBy,
    fileIn,
    starButton,
    readButton,
    slugOf,
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", decorate);
  else decorate();
  document.dispatchEvent(new Event("papershelf:ready"));
})();
