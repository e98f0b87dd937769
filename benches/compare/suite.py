"""The multi-dataset part of the comparison (issue 16): every labelled sentence set in
../shared/datasets, stance with its *defaults* against peers lightly tuned on dev.

Imported by compare.py, which runs it after (or instead of) the fixed-setting tweeteval rows.

Per dataset:

- stance: `stance-train --train TRAIN --dev DEV --test TEST --output M --threads 1 -q` plus only the
  columns / format the data needs, timed as one process (its selection on dev included); the
  report's `train.fit_seconds` (the final fit alone) is kept as "one fit". Test predictions come
  from `stance-tag --model M --format jsonl` on each test file, timed as one process.
- peers (fastText, VW, sklearn LR, sklearn LinearSVC), each in its own subprocess (peak RSS by
  os.wait4): a small grid fitted on train and scored on dev with the dataset's metric; the best
  dev score wins (ties: the first in grid order). "one fit" is the chosen setting's own cost
  (feature extraction or file writing + that fit), "selection" the whole grid loop.

Files the peers and stance need in another shape (FNC-1 pairs, NewsMTSC mention CSVs, the
dev splits carved from train for NewsMTSC and FNC-1, CR without its 4 empty-text rows) are
written to a temporary folder outside the project and removed at the end: shared data is never
copied into the project.
"""

import csv
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time

SEED = 0
FNC_BODY_WORDS = 20          # FNC-1 text = headline + " ||| " + the body's first 20 words
DEV_FRACTION = 0.1           # NewsMTSC / FNC-1 dev carved from train (sentences / body ids)
NEWS_OPEN, NEWS_CLOSE = "tgtstart", "tgtend"   # NewsMTSC: the mention marked for the peers
NEWS_LABELS = {"2.0": "negative", "4.0": "neutral", "6.0": "positive"}
FNC_RELATED = ("agree", "disagree", "discuss")
BOOTSTRAP = 1000

# The small grids the peers are tuned over on dev (C: logarithmic, half a decade apart; LogReg's
# stops at 10 because lbfgs at larger C takes minutes per fit on the 45k-row sets).
LOGREG_GRID = [0.1, 0.3, 1.0, 3.0, 10.0]
SVC_GRID = [0.01, 0.03, 0.1, 0.3, 1.0]
FASTTEXT_GRID = [dict(lr=lr, epoch=ep, wordNgrams=ng) for lr in (0.1, 0.5) for ep in (5, 25) for ng in (1, 2)]
FASTTEXT_FIXED = dict(dim=100, minCount=1, loss="softmax", bucket=2_000_000)
VW_GRID = [dict(ngram=ng, l=lr) for ng in (1, 2) for lr in (0.25, 0.5, 1.0)]
VW_FIXED = "--passes 5 --holdout_off -b 22"

# dataset -> (headline metric, test sets). Every test set is scored; the headline metric of a
# dataset with two test sets (NewsMTSC) is their mean, which is what the ranks use.
DATASETS = {
    "tweeteval-sentiment": ("macro_recall", ["test"]),
    "tweeteval-stance": ("favg", ["test"]),
    "newsmtsc": ("macro_f1", ["dev-rw", "dev-mt"]),
    "fnc-1": ("fnc", ["test"]),
    "mr": ("accuracy", ["test"]),
    "cr": ("accuracy", ["test"]),
    "trec": ("accuracy", ["test"]),
}
SUITE_PEERS = ["fasttext", "vw", "logreg", "linearsvc"]


# --------------------------------------------------------------------------- data


