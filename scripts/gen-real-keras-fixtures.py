#!/usr/bin/python3
"""Writes test/fixtures/real/keras/: small legacy Keras `.h5` files made with the REAL libhdf5 (through
h5py), laid out the way Keras 2 / tf.keras legacy saving (`save_model_to_hdf5`) lays them out, plus
MANIFEST.tsv (file, what, generator versions).

Run ONCE by a developer, by hand; never by the tests (test/keras.test.ts reads the checked-in bytes).

    apt-get install -y python3-h5py python3-numpy     # Debian 12: h5py 3.7.0, libhdf5 1.10.8
    /usr/bin/python3 scripts/gen-real-keras-fixtures.py

With KERAS3_PATH set, the script also runs REAL Keras 3 (JAX backend) in a second process to write
`.keras` archives, a Keras 3 legacy `.h5` and a `keras.applications.MobileNet` config. Keras 3 needs
numpy 2, which cannot share a process with Debian's h5py, so its wheels were unpacked beside (not into)
the system Python and that process runs with `-S` (no dist-packages):

    W=/opt/pypi/files   # the wheels already on the developer machine
    python3 -m pip install --no-deps --no-index --target /tmp/kenv $W/keras-3.15.1-*.whl \
        $W/jax-0.10.2-*.whl $W/jaxlib-0.10.2-cp311-*.whl $W/ml_dtypes-0.5.4-*.whl $W/namex-0.1.0-*.whl \
        $W/optree-0.20.0-*.whl $W/absl_py-2.5.0-*.whl $W/rich-13.9.4-*.whl $W/markdown_it_py-4.2.0-*.whl \
        $W/mdurl-0.1.2-*.whl $W/pygments-2.21.0-*.whl $W/opt_einsum-3.4.0-*.whl $W/numpy-2.2.6-*.whl \
        $W/scipy-1.16.3-*.whl $W/h5py-3.14.0-*.whl $W/packaging-26.3-*.whl $W/typing_extensions-4.16.0-*.whl
    KERAS3_PATH=/tmp/kenv /usr/bin/python3 scripts/gen-real-keras-fixtures.py

Manifest rows say `benign: ...` (must scan clean) or `malicious: ...` (must be critical).

What Keras writes (keras/src/legacy/saving/legacy_h5_format.py, tf.keras hdf5_format.py): root
attributes `keras_version` and `backend` (str: h5py writes variable-length strings), `model_config` and
`training_config` (json.dumps(...).encode("utf8"): bytes, which h5py writes as fixed-length strings), a
`model_weights` group with `layer_names`/`backend`/`keras_version` attributes and one group per layer
holding `weight_names` and the weight datasets. The malicious file's Lambda carries
`marshal.dumps(fn.__code__)` encoded with `codecs.encode(raw, "base64")`, exactly as Keras' `func_dump`.
"""

import codecs
import json
import marshal
import os
import subprocess
import sys

OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "real", "keras"))
manifest = []


def dense(name, units, inbound):
    return {
        "class_name": "Dense",
        "config": {"name": name, "trainable": True, "dtype": "float32", "units": units, "activation": "relu",
                   "use_bias": True,
                   "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
                   "bias_initializer": {"class_name": "Zeros", "config": {}},
                   "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
                   "kernel_constraint": None, "bias_constraint": None},
        "name": name,
        "inbound_nodes": inbound,
    }


def sequential(layers):
    return {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}}


INPUT = {"class_name": "InputLayer",
         "config": {"batch_input_shape": [None, 4], "dtype": "float32", "sparse": False, "ragged": False,
                    "name": "dense_input"}}
TRAINING = {"loss": "mean_squared_error",
            "metrics": [[{"class_name": "MeanMetricWrapper", "config": {"name": "mae", "dtype": "float32",
                                                                         "fn": "mean_absolute_error"}}]],
            "weighted_metrics": None, "loss_weights": None,
            "optimizer_config": {"class_name": "Adam",
                                 "config": {"name": "Adam", "learning_rate": 0.001, "beta_1": 0.9,
                                            "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": False}}}


