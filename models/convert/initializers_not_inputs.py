#!/usr/bin/python3
"""Rewrite an ONNX model so that no initializer is also listed as a graph input, and none is left that no node reads.

Usage: /usr/bin/python3 initializers_not_inputs.py IN.onnx OUT.onnx

Why: old exporters (IR version < 4 conventions) list every weight as a graph input as well as an initializer. ONNX
Runtime then treats each such weight as overridable, not constant: it logs one warning per weight ("Initializer X
appears in graph inputs and will not be treated as constant value/weight", graph.cc) and skips constant folding and
the Conv + BatchNormalization fusion for them. faceplugin's fr_age.onnx lists 104 of its weights so. Dropping them
from the inputs is the fix ONNX Runtime's own warning names (its tools/python/remove_initializer_from_input.py does the
same). Nodes, weights and outputs are untouched, so the model computes the same function; only the optimiser may now
fuse and fold. The IR version is raised to 4, the first that allows initializers that are not inputs.

Initializers that no node reads (fr_age has 8: PyTorch's BatchNorm `num_batches_tracked` counters, which inference
never uses) are dropped too: ONNX Runtime removes them itself, but logs one warning each at every session start
("Removing initializer ... It is not used by any node", graph.cc).
"""
import sys

import onnx


def main(src: str, dst: str) -> None:
    model = onnx.load(src)
    weights = {init.name for init in model.graph.initializer}
    keep = [i for i in model.graph.input if i.name not in weights]
    dropped = len(model.graph.input) - len(keep)
    del model.graph.input[:]
    model.graph.input.extend(keep)
    # Read by a node of the main graph or of any subgraph (If/Loop bodies), or a graph output.
    read = {o.name for o in model.graph.output}
    graphs = [model.graph]
    while graphs:
        g = graphs.pop()
        for node in g.node:
            read.update(node.input)
            graphs.extend(a.g for a in node.attribute if a.type == onnx.AttributeProto.GRAPH)
            graphs.extend(sub for a in node.attribute if a.type == onnx.AttributeProto.GRAPHS for sub in a.graphs)
    used = [w for w in model.graph.initializer if w.name in read]
    unused = len(model.graph.initializer) - len(used)
    del model.graph.initializer[:]
    model.graph.initializer.extend(used)
    model.ir_version = max(model.ir_version, 4)
    onnx.checker.check_model(model)
    onnx.save(model, dst)
    print(f"{src}: {dropped} initializers removed from the graph inputs, {unused} unused ones dropped; "
          f"inputs now {[i.name for i in keep]}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
