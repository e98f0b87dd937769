#!/usr/bin/env python3
"""Side-by-side benchmark of `stance` against fastText, Vowpal Wabbit and scikit-learn.

Run through `benches/compare/run.sh`, which prepares the virtualenv with the pinned peers.

The orchestrator (this file without --worker) runs every (peer, task) pair in its own
subprocess (this file with --worker), so that each one's peak RSS can be read with
os.wait4, times the `stance` CLI the same way, scores every system's test predictions
with the small functions below (cross-checked against sklearn.metrics) and writes
out/results.md and out/results.json.

Nothing here is a dependency of the crate: the peers live only in benches/compare/.venv.
"""

import argparse
import csv
import datetime
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

import suite

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))  # the project root (benches/compare/ -> ./)

SEED = 0
PREDICT_N = 200_000
PREDICT_BATCH = 10_000
PEERS = ["fasttext", "vw", "logreg", "linearsvc"]
PEER_NAMES = {
    "fasttext": "fastText",
    "vw": "Vowpal Wabbit",
    "logreg": "sklearn LogReg",
    "linearsvc": "sklearn LinearSVC",
    "stance": "stance",
    "stance+char": "stance (+char 2-5)",
}
STANCE_NAMES = ("stance", "stance+char")
TASKS = {
    # task: (folder, label order, headline metric)
    "sentiment": ("tweeteval-sentiment", ["negative", "neutral", "positive"], "macro_recall"),
    "stance": ("tweeteval-stance", ["against", "favor", "none"], "favg"),
}
FAVG_LABELS = ["favor", "against"]

# Fixed hyper-parameters. They were chosen once by looking at val.csv only (never test.csv),
# see README.md; they are not searched at run time so that train time means one fit.
FASTTEXT_PARAMS = dict(lr=0.2, epoch=10, wordNgrams=2, dim=100, minCount=1, loss="softmax",
                       bucket=2_000_000)
VW_ARGS = "--oaa 3 --ngram 2 -b 22 --passes 5 --holdout_off"
LOGREG_C = 1.0
SVC_C = 0.1


# --------------------------------------------------------------------------- data

def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_split(data_dir, task, split):
    folder = TASKS[task][0]
    rows = read_csv(os.path.join(data_dir, folder, split + ".csv"))
    texts = [r["text"] for r in rows]
    labels = [r["label"] for r in rows]
    targets = [r["target"] for r in rows] if task == "stance" else None
    return texts, labels, targets


def target_token(target):
    """'Legalization of Abortion' -> 'tgt_legalization_of_abortion' (one whitespace-free token)."""
    return "tgt_" + re.sub(r"[^0-9a-z]+", "_", target.lower()).strip("_")


def with_targets(texts, targets):
    if targets is None:
        return texts
    return [target_token(t) + " " + x for x, t in zip(texts, targets)]


def stance_targets(data_dir):
    _, _, targets = load_split(data_dir, "stance", "train")
    return sorted(set(targets))


def write_predict_csv(data_dir, path, n):
    """n tweets: tweeteval-sentiment train texts in file order, repeated cyclically.

    A `target` column cycles through the sorted stance targets (row i gets target i % 5) so
    that the same file also serves the stance models; sentiment models only read `text`.
    """
    texts, _, _ = load_split(data_dir, "sentiment", "train")
    targets = stance_targets(data_dir)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["text", "target"])
        for i in range(n):
            w.writerow([texts[i % len(texts)], targets[i % len(targets)]])
    os.replace(tmp, path)


# --------------------------------------------------------------------------- metrics

def metrics(gold, pred, labels):
    """accuracy, per-label P/R/F1, macro recall, macro F1 and F_avg(favor, against)."""
    assert len(gold) == len(pred) and gold
    per = {}
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred) if g == lab and p == lab)
        n_pred = sum(1 for p in pred if p == lab)
        n_gold = sum(1 for g in gold if g == lab)
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_gold if n_gold else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[lab] = {"precision": prec, "recall": rec, "f1": f1, "support": n_gold}
    out = {
        "accuracy": sum(1 for g, p in zip(gold, pred) if g == p) / len(gold),
        "macro_recall": sum(per[l]["recall"] for l in labels) / len(labels),
        "macro_f1": sum(per[l]["f1"] for l in labels) / len(labels),
        "per_label": per,
    }
    if all(l in labels for l in FAVG_LABELS):
        out["favg"] = sum(per[l]["f1"] for l in FAVG_LABELS) / len(FAVG_LABELS)
    return out


