#!/usr/bin/env python3
"""Checks the HTML reports in a real browser (headless Chromium): the corpus report of the 289 Wikinews
articles (stance-tag --format html) and a training report (stance-train --report).

- The DOM after the page's script ran (--dump-dom) shows what the data implies: every matrix cell's
  articles and commonest stance as aggregated here from the same run's JSON Lines, the timeline's rows
  per month and stance, and, for the training report, the confusion matrix, per-label scores and
  selection grid of its --metrics-json.
- A screenshot (--screenshot) has the window's size and is not blank.
- The pages load nothing: no external resources, and a content security policy that forbids them.
- Writing the report costs under 10% of the tagging run: --format html against --format jsonl on the
  same articles (4 copies, 1,156 articles), the fastest of 9 runs each, alternating; judged on CPU time
  (user + system), with wall time printed beside it.

Usage: report_check.py DATASETS OUTDIR TRAIN_REPORT TRAIN_METRICS -- STANCE_TAG
"""
import collections, csv, html.parser, json, os, re, struct, subprocess, sys, tempfile, time, zlib

cut = sys.argv.index("--")
datasets, outdir, train_report, train_metrics = sys.argv[1:cut]
outdir = os.path.abspath(outdir)
tag = sys.argv[cut + 1:]
articles = os.path.join(datasets, "wikinews", "articles.csv")
failures = []


def check(ok, what):
    print(f"  {'ok' if ok else 'FAILED'}: {what}")
    if not ok:
        failures.append(what)


def chromium(*args):
    profile = tempfile.mkdtemp(prefix="chromium-")
    command = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Dom(html.parser.HTMLParser):
    """Elements in document order with their attributes, text (their children's included) and the elements
    they are in."""

    def __init__(self, text):
        super().__init__()
        self.elements, self.open = [], []
        self.feed(text)

    def handle_starttag(self, name, attrs):
        e = {"tag": name, "attrs": dict(attrs), "text": "", "inside": list(self.open)}
        self.elements.append(e)
        if name not in VOID:
            self.open.append(e)

    def handle_startendtag(self, name, attrs):
        self.elements.append({"tag": name, "attrs": dict(attrs), "text": "", "inside": []})

    def handle_endtag(self, name):
        while self.open:
            if self.open.pop()["tag"] == name:
                break

    def handle_data(self, data):
        for e in self.open:
            e["text"] += data

    def find(self, tag, cls=None, within=None):
        return [e for e in self.elements if e["tag"] == tag
                and (cls is None or cls in e["attrs"].get("class", "").split())
                and (within is None or any(o is within for o in e["inside"]))]


