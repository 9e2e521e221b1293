// Shared test helpers (not a test file: node --test runs only *.test.js here).

// A 2-D context stand-in that records every method call as [name, ...args] and lets
// properties be set freely.
export function recordingContext() {
  const calls = [];
  const target = { calls };
  return new Proxy(target, {
    get(obj, key) {
      if (key in obj) return obj[key];
      return (...args) => { calls.push([key, ...args]); };
    },
    set(obj, key, value) { obj[key] = value; return true; },
  });
}

// A jsdom window whose document and Node become globals (lib/dom.js's h() uses them).
export async function installDom() {
  const { JSDOM } = await import("jsdom");
  const { window } = new JSDOM("<!doctype html><body></body>");
  globalThis.document = window.document;
  globalThis.Node = window.Node;
  return window;
}
