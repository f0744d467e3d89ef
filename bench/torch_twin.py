#!/usr/bin/python3
"""Loads a checkpoint of samples/fashion_cnn.nabla into a PyTorch twin (nn.Conv2d / nn.Linear named like the
Nabla layers) and prints its Fashion-MNIST test accuracy, which equals `nabla eval`'s. Usage: torch_twin.py CKPT"""
import sys, json, struct, gzip, numpy as np, torch, torch.nn as nn, torch.nn.functional as F
with open(sys.argv[1], "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]; header = json.loads(f.read(n)); data = f.read()
header.pop("__metadata__", None)
tensors = {k: np.frombuffer(data[b:e], dtype="<f4").reshape(v["shape"]) for k, v in header.items() for b, e in [v["data_offsets"]]}
class Twin(nn.Module):
    def __init__(s):
        super().__init__(); s.conv1 = nn.Conv2d(1, 8, 5); s.conv2 = nn.Conv2d(8, 16, 5); s.hidden = nn.Linear(256, 128); s.logits = nn.Linear(128, 10)
    def forward(s, x):
        x = F.max_pool2d(F.relu(s.conv1(x)), 2); x = F.max_pool2d(F.relu(s.conv2(x)), 2)
        return s.logits(F.relu(s.hidden(x.flatten(1))))
twin = Twin(); state = {}
for name, t in tensors.items():
    if ":" in name: continue
    layer, kind = name.rsplit(".", 1); w = torch.from_numpy(t.copy())
    state[layer + (".weight" if kind == "W" else ".bias")] = w.T if w.dim() == 2 else w
twin.load_state_dict(state)
d = "/usr/share/datasets/fashion-mnist"
img = np.frombuffer(gzip.open(f"{d}/t10k-images-idx3-ubyte.gz").read(), np.uint8, offset=16).astype(np.float32).reshape(-1, 1, 28, 28) / 255
lab = np.frombuffer(gzip.open(f"{d}/t10k-labels-idx1-ubyte.gz").read(), np.uint8, offset=8)
with torch.no_grad():
    pred = twin(torch.from_numpy(img)).argmax(1).numpy()
print("pytorch twin accuracy", (pred == lab).mean())
