#!/usr/bin/python3
"""Writes test/fixtures/real/: small model files made by the REAL exporters (torch, numpy, joblib,
scikit-learn, xgboost, lightgbm, pickle), plus MANIFEST.tsv saying what each one should scan as.

Run ONCE by a developer, by hand; never by the tests. The tests (test/real-exporters.test.ts) read
the checked-in output, so nobody needs Python to run them. Re-running rewrites every file (the
bytes differ run to run: random weights, zip timestamps), so only re-run to add or refresh files.

How the checked-in files were made (Debian 12 "bookworm", Python 3.11 = /usr/bin/python3):

    apt-get update
    apt-get install -y python3-torch python3-sklearn python3-joblib python3-numpy python3-xgboost
    #   python3-torch   1.13.1+dfsg-4      (torch.__version__ 1.13.0a0)
    #   python3-sklearn 1.2.1+dfsg-1
    #   python3-joblib  1.2.0-4+deb12u1
    #   python3-numpy   1:1.24.2-1+deb12u1
    #   python3-xgboost 1.7.4-1
    #   python3-scipy   1.10.1 (comes with python3-sklearn)
    # Debian has no python3-lightgbm. LightGBM 4.7.0 came from the wheel already on the
    # developer machine, unpacked beside (not into) the system Python:
    #   python3 -m pip install --no-deps --no-index --target /tmp/lgbm \
    #       /opt/pypi/files/lightgbm-4.7.0-*.whl /opt/pypi/files/narwhals-*.whl
    PYTHONPATH=/tmp/lgbm /usr/bin/python3 scripts/gen-real-fixtures.py

Without lightgbm importable the script skips those files (and leaves them out of the manifest).

Expected outcomes (MANIFEST.tsv, column `expected`):
  benign      every global is a library's own data class or rebuild helper: must scan clean
  user-class  the file pickles a class defined in this script (`__main__.Net`): loading it imports
              that code, so the scanner must say `high` PICKLE_UNSAFE_GLOBAL naming it, never
              `critical`.
"""

import collections
import datetime
import decimal
import os
import pickle
import sys

import joblib
import numpy as np
import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "real")
OUT = os.path.normpath(OUT)

manifest = []  # (file, producer, expected)


def producer(*mods):
    return " ".join(f"{m.__name__}=={m.__version__}" for m in mods)


def record(name, prod, expected="benign"):
    manifest.append((name, prod, expected))


def path(name):
    return os.path.join(OUT, name)


torch.manual_seed(0)
np.random.seed(0)
TORCH = producer(torch)

# ---------------------------------------------------------------------------------------------
# torch
# ---------------------------------------------------------------------------------------------


class Net(nn.Module):
    """A user's own model class: pickled as `__main__.Net`."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(8, 2)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Flat(nn.Module):
    """Conv -> BatchNorm -> pool -> Linear, compiled by torch.jit.script (the archive holds it as
    `__torch__.Flat` with its code in code/, and no Python pickle of the class)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)
        self.bn = nn.BatchNorm2d(2)
        self.fc = nn.Linear(2, 2)

    def forward(self, x):
        y = self.bn(self.conv(x)).mean(dim=(2, 3))
        return self.fc(y)


def stock_sequential():
    """Whole-module pickle made only of torch.nn classes. Only saved, never run: the layers need
    not chain shape-wise."""
    return nn.Sequential(
        nn.Sequential(
            nn.Conv2d(1, 2, 3),
            nn.BatchNorm2d(2),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Flatten(),
        ),
        nn.Embedding(10, 4),
        nn.LSTM(4, 4, batch_first=True),
        nn.LayerNorm(4),
        nn.MultiheadAttention(4, 2, batch_first=True),
        nn.TransformerEncoderLayer(d_model=4, nhead=2, dim_feedforward=8, batch_first=True),
        nn.Linear(4, 2),
        nn.GELU(),
    )


