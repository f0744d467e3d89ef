"""Loads a digits_gru checkpoint into PyTorch's nn.GRU + nn.Linear and prints its class probabilities for an .npy of
inputs, to compare with `nabla predict` (the weight mapping of std.nabla's gru; see docs/language.md).

usage: python3 bench/gru_twin.py samples/digits_gru.safetensors inputs.npy
"""
import json
import struct
import sys

import numpy as np
import torch


def load(path):
    raw = open(path, 'rb').read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop('__metadata__', {})
    tensors = {}
    for name, t in header.items():
        a, b = t['data_offsets']
        tensors[name] = torch.from_numpy(np.frombuffer(raw[8 + n + a:8 + n + b], dtype='<f4').reshape(t['shape']).copy())
    return tensors, meta


weights, meta = load(sys.argv[1])
gru = torch.nn.GRU(8, 64, batch_first=True)
linear = torch.nn.Linear(64, 10)
with torch.no_grad():
    gru.weight_ih_l0.copy_(weights['features.weight_ih'])
    gru.weight_hh_l0.copy_(weights['features.weight_hh'])
    gru.bias_ih_l0.copy_(weights['features.bias_ih'])
    gru.bias_hh_l0.copy_(weights['features.bias_hh'])
    linear.weight.copy_(weights['logits.W'].T)   # Nabla's dense computes x @ W with W [in, out]
    linear.bias.copy_(weights['logits.b'])
    x = torch.from_numpy(np.load(sys.argv[2])) / float(meta.get('preprocess.divisor', '1'))
    _, h = gru(x)
    probs = torch.softmax(linear(h[-1]), dim=1)
for row in probs:
    print(str(int(row.argmax())) + ',' + ','.join('%.8g' % v for v in row.tolist()))
