#!/usr/bin/python3
"""The train-step benchmark in torch (compare with `train-step` of efuf4j's bench suites): one
forward+backward+AdamW step of a pre-LN decoder LM, d_model 256, 4 heads, 4 layers, FFN 1024, GELU,
learned positions, seq 64, batch 16, vocab 1000, causal LM loss, 2 threads, float32.

The layers are torch's own nn.TransformerEncoderLayer(norm_first=True, batch_first=True) with a causal mask, the
model as a torch user writes it (a hand-written layer of the same maths ran slower, which flattered efuf4j).
Run: /usr/bin/python3 scripts/bench/torch_train_step.py [--quick]  (reference_env.py unsets the OpenBLAS pinning)
Prints a header line, then: train-step impl=torch ... ms=... tokens_per_s=... peak_rss_mib=...
"""
import os
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_env  # noqa: E402

reference_env.honest()  # re-runs without OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE (they pin OpenBLAS to an older kernel)
import torch  # noqa: E402

torch.set_num_threads(2)
torch.manual_seed(0)
QUICK = "--quick" in sys.argv
V, T, D, H, F, L = 1000, 64, 256, 4, 1024, 4
B = 4 if QUICK else 16


class Lm(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed_tokens, self.embed_positions = torch.nn.Embedding(V, D), torch.nn.Embedding(T, D)
        self.layers = torch.nn.ModuleList(
            torch.nn.TransformerEncoderLayer(D, H, F, dropout=0.0, activation="gelu", batch_first=True, norm_first=True)
            for _ in range(L))
        self.final_layer_norm = torch.nn.LayerNorm(D)
        self.lm_head = torch.nn.Linear(D, V, bias=False)

    def forward(self, ids):
        t = ids.shape[1]
        mask = torch.triu(torch.ones(t, t, dtype=torch.bool), 1)
        x = self.embed_tokens(ids) + self.embed_positions(torch.arange(t))[None]
        for layer in self.layers:
            x = layer(x, src_mask=mask)
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
    reference_env.describe()
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
