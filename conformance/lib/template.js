'use strict';
// conformance/lib/template.js: turns a case's request or expectation into a
// concrete JSON value for one run.
//
// Two mechanisms, applied in this order:
//  1. Variables: "{{NAME}}" inside any string (keys too) is replaced by the
//     run's value of NAME (table names T, T2, ..., RUN, saved values).
//  2. Generators: an object with exactly one key naming a generator is
//     replaced by what the generator produces. Generators let a case describe
//     big or repetitive values (400 KB items, 255-character names) in a line:
//       {"$repeat": [s, n]}         s repeated n times
//       {"$concat": [a, b, ...]}    strings joined
//       {"$pad": [s, len, c]}       s padded on the right with c to len chars
//       {"$base64": s}              base64 of the UTF-8 bytes of s
//       {"$base64bytes": [byte, n]} base64 of n copies of one byte value
//       {"$list": [n, tmpl]}        array of n copies of tmpl, {{i}} = 0..n-1
//       {"$object": [n, key, val]}  object with n entries, {{i}} in key and val
//       {"$nest": [depth, inner, wrap]} wrap applied depth times around inner;
//                                   "$inner" inside wrap marks where it goes
//       {"$literal": x}             x untouched (no generator expansion)
// Generators run after variables, innermost first.

const VAR_RE = /\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}/g;

function substitute(str, vars) {
  return str.replace(VAR_RE, (m, name) => {
    if (!(name in vars)) throw new Error(`unknown variable {{${name}}}`);
    return String(vars[name]);
  });
}

const GENERATORS = {
  $repeat([s, n]) { return String(s).repeat(n); },
  $concat(parts) { return parts.map(String).join(''); },
  $pad([s, len, c]) {
    s = String(s);
    if (s.length > len) throw new Error(`$pad: "${s}" is longer than ${len}`);
    return s + String(c || 'x').repeat(len - s.length);
  },
  $base64(s) { return Buffer.from(String(s), 'utf8').toString('base64'); },
  $base64bytes([b, n]) { return Buffer.alloc(n, b).toString('base64'); },
};

function expand(value, vars) {
  if (typeof value === 'string') return substitute(value, vars);
  if (Array.isArray(value)) return value.map((v) => expand(v, vars));
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0].startsWith('$')) {
      const k = keys[0];
      if (k === '$literal') return value[k];
      if (k === '$list') {
        const [n, tmpl] = value[k];
        const out = [];
        for (let i = 0; i < n; i++) out.push(expand(tmpl, { ...vars, i }));
        return out;
      }
      if (k === '$object') {
        const [n, key, val] = value[k];
        const out = {};
        for (let i = 0; i < n; i++) out[String(expand(key, { ...vars, i }))] = expand(val, { ...vars, i });
        return out;
      }
      if (k === '$nest') {
        const [depth, inner, wrap] = value[k];
        let cur = expand(inner, vars);
        for (let i = 0; i < depth; i++) cur = replaceInner(expand(wrap, vars), cur);
        return cur;
      }
      if (GENERATORS[k]) return GENERATORS[k](expand(value[k], vars));
      // A pattern marker of lib/match.js, not a generator: keep it, fill in its list.
      if (k === '$unordered') return { $unordered: expand(value[k], vars) };
      if (/^\$[a-z]/.test(k)) throw new Error(`unknown generator ${k}`);
    }
    const out = {};
    for (const key of keys) out[substitute(key, vars)] = expand(value[key], vars);
    return out;
  }
  return value;
}

function replaceInner(tree, inner) {
  if (tree === '$inner') return inner;
  if (Array.isArray(tree)) return tree.map((t) => replaceInner(t, inner));
  if (tree && typeof tree === 'object') {
    const out = {};
    for (const k of Object.keys(tree)) out[k] = replaceInner(tree[k], inner);
    return out;
  }
  return tree;
}

module.exports = { expand, substitute };