def tfidf_features():
    """The scikit-learn peers' features in both benchmarks: word 1-2-gram and char_wb 2-5-gram TF-IDF."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion
    return FeatureUnion([
        ("word", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                 lowercase=True, min_df=1, dtype=np.float32)),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                 lowercase=True, min_df=2, dtype=np.float32)),
    ], n_jobs=1)

def _read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def target_token(target):
    """'Legalization of Abortion' -> 'tgt_legalization_of_abortion' (as compare.py)."""
    return "tgt_" + re.sub(r"[^0-9a-z]+", "_", target.lower()).strip("_")


def _split_ids(ids):
    """A seeded DEV_FRACTION of the sorted distinct ids, for a dev split carved from train."""
    ids = sorted(set(ids))
    random.Random(SEED).shuffle(ids)
    return set(ids[:max(1, round(DEV_FRACTION * len(ids)))])


def _news_records(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _news_examples(records):
    """One (marked text, label, sentence, mention) per target mention."""
    out = []
    for r in records:
        s = r["sentence_normalized"]
        for t in r["targets"]:
            a, b = t["from"], t["to"]
            marked = "%s %s %s %s %s" % (s[:a], NEWS_OPEN, s[a:b], NEWS_CLOSE, s[b:])
            out.append((marked, NEWS_LABELS[repr(float(t["polarity"]))], s, s[a:b]))
    return out


def _fnc_pairs(data, stances, bodies):
    body = {r["Body ID"]: r["articleBody"] for r in _read_csv(os.path.join(data, "fnc-1", bodies))}
    rows = _read_csv(os.path.join(data, "fnc-1", stances))
    return [(r["Headline"], r["Body ID"], r["Stance"], body[r["Body ID"]]) for r in rows]


def fnc_text(headline, body):
    return headline + " ||| " + " ".join(body.split()[:FNC_BODY_WORDS])


def load(name, data):
    """The peers' view of a dataset: {"train": (texts, labels), "dev": ..., test name: ...}."""
    if name in ("tweeteval-sentiment", "tweeteval-stance"):
        names = {"train": "train", "dev": "val", "test": "test"}
        out = {}
        for split, fname in names.items():
            rows = _read_csv(os.path.join(data, name, fname + ".csv"))
            texts = [r["text"] for r in rows]
            if name == "tweeteval-stance":  # the same target-token prefix as the fixed rows
                texts = [target_token(r["target"]) + " " + x for x, r in zip(texts, rows)]
            out[split] = (texts, [r["label"] for r in rows])
        return out
    if name in ("mr", "cr", "trec"):
        out = {}
        for split in ("train", "dev", "test"):
            rows = [r for r in _read_csv(os.path.join(data, "classic-text", name, split + ".csv"))
                    if r["text"].strip()]  # CR has 2 empty texts in train and 2 in dev
            out[split] = ([r["text"] for r in rows], [r["label"] for r in rows])
        return out
    if name == "newsmtsc":
        recs = _news_records(os.path.join(data, "newsmtsc", "train.jsonl"))
        dev_ids = _split_ids(range(len(recs)))
        out = {}
        for split, rs in (("train", [r for i, r in enumerate(recs) if i not in dev_ids]),
                          ("dev", [r for i, r in enumerate(recs) if i in dev_ids])):
            ex = _news_examples(rs)
            out[split] = ([e[0] for e in ex], [e[1] for e in ex])
        for t in DATASETS[name][1]:
            ex = _news_examples(_news_records(os.path.join(data, "newsmtsc", t + ".jsonl")))
            out[t] = ([e[0] for e in ex], [e[1] for e in ex])
        return out
    if name == "fnc-1":
        train = _fnc_pairs(data, "train_stances.csv", "train_bodies.csv")
        dev_bodies = _split_ids(p[1] for p in train)
        test = _fnc_pairs(data, "competition_test_stances.csv", "competition_test_bodies.csv")
        pick = lambda ps: ([fnc_text(p[0], p[3]) for p in ps], [p[2] for p in ps])
        return {"train": pick([p for p in train if p[1] not in dev_bodies]),
                "dev": pick([p for p in train if p[1] in dev_bodies]),
                "test": pick(test)}
    raise ValueError(name)