def sklearn_crosscheck(gold, pred, labels, mine):
    """Recompute the same numbers with sklearn.metrics; return the largest difference."""
    from sklearn.metrics import accuracy_score, f1_score, recall_score
    ref = {
        "accuracy": accuracy_score(gold, pred),
        "macro_recall": recall_score(gold, pred, labels=labels, average="macro", zero_division=0),
        "macro_f1": f1_score(gold, pred, labels=labels, average="macro", zero_division=0),
    }
    if "favg" in mine:
        ref["favg"] = f1_score(gold, pred, labels=FAVG_LABELS, average="macro", zero_division=0)
    return max(abs(ref[k] - mine[k]) for k in ref)


# --------------------------------------------------------------------------- peers (worker side)

def ft_line(text):
    # fastText splits on whitespace and refuses newlines in predict(); lowercase as asked.
    return " ".join(text.lower().split())


def vw_line(text):
    # VW's text format reserves '|' (namespaces) and ':' (feature values).
    return " ".join(t.replace("|", "/").replace(":", ";") for t in text.lower().split())


class FastTextPeer:
    def __init__(self, tmp):
        self.tmp = tmp
        import fasttext
        self.ft = fasttext
        self.version = _dist_version("fasttext-wheel") or _dist_version("fasttext")

    def fit(self, texts, labels):
        path = os.path.join(self.tmp, "ft-train.txt")
        with open(path, "w", encoding="utf-8") as f:
            for x, y in zip(texts, labels):
                f.write("__label__%s %s\n" % (y, ft_line(x)))
        self.model = self.ft.train_supervised(input=path, thread=1, seed=SEED, verbose=0,
                                              **FASTTEXT_PARAMS)

    def predict(self, texts):
        labels, _ = self.model.predict([ft_line(x) for x in texts], k=1)
        return [l[0][len("__label__"):] for l in labels]


class VWPeer:
    def __init__(self, tmp, label_order):
        self.tmp = tmp
        import vowpalwabbit
        self.vw = vowpalwabbit
        self.version = vowpalwabbit.__version__
        self.labels = label_order
        self.index = {l: i + 1 for i, l in enumerate(label_order)}  # oaa labels are 1..k

    def fit(self, texts, labels):
        data = os.path.join(self.tmp, "vw-train.txt")
        with open(data, "w", encoding="utf-8") as f:
            for x, y in zip(texts, labels):
                f.write("%d |w %s\n" % (self.index[y], vw_line(x)))
        self.model = os.path.join(self.tmp, "vw.model")
        cache = os.path.join(self.tmp, "vw-train.cache")
        ws = self.vw.Workspace("%s --random_seed %d -d %s -k --cache_file %s -f %s --quiet"
                               % (VW_ARGS, SEED, data, cache, self.model))
        ws.finish()  # writes the model

    def predict(self, texts):
        data = os.path.join(self.tmp, "vw-pred.txt")
        preds = os.path.join(self.tmp, "vw-pred.out")
        with open(data, "w", encoding="utf-8") as f:
            for x in texts:
                f.write("|w %s\n" % vw_line(x))
        ws = self.vw.Workspace("-i %s -t -d %s -p %s --quiet" % (self.model, data, preds))
        ws.finish()
        with open(preds) as f:
            out = [self.labels[int(float(line.split()[0])) - 1] for line in f if line.strip()]
        assert len(out) == len(texts), (len(out), len(texts))
        return out


