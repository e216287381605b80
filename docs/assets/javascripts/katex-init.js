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
      document.head.append(style);
      loading = script("assets/katex/katex.min.js")
        .then(() => script("assets/katex/contrib/auto-render.min.js"))
        .catch((error) => {
          loading = null; // a later page may try again
          throw error;
        });
    }
    return loading;
  }

  document$.subscribe(({ body }) => {
    const spans = body.querySelectorAll(".arithmatex");
    if (!spans.length) return;
    katex().then(() => {
      for (const element of spans) {
        renderMathInElement(element, {
          delimiters: [
            { left: "\\(", right: "\\)", display: false },
            { left: "\\[", right: "\\]", display: true },
          ],
          throwOnError: false,
        });
      }
    });
  });
})();