def gen_torch():
    seq = stock_sequential()

    torch.save(seq.state_dict(), path("torch-state-dict.pt"))
    record("torch-state-dict.pt", TORCH)

    torch.save(seq, path("torch-whole-sequential.pt"))
    record("torch-whole-sequential.pt", TORCH)

    torch.save(seq.state_dict(), path("torch-state-dict-legacy.pt"), _use_new_zipfile_serialization=False)
    record("torch-state-dict-legacy.pt", TORCH)

    torch.save(seq, path("torch-whole-sequential-legacy.pt"), _use_new_zipfile_serialization=False)
    record("torch-whole-sequential-legacy.pt", TORCH)

    net = Net()
    torch.save(net, path("torch-user-class-net.pt"))
    record("torch-user-class-net.pt", TORCH, "user-class")
    torch.save(net, path("torch-user-class-net-legacy.pt"), _use_new_zipfile_serialization=False)
    record("torch-user-class-net-legacy.pt", TORCH, "user-class")
    # The state_dict of the same user model is plain tensors: benign.
    torch.save(net.state_dict(), path("torch-user-net-state-dict.pt"))
    record("torch-user-net-state-dict.pt", TORCH)

    # TorchScript: script and trace.
    flat = Flat().eval()
    torch.jit.script(flat).save(path("torchscript-scripted.pt"))
    record("torchscript-scripted.pt", TORCH)
    torch.jit.save(torch.jit.trace(Net().eval(), torch.zeros(1, 4)), path("torchscript-traced.pt"))
    record("torchscript-traced.pt", TORCH)

    # Optimizer state dicts (SGD with momentum, Adam after one step).
    for name, opt_cls, kw in (
        ("torch-optimizer-adam.pt", torch.optim.Adam, {"lr": 1e-3}),
        ("torch-optimizer-sgd.pt", torch.optim.SGD, {"lr": 0.1, "momentum": 0.9}),
    ):
        model = Net()
        opt = opt_cls(model.parameters(), **kw)
        model(torch.randn(3, 4)).sum().backward()
        opt.step()
        torch.save(opt.state_dict(), path(name))
        record(name, TORCH)

    # Checkpoint dict of mixed values and dtypes.
    model = Net()
    opt = torch.optim.Adam(model.parameters())
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2)
    ckpt = {
        "epoch": 3,
        "step": 1200,
        "loss": 0.1234,
        "arch": "net-small",
        "history": [0.9, 0.5, 0.2],
        "config": {"layers": [4, 8, 2], "dropout": None, "tags": ("a", "b")},
        "model": model.state_dict(),
        "optimizer": opt.state_dict(),
        "scheduler": sched.state_dict(),
        "tensors": {
            "f16": torch.randn(3).half(),
            "bf16": torch.randn(3).bfloat16(),
            "f64": torch.randn(3).double(),
            "i64": torch.arange(4),
            "i8": torch.arange(4, dtype=torch.int8),
            "u8": torch.arange(4, dtype=torch.uint8),
            "bool": torch.tensor([True, False]),
            "c64": torch.randn(2, dtype=torch.complex64),
            "view": torch.arange(10.0)[2:6],  # a view sharing storage with offset
            "channels_last": torch.randn(1, 2, 2, 2).to(memory_format=torch.channels_last),
        },
        "size": torch.Size([2, 3]),
        "device": torch.device("cpu"),
        "dtype": torch.float32,
        "rng": torch.get_rng_state(),
    }
    try:
        ckpt["tensors"]["qint8"] = torch.quantize_per_tensor(torch.randn(4), 0.1, 0, torch.qint8)
        ckpt["tensors"]["quint8_channel"] = torch.quantize_per_channel(
            torch.randn(2, 3), torch.tensor([0.1, 0.2]), torch.tensor([0, 1]), 0, torch.quint8
        )
    except Exception as e:  # quantized CPU kernels may be missing from a build
        print("no quantized tensors:", e, file=sys.stderr)
    try:
        ckpt["tensors"]["sparse_coo"] = torch.sparse_coo_tensor([[0, 1], [1, 0]], [1.0, 2.0], (2, 2))
    except Exception as e:
        print("no sparse tensor:", e, file=sys.stderr)
    torch.save(ckpt, path("torch-checkpoint.pt"))
    record("torch-checkpoint.pt", TORCH)
    torch.save(ckpt, path("torch-checkpoint-legacy.pt"), _use_new_zipfile_serialization=False)
    record("torch-checkpoint-legacy.pt", TORCH)

    # A parameter with requires_grad and a plain tensor, at the top level.
    torch.save(nn.Parameter(torch.randn(2, 2)), path("torch-parameter.pt"))
    record("torch-parameter.pt", TORCH)