def stance_files(name, data, tmp):
    """Files and column options for stance-train / stance-tag.

    Returns (train args, {test name: (tag input file, tag args)}); the train args end with
    --train/--dev/--test and the dataset's columns. Reshaped data goes to `tmp`.
    """
    if name.startswith("tweeteval"):
        d = os.path.join(data, name)
        train = ["--train", os.path.join(d, "train.csv"), "--dev", os.path.join(d, "val.csv"),
                 "--test", os.path.join(d, "test.csv")]
        cols = ["--target-col", "target"] if name == "tweeteval-stance" else []
        return train + cols, {"test": (os.path.join(d, "test.csv"), cols)}
    if name in ("mr", "trec"):
        d = os.path.join(data, "classic-text", name)
        return (["--train", os.path.join(d, "train.csv"), "--dev", os.path.join(d, "dev.csv"),
                 "--test", os.path.join(d, "test.csv")], {"test": (os.path.join(d, "test.csv"), [])})
    if name in ("cr", "fnc-1"):  # CR: without its empty texts; FNC-1: headline ||| body words
        splits = load(name, data)
        paths = {}
        for split in ("train", "dev", "test"):
            paths[split] = os.path.join(tmp, "%s-%s.csv" % (name, split))
            _write_csv(paths[split], ["text", "label"], zip(*splits[split]))
        return (["--train", paths["train"], "--dev", paths["dev"], "--test", paths["test"]],
                {"test": (paths["test"], [])})
    if name == "newsmtsc":
        d = os.path.join(data, "newsmtsc")
        with open(os.path.join(d, "train.jsonl"), encoding="utf-8") as f:
            lines = [l for l in f if l.strip()]
        dev_ids = _split_ids(range(len(lines)))
        paths = {s: os.path.join(tmp, "newsmtsc-%s.jsonl" % s) for s in ("train", "dev")}
        for split, keep in (("train", False), ("dev", True)):
            with open(paths[split], "w", encoding="utf-8") as f:
                f.writelines(l for i, l in enumerate(lines) if (i in dev_ids) == keep)
        cols = ["--text-col", "sentence_normalized", "--spans-col", "targets", "--label-col", "polarity",
                "--label-map", ",".join("%s=%s" % kv for kv in NEWS_LABELS.items())]
        tests = {}
        for t in DATASETS[name][1]:
            # stance-tag reads no spans: one CSV row per mention, target = the mention string
            # (located at its first occurrence in the sentence; 11 of dev-rw's 343 are later ones).
            ex = _news_examples(_news_records(os.path.join(d, t + ".jsonl")))
            p = os.path.join(tmp, "newsmtsc-%s.csv" % t)
            _write_csv(p, ["text", "target"], [(e[2], e[3]) for e in ex])
            tests[t] = (p, ["--target-col", "target"])
        return (["--train", paths["train"], "--dev", paths["dev"],
                 "--test", os.path.join(d, "dev-rw.jsonl")] + cols, tests)
    raise ValueError(name)


# --------------------------------------------------------------------------- metrics

def fnc_score(gold, pred):
    """FNC-1's weighted score as a fraction of the best possible (the official scorer's rules)."""
    score = best = 0.0
    for g, p in zip(gold, pred):
        if g == p:
            score += 0.25
            if g != "unrelated":
                score += 0.50
        if g in FNC_RELATED and p in FNC_RELATED:
            score += 0.25
        best += 0.25 if g == "unrelated" else 1.0
    return score / best


def metric(name, gold, pred, labels, metrics_fn):
    """The headline metric `name` from compare.metrics (+ fnc)."""
    if name == "fnc":
        return fnc_score(gold, pred)
    return metrics_fn(gold, pred, labels)[name]