def png_pixels(path):
    """Width, height and RGB(A) rows of an 8-bit, non-interlaced PNG (what Chromium writes)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, colour, _, _, interlace = header
    assert depth == 8 and interlace == 0 and colour in (2, 6), header
    bpp = 3 if colour == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def screenshot(page, png, size):
    chromium(f"--window-size={size[0]},{size[1]}", "--hide-scrollbars", f"--screenshot={png}", f"file://{page}")
    w, h, bpp, rows = png_pixels(png)
    pixels = [row[i:i + 3] for row in rows[::4] for i in range(0, len(row), bpp * 4)]
    inked = sum(1 for p in pixels if min(p) < 235) / len(pixels)
    colours = len(set(pixels))
    check((w, h) == size, f"{os.path.basename(png)}: {w}x{h} (expected {size[0]}x{size[1]})")
    check(inked > 0.03 and colours >= 20, f"{os.path.basename(png)} is not blank: {inked:.1%} inked, {colours} colours")


def self_contained(page):
    text = open(page, encoding="utf-8").read()
    external = re.findall(r"<(?:link|img|iframe|object|embed)\b|\s(?:src|href)=[\"']?(?:https?:)?//", text)
    check(not external, f"{os.path.basename(page)} loads nothing ({len(text):,} bytes; external references: {external[:3]})")
    check("default-src 'none'" in text, f"{os.path.basename(page)} has a content security policy forbidding loads")


# --- the corpus report of the 289 Wikinews articles -------------------------------------------------------
print("corpus report: the 289 Wikinews articles (stance-tag --format html --id-col url --date-col date)")
args = ["-q", "--id-col", "url", "--date-col", "date"]
page = os.path.join(outdir, "wikinews-report.html")
subprocess.run(tag + args + ["--format", "html", "-o", page, articles], check=True)
rows = [json.loads(l) for l in subprocess.run(tag + args + ["--format", "jsonl", articles], capture_output=True,
                                               text=True, check=True).stdout.splitlines()]
self_contained(page)
order = ["supportive", "skeptical", "mixed"]
cells = collections.defaultdict(lambda: {"articles": set(), "stances": collections.Counter(), "conf": []})
months = collections.defaultdict(collections.Counter)
for r in rows:
    c = cells[(r["actor"], r["event"])]
    c["articles"].add(r["article"])
    c["stances"][r["stance"]] += 1
    c["conf"].append(r["confidence"])
    months[r["date"][:7]][r["stance"]] += 1
dom = Dom(chromium("--dump-dom", f"file://{page}"))
shown = dom.find("td", "cell")
check(len(shown) >= 20, f"the matrix shows {len(shown)} cells")
wrong = []
for td in shown:
    a = td["attrs"]
    c = cells.get((a["data-actor"], a["data-event"]))
    top = max(order, key=lambda s: (c["stances"][s], -order.index(s))) if c else None
    if not c or int(a["data-articles"]) != len(c["articles"]) or td["text"] != str(len(c["articles"])) \
            or a["data-stance"] != top:
        wrong.append((a["data-actor"], a["data-event"], a["data-articles"], a["data-stance"]))
check(not wrong, f"every matrix cell's articles and commonest stance match the JSON rows (wrong: {wrong[:3]})")


def says(key):
    (actor, event), c = key
    return (-len(c["articles"]), -sum(c["stances"].values()))


first = min(cells.items(), key=says)
check(shown and (shown[0]["attrs"]["data-actor"], shown[0]["attrs"]["data-event"]) == first[0],
      f"the matrix starts with the cell that says the most: {first[0]} ({len(first[1]['articles'])} articles)")
listed = [tr for tr in dom.find("tr") if "data-i" in tr["attrs"]]
check(len(listed) == min(100, len(cells)), f"the cell list shows {len(listed)} of {len(cells)} cells")
summary = next((e["text"] for e in dom.elements if e["attrs"].get("id") == "summary"), "")
check("289 articles" in " ".join(summary.split()), f"the summary counts the articles: {' '.join(summary.split())!r}")
drawn = collections.defaultdict(collections.Counter)
for rect in dom.find("rect", "month"):
    title = rect["text"].strip()  # "2019-03: supportive 4"
    month, rest = title.split(": ")
    stance, n = rest.rsplit(" ", 1)
    drawn[month][stance] += int(n)
check(drawn == months, f"the timeline draws the rows of {len(months)} months per stance")
evidence = next((e for e in dom.elements if e["attrs"].get("id") == "evidence"), {"text": ""})
check(first[0][0] in evidence["text"] and "score" in evidence["text"], "the evidence panel shows the first cell's sentences")
screenshot(page, os.path.join(outdir, "wikinews-report.png"), (1280, 1600))

# --- the training report ---------------------------------------------------------------------------------
print(f"training report: {train_report}")
self_contained(train_report)
metrics = json.load(open(train_metrics))
dom = Dom(chromium("--dump-dom", f"file://{os.path.abspath(train_report)}"))
for split in ("dev", "test"):
    if not metrics.get(split):
        continue
    m = metrics[split]
    labels, matrix = m["confusion"]["labels"], m["confusion"]["matrix"]
    svg = [e for e in dom.find("svg", "confusion") if e["attrs"].get("data-split") == split]
    got = {(g["attrs"]["data-true"], g["attrs"]["data-pred"]): int(g["attrs"]["data-count"])
           for g in (dom.find("g", "cm", within=svg[0]) if svg else [])}
    expect = {(t, p): matrix[i][j] for i, t in enumerate(labels) for j, p in enumerate(labels)}
    check(got == expect, f"{split}: the confusion matrix shows the metrics' {len(labels)}x{len(labels)} counts")
    prf = [e for e in dom.find("svg", "prf") if e["attrs"].get("data-split") == split]
    bars = [e["attrs"] for e in dom.find("rect", "prf-bar", within=prf[0])] if prf else []
    key = {"precision": "precision", "recall": "recall", "F1": "f1"}
    per = m["per_label"]
    ok = all(abs(float(b["data-value"]) - per[b["data-label"]][key[b["data-metric"]]]) < 1e-4
             for b in bars if b["data-label"] in per)
    check(ok and len(bars) >= 3 * len(labels), f"{split}: precision, recall and F1 bars match per label")
    rel = [e for e in dom.find("svg", "reliability") if e["attrs"].get("data-split") == split]
    ece = float(rel[0]["attrs"]["data-ece"]) if rel else -1
    check(0 <= ece <= 1, f"{split}: a reliability diagram with ECE {ece:.4f}")
rows_in_grid = len(dom.find("tr", within=dom.find("table", "grid")[0])) - 1  # less the header row
candidates = len(metrics["selection"]["candidates"])
check(rows_in_grid == candidates, f"the selection grid lists the {candidates} candidates ({rows_in_grid} rows)")
features = dom.find("table", "features")
check({t["attrs"]["data-label"] for t in features} == set(metrics["train"]["labels"]),
      f"top features for each of {metrics['train']['labels']}")
screenshot(os.path.abspath(train_report), os.path.join(outdir, "training-report.png"), (1280, 1600))

# --- what the report costs ------------------------------------------------------------------------------
print("time: --format html against --format jsonl on 1,156 articles (fastest of 9 alternating runs each)")
big = os.path.join(outdir, "wikinews-x4.csv")
with open(articles, newline="", encoding="utf-8") as f:
    records = list(csv.DictReader(f))
with open(big, "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=list(records[0]))
    w.writeheader()
    for k in range(4):
        for r in records:
            w.writerow({**r, "url": f"{r['url']}#{k}"})
wall = {"jsonl": float("inf"), "html": float("inf")}
cpu = dict(wall)
for i in range(9):
    for fmt in (["jsonl", "html"] if i % 2 == 0 else ["html", "jsonl"]):
        before, start = os.times(), time.perf_counter()
        subprocess.run(tag + args + ["--format", fmt, "-o", os.path.join(outdir, f"x4.{fmt}"), big], check=True)
        after = os.times()
        wall[fmt] = min(wall[fmt], time.perf_counter() - start)
        cpu[fmt] = min(cpu[fmt], after.children_user + after.children_system - before.children_user - before.children_system)
size = os.path.getsize(os.path.join(outdir, "x4.html"))
print(f"  wall: jsonl {wall['jsonl']:.3f} s, html {wall['html']:.3f} s ({wall['html'] / wall['jsonl'] - 1:+.1%})")
print(f"  CPU:  jsonl {cpu['jsonl']:.3f} s, html {cpu['html']:.3f} s ({cpu['html'] / cpu['jsonl'] - 1:+.1%}); "
      f"report {size:,} bytes")
# CPU time is what the report costs; wall time on a shared machine also measures the neighbours.
check(cpu["html"] / cpu["jsonl"] - 1 < 0.10, "the HTML report adds under 10% to the tagging time (CPU)")

print(f"report check: {'ok' if not failures else f'{len(failures)} FAILED'}")
sys.exit(1 if failures else 0)