# ---------------------------------------------------------------------------------------------
# numpy
# ---------------------------------------------------------------------------------------------

NUMPY = producer(np)


def plain_objects():
    a = np.empty(6, dtype=object)
    a[:] = ["text", 42, 3.5, None, [1, [2, "x"]], {"k": "v", "n": [1, 2]}]
    return a


def gen_numpy():
    np.save(path("numpy-object-array.npy"), plain_objects(), allow_pickle=True)
    record("numpy-object-array.npy", NUMPY)

    np.save(path("numpy-float-array.npy"), np.random.rand(3, 4).astype(np.float32))
    record("numpy-float-array.npy", NUMPY)

    structured = np.zeros(3, dtype=[("id", "<i4"), ("score", "<f8"), ("name", "U8")])
    arrays = {
        "weights": np.random.rand(4, 4),
        "ints": np.arange(10, dtype=np.int64),
        "objects": plain_objects(),
        "structured": structured,
        "bools": np.array([True, False]),
    }
    np.savez(path("numpy-savez.npz"), **arrays)
    record("numpy-savez.npz", NUMPY)
    np.savez_compressed(path("numpy-savez-compressed.npz"), **arrays)
    record("numpy-savez-compressed.npz", NUMPY)

    # Pickled numpy values (protocol 2 and 4): arrays, scalars, dtypes, a masked array.
    obj = {
        "array": np.arange(6, dtype=np.float32).reshape(2, 3),
        "scalar_f": np.float64(1.5),
        "scalar_i": np.int32(7),
        "dtype": np.dtype("<f4"),
        "masked": np.ma.masked_array([1, 2, 3], mask=[0, 1, 0]),
        "datetime": np.datetime64("2024-01-02"),
    }
    for proto in (2, 4):
        name = f"numpy-values-p{proto}.pkl"
        with open(path(name), "wb") as f:
            pickle.dump(obj, f, protocol=proto)
        record(name, NUMPY)


# ---------------------------------------------------------------------------------------------
# scikit-learn via joblib and pickle
# ---------------------------------------------------------------------------------------------