def bootstrap_diff(name, gold, a, b, labels, n=BOOTSTRAP):
    """Paired bootstrap over test items of metric(a) - metric(b): (2.5%, 97.5%) percentiles and
    the share of resamples where a is not better. numpy, vectorised over confusion counts."""
    import numpy as np
    rng = np.random.default_rng(SEED)
    idx = {l: i for i, l in enumerate(labels)}
    k = len(labels)
    g = np.array([idx[x] for x in gold])
    pa = np.array([idx.get(x, k) for x in a])
    pb = np.array([idx.get(x, k) for x in b])
    samples = rng.integers(0, len(g), size=(n, len(g)))

    def score(p):
        G, P = g[samples], p[samples]
        if name == "fnc":
            unrel = idx.get("unrelated", -1)
            s = 0.25 * (G == P) + 0.5 * ((G == P) & (G != unrel)) + 0.25 * ((G != unrel) & (P != unrel) & (P < k))
            best = np.where(G == unrel, 0.25, 1.0)
            return s.sum(1) / best.sum(1)
        if name == "accuracy":
            return (G == P).mean(1)
        tp = np.stack([((G == c) & (P == c)).sum(1) for c in range(k)], 1).astype(float)
        ng = np.stack([(G == c).sum(1) for c in range(k)], 1).astype(float)
        npred = np.stack([(P == c).sum(1) for c in range(k)], 1).astype(float)
        rec = np.divide(tp, ng, out=np.zeros_like(tp), where=ng > 0)
        prec = np.divide(tp, npred, out=np.zeros_like(tp), where=npred > 0)
        f1 = np.divide(2 * prec * rec, prec + rec, out=np.zeros_like(tp), where=prec + rec > 0)
        if name == "macro_recall":
            return rec.mean(1)
        if name == "macro_f1":
            return f1.mean(1)
        if name == "favg":
            return (f1[:, idx["favor"]] + f1[:, idx["against"]]) / 2
        raise ValueError(name)

    d = score(pa) - score(pb)
    return float(np.percentile(d, 2.5)), float(np.percentile(d, 97.5)), float((d <= 0).mean())


# --------------------------------------------------------------------------- tuned peers (worker side)

def _ft_line(text):
    return " ".join(text.lower().split())


def _vw_line(text):
    return " ".join(t.replace("|", "/").replace(":", ";") for t in text.lower().split())


def _score_dev(name, gold, pred, labels, metrics_fn):
    return metric(name, gold, pred, labels, metrics_fn)


