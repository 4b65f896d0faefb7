#!/usr/bin/env node
// Converts an OpenAPI document into a Postman collection (v2.1) with openapi-to-postmanv2,
// so that the same document always gives the same file:
// - the example values the converter makes up (json-schema-faker) are drawn from a
//   fixed-seed generator instead of Math.random, and against a fixed clock;
// - the random UUIDs it gives to the collection and its items are replaced by UUIDs
//   derived from each object's place in the collection.
// It also declares the {{bearerToken}} variable that the signed-in requests use.
// Usage: node generate.js OPENAPI_JSON OUTPUT_JSON    (scripts/generate-postman.sh runs it)
'use strict';

const crypto = require('crypto');
const fs = require('fs');

// mulberry32: small, fast, and good enough for picking example values.
let seed = 0x5eed;
Math.random = function seededRandom() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

// The faker also reads the clock for date-time examples: a fixed "now" keeps them stable.
const FIXED_NOW = Date.UTC(2026, 0, 1);
const RealDate = Date;
global.Date = class FixedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(FIXED_NOW);
    else super(...args);
  }
  static now() {
    return FIXED_NOW;
  }
};

// Required after Math.random and Date are replaced, so the faker picks up both.
const converter = require('openapi-to-postmanv2');

const OPTIONS = {
  folderStrategy: 'Tags', // one folder per tag: events, bookings, attendees, auth, ops
  parametersResolution: 'Example', // the spec's examples where it has them
  enableOptionalParameters: false, // optional query parameters present but unticked
  alwaysInheritAuthentication: false, // each request carries the auth its operation declares
  requestNameSource: 'Fallback', // requests named after the operations' summaries
  indentCharacter: 'Space',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function stableUuid(where) {
  const h = crypto.createHash('sha1').update(where).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function stabilise(node, where) {
  if (Array.isArray(node)) {
    node.forEach((child, i) => stabilise(child, `${where}[${i}]`));
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'id' || key === '_postman_id') && typeof value === 'string' && UUID.test(value)) {
        node[key] = stableUuid(`${where}.${key}`);
      } else {
        stabilise(value, `${where}.${key}`);
      }
    }
  }
}

function main() {
  const [specPath, outputPath] = process.argv.slice(2);
  if (!specPath || !outputPath) {
    console.error('usage: node generate.js OPENAPI_JSON OUTPUT_JSON');
    process.exit(2);
  }
  const spec = fs.readFileSync(specPath, 'utf8');
  converter.convert({ type: 'string', data: spec }, OPTIONS, (error, conversion) => {
    if (error || !conversion.result) {
      console.error(`conversion failed: ${error || conversion.reason}`);
      process.exit(1);
    }
    const collection = conversion.output[0].data;
    stabilise(collection, '$');
    // Requests that need a signed-in user send {{bearerToken}}: declare it next to
    // {{baseUrl}}, so it shows among the collection's variables, ready to be filled in.
    collection.variable = collection.variable || [];
    if (JSON.stringify(collection.item).includes('{{bearerToken}}') &&
        !collection.variable.some((v) => v.key === 'bearerToken')) {
      collection.variable.push({
        type: 'string',
        value: '',
        key: 'bearerToken',
        description: 'The access_token of POST /auth/login',
      });
    }
    fs.writeFileSync(outputPath, `${JSON.stringify(collection, null, 2)}\n`);
    const requests = JSON.stringify(collection).match(/"request":/g) || [];
    console.log(`wrote ${outputPath}: ${collection.item.length} folders, ${requests.length} requests`);
  });
}

main();