def versions():
    return f"h5py=={h5py.__version__} libhdf5=={h5py.version.hdf5_version} python=={sys.version.split()[0]}"


def write(name, what, model_config, *, config_as_str=False, libver="earliest", training=True):
    path = os.path.join(OUT, name)
    with h5py.File(path, "w", libver=libver) as f:
        f.attrs["backend"] = "tensorflow"
        f.attrs["keras_version"] = "2.11.0"
        text = json.dumps({"class_name": model_config["class_name"], "config": model_config["config"]})
        f.attrs["model_config"] = text if config_as_str else text.encode("utf8")
        if training:
            f.attrs["training_config"] = json.dumps(TRAINING).encode("utf8")
        weights = f.create_group("model_weights")
        weights.attrs["layer_names"] = [b"dense"]
        weights.attrs["backend"] = b"tensorflow"
        weights.attrs["keras_version"] = b"2.11.0"
        layer = weights.create_group("dense")
        layer.attrs["weight_names"] = [b"dense/kernel:0", b"dense/bias:0"]
        layer.create_dataset("dense/kernel:0", data=np.arange(8, dtype=np.float32).reshape(4, 2))
        layer.create_dataset("dense/bias:0", data=np.zeros(2, dtype=np.float32))
    manifest.append((name, what, f"{versions()} libver={libver}"))


def evil(x):
    import os

    os.system("echo pwned")
    return x


def keras3_rows():
    """Runs in the Keras 3 process: writes its files, returns their manifest rows."""
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import h5py
    import jax
    import keras
    from keras import layers

    gen = (f"keras=={keras.__version__} backend=jax jax=={jax.__version__} h5py=={h5py.__version__} "
           f"libhdf5=={h5py.version.hdf5_version} python=={sys.version.split()[0]}")
    keras.utils.set_random_seed(0)
    inp = keras.Input((6, 3), name="tokens")
    encoder = keras.Sequential([keras.Input((6, 3)), layers.TimeDistributed(layers.Dense(4)),
                                layers.Bidirectional(layers.LSTM(2)), layers.Dropout(0.1)], name="encoder")
    model = keras.Model(inp, layers.Dense(2, activation="softmax", name="head")(encoder(inp)))
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    model.save(os.path.join(OUT, "keras3-functional-nested.keras"))
    model.save(os.path.join(OUT, "keras3-functional-nested.h5"))
    mobilenet = keras.applications.MobileNet(input_shape=(32, 32, 3), alpha=0.25, weights=None, classes=4)
    with open(os.path.join(OUT, "keras3-mobilenet-config.json"), "w") as f:
        f.write(mobilenet.to_json())
    # Never called here: the Lambda is serialized (marshal) without running.
    lam = keras.Sequential([layers.Lambda(lambda x: __import__("os").system("echo pwned") or x, name="sneaky",
                                          output_shape=(4,))])
    lam.save(os.path.join(OUT, "keras3-lambda-os-system.keras"))
    return [
        ("keras3-functional-nested.keras", "benign: Functional with a nested Sequential, TimeDistributed, Bidirectional LSTM", gen),
        ("keras3-functional-nested.h5", "benign: the same model in Keras 3's legacy HDF5 format", gen),
        ("keras3-mobilenet-config.json", "benign: keras.applications.MobileNet(alpha=0.25).to_json()", gen),
        ("keras3-lambda-os-system.keras", "malicious: Lambda(lambda x: __import__('os').system('echo pwned') or x)", gen),
    ]


