#!/usr/bin/env python3
"""PyTorch peer of the runtime benchmark workloads (packages/runtime/src/bench): mlp, cnn, gpt, nanogpt and ctr with the
same layer sizes, losses, optimiser (Adam, lr 1e-3) and batch sizes as the TensorFlow.js definitions, timed the
same way as the TypeScript bench: a warm-up epoch, then the median over repetitions of whole epochs of N batches
(shuffled rows, batch gathered by index, forward, backward, Adam step, loss read back every step).

Prints one JSON line per workload and thread count on stdout:
  {"workload": "mlp", "backend": "torch", "threads": 1, "samplesPerSec": 54940, ...}

Thread counts: every N in --threads runs in its own process with OMP_NUM_THREADS / OPENBLAS_NUM_THREADS /
MKL_NUM_THREADS set to N before torch is imported, plus torch.set_num_threads(N).

Usage: /usr/bin/python3 bench/torch_workloads.py [--workloads mlp,cnn,gpt,nanogpt,ctr] [--threads 1,2] [--batches 4]
         [--repetitions 5] [--min-seconds 0.3] [--budget-seconds 30] [--seed 1]
"""
import argparse
import math
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)), "../../../packages/bench-kit/python"))
import peer_support  # noqa: E402  (found relative to this file)

WORKLOADS = ("mlp", "cnn", "gpt", "nanogpt", "ctr")
BATCH_SIZES = {"mlp": 1024, "cnn": 256, "gpt": 16, "nanogpt": 12, "ctr": 1024}
LOSS_NAMES = {"mlp": "sigmoidCrossEntropy", "cnn": "softmaxCrossEntropy", "gpt": "softmaxCrossEntropy",
              "nanogpt": "softmaxCrossEntropy",               "ctr": "sigmoidCrossEntropy"}
GPT_VOCABULARY, GPT_WIDTH, GPT_HEADS = 65, 128, 4
# (context, blocks) of the transformer workloads: gpt, and nanoGPT's CPU configuration for TinyShakespeare characters
GPT_SHAPES = {"gpt": (128, 2), "nanogpt": (64, 4)}
CTR_FIELDS, CTR_DENSE, CTR_TABLE_ROWS, CTR_WIDTH = 26, 13, 100_000, 16


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts, one process each")
    parser.add_argument("--batches", type=int, default=4, help="batches per epoch (the data set size)")
    parser.add_argument("--repetitions", type=int, default=5, help="timed repetitions; the median is reported")
    parser.add_argument("--min-seconds", type=float, default=0.3,
                        help="each repetition runs whole epochs until at least this long (calibrated on the warm-up)")
    parser.add_argument("--budget-seconds", type=float, default=30.0,
                        help="fewer repetitions (at least one) when they would take longer than this, per workload")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.workloads = [w for w in args.workloads.split(",") if w]
    unknown = [w for w in args.workloads if w not in WORKLOADS]
    if unknown:
        parser.error(f"unknown workload(s) {unknown}; use {','.join(WORKLOADS)}")
    args.threads = [int(t) for t in args.threads.split(",") if t]
    if not args.threads or min(args.threads) < 1 or args.batches < 1 or args.repetitions < 1:
        parser.error("--threads, --batches and --repetitions must be positive")
    return args