def gen_sklearn():
    import sklearn
    from sklearn.cluster import KMeans
    from sklearn.compose import ColumnTransformer
    from sklearn.decomposition import PCA
    from sklearn.ensemble import GradientBoostingRegressor, RandomForestClassifier
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import MultinomialNB
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    from sklearn.svm import SVC
    from sklearn.tree import DecisionTreeClassifier

    prod = producer(sklearn, joblib, np)
    rng = np.random.RandomState(0)
    X = rng.rand(40, 4)
    y = (X[:, 0] > 0.5).astype(int)

    models = {}
    models["pipeline-scaler-pca-logreg"] = Pipeline(
        [("scale", StandardScaler()), ("pca", PCA(n_components=2)), ("clf", LogisticRegression())]
    ).fit(X, y)
    models["random-forest"] = RandomForestClassifier(n_estimators=3, max_depth=3, random_state=0).fit(X, y)
    models["gradient-boosting-regressor"] = GradientBoostingRegressor(
        n_estimators=3, max_depth=2, random_state=0
    ).fit(X, X[:, 1])
    Xc = np.array([["red", 1.0], ["blue", 2.0], ["green", 3.0], ["red", 4.0]], dtype=object)
    models["column-transformer"] = Pipeline(
        [
            (
                "prep",
                ColumnTransformer(
                    [("cat", OneHotEncoder(handle_unknown="ignore"), [0]), ("num", StandardScaler(), [1])]
                ),
            ),
            ("clf", LogisticRegression()),
        ]
    ).fit(Xc, [0, 1, 1, 0])
    models["svc"] = SVC(probability=False).fit(X, y)
    models["kmeans"] = KMeans(n_clusters=2, n_init=1, random_state=0).fit(X)
    models["decision-tree"] = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, y)
    docs = ["good model", "bad model", "good data", "bad data", "fine model"]
    models["tfidf-nb"] = Pipeline([("tfidf", TfidfVectorizer()), ("nb", MultinomialNB())]).fit(
        docs, [1, 0, 1, 0, 1]
    )

    for key, model in models.items():
        name = f"sklearn-{key}.joblib"
        joblib.dump(model, path(name))
        record(name, prod)

    # Fitted on sparse input: support vectors kept as a scipy.sparse csr_matrix.
    import scipy
    import scipy.sparse as sp

    models["svc-sparse-input"] = SVC().fit(sp.csr_matrix(X), y)
    name = "sklearn-svc-sparse-input.joblib"
    joblib.dump(models["svc-sparse-input"], path(name))
    record(name, prod + f" scipy=={scipy.__version__}")
    # Every sparse container scipy has, pickled as a plain value.
    dense = np.array([[0.0, 1.5, 0.0], [2.0, 0.0, 0.0]])
    containers = {f: getattr(sp, f"{f}_matrix")(dense) for f in ("csr", "csc", "coo", "bsr", "dia", "lil", "dok")}
    containers.update({f"{f}_array": getattr(sp, f"{f}_array")(dense) for f in ("csr", "coo", "lil", "dok")})
    for proto in (2, 4):
        name = f"scipy-sparse-containers-p{proto}.pkl"
        with open(path(name), "wb") as f:
            pickle.dump(containers, f, protocol=proto)
        record(name, producer(scipy, np))

    # One estimator under every joblib compressor (the pipeline carries several arrays).
    model = models["pipeline-scaler-pca-logreg"]
    for method in ("zlib", "gzip", "bz2", "xz", "lzma"):
        name = f"sklearn-pipeline-{method}.joblib"
        joblib.dump(model, path(name), compress=(method, 3))
        record(name, prod)
    # Forest under zlib too: many small arrays (one Tree per estimator).
    joblib.dump(models["random-forest"], path("sklearn-random-forest-zlib.joblib"), compress=3)
    record("sklearn-random-forest-zlib.joblib", prod)

    # Plain pickle of an estimator, protocol 4 and 5 (5 uses out-of-band-capable framing).
    for proto in (4, 5):
        name = f"sklearn-random-forest-p{proto}.pkl"
        with open(path(name), "wb") as f:
            pickle.dump(models["random-forest"], f, protocol=proto)
        record(name, prod)
        name = f"sklearn-pipeline-p{proto}.pkl"
        with open(path(name), "wb") as f:
            pickle.dump(models["pipeline-scaler-pca-logreg"], f, protocol=proto)
        record(name, prod)

    # joblib of a dict of plain numpy arrays and values (a typical "artifacts" dump).
    joblib.dump(
        {"mean": X.mean(0), "labels": np.array(["a", "b"], dtype=object), "n": 40, "ints": np.arange(5)},
        path("joblib-dict-arrays.joblib"),
    )
    record("joblib-dict-arrays.joblib", prod)
    joblib.dump(
        {"mean": X.mean(0), "labels": np.array(["a", "b"], dtype=object), "n": 40},
        path("joblib-dict-arrays-gzip.joblib.gz"),
    )
    record("joblib-dict-arrays-gzip.joblib.gz", prod)

    return X, y


