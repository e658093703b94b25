#!/usr/bin/env python3
"""PyTorch peer of the air-pollution training bench (apps/air-pollution/src/bench): the app's MLP forecaster with the
`mae` objective, timed the way the runtime trainer times it.

Model (the layer sizes of createForecastModel, kind "mlp"): a shared trunk of `layers` x Linear(hidden) + ReLU over the
flattened window [history * features], then a weather head and a pollutant head, each Linear(headHidden) + ReLU ->
Linear(outputs); output = [weather head | pollutant head]. Glorot-uniform weights, zero biases.
Loss: masked MAE of each head, summed: sum(m * |y_hat - y|) / sum(m) per head (0 when nothing is observed), targets and
mask gathered from the horizon-major target order [h * V + v] (weather variables first) into each head's columns.
Optimiser: Adam (lr 1e-3, betas 0.9/0.999, eps 1e-7 as tfjs).
Data: `steps * batch` windows of standard-normal noise, 2 % of the targets missing (mask 0) - throughput does not
depend on the values.
Timing: one untimed warm-up epoch, then `repetitions` epochs of `steps` steps (shuffled order); each step is timed from
the batch gather by index to the loss read back (`loss.item()`), as the runtime trainer's step time; samples/s of an
epoch = its rows / the sum of its step times; the median over epochs is reported.

Run it once per thread count, with OMP_NUM_THREADS / OPENBLAS_NUM_THREADS / MKL_NUM_THREADS set by the caller before
Python starts; the script also calls torch.set_num_threads(--threads).
Prints one JSON line on stdout: {"backend": "torch", "threads": 1, "samplesPerSec": ..., ...}, or
{"backend": "torch", "threads": N, "error": "..."} when torch cannot be imported or the run fails.

Usage: python3 torch_forecaster.py --threads 1 [--history 48 --features 19 --weather 5 --pollutants 6 --horizons 3
         --hidden 64 --layers 2 --head-hidden 32 --batch 256 --steps 20 --repetitions 5 --seed 1]
"""
import argparse
import json
import os
import re
import statistics
import sys
import time


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name, default in (("threads", 1), ("history", 48), ("features", 19), ("weather", 5), ("pollutants", 6),
                          ("horizons", 3), ("hidden", 64), ("layers", 2), ("head-hidden", 32), ("batch", 256),
                          ("steps", 20), ("repetitions", 5), ("seed", 1)):
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--missing-rate", type=float, default=0.02)
    args = parser.parse_args(argv)
    for name in ("threads", "history", "features", "pollutants", "horizons", "hidden", "layers", "head_hidden",
                 "batch", "steps", "repetitions"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1, got {getattr(args, name)}")
    if args.weather < 0:
        parser.error(f"--weather must be >= 0, got {args.weather}")
    return args


def loaded_blas():
    """Real paths of the BLAS libraries mapped into this process (Debian's torch calls whatever libblas.so.3 is
    installed: the slow reference BLAS unless OpenBLAS is)."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = {line.split()[-1] for line in maps if "/" in line}
    except OSError:
        return []
    pattern = re.compile(r"^lib(open)?blas|^libblis|^libmkl")
    return sorted({os.path.realpath(p) for p in paths if pattern.search(os.path.basename(p))})


def openblas_core(paths):
    """OpenBLAS's name for the kernels it uses (e.g. "Haswell", "Zen"), or None."""
    import ctypes

    for path in paths:
        try:
            get_corename = ctypes.CDLL(path).openblas_get_corename
        except (OSError, AttributeError):
            continue
        get_corename.restype = ctypes.c_char_p
        return get_corename().decode()
    return None


def build(torch, args):
    nn = torch.nn
    horizons, weather, pollutants = args.horizons, args.weather, args.pollutants
    variables = weather + pollutants

    def linear(fan_in, units):
        layer = nn.Linear(fan_in, units)
        nn.init.xavier_uniform_(layer.weight)
        nn.init.zeros_(layer.bias)
        return layer

    def head(outputs):
        return nn.Sequential(linear(args.hidden, args.head_hidden), nn.ReLU(), linear(args.head_hidden, outputs))

    class Forecaster(nn.Module):
        def __init__(self):
            super().__init__()
            trunk, fan_in = [], args.history * args.features
            for _ in range(args.layers):
                trunk += [linear(fan_in, args.hidden), nn.ReLU()]
                fan_in = args.hidden
            self.trunk = nn.Sequential(*trunk)
            self.weather = head(horizons * weather) if weather > 0 else None
            self.pollutant = head(horizons * pollutants)

        def forward(self, x):
            features = self.trunk(x)
            pollutant = self.pollutant(features)
            return pollutant if self.weather is None else torch.cat([self.weather(features), pollutant], dim=1)

    # Target index h * V + v of each head element, in head order (horizon-major over the head's own variables).
    weather_index = torch.tensor([h * variables + w for h in range(horizons) for w in range(weather)], dtype=torch.long)
    pollutant_index = torch.tensor([h * variables + weather + p for h in range(horizons) for p in range(pollutants)],
                                   dtype=torch.long)

    def head_mae(targets, predictions, mask):
        observed = mask.sum()
        total = (mask * (predictions - targets).abs()).sum()
        return torch.where(observed > 0, total / observed.clamp_min(1e-12), torch.zeros_like(total))

    def loss_fn(predictions, targets, mask):
        w_out = horizons * weather
        loss = head_mae(targets.index_select(1, pollutant_index), predictions[:, w_out:],
                        mask.index_select(1, pollutant_index))
        if weather > 0:
            loss = loss + head_mae(targets.index_select(1, weather_index), predictions[:, :w_out],
                                   mask.index_select(1, weather_index))
        return loss

    return Forecaster(), loss_fn


def measure(torch, args):
    generator = torch.Generator().manual_seed(args.seed)
    torch.manual_seed(args.seed)
    rows = args.steps * args.batch
    width = args.horizons * (args.weather + args.pollutants)
    inputs = torch.randn(rows, args.history * args.features, generator=generator)
    mask = (torch.rand(rows, width, generator=generator) >= args.missing_rate).float()
    targets = torch.randn(rows, width, generator=generator) * mask
    model, loss_fn = build(torch, args)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.learning_rate, betas=(0.9, 0.999), eps=1e-7)
    shuffle = torch.Generator().manual_seed(args.seed + 1)
    epoch_losses = []

    def epoch():
        order = torch.randperm(rows, generator=shuffle)
        seconds, loss_sum = 0.0, 0.0
        for step in range(args.steps):
            started = time.perf_counter()
            index = order[step * args.batch:(step + 1) * args.batch]
            x, y, m = inputs[index], targets[index], mask[index]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y, m)
            loss.backward()
            optimizer.step()
            value = loss.item()
            seconds += time.perf_counter() - started
            loss_sum += value
        epoch_losses.append(loss_sum / args.steps)
        return rows / seconds

    epoch()  # warm-up: allocations, Adam state
    rates = [epoch() for _ in range(args.repetitions)]
    samples_per_sec = statistics.median(rates)
    return {
        "samplesPerSec": round(samples_per_sec, 1),
        "stepMs": round(1000 * args.batch / samples_per_sec, 3),
        "repetitions": args.repetitions,
        "stepsPerRepetition": args.steps,
        "spread": round((max(rates) - min(rates)) / samples_per_sec, 3),
        "firstLoss": round(epoch_losses[0], 4),
        "lastLoss": round(epoch_losses[-1], 4),
        "parameterCount": sum(p.numel() for p in model.parameters()),
    }


def main(argv):
    args = parse_args(argv)
    record = {"backend": "torch", "threads": args.threads, "batchSize": args.batch}
    try:
        import torch  # after the caller set the thread variables
    except Exception as error:  # ImportError, or a broken install
        record["error"] = f"torch cannot be imported: {type(error).__name__}: {error}"
        print(json.dumps(record), flush=True)
        return 1
    status = 0
    try:
        torch.set_num_threads(args.threads)
        blas = loaded_blas()
        record.update(measure(torch, args))
        record.update({"threads": torch.get_num_threads(), "torch": torch.__version__, "blas": blas})
        core = openblas_core(blas)
        if core is not None:
            record["openblasCore"] = core
    except Exception as error:
        record["error"] = f"{type(error).__name__}: {error}"
        status = 1
    record["env"] = {name: os.environ.get(name) for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                                             "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    print(json.dumps(record), flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