class SklearnPeer:
    """word 1-2 + char_wb 2-5 TF-IDF (sublinear_tf), then LogisticRegression or LinearSVC."""

    def __init__(self, kind):
        import sklearn
        self.version = sklearn.__version__
        self.kind = kind

    def fit(self, texts, labels):
        from sklearn.linear_model import LogisticRegression
        from sklearn.svm import LinearSVC
        feats = suite.tfidf_features()
        X = feats.fit_transform(texts)
        if self.kind == "logreg":
            clf = LogisticRegression(C=LOGREG_C, class_weight="balanced", max_iter=2000,
                                     solver="lbfgs", random_state=SEED)
        else:
            clf = LinearSVC(C=SVC_C, class_weight="balanced", random_state=SEED, max_iter=5000)
        clf.fit(X, labels)
        self.feats, self.clf = feats, clf
        self.n_features = X.shape[1]

    def predict(self, texts):
        return [str(p) for p in self.clf.predict(self.feats.transform(texts))]


def _dist_version(name):
    try:
        from importlib.metadata import version
        return version(name)
    except Exception:
        return None


def worker(args):
    task = args.task
    labels_order = TASKS[task][1]
    tr_x, tr_y, tr_t = load_split(args.data, task, "train")
    te_x, te_y, te_t = load_split(args.data, task, "test")
    tr_x, te_x = with_targets(tr_x, tr_t), with_targets(te_x, te_t)
    rows = read_csv(args.predict_csv)
    big = with_targets([r["text"] for r in rows], [r["target"] for r in rows] if task == "stance" else None)
    del rows

    with tempfile.TemporaryDirectory(prefix="stance-compare-") as tmp:
        if args.worker == "fasttext":
            peer = FastTextPeer(tmp)
        elif args.worker == "vw":
            peer = VWPeer(tmp, labels_order)
        else:
            peer = SklearnPeer(args.worker)

        t0 = time.perf_counter()
        peer.fit(tr_x, tr_y)
        train_s = time.perf_counter() - t0

        test_pred = peer.predict(te_x)

        # Batches of PREDICT_BATCH for the in-memory peers, as a service would call them, so that
        # peak RSS reflects the model rather than one 200k-row feature matrix. VW streams its file.
        step = len(big) if isinstance(peer, VWPeer) else PREDICT_BATCH
        t0 = time.perf_counter()
        big_pred = []
        for i in range(0, len(big), step):
            big_pred.extend(peer.predict(big[i:i + step]))
        predict_s = time.perf_counter() - t0

    res = {
        "peer": args.worker,
        "task": task,
        "version": peer.version,
        "n_train": len(tr_x),
        "train_seconds": train_s,
        "n_predict": len(big),
        "predict_seconds": predict_s,
        "predict_batch": step,
        "predict_label_counts": {l: big_pred.count(l) for l in sorted(set(big_pred))},
        "test_pred": test_pred,
        "threads": _thread_info(),
    }
    if hasattr(peer, "n_features"):
        res["n_features"] = int(peer.n_features)
    with open(args.result, "w") as f:
        json.dump(res, f)


def _thread_info():
    try:
        from threadpoolctl import threadpool_info
        return [{k: d.get(k) for k in ("internal_api", "num_threads", "architecture", "version")}
                for d in threadpool_info()]
    except Exception:
        return []


# --------------------------------------------------------------------------- orchestrator

def child_env():
    env = dict(os.environ)
    for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        env.pop(k, None)
    for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "RAYON_NUM_THREADS"):
        env[k] = "1"
    env["PYTHONHASHSEED"] = str(SEED)
    return env


