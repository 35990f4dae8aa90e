#!/usr/bin/python3
"""Writes test/fixtures/real/onnx/: small ONNX models made by the REAL exporters, plus MANIFEST.tsv.

Run ONCE by a developer, by hand; never by the tests (test/onnx.test.ts reads the checked-in bytes,
so nobody needs Python to run them). Made on Debian 12 with /usr/bin/python3 (3.11):

    apt-get install -y python3-onnx python3-torch   # onnx 1.12.0, torch 1.13.0a0, numpy 1.24.2
    /usr/bin/python3 scripts/gen-real-onnx-fixtures.py

Files:
  helper-mlp.onnx           onnx.helper: the two-layer MLP that test/writers/onnx.ts `mlpSpec()` writes;
                            the tests compare the writer's bytes with these, byte for byte.
  helper-mlp-external/      the same model saved with save_as_external_data=True into one file
                            (model.onnx + model.onnx.data, entries location/offset/length).
  helper-per-tensor/        the MLP plus a Constant node, saved with all_tensors_to_one_file=False and
                            convert_attribute=True: one file per tensor, named after it (as torch's
                            exporter does for models over 2 GB), the Constant's value too.
  torch-mlp.onnx            torch.onnx.export of nn.Sequential(Linear, ReLU, Linear), opset 13.
  torch-control-flow.onnx   torch.onnx.export of a scripted module with a data-dependent `if`
                            (an If node with then/else subgraphs) and a loop (a Loop body).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "real", "onnx")


def weight(name, dims):
    """Values every float32 represents exactly, the same formula as the TypeScript writer uses."""
    n = int(np.prod(dims))
    values = [((i * 7 + len(name)) % 13 - 6) / 16 for i in range(n)]
    return numpy_helper.from_array(np.array(values, dtype=np.float32).reshape(dims), name)


def helper_mlp(hidden=16):
    gemm = dict(alpha=1.0, beta=1.0, transB=1)
    nodes = [
        helper.make_node("Gemm", ["input", "0.weight", "0.bias"], ["/0/Gemm_output_0"], name="/0/Gemm", **gemm),
        helper.make_node("Relu", ["/0/Gemm_output_0"], ["/1/Relu_output_0"], name="/1/Relu"),
        helper.make_node("Gemm", ["/1/Relu_output_0", "2.weight", "2.bias"], ["output"], name="/2/Gemm", **gemm),
    ]
    inits = [
        weight("0.weight", [hidden, 4]),
        weight("0.bias", [hidden]),
        weight("2.weight", [2, hidden]),
        weight("2.bias", [2]),
    ]
    graph = helper.make_graph(
        nodes,
        "main_graph",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 4])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", 2])],
        inits,
    )
    return helper.make_model(
        graph,
        producer_name="pytorch",
        producer_version="2.1.0",
        opset_imports=[helper.make_opsetid("", 17)],
        ir_version=8,
    )


def torch_models(rows):
    import torch

    torch.manual_seed(0)
    mlp = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 2))
    path = os.path.join(OUT, "torch-mlp.onnx")
    torch.onnx.export(mlp, torch.zeros(1, 4), path, opset_version=13, input_names=["input"], output_names=["output"])
    rows.append(("torch-mlp.onnx", f"torch=={torch.__version__} torch.onnx.export opset 13", "benign"))

    class ControlFlow(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = torch.nn.Linear(4, 4)

        def forward(self, x, n: int):
            if x.sum() > 0:
                y = self.linear(x)
            else:
                y = x * 2
            for _ in range(n):
                y = y + 1
            return y

    scripted = torch.jit.script(ControlFlow())
    path = os.path.join(OUT, "torch-control-flow.onnx")
    torch.onnx.export(
        scripted, (torch.ones(1, 4), 3), path, opset_version=13, input_names=["x", "n"], output_names=["y"]
    )
    rows.append(("torch-control-flow.onnx", f"torch=={torch.__version__} scripted If + Loop, opset 13", "benign"))


def main():
    os.makedirs(OUT, exist_ok=True)
    rows = []
    onnx.save_model(helper_mlp(), os.path.join(OUT, "helper-mlp.onnx"))
    rows.append(("helper-mlp.onnx", f"onnx=={onnx.__version__} onnx.helper + save_model", "benign"))

    ext_dir = os.path.join(OUT, "helper-mlp-external")
    os.makedirs(ext_dir, exist_ok=True)
    for name in os.listdir(ext_dir):
        os.remove(os.path.join(ext_dir, name))
    onnx.save_model(
        helper_mlp(),
        os.path.join(ext_dir, "model.onnx"),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location="model.onnx.data",
        size_threshold=0,
    )
    rows.append(
        ("helper-mlp-external/model.onnx", f"onnx=={onnx.__version__} save_as_external_data, one file", "benign")
    )
    per_dir = os.path.join(OUT, "helper-per-tensor")
    os.makedirs(per_dir, exist_ok=True)
    for name in os.listdir(per_dir):
        os.remove(os.path.join(per_dir, name))
    model = helper_mlp()
    const = numpy_helper.from_array(np.arange(4, dtype=np.float32), "offset_value")
    model.graph.node.append(helper.make_node("Constant", [], ["offset"], name="/Constant", value=const))
    model.graph.node.append(helper.make_node("Add", ["output", "offset"], ["shifted"], name="/Add"))
    onnx.save_model(
        model,
        os.path.join(per_dir, "model.onnx"),
        save_as_external_data=True,
        all_tensors_to_one_file=False,
        size_threshold=0,
        convert_attribute=True,
    )
    rows.append(
        ("helper-per-tensor/model.onnx", f"onnx=={onnx.__version__} one external file per tensor", "benign")
    )
    try:
        torch_models(rows)
    except ImportError:
        print("torch is not importable: torch-*.onnx skipped", file=sys.stderr)

    with open(os.path.join(OUT, "MANIFEST.tsv"), "w") as f:
        f.write("file\tproducer\texpected\n")
        for row in rows:
            f.write("\t".join(row) + "\n")


if __name__ == "__main__":
    main()
