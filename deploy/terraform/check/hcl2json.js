// Prints every *.tf file of a folder as JSON, parsed by HashiCorp's HCL parser (WASM build):
// {"main.tf": {...}, "variables.tf": {...}}. The checks in deploy/src/test read it.
'use strict';
const fs = require('fs');
const path = require('path');
const { parse } = require('@cdktf/hcl2json');

async function main() {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node hcl2json.js TERRAFORM_DIR');
    process.exit(2);
  }
  const result = {};
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.tf')).sort()) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    try {
      result[file] = await parse(file, text);
    } catch (e) {
      console.error(`${file}: ${e.message || e}`);
      process.exit(1);
    }
  }
  process.stdout.write(JSON.stringify(result));
}

main();