def run_measured(cmd, stdout=None):
    """Run cmd; return (returncode, wall seconds, peak RSS MB of that process, stderr text)."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=stdout if stdout is not None else subprocess.DEVNULL,
                             stderr=err, env=child_env(), cwd=ROOT)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return p.returncode, wall, ru.ru_maxrss / 1024.0, stderr  # ru_maxrss is KiB on Linux


def run_peer(peer, task, args, predict_csv):
    result = os.path.join(args.out, "work", "%s-%s.json" % (peer, task))
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", peer, "--task", task,
           "--data", args.data, "--predict-csv", predict_csv, "--result", result]
    return suite.worker_result(cmd, result, run_measured, {"peer": peer, "task": task})


# stance-train settings per task: (row name, extra arguments). They are the ones stance-train's own
# selection on val picks (see README.md), fixed here so the timing is one fit, as for the peers. The
# stance task has two rows: words only (the fast model) and words + character 2-5-grams (the accurate one).
STANCE_CONFIGS = {
    "sentiment": [("stance", ["--c", "3", "--class-weight", "balanced"])],
    "stance": [
        ("stance", ["--c", "10", "--class-weight", "uniform"]),
        ("stance+char", ["--char-ngrams", "2-5", "--c", "10", "--class-weight", "balanced"]),
    ],
}


def run_stance(task, name, extra, args, predict_csv):
    """Times one `stance-train` fit on train.csv and `stance-tag` over the 200k CSV; the test
    score is computed here from stance-tag's predictions on test.csv, as for every peer."""
    train_bin = os.path.join(args.bin, "stance-train")
    tag_bin = os.path.join(args.bin, "stance-tag")
    folder = os.path.join(args.data, TASKS[task][0])
    model = os.path.join(args.out, "work", "%s-%s.model" % (name, task))
    cmd = [train_bin, "--train", os.path.join(folder, "train.csv"), "--text-col", "text", "--label-col", "label",
           "--lexicon", "datasets/lexicons/sentiment.tsv", "--no-search-features"] + extra
    if task == "stance":
        cmd += ["--target-col", "target"]
    cmd += ["--output", model, "--threads", "1", "-q"]
    rc, train_wall, train_rss, stderr = run_measured(cmd)
    if rc != 0:
        return {"peer": name, "task": task, "error": "stance-train exit %d: %s" % (rc, stderr.strip()[-2000:]),
                "command": cmd}
    n_train = len(read_csv(os.path.join(folder, "train.csv")))
    res = {"peer": name, "task": task, "version": _stance_version(train_bin),
           "n_train": n_train, "train_seconds": train_wall, "train_peak_mb": train_rss, "train_command": cmd}

    tag = [tag_bin, "--model", model, "--text-col", "text", "--threads", "1", "--format", "jsonl", "-q"]
    if task == "stance":
        tag += ["--target-col", "target"]
    rc, wall, rss, stderr = run_measured(tag + [predict_csv])
    if rc != 0:
        return dict(res, error="stance-tag exit %d: %s" % (rc, stderr.strip()[-1000:]))
    res.update(n_predict=args.predict_n, predict_seconds=wall, predict_peak_mb=rss, predict_command=tag)
    test_csv = os.path.join(folder, "test.csv")
    out_path = os.path.join(args.out, "work", "%s-%s-test.jsonl" % (name, task))
    with open(out_path, "w") as fo:
        rc, _, _, stderr = run_measured(tag + [test_csv], stdout=fo)
    preds = _labels_from_jsonl(out_path) if rc == 0 else None
    os.remove(out_path)
    n_rows = len(read_csv(test_csv))
    if preds is None or len(preds) != n_rows:
        return dict(res, error="stance-tag on test.csv: exit %d, %s labels for %d rows: %s"
                    % (rc, "no" if preds is None else len(preds), n_rows, stderr.strip()[-500:]))
    res["test_pred"] = preds
    res["peak_mb"] = max(train_rss, rss)
    return res


def repeated(n, run):
    """Runs `run` n times: the median of each time, the largest peak memory, the rest from
    the first run. Every run must give the same test predictions (all systems are seeded)."""
    runs = [run() for _ in range(max(1, n))]
    first = runs[0]
    if any("error" in r for r in runs):
        return next(r for r in runs if "error" in r)
    for r in runs[1:]:
        if r.get("test_pred") != first.get("test_pred"):
            return dict(first, error="test predictions differ between repeated runs")
    for key in ("train_seconds", "predict_seconds", "process_seconds"):
        if all(r.get(key) is not None for r in runs):
            first[key] = sorted(r[key] for r in runs)[len(runs) // 2]
    for key in ("peak_mb", "train_peak_mb", "predict_peak_mb"):
        if all(r.get(key) is not None for r in runs):
            first[key] = max(r[key] for r in runs)
    first["runs"] = len(runs)
    return first


def _labels_from_jsonl(path):
    preds = []
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError:
                return None
            for key in ("label", "prediction", "predicted", "pred"):
                if isinstance(obj.get(key), str):
                    preds.append(obj[key])
                    break
            else:
                return None
    return preds


def _stance_version(binary):
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30)
        words = out.stdout.split()
        return words[-1] if words else None  # "stance-train 0.1.0" -> "0.1.0"
    except Exception:
        return None


