{#-
  Rendered once per build (mkdocs.yml: theme.static_templates) into assets/javascripts/palette.js,
  which every page loads right after its (empty) palette form, before it is painted:
  1. Material's page-scope helpers (partials/javascripts/base.html, inline in each page by
     default), with the scope taken from this script's own address;
  2. the palette form's radio buttons and toggles, from this site's theme.palette (Material's
     partials/palette.html made them in each page: 945 bytes of 29,000 pages);
  3. the drawer and search toggles unchecked, as Material's autocomplete="off" kept them
     (generator/mkdocs/valid_html.py removes that attribute, not allowed on checkboxes);
  4. on paper pages, which carry no navigation (overrides/paper-chrome.html), the menu
     button: it opens the page's tabs, the listings, as a drawer on narrow screens (papers.css);
     on every page the menu button becomes a real button, which a keyboard can reach and press;
     on paper pages, the header's second line, the page's title, which the theme shows once the heading
     has scrolled away: from the page's <title>, as text;
  5. the search button and its dialog (search.js fills it when the page has loaded), and on
     paper pages its toggle: only with JavaScript, which search needs, so no page shows a
     dead control without it;
  6. Material's __config (base.html's config block; overrides/main.html empties it), which the
     theme's bundle reads when it loads at the end of the page;
  7. the palette in place of Material's component, which is not mounted: the reader's saved
     colour scheme, else the system's, applied before the page is painted; the toggles switch it.
  8. on paper pages, the tabs: paperTabs(), which overrides/paper-chrome.html calls where the
     theme puts them, puts there what Material's partials/tabs.html makes of the nav's top
     items (tests/test_accessibility.py compares them with a listing page's).
  Material's own code binds to the form when the page has loaded, by then complete. Items 4 to 6
  were 1.5 KB of each of 29,000 pages, item 8 another 0.75 KB.
-#}
{%- import "partials/language.html" as lang with context %}
{%- macro icon(name) %}{% filter tojson %}{% include ".icons/" ~ name ~ ".svg" %}{% endfilter %}{% endmacro %}
// Made from overrides/assets/javascripts/palette.js when the site is built.
var __md_scope=new URL("../..",document.currentScript.src),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.stringify(_))}catch(e){}};
{%- set options = [] %}
{%- for option in config.theme.palette %}
  {%- set icon %}{% if option.toggle %}{% include ".icons/" ~ option.toggle.icon ~ ".svg" %}{% endif %}{% endset %}
  {%- set _ = options.append({
    "media": option.media,
    "scheme": (option.scheme | d("default", true)) | replace(" ", "-"),
    "primary": (option.primary | d("indigo", true)) | replace(" ", "-"),
    "accent": (option.accent | d("indigo", true)) | replace(" ", "-"),
    "name": option.toggle.name if option.toggle else none,
    "icon": icon | trim,
  }) %}
{%- endfor %}
(function () {
  var form = document.querySelector("[data-palette]");
  var options = {{ options | tojson }};
  if (!form || form.children.length) return;
  options.forEach(function (option, index) {
    var input = document.createElement("input");
    input.className = "md-option";
    input.type = "radio";
    input.name = "__palette";
    input.id = "__palette_" + index;
    ["media", "scheme", "primary", "accent"].forEach(function (key) {
      input.setAttribute("data-md-color-" + key, option[key]);
    });
    if (option.name) input.setAttribute("aria-label", option.name);
    else input.setAttribute("aria-hidden", "true");
    form.append(input);
    if (option.name) {
      var label = document.createElement("label");
      label.className = "md-header__button md-icon";
      label.title = option.name;
      label.htmlFor = "__palette_" + ((index + 1) % options.length);
      label.hidden = true;
      label.innerHTML = option.icon;
      form.append(label);
    }
  });
})();
{%- set tabs = [] %}
{%- for item in nav.items %}
  {%- set _ = tabs.append([(item.children | first).url if item.children else item.url, item.title]) %}
{%- endfor %}
function paperTabs() {
  // Where the page calls it, while it is parsed: the tabs are there before the page is painted.
  var nav = document.createElement("nav");
  nav.className = "md-tabs";
  nav.setAttribute("aria-label", {{ lang.t("tabs") | tojson }});
  nav.setAttribute("data-md-component", "tabs");
  var list = document.createElement("ul");
  list.className = "md-tabs__list";
  {{ tabs | tojson }}.forEach(function (tab) {
    var item = document.createElement("li");
    var link = document.createElement("a");
    item.className = "md-tabs__item";
    link.className = "md-tabs__link";
    link.href = new URL(tab[0], __md_scope).href;
    link.textContent = tab[1];
    item.append(link);
    list.append(item);
  });
  var grid = document.createElement("div");
  grid.className = "md-grid";
  grid.append(list);
  nav.append(grid);
  document.currentScript.replaceWith(nav);
}
["__drawer", "__search"].forEach(function (id) {
  var toggle = document.getElementById(id);
  if (toggle) toggle.checked = false;
});
(function () {
  var logo = document.querySelector(".md-header__button.paper-home");
  if (!logo || document.querySelector("label[for=__drawer].md-header__button")) return;
  var label = document.createElement("label");
  label.className = "md-header__button md-icon";
  label.htmlFor = "__drawer";
  label.innerHTML = {{ icon(config.theme.icon.menu or "material/menu") }};
  logo.after(label);
  var suffix = {{ (" - " ~ config.site_name) | tojson }};
  var lines = document.querySelector(".md-header__ellipsis");
  if (!lines || lines.children.length > 1 || !document.title.endsWith(suffix)) return;
  var topic = document.createElement("div");
  topic.className = "md-header__topic";
  topic.setAttribute("data-md-component", "header-topic");
  var title = document.createElement("span");
  title.className = "md-ellipsis";
  title.textContent = document.title.slice(0, -suffix.length);
  topic.append(title);
  lines.append(topic);
})();
document.addEventListener("DOMContentLoaded", function () {
  // The menu button is a label of the drawer's checkbox, which a keyboard cannot reach or
  // press: with scripts on it becomes a button that flips the checkbox (the theme and the
  // CSS follow its change event); without them the label still opens the drawer by touch.
  var toggle = document.getElementById("__drawer");
  document.querySelectorAll("label.md-header__button[for=__drawer]").forEach(function (label) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = label.className + " drawer-button";
    button.innerHTML = label.innerHTML;
    button.setAttribute("aria-label", "Menu");
    button.addEventListener("click", function () {
      toggle.checked = !toggle.checked;
      toggle.dispatchEvent(new Event("change", { bubbles: true }));
    });
    label.replaceWith(button);
  });
});
(function () {
  var here = document.currentScript;
  if (!here || document.querySelector("[data-md-component=pagefind-search]")) return;
  var header = document.querySelector("[data-md-component=header]");
  if (!document.getElementById("__search") && header) {
    // Paper pages leave search's toggle to this script (generator/mkdocs/shell.py UNUSED):
    // where the theme puts it, before the header, which its CSS expects.
    var toggle = document.createElement("input");
    toggle.className = "md-toggle";
    toggle.setAttribute("data-md-toggle", "search");
    toggle.type = "checkbox";
    toggle.id = "__search";
    header.before(toggle);
  }
  var button = document.createElement("label");
  button.className = "md-header__button md-icon";
  button.htmlFor = "__search";
  button.innerHTML = {{ icon(config.theme.icon.search or "material/magnify") }};
  var box = document.createElement("div");
  box.className = "md-search";
  box.setAttribute("data-md-component", "pagefind-search");
  box.setAttribute("role", "dialog");
  box.setAttribute("aria-label", {{ lang.t("search") | tojson }});
  box.dataset.siteName = {{ config.site_name | tojson }};
  box.dataset.placeholder = {{ lang.t("search.placeholder") | tojson }};
  box.dataset.reset = {{ lang.t("search.reset") | tojson }};
  {%- if search_status %}
  box.dataset.status = new URL({{ search_status | tojson }}, __md_scope).href;
  {%- endif %}
  {%- if search_parts and search_parts > 1 %}
  // How many parts the index is in (generator/search/pagefind.py PART_PAPERS).
  box.dataset.pagefindParts = "{{ search_parts }}";
  {%- endif %}
  // The icons search.js puts in the dialog it builds.
  var icons = document.createElement("template");
  icons.setAttribute("data-pagefind-icons", "");
  icons.innerHTML = {{ icon(config.theme.icon.search or "material/magnify") }} + {{ icon(config.theme.icon.previous or "material/arrow-left") }} + {{ icon(config.theme.icon.close or "material/close") }};
  box.append(icons);
  here.after(button, box);
})();
(function () {
  var config = document.createElement("script");
  config.id = "__config";
  config.type = "application/json";
  config.textContent = JSON.stringify({
    base: __md_scope.href,
    features: {{ (config.theme.features or []) | tojson }},
    translations: {
      "clipboard.copy": {{ lang.t("clipboard.copy") | tojson }},
      "clipboard.copied": {{ lang.t("clipboard.copied") | tojson }}
    },
    annotate: null,
    tags: null,
    version: null
  });
  document.head.append(config);
})();
(function () {
  // The palette, in place of Material's component, which this site does not mount (the form
  // has no data-md-component): mounting, after the page had loaded, it set an attribute on
  // <body> and read the header's computed style, two full style recalculations of the page
  // (120 to 140 ms each on a phone's CPU on the tags index, growing with the page). Here the
  // reader's saved choice, else the option whose media query the system matches, is applied
  // before the page is painted; the toggles switch and save it; until the reader chooses, the
  // page follows the system's light or dark. Saved as Material saves it (__md_set "__palette").
  var form = document.querySelector("[data-palette]");
  var inputs = form ? Array.prototype.slice.call(form.querySelectorAll("input")) : [];
  if (!inputs.length) return;
  var current = -1;
  function colorOf(input) {
    var color = {};
    ["media", "scheme", "primary", "accent"].forEach(function (key) {
      color[key] = input.getAttribute("data-md-color-" + key);
    });
    return color;
  }
  function chosen() {
    var saved = __md_get("__palette");
    if (saved && inputs[saved.index]) return saved.index;
    var index = inputs.findIndex(function (input) {
      return matchMedia(input.getAttribute("data-md-color-media")).matches;
    });
    return Math.max(index, 0);
  }
  function show(index) {
    var color = colorOf(inputs[index]);
    Object.keys(color).forEach(function (key) {
      document.body.setAttribute("data-md-color-" + key, color[key]);
    });
    inputs.forEach(function (input, i) {
      input.checked = i === index;
      var label = input.nextElementSibling;
      if (label && label.tagName === "LABEL") label.hidden = i !== index;
    });
    current = index;
  }
  function meta(name) {
    var tag = document.createElement("meta");
    tag.name = name;
    document.head.append(tag);
    return tag;
  }
  var themeColor = meta("theme-color");
  var colorScheme = meta("color-scheme");
  function describe() {
    // The browser's own chrome (a phone's address bar, scrollbars) takes the header's colour.
    var header = document.querySelector("[data-md-component=header]");
    if (!header) return;
    var style = getComputedStyle(header);
    colorScheme.content = style.colorScheme;
    themeColor.content = "#" + (style.backgroundColor.match(/\d+/g) || []).slice(0, 3).map(function (value) {
      return (+value).toString(16).padStart(2, "0");
    }).join("");
  }
  function switchTo(index) {
    // No transitions while the colours change (the theme's rule for this attribute); the
    // computed style read in describe() applies the new colours before the attribute goes.
    document.body.setAttribute("data-md-color-switching", "");
    show(index);
    describe();
    Promise.resolve().then(function () {
      document.body.removeAttribute("data-md-color-switching");
    });
  }
  show(chosen());
  window.addEventListener("load", describe);
  form.addEventListener("change", function (event) {
    var index = inputs.indexOf(event.target);
    if (index < 0) return;
    __md_set("__palette", { index: index, color: colorOf(inputs[index]) });
    switchTo(index);
  });
  form.addEventListener("keydown", function (event) {
    // Enter on the focused option switches to the next, as the theme's toggle did.
    if (event.key !== "Enter") return;
    event.preventDefault();
    var next = inputs[(current + 1) % inputs.length];
    next.click();
    next.focus();
  });
  inputs.forEach(function (input) {
    matchMedia(input.getAttribute("data-md-color-media")).addEventListener("change", function () {
      if (!__md_get("__palette") && chosen() !== current) switchTo(chosen());
    });
  });
})();
