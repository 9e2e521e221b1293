// Word-level diff of two texts (for comparing a tag's text between two steps or runs).
//   diffWords(a, b) -> [{ op: "=" | "-" | "+", text }]  (joined "=" and "-" give a, "=" and "+" b)
// A longest-common-subsequence table over whitespace-separated tokens (whitespace kept with
// the token before it); texts beyond MAX_TOKENS tokens each are diffed line by line instead,
// and beyond that shown as one removal and one addition, so the table stays under ~8 MB.
const MAX_TOKENS = 2000;

export function tokens(text) {
  return text.match(/\s+|[^\s]+\s*/g) || [];
}

function lcsDiff(a, b) {
  const n = a.length, m = b.length;
  const width = m + 1;
  const table = new Uint16Array((n + 1) * width); // table[i][j] = LCS length of a[i:], b[j:]
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * width + j] = a[i] === b[j] ? table[(i + 1) * width + j + 1] + 1
        : Math.max(table[(i + 1) * width + j], table[i * width + j + 1]);
    }
  }
  const out = [];
  const push = (op, text) => {
    const last = out[out.length - 1];
    if (last && last.op === op) last.text += text; else out.push({ op, text });
  };
  let i = 0, j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { push("=", a[i]); i++; j++; } else if (table[(i + 1) * width + j] >= table[i * width + j + 1]) push("-", a[i++]);
    else push("+", b[j++]);
  }
  while (i < n) push("-", a[i++]);
  while (j < m) push("+", b[j++]);
  return out;
}

export function diffWords(a, b) {
  const ta = tokens(a), tb = tokens(b);
  if (ta.length <= MAX_TOKENS && tb.length <= MAX_TOKENS) return lcsDiff(ta, tb);
  const la = a.split(/(?<=\n)/), lb = b.split(/(?<=\n)/);
  if (la.length <= MAX_TOKENS && lb.length <= MAX_TOKENS) return lcsDiff(la, lb);
  return [{ op: "-", text: a }, { op: "+", text: b }].filter((part) => part.text);
}
