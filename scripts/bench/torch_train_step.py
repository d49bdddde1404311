#!/usr/bin/python3
"""The train-step benchmark in torch (compare with `train-step` of efuf4j's bench suites): one
forward+backward+AdamW step of a pre-LN decoder LM, d_model 256, 4 heads, 4 layers, FFN 1024, GELU,
learned positions, seq 64, batch 16, vocab 1000, causal LM loss, 2 threads, float32.
Run: OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 scripts/bench/torch_train_step.py [--quick]
Prints: train-step impl=torch ... ms=... tokens_per_s=... peak_rss_mib=...
"""
import math
import resource
import sys
import time

import torch

torch.set_num_threads(2)
torch.manual_seed(0)
QUICK = "--quick" in sys.argv
V, T, D, H, F, L = 1000, 64, 256, 4, 1024, 4
B = 4 if QUICK else 16


class Layer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.layer_norm1, self.layer_norm2 = torch.nn.LayerNorm(D), torch.nn.LayerNorm(D)
        self.q_proj, self.k_proj, self.v_proj, self.out_proj = (torch.nn.Linear(D, D) for _ in range(4))
        self.fc1, self.fc2 = torch.nn.Linear(D, F), torch.nn.Linear(F, D)

    def forward(self, x, mask):
        b, t, _ = x.shape
        h = self.layer_norm1(x)
        split = lambda z: z.reshape(b, t, H, D // H).transpose(1, 2)
        s = split(self.q_proj(h)) @ split(self.k_proj(h)).transpose(-1, -2) / math.sqrt(D // H)
        o = (torch.softmax(s.masked_fill(mask, float("-inf")), -1) @ split(self.v_proj(h))).transpose(1, 2).reshape(b, t, D)
        x = x + self.out_proj(o)
        return x + self.fc2(torch.nn.functional.gelu(self.fc1(self.layer_norm2(x))))


class Lm(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed_tokens, self.embed_positions = torch.nn.Embedding(V, D), torch.nn.Embedding(T, D)
        self.layers = torch.nn.ModuleList(Layer() for _ in range(L))
        self.final_layer_norm = torch.nn.LayerNorm(D)
        self.lm_head = torch.nn.Linear(D, V, bias=False)

    def forward(self, ids):
        t = ids.shape[1]
        mask = torch.triu(torch.ones(t, t, dtype=torch.bool), 1)
        x = self.embed_tokens(ids) + self.embed_positions(torch.arange(t))[None]
        for layer in self.layers:
            x = layer(x, mask)
        return self.lm_head(self.final_layer_norm(x))


def make_step(batch=B, seq=T):
    """One forward+backward+AdamW step on a fixed random batch (also driven by train_step_interleaved.py)."""
    model = Lm()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    ids = torch.randint(0, V, (batch, seq))
    labels = torch.roll(ids, -1, 1)
    labels[:, -1] = -100

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(ids).reshape(-1, V), labels.reshape(-1), ignore_index=-100)
        loss.backward()
        opt.step()
    return step


def main():
    step = make_step()
    step()
    samples, end = [], time.perf_counter() + (1.0 if QUICK else 10.0)
    while len(samples) < 3 or time.perf_counter() < end:
        t0 = time.perf_counter()
        step()
        samples.append(time.perf_counter() - t0)
    samples.sort()
    sec = samples[len(samples) // 2]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10
    print(f"train-step impl=torch d_model={D} layers={L} seq={T} batch={B} threads=2 ms={sec * 1e3:.4g} tokens_per_s={B * T / sec:.4g} peak_rss_mib={peak}")


if __name__ == "__main__":
    main()