def main():
    if "--keras3" in sys.argv:
        for row in keras3_rows():
            print("\t".join(row))
        return
    import h5py
    import numpy as np

    globals().update(h5py=h5py, np=np)
    os.makedirs(OUT, exist_ok=True)
    benign = sequential([INPUT, dense("dense", 2, [])])
    write("keras2-sequential-bytes.h5", "benign: model_config as fixed-length bytes, Keras 2 layout", benign)
    write("keras2-sequential-str.h5", "benign: model_config as a variable-length str", benign, config_as_str=True)
    write("keras2-sequential-latest.h5", "benign: libver=latest (superblock v3, OHDR v2)", benign,
          libver="latest")

    # Over 64 KiB an attribute no longer fits an object header message: h5py then stores the bytes as a
    # variable-length string, in a global heap collection of their size.
    wide = sequential([INPUT] + [dense(f"dense_{i}", 2, []) for i in range(220)])
    write("keras2-sequential-large-config.h5", "benign: a model_config over 64 KiB (h5py stores it as a variable-length string)", wide, training=False)

    raw = marshal.dumps(evil.__code__)
    code = codecs.encode(raw, "base64").decode("ascii")
    lam = {"class_name": "Lambda",
           "config": {"name": "lambda", "trainable": True, "dtype": "float32",
                      "function": [code, None, None], "function_type": "lambda", "module": "__main__",
                      "output_shape": None, "output_shape_type": "raw", "output_shape_module": None,
                      "arguments": {}}}
    write("keras2-lambda-os-system.h5", "malicious: Lambda with marshalled code calling os.system",
          sequential([INPUT, dense("dense", 2, []), lam]))

    # libver="latest" moves attributes to dense storage (fractal heap + v2 B-tree) past 8 of them.
    path = os.path.join(OUT, "keras2-dense-attributes-lambda.h5")
    with h5py.File(path, "w", libver="latest") as f:
        f.attrs["backend"] = "tensorflow"
        f.attrs["keras_version"] = "2.11.0"
        f.attrs["model_config"] = json.dumps(sequential([INPUT, lam])).encode("utf8")
        for i in range(12):
            f.attrs[f"note_{i}"] = i
    manifest.append(("keras2-dense-attributes-lambda.h5", "malicious: the Lambda model_config among 15 attributes in dense storage", f"{versions()} libver=latest"))
    path = os.path.join(OUT, "keras2-dense-attributes-many.h5")
    with h5py.File(path, "w", libver="latest") as f:
        f.attrs["backend"] = "tensorflow"
        f.attrs["keras_version"] = "2.11.0"
        f.attrs["model_config"] = json.dumps(benign).encode("utf8")
        for i in range(150):
            f.attrs[f"attribute_{i:05d}"] = f"v{i}" * 8
    manifest.append(("keras2-dense-attributes-many.h5", "benign: 153 attributes in dense storage (fractal heap with an indirect block)", f"{versions()} libver=latest"))

    path = os.path.join(OUT, "weights-only.h5")
    with h5py.File(path, "w") as f:  # save_weights(): no model_config
        f.attrs["layer_names"] = [b"dense"]
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.11.0"
        g = f.create_group("dense")
        g.attrs["weight_names"] = [b"dense/kernel:0"]
        g.create_dataset("dense/kernel:0", data=np.ones((4, 2), dtype=np.float32))
    manifest.append(("weights-only.h5", "benign: save_weights() file, no model_config", f"{versions()} libver=earliest"))

    if os.environ.get("KERAS3_PATH"):
        env = {**os.environ, "PYTHONPATH": os.environ["KERAS3_PATH"], "KERAS_BACKEND": "jax"}
        out = subprocess.run([sys.executable, "-S", __file__, "--keras3"], env=env, check=True,
                             capture_output=True, text=True).stdout
        manifest.extend(tuple(line.split("\t")) for line in out.strip().split("\n"))

    with open(os.path.join(OUT, "MANIFEST.tsv"), "w") as m:
        m.write("file\twhat\tgenerator\n")
        for row in manifest:
            m.write("\t".join(row) + "\n")


main()