def machine_info():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        # GNU nproc honours OMP_NUM_THREADS, which this run sets to 1: ask it without.
        "nproc_cmd": subprocess.run(["nproc"], capture_output=True, text=True,
                                    env={k: v for k, v in os.environ.items()
                                         if k not in ("OMP_NUM_THREADS", "OMP_THREAD_LIMIT")}
                                    ).stdout.strip(),
        "cpu": cpu,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "loadavg_start": os.getloadavg(),
        "platform": platform.platform(),
    }


def fmt(x, spec):
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else format(x, spec)


def score_rows(results):
    for r in results:
        if "error" in r:
            continue
        labels = TASKS[r["task"]][1]
        gold = load_split(ARGS.data, r["task"], "test")[1]
        m = metrics(gold, r["test_pred"], labels)
        r["crosscheck_max_abs_diff"] = sklearn_crosscheck(gold, r["test_pred"], labels, m)
        r["metrics"] = m
        del r["test_pred"]
        hl = TASKS[r["task"]][2]
        r["score_name"] = hl
        r["score"] = r["metrics"].get(hl)
        r["train_sent_per_s"] = r["n_train"] / r["train_seconds"] if r.get("train_seconds") else None
        r["predict_sent_per_s"] = (r["n_predict"] / r["predict_seconds"]
                                   if r.get("predict_seconds") else None)


def ratios(results):
    out = []
    for st in results:
        if st["peer"] not in STANCE_NAMES or "error" in st:
            continue
        task = st["task"]
        for r in results:
            if r["task"] != task or r["peer"] in STANCE_NAMES or "error" in r:
                continue
            def div(a, b):
                return a / b if a is not None and b else None
            out.append({
                "task": task, "stance": st["peer"], "peer": r["peer"],
                "train_speed": div(st["train_sent_per_s"], r["train_sent_per_s"]),
                "predict_speed": div(st.get("predict_sent_per_s"), r["predict_sent_per_s"]),
                "memory": div(st["peak_mb"], r["peak_mb"]),
                "score": div(st["score"], r["score"]),
                "score_diff_points": (None if st["score"] is None or r["score"] is None
                                      else 100 * (st["score"] - r["score"])),
            })
    return out