def tune_worker(peer, dataset, data, result_path, metrics_fn):
    """Grid on dev, then the chosen model on every test set; writes a JSON result."""
    splits = load(dataset, data)
    (tr_x, tr_y), (dv_x, dv_y) = splits["train"], splits["dev"]
    labels = sorted(set(tr_y))
    mname = DATASETS[dataset][0]
    grid_out = []
    best = None  # (score, index, model object, one-fit seconds)
    with tempfile.TemporaryDirectory(prefix="stance-suite-") as tmp:
        t_sel = time.perf_counter()
        if peer in ("logreg", "linearsvc"):
            from sklearn.linear_model import LogisticRegression
            from sklearn.svm import LinearSVC
            import sklearn
            version = sklearn.__version__
            t0 = time.perf_counter()
            feats = tfidf_features()
            X = feats.fit_transform(tr_x)
            feat_s = time.perf_counter() - t0
            Xd = feats.transform(dv_x)
            def make(c, warm=False):
                if peer == "logreg":
                    return LogisticRegression(C=c, class_weight="balanced", max_iter=2000, solver="lbfgs",
                                              random_state=SEED, warm_start=warm)
                return LinearSVC(C=c, class_weight="balanced", random_state=SEED, max_iter=5000)

            # LogReg walks its grid upwards warm-started from the previous C (lbfgs is slow at large C
            # from scratch), then refits the chosen C cold: that refit is "one fit" and the test model.
            # LinearSVC (liblinear, no warm start) fits each C cold; the chosen fit is the test model.
            path = make(None, warm=True) if peer == "logreg" else None
            for i, c in enumerate(LOGREG_GRID if peer == "logreg" else SVC_GRID):
                t0 = time.perf_counter()
                if path is not None:
                    path.set_params(C=c)
                    clf = path.fit(X, tr_y)
                else:
                    clf = make(c).fit(X, tr_y)
                fit_s = time.perf_counter() - t0
                s = _score_dev(mname, dv_y, [str(p) for p in clf.predict(Xd)], labels, metrics_fn)
                grid_out.append({"C": c, "dev": s, "fit_seconds": fit_s, "warm_started": path is not None and i > 0})
                if best is None or s > best[0]:
                    best = (s, i, clf, feat_s + fit_s)
            if path is not None:
                t0 = time.perf_counter()
                clf = make(grid_out[best[1]]["C"]).fit(X, tr_y)
                best = (best[0], best[1], clf, feat_s + time.perf_counter() - t0)
            predict = lambda xs, clf=None: [str(p) for p in best[2].predict(feats.transform(xs))]
            extra = {"n_features": int(X.shape[1]), "feature_seconds": feat_s}
        elif peer == "fasttext":
            import fasttext
            from importlib.metadata import version as _v
            try:
                version = _v("fasttext-wheel")
            except Exception:
                version = _v("fasttext")
            t0 = time.perf_counter()
            path = os.path.join(tmp, "ft-train.txt")
            with open(path, "w", encoding="utf-8") as f:
                for x, y in zip(tr_x, tr_y):
                    f.write("__label__%s %s\n" % (y, _ft_line(x)))
            write_s = time.perf_counter() - t0
            dev_lines = [_ft_line(x) for x in dv_x]
            for i, g in enumerate(FASTTEXT_GRID):
                t0 = time.perf_counter()
                m = fasttext.train_supervised(input=path, thread=1, seed=SEED, verbose=0, **FASTTEXT_FIXED, **g)
                fit_s = time.perf_counter() - t0
                s = _score_dev(mname, dv_y, [l[0][9:] for l in m.predict(dev_lines, k=1)[0]], labels, metrics_fn)
                grid_out.append(dict(g, dev=s, fit_seconds=fit_s))
                if best is None or s > best[0]:
                    best = (s, i, m, write_s + fit_s)
                else:
                    del m
            predict = lambda xs: [l[0][9:] for l in best[2].predict([_ft_line(x) for x in xs], k=1)[0]]
            extra = {}
        elif peer == "vw":
            import vowpalwabbit
            version = vowpalwabbit.__version__
            index = {l: i + 1 for i, l in enumerate(labels)}
            t0 = time.perf_counter()
            data_path = os.path.join(tmp, "vw-train.txt")
            with open(data_path, "w", encoding="utf-8") as f:
                for x, y in zip(tr_x, tr_y):
                    f.write("%d |w %s\n" % (index[y], _vw_line(x)))
            write_s = time.perf_counter() - t0

            def vw_predict(model, xs):
                d, p = os.path.join(tmp, "vw-pred.txt"), os.path.join(tmp, "vw-pred.out")
                with open(d, "w", encoding="utf-8") as f:
                    for x in xs:
                        f.write("|w %s\n" % _vw_line(x))
                vowpalwabbit.Workspace("-i %s -t -d %s -p %s --quiet" % (model, d, p)).finish()
                with open(p) as f:
                    out = [labels[int(float(line.split()[0])) - 1] for line in f if line.strip()]
                assert len(out) == len(xs)
                return out

            for i, g in enumerate(VW_GRID):
                model = os.path.join(tmp, "vw-%d.model" % i)
                t0 = time.perf_counter()
                vowpalwabbit.Workspace(
                    "--oaa %d --ngram %d -l %g %s --random_seed %d -d %s -k --cache_file %s -f %s --quiet"
                    % (len(labels), g["ngram"], g["l"], VW_FIXED, SEED, data_path,
                       os.path.join(tmp, "vw.cache"), model)).finish()
                fit_s = time.perf_counter() - t0
                s = _score_dev(mname, dv_y, vw_predict(model, dv_x), labels, metrics_fn)
                grid_out.append(dict(g, dev=s, fit_seconds=fit_s))
                if best is None or s > best[0]:
                    best = (s, i, model, write_s + fit_s)
            predict = lambda xs: vw_predict(best[2], xs)
            extra = {}
        else:
            raise ValueError(peer)
        selection_s = time.perf_counter() - t_sel

        tests = {}
        for t in DATASETS[dataset][1]:
            xs = splits[t][0]
            t0 = time.perf_counter()
            pred = predict(xs)
            tests[t] = {"pred": pred, "predict_seconds": time.perf_counter() - t0, "n": len(xs)}

    res = dict(peer=peer, dataset=dataset, version=version, n_train=len(tr_x), n_dev=len(dv_x),
               labels=labels, grid=grid_out, chosen=grid_out[best[1]], one_fit_seconds=best[3],
               selection_seconds=selection_s, tests=tests, **extra)
    with open(result_path, "w") as f:
        json.dump(res, f)


# --------------------------------------------------------------------------- orchestrator side

