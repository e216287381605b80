// Renders the math that generator/text.py (and pymdownx.arithmatex in generic mode) emits as
// <span class="arithmatex">\(...\)</span> or \[...\]. Only those spans are rendered: text
// elsewhere on a page is never read as math, and big listings are not scanned.
//
// KaTeX (about 300 KB, served from this site) is fetched only by pages that hold math: most
// pages have none, and the home page would otherwise weigh three times as much.
// document$ is Material's observable of page loads.
(() => {
  let loading = null;

  function script(path) {
    return new Promise((resolve, reject) => {
      const element = document.createElement("script");
      element.src = new URL(path, __md_scope).href;
      element.onload = resolve;
      element.onerror = reject;
      document.head.append(element);
    });
  }

  function katex() {
    if (!loading) {
      const style = document.createElement("link");
      style.rel = "stylesheet";
      style.href = new URL("assets/katex/katex.min.css", __md_scope).href;
      // Its rules place the math and declare KaTeX's fonts: typeset before it is in, the math
      // would change when it comes, after the blocks are shown, and document.fonts would not
      // know the fonts to wait for (a loaded machine showed that shift).
      const styled = new Promise((resolve) => {
        style.onload = resolve;
        style.onerror = resolve; // the math is still typeset, unstyled
      });
      document.head.append(style);
      const scripts = script("assets/katex/katex.min.js").then(() => script("assets/katex/contrib/auto-render.min.js"));
      loading = Promise.all([styled, scripts])
        .catch((error) => {
          loading = null; // a later page may try again
          throw error;
        });
    }
    return loading;
  }

  // Typesetting changes the text around each formula, and KaTeX's fonts change it again as
  // they arrive: the blocks holding math keep their height (TeX is longer than the math it
  // becomes) and are hidden from typesetting until the fonts are in (3 s at most), so nothing
  // a reader sees moves: no layout shift. Until KaTeX has loaded, the TeX shows as written.
  function shown(blocks) {
    for (const block of blocks) block.style.visibility = "";
  }

  document$.subscribe(({ body }) => {
    const spans = body.querySelectorAll(".arithmatex");
    if (!spans.length) return;
    const blocks = new Set([...spans].map((span) => span.closest("p, li, h1, h2, h3, td") || span.parentElement));
    katex()
      .then(() => {
        for (const block of blocks) {
          block.style.minHeight = `${block.getBoundingClientRect().height}px`;
          block.style.visibility = "hidden";
        }
        for (const element of spans) {
          renderMathInElement(element, {
            delimiters: [
              { left: "\\(", right: "\\)", display: false },
              { left: "\\[", right: "\\]", display: true },
            ],
            throwOnError: false,
          });
        }
        // Two frames: the math is laid out and painted hidden, so the fonts it needs are loading.
        // Two more once they are in: the text is laid out again in them while still hidden (shown
        // in the frame the fonts arrived in, the text they moved counted as layout shift).
        const frames = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        const late = new Promise((resolve) => setTimeout(resolve, 3000));
        return Promise.race([frames().then(() => document.fonts.ready).then(frames), late]);
      })
      .finally(() => shown(blocks));
  });
})();
