"use strict";
// The corpus report: reads the JSON block #data and draws the matrix, the
// timeline, the cell list and a cell's evidence. Text from the data goes into
// the page through textContent and attribute values only, never as markup.
(function () {
  const D = JSON.parse(document.getElementById("data").textContent);
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";
  const MAX_ROWS = 20, MAX_COLS = 20, PAGE = 100;

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function sv(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  const actor = (c) => D.actors[c.a][0];
  const code = (c) => D.actors[c.a][1];
  const event = (c) => D.events[c.e];
  function top(c) {
    let best = 0;
    c.n.forEach((n, i) => { if (n > c.n[best]) best = i; });
    return best;
  }
  function countsText(n) {
    return n.map((k, i) => k > 0 ? D.stances[i] + " " + k : "").filter(Boolean).join(" · ");
  }
  function stanceBar(n) {
    const total = n.reduce((a, b) => a + b, 0) || 1;
    const bar = el("span", { class: "bar", title: countsText(n) });
    n.forEach((k, i) => {
      if (k > 0) bar.appendChild(el("span", { style: "width:" + (100 * k / total) + "%;background:" + D.colours[i] }));
    });
    return bar;
  }

  let selected = null, shown = PAGE;

  function filters() {
    return {
      actor: $("f-actor").value.trim().toLowerCase(),
      event: $("f-event").value.trim().toLowerCase(),
      conf: parseFloat($("f-conf").value) || 0,
      articles: parseInt($("f-articles").value, 10) || 1,
    };
  }
  function matches(c, f) {
    return (!f.actor || actor(c).toLowerCase().includes(f.actor)) &&
      (!f.event || event(c).toLowerCase().includes(f.event)) &&
      c.c + 1e-9 >= f.conf && c.d >= f.articles;
  }

  function showEvidence(c) {
    selected = c;
    const box = $("evidence");
    box.replaceChildren();
    box.appendChild(el("h3", {}, actor(c) + " → " + event(c)));
    if (code(c)) box.appendChild(el("p", { class: "meta" }, code(c)));
    box.appendChild(stanceBar(c.n));
    box.appendChild(el("p", {}, countsText(c.n) + "; " + c.d + (c.d === 1 ? " article" : " articles") +
      ", mean confidence " + c.c.toFixed(3)));
    const list = el("ol");
    for (const [doc, score, sentence] of c.v) {
      const li = el("li");
      li.appendChild(el("blockquote", {}, sentence));
      const meta = el("div", { class: "meta" }, "score " + score.toFixed(3) + " · ");
      const id = D.articles[doc];
      if (/^https?:\/\//i.test(id)) {
        meta.appendChild(el("a", { href: id, rel: "noreferrer noopener", target: "_blank" }, id));
      } else {
        meta.appendChild(el("span", {}, id));
      }
      li.appendChild(meta);
      list.appendChild(li);
    }
    box.appendChild(list);
    if (c.x > c.v.length) box.appendChild(el("p", { class: "note" }, (c.x - c.v.length) + " more evidence sentences are not kept in this report."));
    document.querySelectorAll(".sel").forEach((e) => e.classList.remove("sel"));
    document.querySelectorAll('[data-i="' + c.i + '"]').forEach((e) => e.classList.add("sel"));
  }

  function renderMatrix(F) {
    const box = $("matrix");
    box.replaceChildren();
    if (!F.length) { box.appendChild(el("p", { class: "note" }, "No cell matches the filters.")); return; }
    const rows = [], cols = [], at = new Map();
    // Cells in order of how much they say, each taken when its row and column are shown or fit.
    for (const c of F) {
      const newRow = !rows.includes(c.a), newCol = !cols.includes(c.e);
      if ((newRow && rows.length >= MAX_ROWS) || (newCol && cols.length >= MAX_COLS)) continue;
      if (newRow) rows.push(c.a);
      if (newCol) cols.push(c.e);
      at.set(c.a + "," + c.e, c);
    }
    const table = el("table", { class: "matrix" });
    const head = el("tr");
    head.appendChild(el("th"));
    for (const e of cols) { const th = el("th", { class: "ev", title: D.events[e] }); th.appendChild(el("div", {}, D.events[e])); head.appendChild(th); }
    table.appendChild(el("thead")).appendChild(head);
    const body = el("tbody");
    for (const a of rows) {
      const tr = el("tr");
      const th = el("th", { class: "actor", title: D.actors[a][0] }, D.actors[a][0]);
      if (D.actors[a][1]) th.appendChild(el("small", {}, D.actors[a][1]));
      tr.appendChild(th);
      for (const e of cols) {
        const c = at.get(a + "," + e);
        if (!c) { tr.appendChild(el("td", { class: "empty" })); continue; }
        const td = el("td", {
          class: "cell", "data-i": c.i, "data-actor": actor(c), "data-event": event(c), "data-articles": c.d,
          "data-stance": D.stances[top(c)],
          title: actor(c) + " → " + event(c) + ": " + countsText(c.n) + "; confidence " + c.c.toFixed(2),
          style: "background:" + D.colours[top(c)] + ";opacity:" + (0.45 + 0.55 * c.c).toFixed(2),
        }, String(c.d));
        td.addEventListener("click", () => showEvidence(c));
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
    table.appendChild(body);
    box.appendChild(table);
    const legend = el("p", { class: "legend" });
    D.stances.forEach((s, i) => {
      const item = el("span", {}, s);
      item.prepend(el("i", { style: "background:" + D.colours[i] }));
      legend.appendChild(item);
    });
    legend.appendChild(el("span", {}, "paler: less confident"));
    box.appendChild(legend);
  }

  function renderTimeline(F) {
    const box = $("timeline");
    if (!box) return;
    box.replaceChildren();
    const M = D.months.length, S = D.stances.length;
    const sums = D.months.map(() => new Array(S).fill(0));
    for (const c of F) for (const [m, n] of c.t || []) n.forEach((k, i) => { sums[m][i] += k; });
    const totals = sums.map((n) => n.reduce((a, b) => a + b, 0));
    const max = Math.max(1, ...totals);
    const W = 900, H = 220, L = 40, R = 10, T = 10, B = 50;
    const bw = (W - L - R) / M;
    const svg = sv("svg", { width: W, height: H, viewBox: "0 0 " + W + " " + H, class: "chart", role: "img" });
    svg.appendChild(sv("title", {}, "Rows per month and stance"));
    const y = (v) => T + (H - T - B) * (1 - v / max);
    const axis = sv("g", { class: "axis" });
    axis.appendChild(sv("line", { x1: L, y1: T, x2: L, y2: H - B }));
    axis.appendChild(sv("line", { x1: L, y1: H - B, x2: W - R, y2: H - B }));
    for (const v of [0, Math.round(max / 2), max]) {
      axis.appendChild(sv("line", { x1: L - 4, y1: y(v), x2: L, y2: y(v) }));
      axis.appendChild(sv("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end" }, String(v)));
    }
    svg.appendChild(axis);
    const every = Math.max(1, Math.ceil(M / 24));
    sums.forEach((n, m) => {
      let base = 0;
      const x = L + m * bw;
      n.forEach((k, i) => {
        if (!k) return;
        const r = sv("rect", { x: (x + 1).toFixed(1), y: y(base + k).toFixed(1), width: Math.max(1, bw - 2).toFixed(1),
          height: (y(base) - y(base + k)).toFixed(1), fill: D.colours[i], class: "month", "data-month": D.months[m] });
        r.appendChild(sv("title", {}, D.months[m] + ": " + D.stances[i] + " " + k));
        svg.appendChild(r);
        base += k;
      });
      if (m % every === 0) {
        const tx = x + bw / 2, ty = H - B + 12;
        svg.appendChild(sv("text", { x: tx.toFixed(1), y: ty, "text-anchor": "end", transform: "rotate(-45 " + tx.toFixed(1) + " " + ty + ")" }, D.months[m]));
      }
    });
    box.appendChild(svg);
  }

  function renderList(F) {
    const box = $("cells");
    box.replaceChildren();
    const table = el("table", { class: "cells" });
    const head = el("tr");
    for (const [h, cls] of [["Actor", ""], ["Event", ""], ["Stances", ""], ["Articles", "num"], ["Rows", "num"], ["Confidence", "num"], ["Evidence", "num"]]) head.appendChild(el("th", { class: cls }, h));
    table.appendChild(el("thead")).appendChild(head);
    const body = el("tbody");
    for (const c of F.slice(0, shown)) {
      const tr = el("tr", { "data-i": c.i });
      tr.appendChild(el("td", {}, actor(c)));
      tr.appendChild(el("td", {}, event(c)));
      const bar = el("td");
      bar.appendChild(stanceBar(c.n));
      bar.appendChild(document.createTextNode(" " + countsText(c.n)));
      tr.appendChild(bar);
      tr.appendChild(el("td", { class: "num" }, String(c.d)));
      tr.appendChild(el("td", { class: "num" }, String(c.r)));
      tr.appendChild(el("td", { class: "num" }, c.c.toFixed(3)));
      tr.appendChild(el("td", { class: "num" }, String(c.x)));
      tr.addEventListener("click", () => showEvidence(c));
      body.appendChild(tr);
    }
    table.appendChild(body);
    box.appendChild(table);
    if (F.length > shown) {
      const more = el("button", { type: "button" }, "Show " + Math.min(PAGE, F.length - shown) + " more of " + (F.length - shown));
      more.addEventListener("click", () => { shown += PAGE; renderList(F); });
      box.appendChild(more);
    }
  }

  function render() {
    const f = filters();
    $("f-conf-value").textContent = f.conf.toFixed(2);
    const F = cells.filter((c) => matches(c, f));
    $("f-count").textContent = F.length + " of " + cells.length + " cells";
    shown = PAGE;
    renderMatrix(F);
    renderTimeline(F);
    renderList(F);
    if (F.length && (!selected || !F.includes(selected))) showEvidence(F[0]);
    else if (selected && F.includes(selected)) showEvidence(selected);
  }

  const cells = D.cells.map((c, i) => Object.assign({ i: i }, c));
  for (const [id, names] of [["actors", D.actors.map((a) => a[0])], ["events", D.events]]) {
    const list = $(id);
    for (const n of names.slice(0, 5000)) list.appendChild(el("option", { value: n }));
  }
  for (const id of ["f-actor", "f-event", "f-conf", "f-articles"]) $(id).addEventListener("input", render);
  render();
})();