def run_stance_defaults(dataset, args, tmp, run_measured, labels_from_jsonl):
    train_bin, tag_bin = os.path.join(args.bin, "stance-train"), os.path.join(args.bin, "stance-tag")
    train_args, tests = stance_files(dataset, args.data, tmp)
    model = os.path.join(tmp, "%s.stance" % dataset)
    mjson = os.path.join(tmp, "%s-metrics.json" % dataset)
    cmd = [train_bin] + train_args + ["--output", model, "--threads", "1", "-q", "--metrics-json", mjson]
    rc, wall, rss, stderr = run_measured(cmd)
    res = {"peer": "stance", "dataset": dataset, "train_command": cmd}
    if rc != 0:
        return dict(res, error="stance-train exit %d: %s" % (rc, stderr.strip()[-1500:]))
    with open(mjson) as f:
        report = json.load(f)
    res.update(selection_seconds=wall, one_fit_seconds=report.get("train", {}).get("fit_seconds"),
               n_train=report.get("train", {}).get("examples"), chosen=report.get("selection", {}).get("chosen"),
               own_test_report={k: report["test"].get(k) for k in ("accuracy", "macro_f1", "macro_recall", "favg")
                                if k in report.get("test", {})},
               train_peak_mb=rss, peak_mb=rss, tests={})
    for t, (path, cols) in tests.items():
        tag = [tag_bin, "--model", model, "--text-col", "text", "--threads", "1", "--format", "jsonl", "-q"] + cols
        out = os.path.join(tmp, "%s-%s.jsonl" % (dataset, t))
        with open(out, "w") as fo:
            rc, wall, rss, stderr = run_measured(tag + [path], stdout=fo)
        preds = labels_from_jsonl(out) if rc == 0 else None
        if preds is None:
            return dict(res, error="stance-tag on %s: exit %d: %s" % (t, rc, stderr.strip()[-500:]))
        res["tests"][t] = {"pred": preds, "predict_seconds": wall, "n": len(preds), "command": tag + [path]}
        res["peak_mb"] = max(res["peak_mb"], rss)
    return res


def worker_result(cmd, result, run_measured, ident):
    """Runs a worker process that writes its JSON to `result`; returns that JSON with the process's peak
    memory and wall time, or `ident` with the error when it failed. Used by both benchmarks."""
    rc, wall, rss, stderr = run_measured(cmd)
    if rc != 0 or not os.path.exists(result):
        return dict(ident, error="exit %d: %s" % (rc, stderr.strip()[-2000:]))
    with open(result) as f:
        r = json.load(f)
    os.remove(result)
    r["peak_mb"] = rss
    r["process_seconds"] = wall
    return r


def run_tuned_peer(peer, dataset, args, tmp, run_measured):
    result = os.path.join(tmp, "suite-%s-%s.json" % (peer, dataset))
    cmd = [sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "compare.py"),
           "--suite-worker", peer, "--dataset", dataset, "--data", args.data, "--result", result]
    return worker_result(cmd, result, run_measured, {"peer": peer, "dataset": dataset})


def score(results, data, metrics_fn, crosscheck_fn):
    """Adds per-test metrics (own functions, checked against sklearn.metrics) and the headline."""
    gold_cache = {}
    for r in results:
        if "error" in r:
            continue
        ds = r["dataset"]
        if ds not in gold_cache:
            gold_cache[ds] = load(ds, data)
        splits = gold_cache[ds]
        labels = sorted(set(splits["train"][1]))
        mname = DATASETS[ds][0]
        heads = []
        for t, tr in r["tests"].items():
            gold = splits[t][1]
            if len(gold) != len(tr["pred"]):
                r["error"] = "%s: %d predictions for %d rows" % (t, len(tr["pred"]), len(gold))
                break
            m = metrics_fn(gold, tr["pred"], labels)
            tr["metrics"] = {k: v for k, v in m.items() if k != "per_label"}
            tr["crosscheck_max_abs_diff"] = crosscheck_fn(gold, tr["pred"], labels, m)
            if mname == "fnc":
                tr["metrics"]["fnc"] = fnc_score(gold, tr["pred"])
                tr["metrics"]["fnc_crosscheck"] = _fnc_crosscheck(gold, tr["pred"])
            heads.append(tr["metrics"][mname])
            tr["predict_sent_per_s"] = tr["n"] / tr["predict_seconds"] if tr["predict_seconds"] else None
        if "error" in r:
            continue
        r["score_name"] = mname
        r["score"] = sum(heads) / len(heads)
        r["accuracy"] = sum(tr["metrics"]["accuracy"] for tr in r["tests"].values()) / len(r["tests"])
        r["macro_f1"] = sum(tr["metrics"]["macro_f1"] for tr in r["tests"].values()) / len(r["tests"])
        n = sum(tr["n"] for tr in r["tests"].values())
        r["predict_sent_per_s"] = n / sum(tr["predict_seconds"] for tr in r["tests"].values())
    return gold_cache