def markdown(results, rat, machine, versions, notes):
    L = []
    L.append("Machine: nproc=%s, CPU: %s, date: %s, python %s; every system on 1 thread; times are the "
             "median of %d runs." % (machine["nproc_cmd"], machine["cpu"], machine["date"], machine["python"],
                                     ARGS.repeat))
    L.append("")
    if not results:
        L.append("")
        L.append("Versions: " + ", ".join("%s %s" % kv for kv in versions.items()))
        for n in notes:
            L.append("")
            L.append(n)
        return "\n".join(L) + "\n"
    L.append("Score: sentiment = macro-recall (3 labels), stance = F_avg = (F1 favor + F1 against)/2 "
             "pooled over all test tweets; both on test.csv, in %%. Predict speed over a "
             "%d-tweet CSV (tweeteval-sentiment train texts repeated)." % ARGS.predict_n)
    L.append("")
    L.append("| peer | task | train s | train sent/s | predict sent/s | peak MB | score |")
    L.append("|---|---|---:|---:|---:|---:|---:|")
    for r in results:
        name = PEER_NAMES.get(r["peer"], r["peer"])
        if "error" in r:
            L.append("| %s | %s | error | | | | |" % (name, r["task"]))
            continue
        L.append("| %s | %s | %s | %s | %s | %s | %s %s |" % (
            name, r["task"], fmt(r["train_seconds"], ".2f"), fmt(r["train_sent_per_s"], ",.0f"),
            fmt(r.get("predict_sent_per_s"), ",.0f"), fmt(r["peak_mb"], ",.0f"),
            r["score_name"], fmt(None if r["score"] is None else 100 * r["score"], ".2f")))
    L.append("")
    L.append("| peer | task | accuracy | macro-F1 | macro-recall | F_avg |")
    L.append("|---|---|---:|---:|---:|---:|")
    for r in results:
        if "error" in r:
            continue
        m = r["metrics"]
        pct = lambda k: fmt(None if m.get(k) is None else 100 * m[k], ".2f")
        L.append("| %s | %s | %s | %s | %s | %s |" % (PEER_NAMES.get(r["peer"], r["peer"]), r["task"],
                 pct("accuracy"), pct("macro_f1"), pct("macro_recall"),
                 pct("favg") if r["task"] == "stance" else "—"))
    if rat:
        L.append("")
        L.append("Ratios, stance ÷ peer (speed > 1: stance faster; memory < 1: stance smaller; "
                 "score > 1: stance better; Δ score in points):")
        L.append("")
        L.append("| stance | vs peer | task | train speed | predict speed | memory | score | Δ score |")
        L.append("|---|---|---|---:|---:|---:|---:|---:|")
        for q in rat:
            x = lambda v, spec: "—" if v is None else format(v, spec) + "×"
            L.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                PEER_NAMES[q["stance"]], PEER_NAMES[q["peer"]], q["task"], x(q["train_speed"], ".2f"),
                x(q["predict_speed"], ".2f"), x(q["memory"], ".2f"), x(q["score"], ".3f"),
                fmt(q["score_diff_points"], "+.2f")))
    L.append("")
    L.append("Versions: " + ", ".join("%s %s" % kv for kv in versions.items()))
    for n in notes:
        L.append("")
        L.append(n)
    errors = [r for r in results if "error" in r]
    for r in errors:
        L.append("")
        L.append("Error (%s, %s): %s" % (r["peer"], r["task"], r["error"]))
    return "\n".join(L) + "\n"