# ---------------------------------------------------------------------------------------------
# xgboost / lightgbm
# ---------------------------------------------------------------------------------------------


def gen_boosters(X, y):
    try:
        import xgboost as xgb

        prod = producer(xgb, joblib, np)
        clf = xgb.XGBClassifier(n_estimators=3, max_depth=2, tree_method="hist").fit(X, y)
        joblib.dump(clf, path("xgboost-classifier.joblib"))
        record("xgboost-classifier.joblib", prod)
        with open(path("xgboost-classifier.pkl"), "wb") as f:
            pickle.dump(clf, f, protocol=4)
        record("xgboost-classifier.pkl", prod)
        with open(path("xgboost-booster.pkl"), "wb") as f:
            pickle.dump(clf.get_booster(), f, protocol=4)
        record("xgboost-booster.pkl", prod)
    except ImportError as e:
        print("skipping xgboost:", e, file=sys.stderr)

    try:
        import lightgbm as lgb

        prod = producer(lgb, joblib, np)
        clf = lgb.LGBMClassifier(n_estimators=3, num_leaves=4, min_child_samples=2, verbose=-1).fit(X, y)
        joblib.dump(clf, path("lightgbm-classifier.joblib"))
        record("lightgbm-classifier.joblib", prod)
        with open(path("lightgbm-classifier.pkl"), "wb") as f:
            pickle.dump(clf, f, protocol=4)
        record("lightgbm-classifier.pkl", prod)
        with open(path("lightgbm-booster.pkl"), "wb") as f:
            pickle.dump(clf.booster_, f, protocol=4)
        record("lightgbm-booster.pkl", prod)
    except ImportError as e:
        print("skipping lightgbm:", e, file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# plain pickle of standard-library values
# ---------------------------------------------------------------------------------------------


def gen_stdlib():
    dd = collections.defaultdict(list)
    dd["a"].append(1)
    value = {
        "ordered": collections.OrderedDict([("x", 1), ("y", 2)]),
        "defaultdict": dd,
        "deque": collections.deque([1, 2, 3], maxlen=5),
        "counter": collections.Counter("abracadabra"),
        "datetime": datetime.datetime(2024, 5, 6, 7, 8, 9, 10),
        "date": datetime.date(2024, 5, 6),
        "timedelta": datetime.timedelta(days=1, seconds=2),
        "tz": datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
        "decimal": decimal.Decimal("3.14159"),
        "complex": complex(1, -2),
        "set": {1, 2, 3},
        "frozenset": frozenset({"a", "b"}),
        "bytearray": bytearray(b"\x00\x01binary"),
        "bytes": b"raw\xff",
        "tuple": (1, "two", 3.0, None, True),
        "nested": [[1, 2], {"k": (3, 4)}],
        "big": 2**100,
        "unicode": "gr\u00fc\u00dfe \u2713",
    }
    prod = f"python=={sys.version.split()[0]}"
    for proto in (0, 1, 2, 4, 5):
        name = f"stdlib-values-p{proto}.pkl"
        with open(path(name), "wb") as f:
            pickle.dump(value, f, protocol=proto)
        record(name, prod)


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f not in ("README.md",):
            os.remove(os.path.join(OUT, f))
    gen_torch()
    gen_numpy()
    X, y = gen_sklearn()
    gen_boosters(X, y)
    gen_stdlib()
    with open(path("MANIFEST.tsv"), "w") as f:
        f.write("file\tproducer\texpected\n")
        for row in manifest:
            f.write("\t".join(row) + "\n")
    total = sum(os.path.getsize(path(r[0])) for r in manifest)
    print(f"{len(manifest)} files, {total} bytes in {OUT}")


if __name__ == "__main__":
    main()