def _fnc_crosscheck(gold, pred):
    """FNC-1 score by the official scorer's confusion-matrix route (an independent path)."""
    labels = ["agree", "disagree", "discuss", "unrelated"]
    cm = [[0] * 4 for _ in labels]
    for g, p in zip(gold, pred):
        cm[labels.index(g)][labels.index(p) if p in labels else 3] += 1
    s = 0.0
    for i, g in enumerate(labels):
        for j, p in enumerate(labels):
            n = cm[i][j]
            if i == j:
                s += n * (0.25 if g == "unrelated" else 1.0)
            elif g != "unrelated" and p != "unrelated":
                s += n * 0.25
    best = sum(cm[i][j] * (0.25 if labels[i] == "unrelated" else 1.0) for i in range(4) for j in range(4))
    return s / best


def ranks(results):
    """Per dataset, rank 1 = best headline score (ties share the average rank); mean over datasets."""
    per = {}
    for ds in DATASETS:
        rows = [r for r in results if r["dataset"] == ds and "error" not in r]
        scores = sorted((r["score"] for r in rows), reverse=True)
        for r in rows:
            pos = [i + 1 for i, s in enumerate(scores) if s == r["score"]]
            per.setdefault(r["peer"], {})[ds] = sum(pos) / len(pos)
    return {p: {"per_dataset": d, "mean": sum(d.values()) / len(d), "n": len(d)} for p, d in per.items()}


def bootstraps(results, gold_cache):
    """stance - peer on every test set: paired bootstrap 95% interval of the headline metric."""
    out = []
    for st in results:
        if st["peer"] != "stance" or "error" in st:
            continue
        ds = st["dataset"]
        labels = sorted(set(gold_cache[ds]["train"][1]))
        for r in results:
            if r["dataset"] != ds or r["peer"] == "stance" or "error" in r:
                continue
            for t in st["tests"]:
                gold = gold_cache[ds][t][1]
                lo, hi, p = bootstrap_diff(DATASETS[ds][0], gold, st["tests"][t]["pred"], r["tests"][t]["pred"],
                                           labels)
                a, b = st["tests"][t]["metrics"][DATASETS[ds][0]], r["tests"][t]["metrics"][DATASETS[ds][0]]
                out.append({"dataset": ds, "test": t, "peer": r["peer"], "n_test": len(gold), "diff": a - b,
                            "ci95": [lo, hi], "p_not_better": p})
    return out


# --------------------------------------------------------------------------- report

NAMES = {"stance": "stance (defaults)", "fasttext": "fastText (tuned)", "vw": "Vowpal Wabbit (tuned)",
         "logreg": "sklearn LogReg (tuned C)", "linearsvc": "sklearn LinearSVC (tuned C)"}
METRIC_NAMES = {"macro_recall": "macro-recall", "favg": "F_avg", "macro_f1": "macro-F1", "fnc": "FNC score",
                "accuracy": "accuracy"}


def _f(x, spec):
    return "—" if x is None else format(x, spec)


