#!/usr/bin/python3
"""PyTorch side of bench/shapes.sh: W1's training (Fashion-MNIST, ReLU MLP 784-H1-H2-10, softmax cross-entropy,
SGD lr 0.05 momentum 0.9, L2 1e-4 on weights, He-uniform weights, zero biases) at other widths and batch sizes,
set up as ../shared/peers/torch_bench.py sets up W1 (run it through run_torch_env as bench/shapes.sh does).
Usage: torch_shapes.py H1 H2 BATCH EPOCHS. Prints 'RESULT {json}' with the median samples/s of epochs 2..EPOCHS."""
import gzip, json, os, statistics, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

h1, h2, batch, epochs = (int(a) for a in sys.argv[1:5])
torch.set_num_threads(1)
d = os.environ.get("MNIST_DIR", "/usr/share/datasets/fashion-mnist")
with gzip.open(f"{d}/train-images-idx3-ubyte.gz") as f:
    x = torch.from_numpy(np.frombuffer(f.read(), np.uint8, offset=16).astype(np.float32).reshape(-1, 784) / 255.0)
with gzip.open(f"{d}/train-labels-idx1-ubyte.gz") as f:
    y = torch.from_numpy(np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64))
torch.manual_seed(42)
m = nn.Sequential(nn.Linear(784, h1), nn.ReLU(), nn.Linear(h1, h2), nn.ReLU(), nn.Linear(h2, 10))
for mod in m.modules():
    if isinstance(mod, nn.Linear):
        nn.init.kaiming_uniform_(mod.weight, nonlinearity="relu")
        nn.init.zeros_(mod.bias)
w = [p for n, p in m.named_parameters() if n.endswith("weight")]
b = [p for n, p in m.named_parameters() if n.endswith("bias")]
opt = torch.optim.SGD([{"params": w, "weight_decay": 1e-4}, {"params": b, "weight_decay": 0.0}], lr=0.05, momentum=0.9)
g = torch.Generator().manual_seed(42)
sps = []
for e in range(epochs):
    perm = torch.randperm(len(y), generator=g)
    t0 = time.perf_counter()
    for s in range(0, len(y), batch):
        idx = perm[s:s + batch]
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(m(x[idx]), y[idx])
        loss.backward()
        opt.step()
    loss = float(loss)
    sps.append(len(y) / (time.perf_counter() - t0))
print("RESULT " + json.dumps({"h1": h1, "h2": h2, "batch": batch, "samples_per_s": round(statistics.median(sps[1:]), 1),
                              "epoch_samples_per_s": [round(v, 1) for v in sps], "final_train_loss": round(loss, 4)}), flush=True)
