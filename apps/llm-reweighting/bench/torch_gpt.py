#!/usr/bin/env python3
"""PyTorch peer of the llm-reweighting training bench (apps/llm-reweighting/src/bench): the app's GPT (createGpt)
trained with plain next-token cross-entropy and AdamW, timed the way the runtime trainer times a step.

Model (createGpt's layout, nanoGPT's model.py without dropout): token embedding [V, d] plus a learned position
embedding [context, d]; `layers` pre-LayerNorm blocks x + Attn(LN(x)), x + MLP(LN(x)) with a fused QKV projection
Linear(d, 3d), `heads`-head causal softmax attention (scores / sqrt(d_h), future positions masked), an output
projection Linear(d, d) and an MLP Linear(d, 4d) -> tanh-GELU -> Linear(4d, d); a final LayerNorm; logits h . E^T tied
to the token embedding. Initialisation as createGpt: embeddings and matrices N(0, 0.02), the two residual output
projections of each block N(0, 0.02 / sqrt(2 * layers)), biases 0, LayerNorm gains 1 (eps 1e-5).
Loss: mean token cross-entropy over every position.
Optimiser: AdamW (lr, betas 0.9/0.99, eps 1e-7 as tfjs, weight decay on the matrices only: rank >= 2 parameters,
the embeddings included, as the app's `decay: 'matrices'`).
Data: `steps * batch` rows of `context + 1` seeded uniform-random token ids (inputs and their next tokens); step time
does not depend on the token values.
Timing: one untimed warm-up epoch, then `repetitions` epochs of `steps` steps (shuffled order); each step is timed from
the batch gather by index to the loss read back (`loss.item()`), as the runtime trainer's step time; tokens/s of an
epoch = its rows * context / the sum of its step times; the median over epochs is reported.

Run it once per thread count, with OMP_NUM_THREADS / OPENBLAS_NUM_THREADS / MKL_NUM_THREADS set by the caller before
Python starts; the script also calls torch.set_num_threads(--threads). It reports the BLAS libraries torch loaded
(`blas`; `openblasCore` for OpenBLAS): Debian's torch calls whatever libblas.so.3 is installed.
Prints one JSON line on stdout: {"backend": "torch", "threads": 1, "tokensPerSec": ..., ...}, or
{"backend": "torch", "threads": N, "error": "..."} when torch cannot be imported or the run fails.

Usage: python3 torch_gpt.py --threads 1 [--vocabulary 65 --layers 4 --heads 4 --width 128 --context 64 --batch 12
         --steps 10 --repetitions 5 --seed 1 --learning-rate 1e-3 --weight-decay 0.1]
"""
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)), "../../../packages/bench-kit/python"))
import peer_support  # noqa: E402  (found relative to this file)

# The command line: --name and its default; every integer option but --seed must be >= 1.
INT_OPTIONS = (("threads", 1), ("vocabulary", 65), ("layers", 4), ("heads", 4), ("width", 128), ("context", 64),
               ("batch", 12), ("steps", 10), ("repetitions", 5), ("seed", 1))
FLOAT_OPTIONS = (("learning-rate", 1e-3), ("weight-decay", 0.1))


def parse_args(argv):
    parser, args = peer_support.parse_options(argv, __doc__, INT_OPTIONS, FLOAT_OPTIONS)
    if args.width % args.heads != 0:
        parser.error(f"--width ({args.width}) must be a multiple of --heads ({args.heads})")
    return args


def build(torch, args):
    nn, F = torch.nn, torch.nn.functional
    d, heads, context = args.width, args.heads, args.context
    head_width = d // heads

    def normal(shape, std):
        return nn.Parameter(torch.randn(*shape) * std)

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            residual_std = 0.02 / math.sqrt(2 * args.layers)
            self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
            self.qkv, self.out = nn.Linear(d, 3 * d), nn.Linear(d, d)
            self.up, self.down = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)
            for layer, std in ((self.qkv, 0.02), (self.out, residual_std), (self.up, 0.02), (self.down, residual_std)):
                nn.init.normal_(layer.weight, 0.0, std)
                nn.init.zeros_(layer.bias)

        def forward(self, x, mask):
            b, t, _ = x.shape
            q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
            q, k, v = (m.view(b, t, heads, head_width).transpose(1, 2) for m in (q, k, v))
            scores = (q @ k.transpose(-2, -1)) * (head_width ** -0.5) + mask[:t, :t]
            attended = (F.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(b, t, d)
            x = x + self.out(attended)
            return x + self.down(F.gelu(self.up(self.ln2(x)), approximate="tanh"))

    class Gpt(nn.Module):
        def __init__(self):
            super().__init__()
            self.tokens = normal((args.vocabulary, d), 0.02)
            self.positions = normal((context, d), 0.02)
            self.blocks = nn.ModuleList(Block() for _ in range(args.layers))
            self.ln = nn.LayerNorm(d)
            self.register_buffer("mask", torch.full((context, context), float("-inf")).triu(1))

        def forward(self, ids):
            x = self.tokens[ids] + self.positions[: ids.shape[1]]
            for block in self.blocks:
                x = block(x, self.mask)
            return self.ln(x) @ self.tokens.t()

    return Gpt()


def measure(torch, args):
    F = torch.nn.functional
    generator = torch.Generator().manual_seed(args.seed)
    torch.manual_seed(args.seed)
    rows = args.steps * args.batch
    stream = torch.randint(0, args.vocabulary, (rows, args.context + 1), generator=generator)
    inputs, targets = stream[:, :-1].contiguous(), stream[:, 1:].contiguous()
    model = build(torch, args)
    model.train()
    decayed = [p for p in model.parameters() if p.dim() >= 2]
    other = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decayed, "weight_decay": args.weight_decay},
                                   {"params": other, "weight_decay": 0.0}],
                                  lr=args.learning_rate, betas=(0.9, 0.99), eps=1e-7)

    def loss_of(index):
        logits = model(inputs[index])
        return F.cross_entropy(logits.reshape(-1, args.vocabulary), targets[index].reshape(-1))

    rates, epoch_losses = peer_support.timed_epochs(torch, optimizer, rows, args.batch, args.steps, args.repetitions,
                                                    args.seed, loss_of, rows * args.context)
    return {
        **peer_support.timing_fields("tokensPerSec", rates, epoch_losses, args.steps, args.batch * args.context),
        "parameterCount": sum(p.numel() for p in model.parameters()),
    }


def main(argv):
    args = parse_args(argv)
    record = {"backend": "torch", "threads": args.threads, "batchSize": args.batch, "context": args.context}
    return peer_support.run_single_peer(record, args.threads, lambda torch: measure(torch, args))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