def default_openblas_coretype():
    """OpenBLAS 0.3.21 (Debian 12) does not recognise recent Intel server CPUs and falls back to generic SSE3
    kernels, which would make the PyTorch peer several times slower than it can be. On an Intel CPU with AVX-512 this
    returns "SkylakeX" (the newest AVX-512 kernels that release has) so the peer runs at its best; None otherwise,
    leaving OpenBLAS's own detection alone. An OPENBLAS_CORETYPE set by the user always wins."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as cpuinfo:
            text = cpuinfo.read()
    except OSError:
        return None
    intel = "GenuineIntel" in text
    flags = next((line for line in text.splitlines() if line.startswith("flags")), "")
    return "SkylakeX" if intel and " avx512f" in flags else None


def run_parent(args):
    """Runs one child process per thread count, with the thread variables set before torch is imported."""
    status = 0
    for threads in args.threads:
        env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads),
                   MKL_NUM_THREADS=str(threads))
        core = default_openblas_coretype()
        if core is not None and "OPENBLAS_CORETYPE" not in env:
            env["OPENBLAS_CORETYPE"] = core
        command = [sys.executable, os.path.abspath(__file__), "--child", "--threads", str(threads),
                   "--workloads", ",".join(args.workloads), "--batches", str(args.batches),
                   "--repetitions", str(args.repetitions), "--min-seconds", str(args.min_seconds),
                   "--budget-seconds", str(args.budget_seconds), "--seed", str(args.seed)]
        completed = subprocess.run(command, env=env, stdout=sys.stdout, stderr=sys.stderr, check=False)
        if completed.returncode != 0:
            print(f"torch_workloads: the {threads}-thread run exited with {completed.returncode}", file=sys.stderr)
            status = 1
    return status


# ----------------------------------------------------------------------------------------------------------------
# Workloads (imported lazily: torch must be imported after the thread variables are set)

def build(name, torch, batch_size, rows, generator):
    """Returns (model, loss_fn, inputs, targets); `inputs` is a tuple of tensors indexed by row."""
    nn, F = torch.nn, torch.nn.functional
    if name == "mlp":
        x = torch.randn(rows, 256, generator=generator)
        direction = torch.randn(256, 1, generator=generator)
        y = (x @ direction > 0).float()
        model = nn.Sequential(nn.Linear(256, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 1))
        return model, F.binary_cross_entropy_with_logits, (x,), y
    if name == "cnn":
        labels = torch.randint(0, 10, (rows,), generator=generator)
        prototypes = torch.randn(10, 1, 28, 28, generator=generator)
        x = prototypes[labels] + 0.5 * torch.randn(rows, 1, 28, 28, generator=generator)  # NCHW
        model = nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(5 * 5 * 64, 128), nn.ReLU(), nn.Linear(128, 10))
        return model, F.cross_entropy, (x,), labels
    if name in GPT_SHAPES:
        context, blocks = GPT_SHAPES[name]
        successors = torch.randint(0, GPT_VOCABULARY, (GPT_VOCABULARY, 3), generator=generator)
        stream = torch.empty(rows, context + 1, dtype=torch.long)
        token = torch.randint(0, GPT_VOCABULARY, (rows,), generator=generator)
        for t in range(context + 1):
            stream[:, t] = token
            u = torch.rand(rows, generator=generator)
            choice = (u >= 0.6).long() + (u >= 0.85).long()
            uniform = torch.randint(0, GPT_VOCABULARY, (rows,), generator=generator)
            token = torch.where(u < 0.95, successors[token, choice], uniform)
        model = TinyGpt(torch, context, blocks)

        def loss_fn(logits, targets):
            return F.cross_entropy(logits.reshape(-1, GPT_VOCABULARY), targets.reshape(-1))

        return model, loss_fn, (stream[:, :-1].contiguous(),), stream[:, 1:].contiguous()
    if name == "ctr":
        cardinality = torch.tensor([round(10 ** (1 + 4 * f / (CTR_FIELDS - 1))) for f in range(CTR_FIELDS)])
        raw = (cardinality * torch.rand(rows, CTR_FIELDS, generator=generator) ** 3).long()
        fields = torch.arange(CTR_FIELDS)
        ids = ((fields * 1_000_003 + raw * 2_654_435_761) % CTR_TABLE_ROWS).long()
        dense = torch.randn(rows, CTR_DENSE, generator=generator)
        effect = torch.randn(CTR_TABLE_ROWS, generator=generator) * 0.4
        logit = effect[ids].sum(1) + dense @ (0.5 * torch.randn(CTR_DENSE, generator=generator)) - 1
        y = (torch.rand(rows, generator=generator) < torch.sigmoid(logit)).float().unsqueeze(1)
        model = Ctr(torch)

        def loss_fn(logits, targets):
            return F.binary_cross_entropy_with_logits(logits, targets)

        return model, loss_fn, (ids, dense), y
    raise ValueError(name)


def TinyGpt(torch, context, blocks):
    nn, F = torch.nn, torch.nn.functional

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.ln2 = nn.LayerNorm(GPT_WIDTH), nn.LayerNorm(GPT_WIDTH)
            self.qkv, self.proj = nn.Linear(GPT_WIDTH, 3 * GPT_WIDTH), nn.Linear(GPT_WIDTH, GPT_WIDTH)
            self.fc, self.out = nn.Linear(GPT_WIDTH, 4 * GPT_WIDTH), nn.Linear(4 * GPT_WIDTH, GPT_WIDTH)

        def forward(self, x, mask):
            b, t, d = x.shape
            head = d // GPT_HEADS
            q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
            q, k, v = (m.view(b, t, GPT_HEADS, head).transpose(1, 2) for m in (q, k, v))
            scores = (q * head ** -0.5) @ k.transpose(-2, -1) + mask
            y = (F.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(b, t, d)
            x = x + self.proj(y)
            return x + self.out(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))

    class Gpt(nn.Module):
        """Pre-LayerNorm causal transformer LM with learned positions and logits tied to the token embedding."""

        def __init__(self):
            super().__init__()
            self.tokens = nn.Embedding(GPT_VOCABULARY, GPT_WIDTH)
            self.positions = nn.Parameter(torch.zeros(context, GPT_WIDTH))
            self.blocks = nn.ModuleList(Block() for _ in range(blocks))
            self.ln = nn.LayerNorm(GPT_WIDTH)
            mask = torch.full((context, context), -1e9).triu(1)
            self.register_buffer("mask", mask)
            for name, p in self.named_parameters():
                if p.dim() == 2:
                    nn.init.normal_(p, 0.0, 0.02)
                elif name.endswith("bias"):
                    nn.init.zeros_(p)

        def forward(self, tokens):
            x = self.tokens(tokens) + self.positions
            for block in self.blocks:
                x = block(x, self.mask)
            return self.ln(x) @ self.tokens.weight.t()

    return Gpt()


def Ctr(torch):
    nn = torch.nn

    class Model(nn.Module):
        """26 fields hashed into one 100,000 x 16 table (dense gradients), + 13 dense features, MLP 400-400-1."""

        def __init__(self):
            super().__init__()
            self.table = nn.Embedding(CTR_TABLE_ROWS, CTR_WIDTH)
            nn.init.normal_(self.table.weight, 0.0, 0.01)
            self.mlp = nn.Sequential(nn.Linear(CTR_FIELDS * CTR_WIDTH + CTR_DENSE, 400), nn.ReLU(),
                                     nn.Linear(400, 400), nn.ReLU(), nn.Linear(400, 1))

        def forward(self, ids, dense):
            embedded = self.table(ids).reshape(ids.shape[0], CTR_FIELDS * CTR_WIDTH)
            return self.mlp(torch.cat([embedded, dense], dim=1))

    return Model()


def measure(name, torch, args):
    batch_size = BATCH_SIZES[name]
    rows = batch_size * args.batches
    generator = torch.Generator().manual_seed(args.seed)
    torch.manual_seed(args.seed)
    model, loss_fn, inputs, targets = build(name, torch, batch_size, rows, generator)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    shuffle = torch.Generator().manual_seed(args.seed + 1)
    losses = []

    def epoch():
        order = torch.randperm(rows, generator=shuffle)
        for b in range(args.batches):
            index = order[b * batch_size:(b + 1) * batch_size]
            batch = tuple(t[index] for t in inputs)
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(*batch), targets[index])
            loss.backward()
            optimizer.step()
            losses.append(loss.item())

    started = time.perf_counter()
    epoch()  # warm-up: allocations, optimiser state, oneDNN primitive caches
    warmup = time.perf_counter() - started
    epochs_per_repetition = max(1, math.ceil(args.min_seconds / max(warmup, 1e-9)))
    repetitions = max(1, min(args.repetitions, math.floor(args.budget_seconds / (warmup * epochs_per_repetition))))
    rates = []
    for _ in range(repetitions):
        started = time.perf_counter()
        for _ in range(epochs_per_repetition):
            epoch()
        rates.append(epochs_per_repetition * rows / (time.perf_counter() - started))
    samples_per_sec = statistics.median(rates)
    record = {
        "workload": name,
        "backend": "torch",
        "threads": torch.get_num_threads(),
        "loss": LOSS_NAMES[name],
        "batchSize": batch_size,
        "samplesPerSec": round(samples_per_sec, 1),
        "stepMs": round(1000 * batch_size / samples_per_sec, 3),
        "repetitions": repetitions,
        "epochsPerRepetition": epochs_per_repetition,
        "batchesPerEpoch": args.batches,
        "spread": round((max(rates) - min(rates)) / samples_per_sec, 3),
        "firstLoss": round(losses[0], 4),
        "lastLoss": round(losses[-1], 4),
        "torch": torch.__version__,
    }
    if name in GPT_SHAPES:
        record["tokensPerSec"] = round(samples_per_sec * GPT_SHAPES[name][0])
    return record


def run_child(args):
    import torch  # after OMP_NUM_THREADS / OPENBLAS_NUM_THREADS were set by the parent

    threads = args.threads[0]
    torch.set_num_threads(threads)
    blas = peer_support.blas_fields()
    status = 0
    for name in args.workloads:
        try:
            record = measure(name, torch, args)
            record.update(blas)
        except Exception as error:  # report and go on with the next workload
            record = {"workload": name, "backend": "torch", "threads": threads, "error": peer_support.error_text(error)}
            status = 1
        peer_support.print_record(record)
    return status


def main(argv):
    args = parse_args(argv)
    if args.child:
        return run_child(args)
    return run_parent(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
