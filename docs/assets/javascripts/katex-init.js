// Renders the math that generator/text.py (and pymdownx.arithmatex in generic mode) emits as
// <span class="arithmatex">\(...\)</span> or \[...\]. Only the \( \) and \[ \] delimiters are
// listed: raw abstracts are full of literal dollar signs ("costs $5"), which must stay text.
// document$ is Material's observable of page loads, so this also runs after instant navigation.
document$.subscribe(({ body }) => {
  renderMathInElement(body, {
    delimiters: [
      { left: "\\(", right: "\\)", display: false },
      { left: "\\[", right: "\\]", display: true },
    ],
    throwOnError: false,
  });
});