def main():
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "datasets"),
                    help="folder holding tweeteval-sentiment/ and tweeteval-stance/ "
                         "(default: ../shared/datasets from the project root)")
    ap.add_argument("--out", default=os.path.join(HERE, "out"), help="results folder (gitignored)")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release"),
                    help="folder with stance-train and stance-tag")
    ap.add_argument("--peers", default=",".join(PEERS), help="comma list of " + ",".join(PEERS))
    ap.add_argument("--tasks", default=",".join(TASKS),
                    help="fixed-setting tweeteval rows (as before): comma list of %s, or none"
                         % ",".join(TASKS))
    ap.add_argument("--datasets", default=",".join(suite.DATASETS),
                    help="defaults-vs-tuned-peers rows: comma list of %s, or none"
                         % ",".join(suite.DATASETS))
    ap.add_argument("--predict-n", type=int, default=PREDICT_N, help="size of the prediction-speed set")
    ap.add_argument("--no-stance", action="store_true", help="skip the stance CLI even if built")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs per system; times are the median, peak memory the largest (default 3)")
    # worker mode (internal)
    ap.add_argument("--worker", choices=PEERS, help=argparse.SUPPRESS)
    ap.add_argument("--task", choices=list(TASKS), help=argparse.SUPPRESS)
    ap.add_argument("--predict-csv", help=argparse.SUPPRESS)
    ap.add_argument("--suite-worker", choices=suite.SUITE_PEERS, help=argparse.SUPPRESS)
    ap.add_argument("--dataset", choices=list(suite.DATASETS), help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    ARGS = args = ap.parse_args()
    args.data = os.path.abspath(args.data)
    if args.worker:
        return worker(args)
    if args.suite_worker:
        return suite.tune_worker(args.suite_worker, args.dataset, args.data, args.result, metrics)

    peers = [p for p in args.peers.split(",") if p]
    tasks = [t for t in args.tasks.split(",") if t and t != "none"]
    datasets = [d for d in args.datasets.split(",") if d and d != "none"]
    for d in datasets:
        if d not in suite.DATASETS:
            ap.error("unknown dataset %r" % d)
    for p in peers:
        if p not in PEERS:
            ap.error("unknown peer %r" % p)
    for t in tasks:
        if t not in TASKS:
            ap.error("unknown task %r" % t)
    for t in tasks:
        d = os.path.join(args.data, TASKS[t][0])
        if not os.path.isfile(os.path.join(d, "train.csv")):
            sys.exit("no %s/train.csv under %s (use --data)" % (TASKS[t][0], args.data))

    args.out = os.path.abspath(args.out)
    os.makedirs(os.path.join(args.out, "work"), exist_ok=True)
    predict_csv = os.path.join(args.out, "predict-%d.csv" % args.predict_n)
    if tasks:
        write_predict_csv(args.data, predict_csv, args.predict_n)

    machine = machine_info()
    print("machine: nproc=%s, %s, %s" % (machine["nproc_cmd"], machine["cpu"], machine["date"]), flush=True)
    notes = []
    results = []
    stance_built = (not args.no_stance and os.access(os.path.join(args.bin, "stance-train"), os.X_OK)
                    and os.access(os.path.join(args.bin, "stance-tag"), os.X_OK))
    if args.no_stance:
        print("stance: skipped (--no-stance)", flush=True)
        notes.append("stance: skipped (--no-stance), so no ratios are given.")
    elif not stance_built:
        print("stance: not built (cargo build --release)", flush=True)
        notes.append("stance: not built (cargo build --release), so it was skipped and no ratios are given.")
    for task in tasks:
        for name, extra in STANCE_CONFIGS[task] if stance_built else []:
            print("[%s] %s ..." % (task, PEER_NAMES[name]), flush=True)
            r = repeated(args.repeat, lambda: run_stance(task, name, extra, args, predict_csv))
            results.append(r)
            print("   ", _short(r), flush=True)
        for peer in peers:
            print("[%s] %s ..." % (task, PEER_NAMES[peer]), flush=True)
            r = repeated(args.repeat, lambda: run_peer(peer, task, args, predict_csv))
            results.append(r)
            print("   ", _short(r), flush=True)

    # The multi-dataset part: stance's defaults against peers tuned on dev (suite.py), one run each.
    suite_results = []
    with tempfile.TemporaryDirectory(prefix="stance-suite-data-") as tmp:
        for ds in datasets:
            if stance_built:
                print("[%s] stance (defaults) ..." % ds, flush=True)
                r = suite.run_stance_defaults(ds, args, tmp, run_measured, _labels_from_jsonl)
                suite_results.append(r)
                print("   ", _suite_short(r), flush=True)
            for peer in peers:
                print("[%s] %s (tuned) ..." % (ds, PEER_NAMES[peer]), flush=True)
                r = suite.run_tuned_peer(peer, ds, args, tmp, run_measured)
                suite_results.append(r)
                print("   ", _suite_short(r), flush=True)
    gold = suite.score(suite_results, args.data, metrics, sklearn_crosscheck)
    suite_ranks = suite.ranks(suite_results)
    suite_boots = suite.bootstraps(suite_results, gold)
    for r in suite_results:
        for t, tr in r.get("tests", {}).items():
            d = tr.get("crosscheck_max_abs_diff")
            if d is not None and d > 1e-9:
                notes.append("WARNING: own metrics and sklearn.metrics differ by %.3g for %s/%s/%s"
                             % (d, r["peer"], r["dataset"], t))
            m = tr.get("metrics", {})
            if "fnc" in m and abs(m["fnc"] - m["fnc_crosscheck"]) > 1e-12:
                notes.append("WARNING: the two FNC score computations differ for %s" % r["peer"])
            tr.pop("pred", None)
        if "version" in r and r["peer"] in ("fasttext", "vw", "logreg", "linearsvc"):
            r.setdefault("threads", [])

    machine["loadavg_end"] = os.getloadavg()
    if max(machine["loadavg_start"][0], machine["loadavg_end"][0]) > 1.5:
        notes.append("Other work was running on the machine (1-min load average %.2f at the start, %.2f at "
                     "the end, while this run uses one core): times may be inflated."
                     % (machine["loadavg_start"][0], machine["loadavg_end"][0]))
    score_rows(results)
    for r in results:
        d = r.get("crosscheck_max_abs_diff")
        if d is not None and d > 1e-9:
            notes.append("WARNING: own metrics and sklearn.metrics differ by %.3g for %s/%s" % (d, r["peer"], r["task"]))
    if any(r.get("crosscheck_max_abs_diff") is not None for r in results + suite_results) and not any(
            n.startswith("WARNING: own metrics") for n in notes):
        notes.append("Metrics: own functions agree with sklearn.metrics (max abs diff ≤ 1e-9) for every peer.")
    rat = ratios(results)
    versions = {}
    for r in results:
        if "error" not in r and r.get("version"):
            key = {"fasttext": "fasttext-wheel", "vw": "vowpalwabbit", "logreg": "scikit-learn",
                   "linearsvc": "scikit-learn", "stance": "stance", "stance+char": "stance"}[r["peer"]]
            versions[key] = r["version"]
    for r in suite_results:
        if "error" not in r and r.get("version") and r["peer"] != "stance":
            key = {"fasttext": "fasttext-wheel", "vw": "vowpalwabbit", "logreg": "scikit-learn",
                   "linearsvc": "scikit-learn"}[r["peer"]]
            versions.setdefault(key, r["version"])
    if stance_built and "stance" not in versions:
        versions["stance"] = _stance_version(os.path.join(args.bin, "stance-train"))
    import numpy
    versions["numpy"] = numpy.__version__
    if "fasttext-wheel" in versions and not _dist_version("fasttext-wheel"):
        versions["fasttext"] = versions.pop("fasttext-wheel")
    kernels = sorted({"%s %s(%s thread%s)" % (t.get("internal_api"),
                                              t["architecture"] + " " if t.get("architecture") else "",
                                              t.get("num_threads"), "" if t.get("num_threads") == 1 else "s")
                      for r in results for t in r.get("threads", [])})
    if kernels:
        notes.append("Thread pools seen in the peers (threadpoolctl; OPENBLAS_CORETYPE/L2_SIZE unset, "
                     "OMP/OPENBLAS/MKL_NUM_THREADS=1): " + "; ".join(k.strip() for k in kernels) + ".")
    md = markdown(results, rat, machine, versions, notes)
    if suite_results:
        md += "\n## Every shared dataset: stance's defaults against peers tuned on dev\n\n"
        md += suite.markdown(suite_results, suite_ranks, suite_boots)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(md)
    payload = {"machine": machine, "versions": versions, "seed": SEED, "predict_n": args.predict_n,
               "data": args.data,
               "config": {"fasttext": FASTTEXT_PARAMS, "vw": VW_ARGS, "logreg_C": LOGREG_C,
                          "linearsvc_C": SVC_C},
               "results": results, "ratios": rat, "notes": notes,
               "suite": {"config": {"logreg_C": suite.LOGREG_GRID, "linearsvc_C": suite.SVC_GRID,
                                    "fasttext": suite.FASTTEXT_GRID, "fasttext_fixed": suite.FASTTEXT_FIXED,
                                    "vw": suite.VW_GRID, "vw_fixed": suite.VW_FIXED,
                                    "fnc_body_words": suite.FNC_BODY_WORDS,
                                    "dev_fraction": suite.DEV_FRACTION, "bootstrap": suite.BOOTSTRAP},
                         "results": suite_results, "ranks": suite_ranks, "bootstrap": suite_boots}}
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(payload, f, indent=2)
    shutil.rmtree(os.path.join(args.out, "work"), ignore_errors=True)
    print()
    print(md, end="")
    return 1 if any("error" in r for r in results + suite_results) else 0


def _suite_short(r):
    if "error" in r:
        return "ERROR " + r["error"][-300:]
    return "selection %.2fs, one fit %s, peak %.0f MB" % (
        r["selection_seconds"], "—" if r.get("one_fit_seconds") is None else "%.2fs" % r["one_fit_seconds"],
        r["peak_mb"])


def _short(r):
    if r is None:
        return "skipped"
    if "error" in r:
        return "ERROR " + r["error"][-300:]
    return "train %.2fs, predict %s, peak %.0f MB" % (
        r["train_seconds"], "%.2fs" % r["predict_seconds"] if r.get("predict_seconds") else "—",
        r["peak_mb"])


if __name__ == "__main__":
    sys.exit(main() or 0)
