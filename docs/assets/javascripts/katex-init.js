// Renders the math that generator/text.py (and pymdownx.arithmatex in generic mode) emits as
// <span class="arithmatex">\(...\)</span> or \[...\]. Only those spans are rendered: text
// elsewhere on a page is never read as math, and big listings are not scanned.
// document$ is Material's observable of page loads.
document$.subscribe(({ body }) => {
  for (const element of body.querySelectorAll(".arithmatex")) {
    renderMathInElement(element, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      throwOnError: false,
    });
  }
});
