'use strict';
// conformance/lib/match.js: compares a response body with a case's pattern,
// and normalises bodies so that two endpoints can be diffed.
//
// A pattern is JSON in which some strings are placeholders:
//   "${*}"               any value, but present
//   "${string}" "${number}" "${integer}" "${boolean}" "${object}" "${array}"
//   "${timestamp}"       epoch seconds as a JSON number (2001..2100)
//   "${uuid}"            an RFC 4122 textual UUID
//   "${tableArn:NAME}"   arn:aws:dynamodb:<signing region>:<12 digits>:table/NAME
//   "${re:REGEX}"        a string matching REGEX (anchor it yourself)
//   "${oneOf:A|B|C}"     one of the listed strings
// Objects match key by key and reject extra keys, except that a key written
// "?Name" is optional and the key "$extra": true allows unlisted keys.
// {"$unordered": [...]} matches an array in any order; arrays under the keys
// SS, NS and BS (DynamoDB sets, whose order DynamoDB leaves undefined) are
// always compared in any order.

const SET_KEYS = new Set(['SS', 'NS', 'BS']);
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isPlaceholder(p) {
  return typeof p === 'string' && p.startsWith('${') && p.endsWith('}');
}

function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

// Does `actual` satisfy placeholder `p`? Returns true/false.
function placeholderOk(p, actual, ctx) {
  const body = p.slice(2, -1);
  const colon = body.indexOf(':');
  const name = colon < 0 ? body : body.slice(0, colon);
  const arg = colon < 0 ? '' : body.slice(colon + 1);
  switch (name) {
    case '*': return actual !== undefined;
    case 'string': return typeof actual === 'string';
    case 'number': return typeof actual === 'number';
    case 'integer': return Number.isInteger(actual);
    case 'boolean': return typeof actual === 'boolean';
    case 'object': return !!actual && typeof actual === 'object' && !Array.isArray(actual);
    case 'array': return Array.isArray(actual);
    case 'timestamp': return typeof actual === 'number' && actual > 978307200 && actual < 4102444800;
    case 'uuid': return typeof actual === 'string' && UUID_RE.test(actual);
    case 'tableArn': {
      const region = (ctx && ctx.region) ? escapeRe(ctx.region) : '[a-z0-9-]+';
      return typeof actual === 'string'
        && new RegExp(`^arn:aws:dynamodb:${region}:\\d{12}:table/${escapeRe(arg)}$`).test(actual);
    }
    case 're': return typeof actual === 'string' && new RegExp(arg, 's').test(actual);
    case 'oneOf': return typeof actual === 'string' && arg.split('|').includes(actual);
    default: throw new Error(`unknown placeholder ${p}`);
  }
}

function typeName(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function show(v) {
  if (v === undefined) return '(absent)';
  const s = JSON.stringify(v);
  return s.length > 300 ? `${s.slice(0, 300)}... (${s.length} chars)` : s;
}

// Match `actual` against `pattern`; push findings {path, expected, actual}.
function match(pattern, actual, path, ctx, findings, parentKey) {
  if (isPlaceholder(pattern)) {
    if (!placeholderOk(pattern, actual, ctx)) findings.push({ path, expected: pattern, actual: show(actual) });
    return;
  }
  if (pattern && typeof pattern === 'object' && !Array.isArray(pattern) && '$unordered' in pattern) {
    matchUnordered(pattern.$unordered, actual, path, ctx, findings);
    return;
  }
  if (Array.isArray(pattern)) {
    if (!Array.isArray(actual)) {
      findings.push({ path, expected: show(pattern), actual: show(actual) });
      return;
    }
    if (SET_KEYS.has(parentKey)) { matchUnordered(pattern, actual, path, ctx, findings); return; }
    if (pattern.length !== actual.length) {
      findings.push({ path, expected: `array of ${pattern.length}: ${show(pattern)}`, actual: `array of ${actual.length}: ${show(actual)}` });
      return;
    }
    pattern.forEach((p, i) => match(p, actual[i], `${path}[${i}]`, ctx, findings, undefined));
    return;
  }
  if (pattern && typeof pattern === 'object') {
    if (typeName(actual) !== 'object') {
      findings.push({ path, expected: show(pattern), actual: show(actual) });
      return;
    }
    const allowExtra = pattern.$extra === true;
    const seen = new Set();
    for (const rawKey of Object.keys(pattern)) {
      if (rawKey === '$extra') continue;
      const optional = rawKey.startsWith('?');
      const key = optional ? rawKey.slice(1) : rawKey;
      seen.add(key);
      const sub = path ? `${path}.${key}` : key;
      if (!(key in actual)) {
        if (!optional) findings.push({ path: sub, expected: show(pattern[rawKey]), actual: '(absent)' });
        continue;
      }
      match(pattern[rawKey], actual[key], sub, ctx, findings, key);
    }
    if (!allowExtra) {
      for (const key of Object.keys(actual)) {
        if (!seen.has(key)) findings.push({ path: path ? `${path}.${key}` : key, expected: '(absent)', actual: show(actual[key]) });
      }
    }
    return;
  }
  if (pattern !== actual) findings.push({ path, expected: show(pattern), actual: show(actual) });
}

function matchUnordered(pattern, actual, path, ctx, findings) {
  if (!Array.isArray(actual) || actual.length !== pattern.length) {
    findings.push({ path, expected: `any order of ${show(pattern)}`, actual: show(actual) });
    return;
  }
  const used = new Array(actual.length).fill(false);
  for (const p of pattern) {
    let hit = -1;
    for (let i = 0; i < actual.length && hit < 0; i++) {
      if (used[i]) continue;
      const f = [];
      match(p, actual[i], path, ctx, f);
      if (!f.length) hit = i;
    }
    if (hit < 0) {
      findings.push({ path, expected: `any order of ${show(pattern)}`, actual: show(actual) });
      return;
    }
    used[hit] = true;
  }
}

// Return a copy of `actual` in which values covered by placeholders of
// `pattern` are replaced by the placeholder text and unordered arrays are
// sorted, so that two endpoints' bodies can be compared for equality.
function normalize(pattern, actual, ctx, parentKey) {
  if (isPlaceholder(pattern)) return placeholderOk(pattern, actual, ctx) ? pattern : actual;
  if (Array.isArray(actual)) {
    const unordered = SET_KEYS.has(parentKey)
      || (pattern && typeof pattern === 'object' && !Array.isArray(pattern) && '$unordered' in pattern);
    if (unordered) return actual.slice().sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    return actual.map((v, i) => normalize(Array.isArray(pattern) ? pattern[i] : undefined, v, ctx));
  }
  if (actual && typeof actual === 'object') {
    const out = {};
    for (const key of Object.keys(actual)) {
      let sub;
      if (pattern && typeof pattern === 'object' && !Array.isArray(pattern)) {
        sub = key in pattern ? pattern[key] : pattern[`?${key}`];
      }
      out[key] = normalize(sub, actual[key], ctx, key);
    }
    return out;
  }
  return actual;
}

// Differences between two normalised values: [{path, a, b}].
function diff(a, b, path, out) {
  if (JSON.stringify(a) === JSON.stringify(b)) return out;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    if (Array.isArray(a)) {
      if (a.length !== b.length) { out.push({ path, a: show(a), b: show(b) }); return out; }
      a.forEach((v, i) => diff(v, b[i], `${path}[${i}]`, out));
      return out;
    }
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) diff(a[k], b[k], path ? `${path}.${k}` : k, out);
    return out;
  }
  out.push({ path, a: show(a), b: show(b) });
  return out;
}

module.exports = { match, normalize, diff, show, isPlaceholder, placeholderOk };