def markdown(results, rk, boots):
    L = []
    L.append("Defaults against tuned peers, every shared labelled set (one run each; scores in % on the "
             "test set(s); NewsMTSC: dev-rw / dev-mt, its headline the mean of the two).")
    L.append("")
    L.append("| dataset | system | metric | score | accuracy | macro-F1 | train s (one fit) | "
             "train s (with selection) | predict sent/s | peak MB | n train / n test |")
    L.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for ds in DATASETS:
        for r in results:
            if r["dataset"] != ds:
                continue
            name = NAMES.get(r["peer"], r["peer"])
            if "error" in r:
                L.append("| %s | %s | error | | | | | | | | |" % (ds, name))
                continue
            tests = list(r["tests"].values())
            if len(tests) > 1:
                sc = " / ".join(_f(100 * t["metrics"][r["score_name"]], ".2f") for t in tests)
                sc = "**%s** (%s)" % (_f(100 * r["score"], ".2f"), sc)
                acc = " / ".join(_f(100 * t["metrics"]["accuracy"], ".2f") for t in tests)
                mf1 = " / ".join(_f(100 * t["metrics"]["macro_f1"], ".2f") for t in tests)
            else:
                sc = _f(100 * r["score"], ".2f")
                acc, mf1 = _f(100 * r["accuracy"], ".2f"), _f(100 * r["macro_f1"], ".2f")
            L.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s |" % (
                ds, name, METRIC_NAMES[r["score_name"]], sc, acc, mf1,
                _f(r.get("one_fit_seconds"), ".2f"), _f(r.get("selection_seconds"), ".2f"),
                _f(r.get("predict_sent_per_s"), ",.0f"), _f(r.get("peak_mb"), ",.0f"),
                _f(r.get("n_train"), ","), "+".join(format(t["n"], ",") for t in tests)))
    L.append("")
    L.append("Mean rank over the datasets (1 = best headline score; ties share the average rank):")
    L.append("")
    L.append("| system | mean rank | " + " | ".join(DATASETS) + " |")
    L.append("|---|---:|" + "---:|" * len(DATASETS))
    for p, d in sorted(rk.items(), key=lambda kv: kv[1]["mean"]):
        L.append("| %s | %.2f | %s |" % (NAMES.get(p, p), d["mean"],
                                        " | ".join(_f(d["per_dataset"].get(ds), "g") for ds in DATASETS)))
    L.append("")
    L.append("stance ÷ Vowpal Wabbit train time (stance's default training with its selection, one process, "
             "÷ one VW fit of the chosen setting including writing its input file; the issue's target is ≤ 1.5):")
    L.append("")
    L.append("| dataset | stance s | VW one fit s | ratio | VW whole grid s |")
    L.append("|---|---:|---:|---:|---:|")
    for ds in DATASETS:
        st = next((r for r in results if r["dataset"] == ds and r["peer"] == "stance" and "error" not in r), None)
        vw = next((r for r in results if r["dataset"] == ds and r["peer"] == "vw" and "error" not in r), None)
        if st and vw:
            L.append("| %s | %.2f | %.2f | %.2f× | %.2f |" % (ds, st["selection_seconds"], vw["one_fit_seconds"],
                                                           st["selection_seconds"] / vw["one_fit_seconds"],
                                                           vw["selection_seconds"]))
    if boots:
        L.append("")
        L.append("stance − best peer on each test set (headline metric, points; paired bootstrap over test items, "
                 "%d resamples, seed %d: 95%% interval):" % (BOOTSTRAP, SEED))
        L.append("")
        L.append("| dataset | test | n test | best peer | stance − best peer | 95% interval |")
        L.append("|---|---|---:|---|---:|---|")
        for ds in DATASETS:
            for t in DATASETS[ds][1]:
                bs = [b for b in boots if b["dataset"] == ds and b["test"] == t]
                if not bs:
                    continue
                b = min(bs, key=lambda b: b["diff"])  # the peer furthest ahead of stance
                L.append("| %s | %s | %s | %s | %+.2f | [%+.2f, %+.2f] |" % (
                    ds, t, format(b["n_test"], ","), NAMES[b["peer"]], 100 * b["diff"],
                    100 * b["ci95"][0], 100 * b["ci95"][1]))
    L.append("")
    chosen = []
    for r in results:
        if "error" not in r and r.get("chosen") is not None:
            c = {k: v for k, v in r["chosen"].items() if k not in ("dev", "fit_seconds", "score")}
            chosen.append("%s/%s %s" % (r["dataset"], r["peer"], json.dumps(c, sort_keys=True)))
    L.append("Chosen settings: " + "; ".join(chosen) + ".")
    return "\n".join(L) + "\n"
