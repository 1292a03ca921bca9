"""A small real ONNX cross-encoder for tests: it scores a (question, passage) pair by how
many passage tokens also occur in the question.

No pretrained cross-encoder ships in a package we can install offline, so the tests build
this one: same inputs and output as a BERT cross-encoder (``input_ids``, ``attention_mask``,
``token_type_ids`` -> ``logits`` of shape [n, 1]), run by the real onnxruntime on pairs
encoded by the real MiniLM tokenizer, so the whole reranking path is exercised.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np


def build_overlap_reranker(folder: Path) -> Path:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    from knowledge.model_files import locate_model

    folder.mkdir(parents=True, exist_ok=True)
    inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, ["n", "l"])
              for n in ("input_ids", "attention_mask", "token_type_ids")]
    consts = {"one": np.array(1.0, np.float32), "ax1": np.array([1], np.int64),
              "ax2": np.array([2], np.int64), "ax12": np.array([1, 2], np.int64)}
    node = helper.make_node
    nodes = [
        node("Cast", ["attention_mask"], ["am"], to=TensorProto.FLOAT),
        node("Cast", ["token_type_ids"], ["tt"], to=TensorProto.FLOAT),
        node("Sub", ["one", "tt"], ["not_tt"]),
        node("Mul", ["am", "not_tt"], ["question"]),
        node("Mul", ["am", "tt"], ["passage"]),
        node("Unsqueeze", ["input_ids", "ax2"], ["ids_col"]),
        node("Unsqueeze", ["input_ids", "ax1"], ["ids_row"]),
        node("Equal", ["ids_col", "ids_row"], ["same"]),
        node("Cast", ["same"], ["same_f"], to=TensorProto.FLOAT),
        node("Unsqueeze", ["question", "ax2"], ["q_col"]),
        node("Unsqueeze", ["passage", "ax1"], ["p_row"]),
        node("Mul", ["q_col", "p_row"], ["pairs"]),
        node("Mul", ["same_f", "pairs"], ["matches"]),
        node("ReduceSum", ["matches", "ax12"], ["total"], keepdims=0),
        node("Unsqueeze", ["total", "ax1"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes, "overlap_reranker", inputs,
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["n", 1])],
        [numpy_helper.from_array(v, k) for k, v in consts.items()],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(folder / "model.onnx"))
    shutil.copy(locate_model(None, allow_download=False).tokenizer, folder / "tokenizer.json")
    return folder
